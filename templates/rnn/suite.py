"""Hidden tests of the ``rnn`` assignment: the RNN step and sequence, embedding and readout.

The variant fixes the activation g, which students' ``rnn_step_forward`` and ``rnn_forward`` do
not take; the reference is called with it. Sizes and values come from ``hidden_rng``. A backward
pass always receives the cache of the student's own forward, whatever its layout.

A sequence result that differs from the reference but equals running the student's *own* step
functions position by position still passes: a wrong step costs the step question only. That credit
needs step functions that compute something -- their output varies, and moves when x or h_prev (or,
backward, dh) moves -- and the steps run in a fresh process (``fresh``) that never saw the sequence
call, so a step function cannot replay what the sequence function returned. Tests whose right answer
is partly zero (ReLU at zero pre-activations) zero only some rows, so a zero stub fails them. A
backward pass whose forward returned float32 is judged at float32 precision.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.suites._support import Arg, GradingFailure, StudentCodeError, call, fresh, varies
from autograder.suites._support import flat as _flat
from autograder.suites._support import informative as _informative
from reference import rnn as ref


def _sizes(rng, N=None, L=None):
    return (int(N or rng.integers(2, 7)), int(L or rng.integers(2, 7)), int(rng.integers(2, 6)),
            int(rng.integers(2, 7)))


def _params(rng, p, K):
    W = rng.standard_normal((p, K)) / np.sqrt(p)
    U = 0.8 * rng.standard_normal((K, K)) / np.sqrt(K)
    b = 0.3 * rng.standard_normal(K)
    return W, U, b


def _step_case(rng, N=None):
    N, _, p, K = _sizes(rng, N=N)
    W, U, b = _params(rng, p, K)
    return rng.standard_normal((N, p)), rng.standard_normal((N, K)), W, U, b


def _step_forward(student, x, h_prev, W, U, b):
    r = call(student, "rnn_step_forward", _keep=1, x=x, h_prev=h_prev, W=W, U=U, b=b)
    return r, r.parts("h", "cache")


def _check_step_backward(student, act, x, h_prev, W, U, b, dh):
    r, (h, cache) = _step_forward(student, x, h_prev, W, U, b)
    h_ref, cache_ref = ref.rnn_step_forward(x, h_prev, W, U, b, act)
    r.check("h", h, h_ref, "your forward must be right before its backward can be checked", "(N, K)")
    rb = call(student, "rnn_step_backward", dh=dh, cache=Arg(cache, "the cache from your rnn_step_forward"))
    rb.at_precision_of(h)
    grads = rb.parts("dx", "dh_prev", "dW", "dU", "db")
    names = ("dx", "dh_prev", "dW", "dU", "db")
    specs = ("(N, p)", "(N, K)", "(p, K)", "(K, K)", "(K,)")
    for name, spec, got, want in zip(names, specs, grads, ref.rnn_step_backward(dh, cache_ref)):
        rb.check(name, got, want, _STEP_HINTS[act], spec)


_STEP_HINTS = {
    "tanh": "the local gradient of tanh is 1 - h**2; then dx = da W^T, dW = x^T da, db sums da over the batch",
    "relu": "ReLU passes the gradient only where the pre-activation is > 0 (none at <= 0)",
}


# -- one step --------------------------------------------------------------------------------

@pytest.mark.question("rnn_step")
def test_step_forward(student, variant, hidden_rng):
    """rnn_step_forward on random inputs, twice (an answer must not depend on earlier calls)"""
    x, h_prev, W, U, b = _step_case(hidden_rng)
    for _ in range(2):  # the second time with new x and h_prev of the same shapes
        r, (h, _) = _step_forward(student, x, h_prev, W, U, b)
        r.check("h", h, ref.rnn_step_forward(x, h_prev, W, U, b, variant["activation"])[0],
                f"h = {variant['activation']}(x W + h_prev U + b)", "(N, K)")
        x, h_prev = hidden_rng.standard_normal(x.shape), hidden_rng.standard_normal(h_prev.shape)


@pytest.mark.question("rnn_step")
def test_step_forward_one_example(student, variant, hidden_rng):
    """rnn_step_forward with a batch of one (N = 1)"""
    x, h_prev, W, U, b = _step_case(hidden_rng, N=1)
    r, (h, _) = _step_forward(student, x, h_prev, W, U, b)
    r.check("h", h, ref.rnn_step_forward(x, h_prev, W, U, b, variant["activation"])[0],
            "keep the batch axis even when N = 1", "(N, K)")


@pytest.mark.question("rnn_step")
def test_step_backward(student, variant, hidden_rng):
    """rnn_step_backward with the cache of your own rnn_step_forward"""
    x, h_prev, W, U, b = _step_case(hidden_rng)
    dh = hidden_rng.standard_normal((x.shape[0], W.shape[1]))
    _check_step_backward(student, variant["activation"], x, h_prev, W, U, b, dh)


@pytest.mark.question("rnn_step")
def test_step_zero_inputs(student, variant, hidden_rng):
    """rnn_step forward and backward where some rows have zero inputs (the pre-activation is exactly 0)"""
    x, h_prev, W, U, b = _step_case(hidden_rng, N=int(hidden_rng.integers(3, 7)))
    b = np.zeros_like(b)
    zero = hidden_rng.permutation(x.shape[0])[: x.shape[0] // 2]  # about half the rows: a = 0 exactly there
    x[zero], h_prev[zero] = 0.0, 0.0
    live = next(n for n in range(x.shape[0]) if n not in zero)
    if np.max(x[live] @ W + h_prev[live] @ U) <= 0:  # a row with a positive pre-activation: h is not all 0,
        x[live], h_prev[live] = -x[live], -h_prev[live]  # even with ReLU, so a zero stub cannot pass
    dh = hidden_rng.standard_normal(h_prev.shape)
    _check_step_backward(student, variant["activation"], x, h_prev, W, U, b, dh)


# -- the sequence ----------------------------------------------------------------------------

def _seq_case(rng, N=None, L=None):
    N, L, p, K = _sizes(rng, N=N, L=L)
    W, U, b = _params(rng, p, K)
    return rng.standard_normal((N, L, p)), rng.standard_normal((N, K)), W, U, b


def _own_steps(student, X, h0, W, U, b):
    """H and step caches from running the student's own rnn_step_forward along the sequence."""
    H, caches, h = [], [], h0
    for t in range(X.shape[1]):
        h, cache = _step_forward(student, X[:, t, :], h, W, U, b)[1]
        h = np.asarray(h, dtype=np.float64)
        H.append(h)
        caches.append(cache)
    return np.stack(H, axis=1), caches


def _own_bptt(student, dH, caches):
    """BPTT composed from the student's own rnn_step_backward."""
    dh_next, sums, dX = 0.0, None, []
    for t in reversed(range(len(caches))):
        r = call(student, "rnn_step_backward", dh=dH[:, t, :] + dh_next, cache=caches[t])
        dx, dh_next, *param_grads = (np.asarray(g, dtype=np.float64) for g in r.parts("dx", "dh_prev", "dW", "dU", "db"))
        dX.append(dx)
        sums = param_grads if sums is None else [s + g for s, g in zip(sums, param_grads)]
    return [np.stack(dX[::-1], axis=1), dh_next, *sums]


def _probe(W):
    """x, h_prev and dh of a batch of 8; not hidden: it only tells a real step function from a constant stub."""
    rng = np.random.default_rng(0)
    p, K = W.shape
    return rng.standard_normal((8, p)), rng.standard_normal((8, K)), rng.standard_normal((8, K))


def _real_steps(student, W, U, b, backward: bool) -> bool:
    """Whether the student's own step functions compute something on a probe batch: h varies and moves when x
    or h_prev moves (and, backward, the gradients vary and move with dh). Only then does a sequence result that
    equals their composition earn the sequence question -- also where that composition is constant (H = 0 when
    every ReLU unit of a one-step sequence is dead) -- and a step that returns its input, a constant or a
    replay cannot stand in for one."""
    x, h_prev, dh = _probe(W)
    try:
        h, cache = _step_forward(student, x, h_prev, W, U, b)[1]
        moved_x = _step_forward(student, x[::-1], h_prev, W, U, b)[1][0]
        moved_h = _step_forward(student, x, h_prev[::-1], W, U, b)[1][0]
        if not (_informative(h) and varies(h, moved_x) and varies(h, moved_h)):
            return False
        if not backward:
            return True
        names = ("dx", "dh_prev", "dW", "dU", "db")
        grads = call(student, "rnn_step_backward", dh=dh, cache=cache).parts(*names)
        cache2 = _step_forward(student, x, h_prev, W, U, b)[1][1]
        grads2 = call(student, "rnn_step_backward", dh=dh[::-1], cache=cache2).parts(*names)
        return _informative(_flat(grads)) and varies(_flat(grads), _flat(grads2))
    except (GradingFailure, StudentCodeError, TypeError, ValueError):
        return False


def _check_forward(student, act, X, h0, W, U, b):
    r = call(student, "rnn_forward", _keep=1, X=X, h0=h0, W=W, U=U, b=b)
    H, cache = r.parts("H", "cache")
    H_ref, cache_ref = ref.rnn_forward(X, h0, W, U, b, act)
    if not r.matches(H, H_ref):
        steps = fresh(student)  # a process that never saw the rnn_forward call: no replay
        try:
            own = _own_steps(steps, X, h0, W, U, b)[0]
        except (GradingFailure, StudentCodeError, TypeError, ValueError):
            own = None
        if own is None or not r.matches(H, own) or not _real_steps(steps, W, U, b, False):
            r.check("H", H, H_ref, "H[:, t] is the hidden state after step t; h_t feeds step t + 1", "(N, L, K)")
    return cache, cache_ref, H


def _check_backward(student, act, X, h0, W, U, b, dH):
    cache, cache_ref, H = _check_forward(student, act, X, h0, W, U, b)
    rb = call(student, "rnn_backward", dH=dH, cache=Arg(cache, "the cache from your rnn_forward"))
    rb.at_precision_of(H)
    grads = rb.parts("dX", "dh0", "dW", "dU", "db")
    want = ref.rnn_backward(dH, cache_ref)
    if all(rb.matches(g, w) for g, w in zip(grads, want)):
        return
    steps = fresh(student)  # a process that never saw the rnn_forward / rnn_backward calls: no replay
    try:
        own = _own_bptt(steps, dH, _own_steps(steps, X, h0, W, U, b)[1])
    except (GradingFailure, StudentCodeError, TypeError, ValueError):
        own = None
    if own is not None and all(rb.matches(g, w) for g, w in zip(grads, own)) and _real_steps(steps, W, U, b, True):
        return
    hint = "the gradient reaching h_t is dH[:, t] plus the dh_prev of step t + 1; sum dW, dU, db over the steps"
    for name, spec, got, w in zip(("dX", "dh0", "dW", "dU", "db"),
                                  ("(N, L, p)", "(N, K)", "(p, K)", "(K, K)", "(K,)"), grads, want):
        rb.check(name, got, w, hint, spec)


@pytest.mark.question("rnn_sequence")
def test_forward(student, variant, hidden_rng):
    """rnn_forward on random sequences"""
    _check_forward(student, variant["activation"], *_seq_case(hidden_rng))


@pytest.mark.question("rnn_sequence")
def test_forward_length_one(student, variant, hidden_rng):
    """rnn_forward with one sequence of length one (N = 1, L = 1)"""
    _check_forward(student, variant["activation"], *_seq_case(hidden_rng, N=1, L=1))


@pytest.mark.question("rnn_sequence")
def test_backward(student, variant, hidden_rng):
    """rnn_backward (BPTT) with gradients on every hidden state"""
    X, h0, W, U, b = _seq_case(hidden_rng)
    dH = hidden_rng.standard_normal((X.shape[0], X.shape[1], W.shape[1]))
    _check_backward(student, variant["activation"], X, h0, W, U, b, dH)


@pytest.mark.question("rnn_sequence")
def test_backward_last_state_only(student, variant, hidden_rng):
    """rnn_backward when only the last hidden state gets a gradient (many-to-one)"""
    X, h0, W, U, b = _seq_case(hidden_rng)
    dH = np.zeros((X.shape[0], X.shape[1], W.shape[1]))
    dH[:, -1, :] = hidden_rng.standard_normal((X.shape[0], W.shape[1]))
    _check_backward(student, variant["activation"], X, h0, W, U, b, dH)


@pytest.mark.question("rnn_sequence")
def test_backward_length_one(student, variant, hidden_rng):
    """rnn_backward for sequences of length one (L = 1)"""
    X, h0, W, U, b = _seq_case(hidden_rng, L=1)
    dH = hidden_rng.standard_normal((X.shape[0], 1, W.shape[1]))
    _check_backward(student, variant["activation"], X, h0, W, U, b, dH)


# -- embedding -------------------------------------------------------------------------------

def _embedding_case(rng, N=None, L=None):
    V, m = int(rng.integers(3, 6)), int(rng.integers(2, 5))
    N, L = int(N or rng.integers(3, 6)), int(L or rng.integers(3, 6))
    idx = rng.integers(0, V, size=(N, L))
    idx.flat[: 2] = 0  # at least one repeated word
    return idx, rng.standard_normal((V, m))


@pytest.mark.question("embedding")
def test_embedding_forward(student, hidden_rng):
    """embedding_forward looks up one row of E per word index"""
    idx, E = _embedding_case(hidden_rng)
    r = call(student, "embedding_forward", _keep=1, idx=idx, E=E)
    X, _ = r.parts("X", "cache")
    r.check("X", X, ref.embedding_forward(idx, E)[0], "X[n, t] is row idx[n, t] of E", "(N, L, m)")


@pytest.mark.question("embedding")
def test_embedding_backward_repeated_words(student, hidden_rng):
    """embedding_backward when words repeat: each use adds to its row of dE"""
    idx, E = _embedding_case(hidden_rng)
    r = call(student, "embedding_forward", _keep=1, idx=idx, E=E)
    X, cache = r.parts("X", "cache")
    dX = hidden_rng.standard_normal(idx.shape + (E.shape[1],))
    rb = call(student, "embedding_backward", dX=dX, cache=Arg(cache, "the cache from your embedding_forward"))
    rb.at_precision_of(X)
    rb.check("dE", rb.value, ref.embedding_backward(dX, ref.embedding_forward(idx, E)[1]),
             "dE[idx] += dX keeps only one of repeated updates; np.add.at adds them all", "(V, m)")


@pytest.mark.question("embedding")
def test_embedding_one_word(student, hidden_rng):
    """embedding forward and backward for a single word (N = 1, L = 1); unused rows get zero gradient"""
    idx, E = _embedding_case(hidden_rng, N=1, L=1)
    r = call(student, "embedding_forward", _keep=1, idx=idx, E=E)
    X, cache = r.parts("X", "cache")
    r.check("X", X, ref.embedding_forward(idx, E)[0], "keep the (N, L) axes when N = L = 1", "(N, L, m)")
    dX = hidden_rng.standard_normal((1, 1, E.shape[1]))
    rb = call(student, "embedding_backward", dX=dX, cache=Arg(cache, "the cache from your embedding_forward"))
    rb.at_precision_of(X)
    rb.check("dE", rb.value, ref.embedding_backward(dX, ref.embedding_forward(idx, E)[1]),
             "dE has one row per word of the vocabulary, zero for words not used", "(V, m)")


# -- readout ---------------------------------------------------------------------------------

def _readout_case(rng, N=None):
    N, K = int(N or rng.integers(2, 7)), int(rng.integers(2, 7))
    return rng.standard_normal((N, K)), rng.standard_normal(K), float(rng.standard_normal())


@pytest.mark.question("readout")
def test_readout_forward(student, hidden_rng):
    """readout_forward o = beta0 + h beta"""
    h, beta, beta0 = _readout_case(hidden_rng)
    r = call(student, "readout_forward", _keep=1, h=h, beta=beta, beta0=beta0)
    o, _ = r.parts("o", "cache")
    r.check("o", o, ref.readout_forward(h, beta, beta0)[0], "one output per example: shape (N,)", "(N,)")


@pytest.mark.question("readout")
def test_readout_backward(student, hidden_rng):
    """readout_backward with the cache of your own readout_forward"""
    h, beta, beta0 = _readout_case(hidden_rng)
    r = call(student, "readout_forward", _keep=1, h=h, beta=beta, beta0=beta0)
    o, cache = r.parts("o", "cache")
    do = hidden_rng.standard_normal(h.shape[0])
    rb = call(student, "readout_backward", do=do, cache=Arg(cache, "the cache from your readout_forward"))
    rb.at_precision_of(o)
    dh, dbeta, dbeta0 = rb.parts("dh", "dbeta", "dbeta0")
    want = ref.readout_backward(do, ref.readout_forward(h, beta, beta0)[1])
    rb.check("dh", dh, want[0], "dh = do beta^T, one row per example", "(N, K)")
    rb.check("dbeta", dbeta, want[1], "dbeta sums h^T do over the batch", "(K,)")
    rb.check_scalar("dbeta0", dbeta0, want[2], "dbeta0 is the sum of do")


@pytest.mark.question("readout")
def test_readout_one_example(student, hidden_rng):
    """readout forward and backward for a batch of one (N = 1)"""
    h, beta, beta0 = _readout_case(hidden_rng, N=1)
    r = call(student, "readout_forward", _keep=1, h=h, beta=beta, beta0=beta0)
    o, cache = r.parts("o", "cache")
    r.check("o", o, ref.readout_forward(h, beta, beta0)[0], "o keeps its batch axis: shape (1,)", "(N,)")
    do = hidden_rng.standard_normal(1)
    rb = call(student, "readout_backward", do=do, cache=Arg(cache, "the cache from your readout_forward"))
    rb.at_precision_of(o)
    dh, dbeta, dbeta0 = rb.parts("dh", "dbeta", "dbeta0")
    want = ref.readout_backward(do, ref.readout_forward(h, beta, beta0)[1])
    rb.check("dh", dh, want[0], "", "(N, K)")
    rb.check("dbeta", dbeta, want[1], "", "(K,)")
    rb.check_scalar("dbeta0", dbeta0, want[2])
