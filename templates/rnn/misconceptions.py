"""Known mistakes of the ``rnn`` assignment, as wrong variants of the reference functions (trusted; never in a
bundle). Each variant keeps the reference's signature and is written as a student gets it wrong; the engine
(``autograder.grading.diagnose``) runs them on a failing test's hidden inputs and names a unique match.
"""

import numpy as np

from autograder.grading.diagnose import Misconception
from reference.activations import ACTIVATIONS
from reference.rnn import rnn_step_backward, rnn_step_forward


def step_no_bias(x, h_prev, W, U, b, activation="tanh"):
    g_forward, _ = ACTIVATIONS[activation]
    h, g_cache = g_forward(x @ W + h_prev @ U)
    return h, (x, h_prev, W, U, activation, g_cache)


def step_U_transposed(x, h_prev, W, U, b, activation="tanh"):
    g_forward, _ = ACTIVATIONS[activation]
    h, g_cache = g_forward(x @ W + h_prev @ U.T + b)
    return h, (x, h_prev, W, U, activation, g_cache)


def step_forward_keeps_a(x, h_prev, W, U, b, activation="tanh"):
    a = x @ W + h_prev @ U + b
    h = np.tanh(a)
    return h, (x, h_prev, W, U, a, h)


def step_backward_tanh_of_a(dh, cache):
    x, h_prev, W, U, a, h = cache
    da = dh * (1 - a ** 2)
    return da @ W.T, da @ U.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def step_backward_relu_at_zero(dh, cache):
    x, h_prev, W, U, activation, a = cache
    da = dh * (a >= 0)
    return da @ W.T, da @ U.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def step_backward_U_not_transposed(dh, cache):
    x, h_prev, W, U, activation, g_cache = cache
    _, g_backward = ACTIVATIONS[activation]
    da = g_backward(dh, g_cache)
    return da @ W.T, da @ U, x.T @ da, h_prev.T @ da, da.sum(axis=0)


def step_backward_db_mean(dh, cache):
    x, h_prev, W, U, activation, g_cache = cache
    _, g_backward = ACTIVATIONS[activation]
    da = g_backward(dh, g_cache)
    return da @ W.T, da @ U.T, x.T @ da, h_prev.T @ da, da.mean(axis=0)


def forward_h0_every_step(X, h0, W, U, b, activation="tanh"):
    N, L, K = X.shape[0], X.shape[1], W.shape[1]
    H = np.empty((N, L, K))
    steps = []
    for t in range(L):
        h, step_cache = rnn_step_forward(X[:, t, :], h0, W, U, b, activation)
        H[:, t, :] = h
        steps.append(step_cache)
    return H, steps


def bptt_truncated(dH, cache):
    steps = cache
    x, h_prev, W, U = steps[0][:4]
    N, p, K = x.shape[0], x.shape[1], W.shape[1]
    dX = np.empty((N, len(steps), p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(K)
    for t in reversed(range(len(steps))):
        dX[:, t, :], dh_prev, dW_t, dU_t, db_t = rnn_step_backward(dH[:, t, :], steps[t])
        dW += dW_t
        dU += dU_t
        db += db_t
    return dX, dh_prev, dW, dU, db


def bptt_dh0_dropped(dH, cache):
    steps = cache
    x, h_prev, W, U = steps[0][:4]
    N, p, K = x.shape[0], x.shape[1], W.shape[1]
    dX = np.empty((N, len(steps), p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(K)
    dh_next = np.zeros((N, K))
    for t in reversed(range(len(steps))):
        dX[:, t, :], dh_next, dW_t, dU_t, db_t = rnn_step_backward(dH[:, t, :] + dh_next, steps[t])
        dW += dW_t
        dU += dU_t
        db += db_t
    return dX, np.zeros((N, K)), dW, dU, db


def bptt_weights_last_step(dH, cache):
    steps = cache
    x, h_prev, W, U = steps[0][:4]
    N, p, K = x.shape[0], x.shape[1], W.shape[1]
    dX = np.empty((N, len(steps), p))
    dh_next = np.zeros((N, K))
    for t in reversed(range(len(steps))):
        dX[:, t, :], dh_next, dW, dU, db = rnn_step_backward(dH[:, t, :] + dh_next, steps[t])
    return dX, dh_next, dW, dU, db


def embedding_backward_overwrites(dX, cache):
    idx, V = cache
    dE = np.zeros((V, dX.shape[2]))
    dE[idx] += dX
    return dE


def readout_no_intercept(h, beta, beta0):
    return h @ beta, (h, beta)


def readout_backward_mean(do, cache):
    h, beta = cache
    return np.outer(do, beta), h.T @ do / len(do), float(do.sum())


MISCONCEPTIONS = [
    Misconception("missing bias", "The pre-activation of a step has three terms: the input's, the previous "
                  "state's and the bias b; yours leaves one out", {"rnn_step_forward": step_no_bias}),
    Misconception("recurrent weights transposed", "h_prev (N, K) multiplies U as it is; with a square U a "
                  "transposed product has the right shape and the wrong values", {"rnn_step_forward": step_U_transposed}),
    Misconception("tanh gradient from the pre-activation", "The derivative of tanh is written with tanh's output "
                  "(the new hidden state), not with its input",
                  {"rnn_step_forward": step_forward_keeps_a, "rnn_step_backward": step_backward_tanh_of_a},
                  only={"activation": "tanh"}),
    Misconception("ReLU gradient passed at zero", "ReLU's derivative is 0 where the pre-activation is 0 or below; "
                  "yours lets the gradient through at exactly 0",
                  {"rnn_step_backward": step_backward_relu_at_zero}, only={"activation": "relu"}),
    Misconception("U instead of its transpose in the backward pass", "Going backward through a product with U, "
                  "the gradient is multiplied by the transpose of what the forward used",
                  {"rnn_step_backward": step_backward_U_not_transposed}),
    Misconception("bias gradient averaged over the batch", "The bias is shared by every example of the batch, so "
                  "its gradient adds their contributions instead of averaging them",
                  {"rnn_step_backward": step_backward_db_mean}),
    Misconception("hidden state not carried forward", "Each step must start from the state the previous step "
                  "produced; yours starts every step from h0", {"rnn_forward": forward_h0_every_step}),
    Misconception("truncated backpropagation through time", "h_t also gets gradient from step t + 1 (through "
                  "h_prev there), not only from its own output", {"rnn_backward": bptt_truncated}),
    Misconception("dh0 dropped", "The initial state is an input of the first step: its gradient is what flows "
                  "out of that step, not zero", {"rnn_backward": bptt_dh0_dropped}),
    Misconception("weight gradients from the last step only", "W, U and b are shared by every step, so their "
                  "gradients add up over all steps", {"rnn_backward": bptt_weights_last_step}),
    Misconception("embedding gradient overwritten instead of accumulated", "A word used several times gets the "
                  "sum of the gradients of all its uses; a fancy-index update keeps only one of them",
                  {"embedding_backward": embedding_backward_overwrites}),
    Misconception("readout without its intercept", "The readout is an affine map: beta0 is added to every "
                  "example's output", {"readout_forward": readout_no_intercept}),
    Misconception("readout gradient averaged over the batch", "beta is shared by the batch, so its gradient sums "
                  "the examples' contributions", {"readout_backward": readout_backward_mean}),
]
