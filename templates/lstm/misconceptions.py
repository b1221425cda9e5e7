"""Known mistakes of the ``lstm`` assignment, as wrong variants of the reference functions (trusted; never in a
bundle). Each keeps the reference's signature and cache layout; see ``autograder.grading.diagnose``.
"""

import numpy as np

from autograder.grading.diagnose import Misconception
from reference.activations import sigmoid
from reference.lstm import lstm_step_backward, lstm_step_forward


def step_torch_gate_order(x, h_prev, c_prev, W, U, b):
    K = h_prev.shape[1]
    a = x @ W + h_prev @ U + b
    i, f = sigmoid(a[:, :K]), sigmoid(a[:, K:2 * K])
    g, o = np.tanh(a[:, 2 * K:3 * K]), sigmoid(a[:, 3 * K:])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return o * tanh_c, c, (x, h_prev, c_prev, W, U, i, f, o, g, tanh_c)


def step_c_prev_not_carried(x, h_prev, c_prev, W, U, b):
    K = h_prev.shape[1]
    a = x @ W + h_prev @ U + b
    gates = sigmoid(a[:, :3 * K])
    i, f, o = gates[:, :K], gates[:, K:2 * K], gates[:, 2 * K:]
    g = np.tanh(a[:, 3 * K:])
    c = i * g
    tanh_c = np.tanh(c)
    return o * tanh_c, c, (x, h_prev, c_prev, W, U, i, f, o, g, tanh_c)


def step_h_without_tanh(x, h_prev, c_prev, W, U, b):
    K = h_prev.shape[1]
    a = x @ W + h_prev @ U + b
    gates = sigmoid(a[:, :3 * K])
    i, f, o = gates[:, :K], gates[:, K:2 * K], gates[:, 2 * K:]
    g = np.tanh(a[:, 3 * K:])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return o * c, c, (x, h_prev, c_prev, W, U, i, f, o, g, tanh_c)


def step_candidate_sigmoid(x, h_prev, c_prev, W, U, b):
    K = h_prev.shape[1]
    a = x @ W + h_prev @ U + b
    gates = sigmoid(a)
    i, f, o, g = gates[:, :K], gates[:, K:2 * K], gates[:, 2 * K:3 * K], gates[:, 3 * K:]
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return o * tanh_c, c, (x, h_prev, c_prev, W, U, i, f, o, g, tanh_c)


def step_backward_dc_prev_zero(dh, dc, cache):
    x, h_prev, c_prev, W, U, i, f, o, g, tanh_c = cache
    dc = dc + dh * o * (1.0 - tanh_c ** 2)
    da = np.concatenate([dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f), dh * tanh_c * o * (1.0 - o),
                         dc * i * (1.0 - g ** 2)], axis=1)
    return da @ W.T, da @ U.T, np.zeros_like(dc), x.T @ da, h_prev.T @ da, da.sum(axis=0)


def step_backward_dc_prev_without_f(dh, dc, cache):
    x, h_prev, c_prev, W, U, i, f, o, g, tanh_c = cache
    dc = dc + dh * o * (1.0 - tanh_c ** 2)
    da = np.concatenate([dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f), dh * tanh_c * o * (1.0 - o),
                         dc * i * (1.0 - g ** 2)], axis=1)
    return da @ W.T, da @ U.T, dc, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def step_backward_no_tanh_prime(dh, dc, cache):
    x, h_prev, c_prev, W, U, i, f, o, g, tanh_c = cache
    dc = dc + dh * o
    da = np.concatenate([dc * g * i * (1.0 - i), dc * c_prev * f * (1.0 - f), dh * tanh_c * o * (1.0 - o),
                         dc * i * (1.0 - g ** 2)], axis=1)
    return da @ W.T, da @ U.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def forward_c0_from_h0(X, h0, W, U, b):
    N, L, K = X.shape[0], X.shape[1], h0.shape[1]
    h, c = h0, np.array(h0, dtype=float)
    H = np.empty((N, L, K))
    steps = []
    for t in range(L):
        h, c, step_cache = lstm_step_forward(X[:, t, :], h, c, W, U, b)
        H[:, t, :] = h
        steps.append(step_cache)
    return H, steps


def forward_cell_reset(X, h0, W, U, b):
    N, L, K = X.shape[0], X.shape[1], h0.shape[1]
    h = h0
    H = np.empty((N, L, K))
    steps = []
    for t in range(L):
        h, c, step_cache = lstm_step_forward(X[:, t, :], h, np.zeros((N, K)), W, U, b)
        H[:, t, :] = h
        steps.append(step_cache)
    return H, steps


def bptt_cell_gradient_dropped(dH, cache):
    steps = cache
    x, h_prev, _, W, U = steps[0][:5]
    N, p, K, L = x.shape[0], x.shape[1], h_prev.shape[1], len(steps)
    dX = np.empty((N, L, p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(4 * K)
    dh_next = np.zeros((N, K))
    for t in reversed(range(L)):
        dX[:, t, :], dh_next, _, dW_t, dU_t, db_t = lstm_step_backward(dH[:, t, :] + dh_next, np.zeros((N, K)),
                                                                        steps[t])
        dW += dW_t
        dU += dU_t
        db += db_t
    return dX, dh_next, dW, dU, db


def bptt_truncated(dH, cache):
    steps = cache
    x, h_prev, _, W, U = steps[0][:5]
    N, p, K, L = x.shape[0], x.shape[1], h_prev.shape[1], len(steps)
    dX = np.empty((N, L, p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(4 * K)
    dc_next = np.zeros((N, K))
    for t in reversed(range(L)):
        dX[:, t, :], dh_prev, dc_next, dW_t, dU_t, db_t = lstm_step_backward(dH[:, t, :], dc_next, steps[t])
        dW += dW_t
        dU += dU_t
        db += db_t
    return dX, dh_prev, dW, dU, db


MISCONCEPTIONS = [
    Misconception("gate blocks in torch's order", "This assignment orders the four gate blocks input, forget, "
                  "output, candidate; torch.nn.LSTM puts the candidate before the output gate",
                  {"lstm_step_forward": step_torch_gate_order}),
    Misconception("previous cell state not carried", "The new cell state keeps a forgotten share of the previous "
                  "one and adds the gated candidate", {"lstm_step_forward": step_c_prev_not_carried}),
    Misconception("tanh of the cell state missing in h", "The output gate scales a squashed copy of the cell "
                  "state, not the cell state itself", {"lstm_step_forward": step_h_without_tanh}),
    Misconception("candidate squashed with the sigmoid", "Three blocks are gates (sigmoid, in [0, 1]); the "
                  "candidate values use tanh", {"lstm_step_forward": step_candidate_sigmoid}),
    Misconception("cell gradient not passed back", "c_prev feeds the new cell state, so a gradient flows back to "
                  "it", {"lstm_step_backward": step_backward_dc_prev_zero}),
    Misconception("forget gate missing from dc_prev", "The cell state flows to the next one through the forget "
                  "gate, and so does its gradient", {"lstm_step_backward": step_backward_dc_prev_without_f}),
    Misconception("tanh derivative missing on the path from h to c", "h depends on c through a tanh: the gradient "
                  "from h to c passes through that tanh's derivative",
                  {"lstm_step_backward": step_backward_no_tanh_prime}),
    Misconception("cell state started from h0", "The sequence starts from a zero cell state; h0 is the initial "
                  "hidden state only", {"lstm_forward": forward_c0_from_h0}),
    Misconception("cell state reset at every step", "The cell state is carried from each step to the next, like "
                  "the hidden state", {"lstm_forward": forward_cell_reset}),
    Misconception("cell gradient dropped between steps", "Backward through time, each step passes the gradient "
                  "of the cell state on to the step before, as well as that of h",
                  {"lstm_backward": bptt_cell_gradient_dropped}),
    Misconception("truncated backpropagation through time", "h_t also gets gradient from step t + 1 (through "
                  "h_prev there), not only from its own output", {"lstm_backward": bptt_truncated}),
]
