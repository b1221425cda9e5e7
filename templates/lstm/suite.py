"""Hidden tests of the ``lstm`` assignment: one LSTM step and the whole sequence.

Gate blocks are (i, f, o, g) as in ``reference.lstm``. A backward pass receives the cache of the
student's own forward. A sequence result that differs from the reference but equals running the
student's *own* step functions along the sequence still passes, so a wrong step costs the step
question only -- when those step functions compute something (their output varies and moves when x or
h_prev moves; backward, when dh moves), run in a fresh process (``fresh``) that never saw the sequence
call, so that a step function cannot replay what the sequence function returned.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.suites._support import Arg, GradingFailure, StudentCodeError, call, fresh, varies
from autograder.suites._support import flat as _flat
from autograder.suites._support import informative as _informative
from reference import lstm as ref

STEP_GRADS = ("dx", "dh_prev", "dc_prev", "dW", "dU", "db")
STEP_SPECS = ("(N, p)", "(N, K)", "(N, K)", "(p, 4K)", "(K, 4K)", "(4K,)")
SEQ_GRADS = ("dX", "dh0", "dW", "dU", "db")
SEQ_SPECS = ("(N, L, p)", "(N, K)", "(p, 4K)", "(K, 4K)", "(4K,)")
GATE_HINT = "the four K-column blocks of x W + h_prev U + b are the gates in the order i, f, o, g"


def _sizes(rng, N=None, L=None):
    return (int(N or rng.integers(2, 6)), int(L or rng.integers(2, 6)), int(rng.integers(2, 5)),
            int(rng.integers(2, 5)))


def _params(rng, p, K):
    return (rng.standard_normal((p, 4 * K)) / np.sqrt(p), 0.8 * rng.standard_normal((K, 4 * K)) / np.sqrt(K),
            0.5 * rng.standard_normal(4 * K))


def _step_case(rng, N=None):
    N, _, p, K = _sizes(rng, N=N)
    W, U, b = _params(rng, p, K)
    return rng.standard_normal((N, p)), rng.standard_normal((N, K)), rng.standard_normal((N, K)), W, U, b


def _step_forward(student, x, h_prev, c_prev, W, U, b):
    r = call(student, "lstm_step_forward", _keep=2, x=x, h_prev=h_prev, c_prev=c_prev, W=W, U=U, b=b)
    return r, r.parts("h", "c", "cache")


def _check_step_forward(student, args, hint=GATE_HINT):
    r, (h, c, cache) = _step_forward(student, *args)
    h_ref, c_ref, cache_ref = ref.lstm_step_forward(*args)
    r.check("h", h, h_ref, hint, "(N, K)")
    r.check("c", c, c_ref, hint, "(N, K)")
    return cache, cache_ref, (h, c)


def _check_step_backward(student, args, dh, dc):
    cache, cache_ref, outputs = _check_step_forward(student, args,
                                                    "your forward must be right before its backward can be checked")
    rb = call(student, "lstm_step_backward", dh=dh, dc=dc,
              cache=Arg(cache, "the cache from your lstm_step_forward"))
    rb.at_precision_of(*outputs)
    want = ref.lstm_step_backward(dh, dc, cache_ref)
    hint = ("the gradient on c_t is dc plus dh * o * (1 - tanh(c_t)**2); each gate's gradient then goes "
            "through its own sigmoid or tanh, in the block order i, f, o, g")
    for name, spec, got, w in zip(STEP_GRADS, STEP_SPECS, rb.parts(*STEP_GRADS), want):
        rb.check(name, got, w, hint, spec)


@pytest.mark.question("lstm_step")
def test_step_forward(student, hidden_rng):
    """lstm_step_forward on random inputs, twice (an answer must not depend on earlier calls)"""
    x, h_prev, c_prev, W, U, b = _step_case(hidden_rng)
    _check_step_forward(student, (x, h_prev, c_prev, W, U, b))
    new = (hidden_rng.standard_normal(a.shape) for a in (x, h_prev, c_prev))  # the same shapes, new values
    _check_step_forward(student, (*new, W, U, b))


@pytest.mark.question("lstm_step")
def test_step_forward_one_example(student, hidden_rng):
    """lstm_step_forward with a batch of one (N = 1)"""
    _check_step_forward(student, _step_case(hidden_rng, N=1))


@pytest.mark.question("lstm_step")
def test_step_backward(student, hidden_rng):
    """lstm_step_backward with gradients on both h and c"""
    args = _step_case(hidden_rng)
    N, K = args[1].shape
    _check_step_backward(student, args, hidden_rng.standard_normal((N, K)), hidden_rng.standard_normal((N, K)))


@pytest.mark.question("lstm_step")
def test_step_backward_through_h_only(student, hidden_rng):
    """lstm_step_backward when only h gets a gradient (dc = 0)"""
    args = _step_case(hidden_rng)
    N, K = args[1].shape
    _check_step_backward(student, args, hidden_rng.standard_normal((N, K)), np.zeros((N, K)))


@pytest.mark.question("lstm_step")
def test_step_zero_inputs(student, hidden_rng):
    """lstm_step forward and backward where some rows have zero inputs and states (h = c = 0 there)"""
    x, h_prev, c_prev, W, U, b = _step_case(hidden_rng, N=int(hidden_rng.integers(3, 6)))
    zero = hidden_rng.permutation(x.shape[0])[: x.shape[0] // 2]  # the other rows keep h and c away from 0,
    x[zero], h_prev[zero], c_prev[zero] = 0.0, 0.0, 0.0  # so that a zero stub cannot pass
    args = (x, h_prev, c_prev, W, U, np.zeros_like(b))
    N, K = h_prev.shape
    _check_step_backward(student, args, hidden_rng.standard_normal((N, K)), hidden_rng.standard_normal((N, K)))


# -- the sequence ----------------------------------------------------------------------------

def _seq_case(rng, N=None, L=None):
    N, L, p, K = _sizes(rng, N=N, L=L)
    W, U, b = _params(rng, p, K)
    return rng.standard_normal((N, L, p)), rng.standard_normal((N, K)), W, U, b


def _own_steps(student, X, h0, W, U, b):
    """H and step caches from the student's own lstm_step_forward, from c0 = 0."""
    H, caches, h, c = [], [], h0, np.zeros_like(h0)
    for t in range(X.shape[1]):
        h, c, cache = _step_forward(student, X[:, t, :], h, c, W, U, b)[1]
        h, c = np.asarray(h, dtype=np.float64), np.asarray(c, dtype=np.float64)
        H.append(h)
        caches.append(cache)
    return np.stack(H, axis=1), caches


def _own_bptt(student, dH, caches):
    dh_next = dc_next = np.zeros(dH[:, 0, :].shape)
    sums, dX = None, []
    for t in reversed(range(len(caches))):
        r = call(student, "lstm_step_backward", dh=dH[:, t, :] + dh_next, dc=dc_next, cache=caches[t])
        dx, dh_next, dc_next, *param_grads = (np.asarray(g, dtype=np.float64) for g in r.parts(*STEP_GRADS))
        dX.append(dx)
        sums = param_grads if sums is None else [s + g for s, g in zip(sums, param_grads)]
    return [np.stack(dX[::-1], axis=1), dh_next, *sums]


def _probe(W):
    """x, h_prev, c_prev and dh of a batch of 8; not hidden: it only tells a real step function from a stub."""
    rng = np.random.default_rng(0)
    p, K = W.shape[0], W.shape[1] // 4
    return (rng.standard_normal((8, p)), rng.standard_normal((8, K)), rng.standard_normal((8, K)),
            rng.standard_normal((8, K)))


def _real_steps(student, W, U, b, backward: bool) -> bool:
    """Whether the student's own step functions compute something on a probe batch: h varies and moves when x
    or h_prev moves (backward: the gradients vary and move with dh). A step that returns its input, a constant
    or a replay cannot then stand in for one."""
    x, h_prev, c_prev, dh = _probe(W)
    try:
        h, c, cache = _step_forward(student, x, h_prev, c_prev, W, U, b)[1]
        moved_x = _step_forward(student, x[::-1], h_prev, c_prev, W, U, b)[1][0]
        moved_h = _step_forward(student, x, h_prev[::-1], c_prev, W, U, b)[1][0]
        if not (_informative(h) and varies(h, moved_x) and varies(h, moved_h)):
            return False
        if not backward:
            return True
        grads = call(student, "lstm_step_backward", dh=dh, dc=np.zeros_like(dh), cache=cache).parts(*STEP_GRADS)
        cache2 = _step_forward(student, x, h_prev, c_prev, W, U, b)[1][2]
        grads2 = call(student, "lstm_step_backward", dh=dh[::-1], dc=np.zeros_like(dh),
                      cache=cache2).parts(*STEP_GRADS)
        return _informative(_flat(grads)) and varies(_flat(grads), _flat(grads2))
    except (GradingFailure, StudentCodeError, TypeError, ValueError):
        return False


def _fallback(fn, *args):
    try:
        return fn(*args)
    except (GradingFailure, StudentCodeError, TypeError, ValueError):
        return None


def _check_forward(student, X, h0, W, U, b):
    r = call(student, "lstm_forward", _keep=1, X=X, h0=h0, W=W, U=U, b=b)
    H, cache = r.parts("H", "cache")
    H_ref, cache_ref = ref.lstm_forward(X, h0, W, U, b)
    if not r.matches(H, H_ref):
        steps = fresh(student)  # a process that never saw the lstm_forward call: no replay
        own = _fallback(_own_steps, steps, X, h0, W, U, b)
        if own is None or not r.matches(H, own[0]) or not _real_steps(steps, W, U, b, False):
            r.check("H", H, H_ref, "start from c0 = 0; h_t and c_t both feed step t + 1", "(N, L, K)")
    return cache, cache_ref, H


def _check_backward(student, X, h0, W, U, b, dH):
    cache, cache_ref, H = _check_forward(student, X, h0, W, U, b)
    rb = call(student, "lstm_backward", dH=dH, cache=Arg(cache, "the cache from your lstm_forward"))
    rb.at_precision_of(H)
    grads = rb.parts(*SEQ_GRADS)
    want = ref.lstm_backward(dH, cache_ref)
    if all(rb.matches(g, w) for g, w in zip(grads, want)):
        return
    proc = fresh(student)  # a process that never saw the lstm_forward / lstm_backward calls: no replay
    steps = _fallback(_own_steps, proc, X, h0, W, U, b)
    own = None if steps is None else _fallback(_own_bptt, proc, dH, steps[1])
    if own is not None and all(rb.matches(g, w) for g, w in zip(grads, own)) and _real_steps(proc, W, U, b, True):
        return
    hint = ("step t receives dH[:, t] plus the dh_prev of step t + 1, and the dc_prev of step t + 1 as its "
            "dc (0 at the last step); sum dW, dU, db over the steps")
    for name, spec, got, w in zip(SEQ_GRADS, SEQ_SPECS, grads, want):
        rb.check(name, got, w, hint, spec)


@pytest.mark.question("lstm_sequence")
def test_forward(student, hidden_rng):
    """lstm_forward on random sequences"""
    _check_forward(student, *_seq_case(hidden_rng))


@pytest.mark.question("lstm_sequence")
def test_forward_length_one(student, hidden_rng):
    """lstm_forward with one sequence of length one (N = 1, L = 1)"""
    _check_forward(student, *_seq_case(hidden_rng, N=1, L=1))


@pytest.mark.question("lstm_sequence")
def test_backward(student, hidden_rng):
    """lstm_backward (BPTT) with gradients on every hidden state"""
    X, h0, W, U, b = _seq_case(hidden_rng)
    dH = hidden_rng.standard_normal((X.shape[0], X.shape[1], h0.shape[1]))
    _check_backward(student, X, h0, W, U, b, dH)


@pytest.mark.question("lstm_sequence")
def test_backward_last_state_only(student, hidden_rng):
    """lstm_backward when only the last hidden state gets a gradient (many-to-one)"""
    X, h0, W, U, b = _seq_case(hidden_rng)
    dH = np.zeros((X.shape[0], X.shape[1], h0.shape[1]))
    dH[:, -1, :] = hidden_rng.standard_normal(h0.shape)
    _check_backward(student, X, h0, W, U, b, dH)


@pytest.mark.question("lstm_sequence")
def test_backward_length_one(student, hidden_rng):
    """lstm_backward for sequences of length one (L = 1)"""
    X, h0, W, U, b = _seq_case(hidden_rng, L=1)
    dH = hidden_rng.standard_normal((X.shape[0], 1, h0.shape[1]))
    _check_backward(student, X, h0, W, U, b, dH)
