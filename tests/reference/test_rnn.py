"""Does the numpy RNN (steps, BPTT, embedding, readout) match torch and centred differences?"""

import numpy as np
import pytest
import torch

import reference.rnn as rnn
from reference.gradcheck import numerical_gradient, rel_error
from reference.torch_check import (
    torch_errors_embedding,
    torch_errors_readout,
    torch_errors_rnn,
    torch_errors_rnn_step,
)

# (N, L, p, K): include N = 1, L = 1 and K = 1.
SHAPES = [(1, 1, 1, 1), (2, 3, 4, 5), (3, 5, 2, 1), (1, 4, 3, 2), (4, 1, 3, 3)]
TOL = 1e-7


def draw(rng, N, L, p, K, activation):
    """Random X, h0, W, U, b; for ReLU redrawn until every pre-activation is >= 0.05 from the kink."""
    for _ in range(1000):
        X, h0 = rng.normal(size=(N, L, p)), rng.normal(size=(N, K))
        W, U = rng.normal(size=(p, K)) / np.sqrt(p), rng.normal(size=(K, K)) / np.sqrt(K)
        b = rng.normal(size=K) * 0.5
        if activation == "tanh" or min_abs_preactivation(X, h0, W, U, b) >= 0.05:
            return X, h0, W, U, b
    raise AssertionError("could not draw ReLU inputs away from the kink")


def min_abs_preactivation(X, h0, W, U, b):
    h, smallest = h0, np.inf
    for t in range(X.shape[1]):
        a = X[:, t] @ W + h @ U + b
        smallest, h = min(smallest, np.abs(a).min()), np.maximum(a, 0)
    return smallest


def centred_gradient(f, x, df, h=1e-3):
    """reference.gradcheck's centred differences at h and 2h, combined (Richardson) to cancel the
    h^2 error term: float64 rounding then limits the absolute error to ~1e-13, not ~1e-11."""
    return (4 * numerical_gradient(f, x, df, h) - numerical_gradient(f, x, df, 2 * h)) / 3


def numerical(forward, args, names, dout):
    """Centred-difference gradients of sum(forward(**args)[0] * dout) for each name."""
    return {n: centred_gradient(lambda v, n=n: forward(**{**args, n: v})[0], args[n], dout) for n in names}


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("shape", SHAPES)
def test_step_matches_numerical_gradient(activation, shape):
    N, _, p, K = shape
    rng = np.random.default_rng(10)
    X, h0, W, U, b = draw(rng, N, 1, p, K, activation)
    args = dict(x=X[:, 0], h_prev=h0, W=W, U=U, b=b, activation=activation)
    dh = rng.normal(size=(N, K))
    h, cache = rnn.rnn_step_forward(**args)
    grads = dict(zip(["x", "h_prev", "W", "U", "b"], rnn.rnn_step_backward(dh, cache)))
    num = numerical(rnn.rnn_step_forward, args, grads, dh)
    errors = {n: rel_error(grads[n], num[n]) for n in grads}
    assert max(errors.values()) <= TOL, errors


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("shape", SHAPES)
def test_bptt_matches_numerical_gradient(activation, shape):
    N, L, p, K = shape
    rng = np.random.default_rng(11)
    X, h0, W, U, b = draw(rng, N, L, p, K, activation)
    args = dict(X=X, h0=h0, W=W, U=U, b=b, activation=activation)
    dH = rng.normal(size=(N, L, K))
    H, cache = rnn.rnn_forward(**args)
    grads = dict(zip(["X", "h0", "W", "U", "b"], rnn.rnn_backward(dH, cache)))
    num = numerical(rnn.rnn_forward, args, grads, dH)
    errors = {n: rel_error(grads[n], num[n]) for n in grads}
    assert max(errors.values()) <= TOL, errors


@pytest.mark.parametrize("activation", ["tanh", "relu"])
@pytest.mark.parametrize("shape", SHAPES)
def test_step_and_bptt_match_torch(activation, shape):
    """Do outputs and all gradients agree with torch.nn.RNNCell / torch.nn.RNN?"""
    N, L, p, K = shape
    rng = np.random.default_rng(12)
    for errors in (torch_errors_rnn_step(rng, N, p, K, activation), torch_errors_rnn(rng, N, L, p, K, activation)):
        assert max(errors.values()) <= TOL, errors


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_forward_equals_torch_rnn_with_documented_mapping(activation):
    """weight_ih_l0 = W.T, weight_hh_l0 = U.T, bias_ih_l0 = b, bias_hh_l0 = 0."""
    rng = np.random.default_rng(13)
    X, h0, W, U, b = draw(rng, 3, 7, 4, 5, "tanh")
    net = torch.nn.RNN(4, 5, nonlinearity=activation, batch_first=True).double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(W.T))
        net.weight_hh_l0.copy_(torch.from_numpy(U.T))
        net.bias_ih_l0.copy_(torch.from_numpy(b))
        net.bias_hh_l0.zero_()
        H_torch, h_last = net(torch.from_numpy(X), torch.from_numpy(h0)[None])
    H, _ = rnn.rnn_forward(X, h0, W, U, b, activation)
    np.testing.assert_allclose(H, H_torch.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H[:, -1], h_last[0].numpy(), rtol=1e-12, atol=1e-14)
    state = rnn.to_torch_rnn_state(W, U, b)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(state[name], value.numpy())


def test_forward_reuses_step_function(monkeypatch):
    """Is rnn_forward built from one rnn_step_forward call per position?"""
    calls = []
    step = rnn.rnn_step_forward
    monkeypatch.setattr(rnn, "rnn_step_forward", lambda *a: calls.append(1) or step(*a))
    X, h0, W, U, b = draw(np.random.default_rng(0), 2, 6, 3, 4, "tanh")
    rnn.rnn_forward(X, h0, W, U, b)
    assert len(calls) == 6


@pytest.mark.parametrize("N, L, V, m", [(1, 1, 1, 1), (3, 5, 7, 4), (2, 6, 3, 2)])
def test_embedding_matches_torch_and_numerical_gradient(N, L, V, m):
    rng = np.random.default_rng(14)
    errors = torch_errors_embedding(rng, N, L, V, m)
    assert max(errors.values()) <= TOL, errors
    E, idx, dX = rng.normal(size=(V, m)), rng.integers(0, V, size=(N, L)), rng.normal(size=(N, L, m))
    dE = rnn.embedding_backward(dX, rnn.embedding_forward(idx, E)[1])
    dE_num = centred_gradient(lambda v: rnn.embedding_forward(idx, v)[0], E, dX)
    assert rel_error(dE, dE_num) <= TOL


def test_embedding_backward_adds_repeated_words():
    """Does a word used twice receive both gradients, and an unused word none?"""
    E = np.arange(6.0).reshape(3, 2)
    X, cache = rnn.embedding_forward(np.array([[2, 0, 2]]), E)
    np.testing.assert_array_equal(X[0], E[[2, 0, 2]])
    dE = rnn.embedding_backward(np.array([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]]), cache)
    np.testing.assert_array_equal(dE, [[3.0, 4.0], [0.0, 0.0], [6.0, 8.0]])


@pytest.mark.parametrize("N, K", [(1, 1), (5, 4), (2, 7)])
def test_readout_matches_torch_and_numerical_gradient(N, K):
    rng = np.random.default_rng(15)
    errors = torch_errors_readout(rng, N, K)
    assert max(errors.values()) <= TOL, errors
    h, beta, do = rng.normal(size=(N, K)), rng.normal(size=K), rng.normal(size=N)
    beta0 = np.array(0.3)
    dh, dbeta, dbeta0 = rnn.readout_backward(do, rnn.readout_forward(h, beta, beta0)[1])
    num = numerical(rnn.readout_forward, dict(h=h, beta=beta, beta0=beta0), ["h", "beta", "beta0"], do)
    assert rel_error(dh, num["h"]) <= TOL
    assert rel_error(dbeta, num["beta"]) <= TOL
    assert rel_error(dbeta0, num["beta0"]) <= TOL
    assert isinstance(dbeta0, float)
