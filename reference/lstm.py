"""Long short-term memory (LSTM) layer as forward/backward pairs.

One step takes x_t, the previous hidden state h_{t-1} and the previous cell state
c_{t-1}. The four gates come from one affine map split into K-column blocks in the order
input, forget, output, candidate (i, f, o, g):

    a = x_t W + h_{t-1} U + b               W: (p, 4K), U: (K, 4K), b: (4K,)
    i = sigma(a_i)   f = sigma(a_f)   o = sigma(a_o)   g = tanh(a_g)
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Mapping to ``torch.nn.LSTM(p, K, batch_first=True)``, see ``to_torch_lstm_state``: torch
stores weights transposed, orders its gate blocks i, f, g, o (ours i, f, o, g: the last two
swap) and has two biases b_ih + b_hh, so

    weight_ih_l0 = W[:, ifgo].T  (4K, p)    weight_hh_l0 = U[:, ifgo].T  (4K, K)
    bias_ih_l0   = b[ifgo]       (4K,)      bias_hh_l0   = 0             (4K,)

where ``ifgo`` reorders our column blocks to torch's. ``torch_lstm(X, (h0[None], c0[None]))``
with c0 = 0 returns our H: (N, L, K) first.
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid
from .validate import Dims


def lstm_step_forward(x, h_prev, c_prev, W, U, b):
    """One LSTM step.

    Inputs:
    - x: (N, p) inputs at this step
    - h_prev: (N, K) previous hidden state
    - c_prev: (N, K) previous cell state
    - W: (p, 4K) input -> gates weights, blocks (i, f, o, g)
    - U: (K, 4K) hidden -> gates weights, blocks (i, f, o, g)
    - b: (4K,) gate biases
    Returns:
    - h: (N, K) new hidden state
    - c: (N, K) new cell state
    - cache: values needed by lstm_step_backward
    """
    d = Dims()
    W = d.array("W", W, "p 4K")
    U = d.array("U", U, "K 4K")
    b = d.array("b", b, "4K")
    x = d.array("x", x, "N p")
    h_prev = d.array("h_prev", h_prev, "N K")
    c_prev = d.array("c_prev", c_prev, "N K")
    K = h_prev.shape[1]
    a = x @ W + h_prev @ U + b
    gates = sigmoid(a[:, :3 * K])  # i, f, o in one call
    i, f, o = gates[:, :K], gates[:, K:2 * K], gates[:, 2 * K:]
    g = np.tanh(a[:, 3 * K:])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return h, c, (x, h_prev, c_prev, W, U, i, f, o, g, tanh_c)


def lstm_step_backward(dh, dc, cache):
    """Backward of one LSTM step.

    c_t reaches the loss directly (upstream dc) and through h_t = o * tanh(c_t).

    Inputs:
    - dh: (N, K) upstream gradient on h
    - dc: (N, K) upstream gradient on c
    - cache: from lstm_step_forward
    Returns:
    - dx: (N, p)
    - dh_prev: (N, K)
    - dc_prev: (N, K)
    - dW: (p, 4K)
    - dU: (K, 4K)
    - db: (4K,)
    """
    x, h_prev, c_prev, W, U, i, f, o, g, tanh_c = cache
    d = Dims(N=h_prev.shape[0], K=h_prev.shape[1])
    dh = d.array("dh", dh, "N K")
    dc = d.array("dc", dc, "N K")
    dc = dc + dh * o * (1.0 - tanh_c**2)  # total gradient on c_t
    da = np.concatenate(
        [
            dc * g * i * (1.0 - i),  # input gate
            dc * c_prev * f * (1.0 - f),  # forget gate
            dh * tanh_c * o * (1.0 - o),  # output gate
            dc * i * (1.0 - g**2),  # candidate
        ],
        axis=1,
    )
    return da @ W.T, da @ U.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def lstm_forward(X, h0, W, U, b):
    """Run the LSTM over a whole sequence from c0 = 0, one lstm_step_forward per position.

    Inputs:
    - X: (N, L, p) input sequences
    - h0: (N, K) initial hidden state
    - W: (p, 4K), U: (K, 4K), b: (4K,) as in lstm_step_forward
    Returns:
    - H: (N, L, K) hidden states h_1, ..., h_L
    - cache: the list of step caches
    """
    d = Dims()
    W = d.array("W", W, "p 4K")
    U = d.array("U", U, "K 4K")
    b = d.array("b", b, "4K")
    X = d.array("X", X, "N L p")
    h = d.array("h0", h0, "N K")
    N, L, K = X.shape[0], X.shape[1], h.shape[1]
    if L == 0:
        raise ValueError(f"X has shape {X.shape}; expected (N, L, p) with L >= 1")
    c = np.zeros((N, K))
    H = np.empty((N, L, K))
    steps = []
    for t in range(L):
        h, c, step_cache = lstm_step_forward(X[:, t, :], h, c, W, U, b)
        H[:, t, :] = h
        steps.append(step_cache)
    return H, steps


def lstm_backward(dH, cache):
    """Backpropagation through time for the LSTM.

    Inputs:
    - dH: (N, L, K) upstream gradient on every hidden state
    - cache: from lstm_forward
    Returns:
    - dX: (N, L, p)
    - dh0: (N, K)
    - dW: (p, 4K)
    - dU: (K, 4K)
    - db: (4K,)
    """
    steps = cache
    x, h_prev, _, W, U = steps[0][:5]
    N, p, K, L = x.shape[0], x.shape[1], h_prev.shape[1], len(steps)
    dH = Dims(N=N, L=L, K=K).array("dH", dH, "N L K")
    dX = np.empty((N, L, p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(4 * K)
    dh_next, dc_next = np.zeros((N, K)), np.zeros((N, K))
    for t in reversed(range(L)):
        dX[:, t, :], dh_next, dc_next, dW_t, dU_t, db_t = lstm_step_backward(
            dH[:, t, :] + dh_next, dc_next, steps[t]
        )
        dW += dW_t
        dU += dU_t
        db += db_t
    return dX, dh_next, dW, dU, db


def _torch_order(K: int) -> np.ndarray:
    """Column indices taking our gate blocks (i, f, o, g) to torch's (i, f, g, o)."""
    i, f, o, g = (np.arange(k * K, (k + 1) * K) for k in range(4))
    return np.concatenate([i, f, g, o])


def to_torch_lstm_state(W, U, b):
    """Our (W, U, b) as the state dict of torch.nn.LSTM(p, K) (numpy arrays; torch not imported).

    Inputs:
    - W: (p, 4K), U: (K, 4K), b: (4K,) with gate blocks (i, f, o, g)
    Returns:
    - dict with weight_ih_l0: (4K, p), weight_hh_l0: (4K, K), bias_ih_l0: (4K,),
      bias_hh_l0: (4K,), gate blocks in torch's order (i, f, g, o)
    """
    d = Dims()
    W = d.array("W", W, "p 4K")
    U = d.array("U", U, "K 4K")
    b = d.array("b", b, "4K")
    order = _torch_order(U.shape[0])
    return {
        "weight_ih_l0": W[:, order].T.copy(),
        "weight_hh_l0": U[:, order].T.copy(),
        "bias_ih_l0": b[order].copy(),
        "bias_hh_l0": np.zeros_like(b),
    }


def from_torch_lstm_order(a, K: int, axis: int = -1):
    """Reorder gate blocks along ``axis`` from torch's (i, f, g, o) to ours (i, f, o, g).

    The swap is its own inverse; useful to compare torch's gradients with ours, e.g.
    ``dW = from_torch_lstm_order(lstm.weight_ih_l0.grad.numpy(), K, axis=0).T``.

    Inputs:
    - a: array whose ``axis`` has length 4K
    Returns:
    - the same array with blocks 2 and 3 of ``axis`` swapped
    """
    a = np.asarray(a)
    if a.shape[axis] != 4 * K:
        raise ValueError(f"a has shape {a.shape}; expected axis {axis} of length 4K = {4 * K}")
    return np.take(a, _torch_order(K), axis=axis)
