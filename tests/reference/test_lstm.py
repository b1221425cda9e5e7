"""Does the numpy LSTM (step and BPTT) match torch and centred differences?"""

import numpy as np
import pytest
import torch

import reference.lstm as lstm
from reference.gradcheck import numerical_gradient, rel_error
from reference.torch_check import torch_errors_lstm, torch_errors_lstm_step

# (N, L, p, K): include N = 1, L = 1 and K = 1.
SHAPES = [(1, 1, 1, 1), (2, 3, 4, 5), (3, 4, 2, 1), (1, 5, 3, 2), (4, 1, 3, 3)]
TOL = 1e-7


def draw(rng, N, L, p, K):
    X, h0 = rng.normal(size=(N, L, p)), rng.normal(size=(N, K))
    W, U = rng.normal(size=(p, 4 * K)) / np.sqrt(p), rng.normal(size=(K, 4 * K)) / np.sqrt(K)
    return X, h0, W, U, rng.normal(size=4 * K) * 0.5


def centred_gradient(f, x, df, h=1e-3):
    """reference.gradcheck's centred differences at h and 2h, combined (Richardson) to cancel the
    h^2 error term: float64 rounding then limits the absolute error to ~1e-13, not ~1e-11."""
    return (4 * numerical_gradient(f, x, df, h) - numerical_gradient(f, x, df, 2 * h)) / 3


def numerical(forward, args, names, douts):
    """Centred-difference gradients of sum_k sum(forward(**args)[k] * douts[k]) for each name.

    The outputs are stacked and differenced entry by entry (summing them first would lose digits).
    """
    def outputs(n, v):
        return np.stack(forward(**{**args, n: v})[:len(douts)])

    return {n: centred_gradient(lambda v, n=n: outputs(n, v), args[n], np.stack(douts)) for n in names}


@pytest.mark.parametrize("shape", SHAPES)
def test_step_matches_numerical_gradient(shape):
    """Are all six step gradients right when both h and c receive upstream gradients?"""
    N, _, p, K = shape
    rng = np.random.default_rng(20)
    X, h0, W, U, b = draw(rng, N, 1, p, K)
    args = dict(x=X[:, 0], h_prev=h0, c_prev=rng.normal(size=(N, K)), W=W, U=U, b=b)
    dh, dc = rng.normal(size=(N, K)), rng.normal(size=(N, K))
    *_, cache = lstm.lstm_step_forward(**args)
    grads = dict(zip(["x", "h_prev", "c_prev", "W", "U", "b"], lstm.lstm_step_backward(dh, dc, cache)))
    num = numerical(lstm.lstm_step_forward, args, grads, [dh, dc])
    errors = {n: rel_error(grads[n], num[n]) for n in grads}
    assert max(errors.values()) <= TOL, errors


@pytest.mark.parametrize("shape", SHAPES)
def test_bptt_matches_numerical_gradient(shape):
    N, L, p, K = shape
    rng = np.random.default_rng(21)
    X, h0, W, U, b = draw(rng, N, L, p, K)
    args = dict(X=X, h0=h0, W=W, U=U, b=b)
    dH = rng.normal(size=(N, L, K))
    H, cache = lstm.lstm_forward(**args)
    grads = dict(zip(["X", "h0", "W", "U", "b"], lstm.lstm_backward(dH, cache)))
    num = numerical(lstm.lstm_forward, args, grads, [dH])
    errors = {n: rel_error(grads[n], num[n]) for n in grads}
    assert max(errors.values()) <= TOL, errors


@pytest.mark.parametrize("shape", SHAPES)
def test_step_and_bptt_match_torch(shape):
    """Do outputs and all gradients agree with torch.nn.LSTMCell / torch.nn.LSTM?"""
    N, L, p, K = shape
    rng = np.random.default_rng(22)
    for errors in (torch_errors_lstm_step(rng, N, p, K), torch_errors_lstm(rng, N, L, p, K)):
        assert max(errors.values()) <= TOL, errors


def test_forward_equals_torch_lstm_with_documented_mapping():
    """Torch orders gate blocks (i, f, g, o), ours (i, f, o, g); torch has b_ih + b_hh."""
    N, L, p, K = 3, 7, 4, 5
    X, h0, W, U, b = draw(np.random.default_rng(23), N, L, p, K)
    i, f, o, g = (slice(k * K, (k + 1) * K) for k in range(4))

    def torch_order(a):
        return np.concatenate([a[..., i], a[..., f], a[..., g], a[..., o]], axis=-1)

    net = torch.nn.LSTM(p, K, batch_first=True).double()
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(torch_order(W).T))
        net.weight_hh_l0.copy_(torch.from_numpy(torch_order(U).T))
        net.bias_ih_l0.copy_(torch.from_numpy(torch_order(b) / 2))
        net.bias_hh_l0.copy_(torch.from_numpy(torch_order(b) / 2))
        H_torch, (h_last, c_last) = net(torch.from_numpy(X), (torch.from_numpy(h0)[None], torch.zeros(1, N, K,
                                                                                                dtype=torch.float64)))
    H, _ = lstm.lstm_forward(X, h0, W, U, b)
    np.testing.assert_allclose(H, H_torch.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(H[:, -1], h_last[0].numpy(), rtol=1e-12, atol=1e-14)

    state = lstm.to_torch_lstm_state(W, U, b)
    np.testing.assert_array_equal(state["weight_ih_l0"], torch_order(W).T)
    np.testing.assert_array_equal(state["weight_hh_l0"], torch_order(U).T)
    np.testing.assert_array_equal(state["bias_ih_l0"] + state["bias_hh_l0"], torch_order(b))
    np.testing.assert_array_equal(lstm.from_torch_lstm_order(torch_order(W), K), W)


def test_step_gates_by_hand():
    """With zero weights and bias, are i = f = o = 1/2 and g = 0, so c = c_prev / 2?"""
    c_prev = np.array([[2.0, -4.0]])
    h, c, _ = lstm.lstm_step_forward(np.ones((1, 3)), np.ones((1, 2)), c_prev,
                                     np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8))
    np.testing.assert_allclose(c, c_prev / 2)
    np.testing.assert_allclose(h, 0.5 * np.tanh(c_prev / 2))


def test_forward_reuses_step_function(monkeypatch):
    """Is lstm_forward built from one lstm_step_forward call per position?"""
    calls = []
    step = lstm.lstm_step_forward
    monkeypatch.setattr(lstm, "lstm_step_forward", lambda *a: calls.append(1) or step(*a))
    lstm.lstm_forward(*draw(np.random.default_rng(0), 2, 6, 3, 4))
    assert len(calls) == 6
