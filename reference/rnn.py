"""A simple recurrent network (ISLP 10.5), many-to-one, as forward/backward pairs.

One step maps the input x_t and the previous hidden state h_{t-1} to

    h_t = g(x_t W + h_{t-1} U + b),        g in {tanh, ReLU},

with W: (p, K) input -> hidden, U: (K, K) hidden -> hidden and b: (K,). A sequence of
length L reuses the step L times (``rnn_forward``); backpropagation through time walks the
steps in reverse (``rnn_backward``). Words enter through an embedding E: (V, m) and the
last hidden state leaves through a linear readout o = beta0 + h_L beta.

Mapping to ``torch.nn.RNN(p, K, nonlinearity=activation, batch_first=True)``, see
``to_torch_rnn_state``: torch stores weights transposed and has two biases, so

    weight_ih_l0 = W.T  (K, p)     weight_hh_l0 = U.T  (K, K)
    bias_ih_l0   = b    (K,)       bias_hh_l0   = 0    (K,)

and ``torch_rnn(X, h0[None])`` returns ``(H, h_L[None])`` with our H: (N, L, K).
"""

from __future__ import annotations

import numpy as np

from .activations import ACTIVATIONS
from .validate import Dims, choice, scalar

RNN_ACTIVATIONS = ("tanh", "relu")


def rnn_step_forward(x, h_prev, W, U, b, activation="tanh"):
    """One step h = g(x W + h_prev U + b).

    Inputs:
    - x: (N, p) inputs at this step
    - h_prev: (N, K) previous hidden state
    - W: (p, K) input -> hidden weights
    - U: (K, K) hidden -> hidden weights
    - b: (K,) bias
    - activation: "tanh" or "relu"
    Returns:
    - h: (N, K) new hidden state
    - cache: values needed by rnn_step_backward
    """
    choice("activation", activation, RNN_ACTIVATIONS)
    d = Dims()
    W = d.array("W", W, "p K")
    U = d.array("U", U, "K K")
    b = d.array("b", b, "K")
    x = d.array("x", x, "N p")
    h_prev = d.array("h_prev", h_prev, "N K")
    g_forward, _ = ACTIVATIONS[activation]
    h, g_cache = g_forward(x @ W + h_prev @ U + b)
    return h, (x, h_prev, W, U, activation, g_cache)


def rnn_step_backward(dh, cache):
    """Backward of one RNN step.

    Inputs:
    - dh: (N, K) upstream gradient on h
    - cache: from rnn_step_forward
    Returns:
    - dx: (N, p)
    - dh_prev: (N, K)
    - dW: (p, K)
    - dU: (K, K)
    - db: (K,)
    """
    x, h_prev, W, U, activation, g_cache = cache
    dh = Dims(N=h_prev.shape[0], K=h_prev.shape[1]).array("dh", dh, "N K")
    _, g_backward = ACTIVATIONS[activation]
    da = g_backward(dh, g_cache)  # gradient on the pre-activation a = x W + h_prev U + b
    return da @ W.T, da @ U.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def rnn_forward(X, h0, W, U, b, activation="tanh"):
    """Run the RNN over a whole sequence, one rnn_step_forward per position.

    Inputs:
    - X: (N, L, p) input sequences
    - h0: (N, K) initial hidden state
    - W: (p, K), U: (K, K), b: (K,) as in rnn_step_forward
    - activation: "tanh" or "relu"
    Returns:
    - H: (N, L, K) hidden states h_1, ..., h_L
    - cache: the list of step caches
    """
    choice("activation", activation, RNN_ACTIVATIONS)
    d = Dims()
    W = d.array("W", W, "p K")
    U = d.array("U", U, "K K")
    b = d.array("b", b, "K")
    X = d.array("X", X, "N L p")
    h = d.array("h0", h0, "N K")
    N, L, K = X.shape[0], X.shape[1], W.shape[1]
    if L == 0:
        raise ValueError(f"X has shape {X.shape}; expected (N, L, p) with L >= 1")
    H = np.empty((N, L, K))
    steps = []
    for t in range(L):
        h, step_cache = rnn_step_forward(X[:, t, :], h, W, U, b, activation)
        H[:, t, :] = h
        steps.append(step_cache)
    return H, steps


def rnn_backward(dH, cache):
    """Backpropagation through time.

    h_t feeds both the loss (upstream dH[:, t]) and the next step, so its total gradient
    is dH[:, t] plus the dh_prev returned by step t + 1.

    Inputs:
    - dH: (N, L, K) upstream gradient on every hidden state
    - cache: from rnn_forward
    Returns:
    - dX: (N, L, p)
    - dh0: (N, K)
    - dW: (p, K)
    - dU: (K, K)
    - db: (K,)
    """
    steps = cache
    x, h_prev, W, U = steps[0][:4]
    N, p, K = x.shape[0], x.shape[1], W.shape[1]
    dH = Dims(N=N, L=len(steps), K=K).array("dH", dH, "N L K")
    dX = np.empty((N, len(steps), p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(K)
    dh_next = np.zeros((N, K))
    for t in reversed(range(len(steps))):
        dX[:, t, :], dh_next, dW_t, dU_t, db_t = rnn_step_backward(dH[:, t, :] + dh_next, steps[t])
        dW += dW_t
        dU += dU_t
        db += db_t
    return dX, dh_next, dW, dU, db


def embedding_forward(idx, E):
    """Look up word vectors: X[n, t] = E[idx[n, t]].

    Inputs:
    - idx: (N, L) integer word indices in [0, V)
    - E: (V, m) embedding matrix
    Returns:
    - X: (N, L, m)
    - cache: (idx, V)
    """
    d = Dims()
    E = d.array("E", E, "V m")
    idx = d.int_array("idx", idx, "N L", 0, E.shape[0])
    return E[idx], (idx, E.shape[0])


def embedding_backward(dX, cache):
    """Backward of the embedding: each row of E collects the gradients of its uses.

    A word may occur several times, so the sum uses np.add.at (plain fancy-index
    assignment would keep only one of the repeated updates).

    Inputs:
    - dX: (N, L, m) upstream gradient
    - cache: from embedding_forward
    Returns:
    - dE: (V, m)
    """
    idx, V = cache
    dX = Dims(N=idx.shape[0], L=idx.shape[1]).array("dX", dX, "N L m")
    dE = np.zeros((V, dX.shape[2]))
    np.add.at(dE, idx, dX)
    return dE


def readout_forward(h, beta, beta0):
    """Linear readout of the last hidden state: o = beta0 + h beta.

    Inputs:
    - h: (N, K) hidden states
    - beta: (K,) readout weights
    - beta0: scalar intercept
    Returns:
    - o: (N,)
    - cache: (h, beta)
    """
    d = Dims()
    beta = d.array("beta", beta, "K")
    h = d.array("h", h, "N K")
    beta0 = scalar("beta0", beta0)
    return beta0 + h @ beta, (h, beta)


def readout_backward(do, cache):
    """Backward of the readout.

    Inputs:
    - do: (N,) upstream gradient on o
    - cache: from readout_forward
    Returns:
    - dh: (N, K)
    - dbeta: (K,)
    - dbeta0: float
    """
    h, beta = cache
    do = Dims(N=h.shape[0]).array("do", do, "N")
    return np.outer(do, beta), h.T @ do, float(do.sum())


def to_torch_rnn_state(W, U, b):
    """Our (W, U, b) as the state dict of torch.nn.RNN(p, K) (numpy arrays; torch not imported).

    Inputs:
    - W: (p, K), U: (K, K), b: (K,)
    Returns:
    - dict with weight_ih_l0: (K, p), weight_hh_l0: (K, K), bias_ih_l0: (K,), bias_hh_l0: (K,)
    """
    d = Dims()
    W = d.array("W", W, "p K")
    U = d.array("U", U, "K K")
    b = d.array("b", b, "K")
    return {
        "weight_ih_l0": W.T.copy(),
        "weight_hh_l0": U.T.copy(),
        "bias_ih_l0": b.copy(),
        "bias_hh_l0": np.zeros_like(b),
    }
