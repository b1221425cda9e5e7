"""Hidden tests of the ``sgd`` assignment: one gradient step, minibatches, SGD with early stopping.

``minibatch_indices`` is graded by its properties, not by one way of shuffling: the batches
partition range(n), have batch_size elements except a shorter last one, depend on the generator
(same seed, same batches; another seed, other batches) and are shuffled. Any valid partition with
these properties passes; equality with the reference's permutation is not required.

``sgd`` is graded by behaviour. With full batches (batch_size >= N) every epoch is one gradient
step whatever the shuffling, so the whole result is compared with the reference (squared and
logistic losses); with early stopping the parameters must follow the reference's while both run,
and where training stops is judged on the run's own validation losses (so float32 near-ties are no
fault), also on a validation loss that zigzags. With minibatches it must reach the exact solution of
a noise-free least-squares problem, and what it reports must be self-consistent: each recorded loss
is the loss of the recorded parameters, best_epoch is the epoch of the lowest validation loss,
``theta`` is that epoch's parameters, and training stops exactly when ``patience`` epochs have
passed without improvement. Finally the minibatches must come from the rng (same seed, same run)
and be drawn anew every epoch (unless the student's own minibatch_indices repeats itself, which
the minibatches question already charges -- asked of a fresh process, ``fresh``, that never saw the
sgd calls, so no state of theirs can switch that waiver on).

Property tests first prove that the code did something: the parameters move from theta0 and the
training loss falls. Messages give at most one number.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.grading.compare import magnitude, type_name
from autograder.suites._support import (
    Arg,
    GradingFailure,
    StudentCodeError,
    call,
    fresh,
    plain_form,
    rng_arg,
    shared_rng,
)
from reference import sgd as ref

FIELDS = ("theta", "theta_last", "history", "train_loss", "val_loss", "best_epoch", "epochs_run", "stopped_early")


# -- gd_step ---------------------------------------------------------------------------------

@pytest.mark.question("gd_step")
def test_gd_step(student, variant, hidden_rng):
    """gd_step on a random parameter vector and gradient"""
    q = int(hidden_rng.integers(3, 9))
    theta, grad = hidden_rng.standard_normal(q), hidden_rng.standard_normal(q)
    rho = float(variant["rho"])
    r = call(student, "gd_step", theta=theta, grad=grad, rho=rho)
    r.check("theta_new", r.value, ref.gd_step(theta, grad, rho), "theta - rho * grad", "(q,)")


@pytest.mark.question("gd_step")
def test_gd_step_other_rate(student, hidden_rng):
    """gd_step with another learning rate and a zero gradient entry"""
    q = int(hidden_rng.integers(3, 9))
    theta, grad = hidden_rng.standard_normal(q), hidden_rng.standard_normal(q)
    grad[0] = 0.0
    rho = float(hidden_rng.uniform(0.1, 1.5))
    r = call(student, "gd_step", theta=theta, grad=grad, rho=rho)
    r.check("theta_new", r.value, ref.gd_step(theta, grad, rho), "use the rho you are given", "(q,)")


# -- minibatch_indices -----------------------------------------------------------------------

def _batches(student, n, batch_size, seed):
    """The student's batches for a fresh generator seeded ``seed`` (or for ``seed``, a ``shared_rng``)."""
    rng = seed if isinstance(seed, Arg) else Arg(rng_arg(seed), "np.random.Generator")
    r = call(student, "minibatch_indices", n=n, batch_size=batch_size, rng=rng)
    value = r.value
    if not isinstance(value, (list, tuple)):
        r.fail(f"Expected a list of integer arrays; got {type_name(value)}", "return a list of arrays")
    batches = []
    for i, b in enumerate(value):
        arr = r.numeric(f"batch {i}", b)
        if arr.ndim != 1 or (arr.size and not np.all(arr == np.round(arr))):
            r.fail(f"batch {i} is not a 1-d array of integer indices (shape {arr.shape})")
        batches.append(arr.astype(np.int64))
    return r, batches


def _check_partition(student, n, batch_size, seed):
    r, batches = _batches(student, n, batch_size, seed)
    sizes = [b.size for b in batches]
    want = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if len(batches) != len(want):
        r.fail(f"got {'too many' if len(batches) > len(want) else 'too few'} batches; expected ceil(n / batch_size)")
    if sizes != want:
        r.fail("some batches have the wrong size; expected batch_size each, the last one holding the rest",
               "cut one permutation into consecutive pieces of batch_size")
    every = np.concatenate(batches) if batches else np.array([], dtype=np.int64)
    if not np.array_equal(np.sort(every), np.arange(n)):
        r.fail("the batches do not partition range(n): some indices are repeated or missing",
               "every index from 0 to n - 1 must appear in exactly one batch")
    return r, every


@pytest.mark.question("minibatches")
def test_minibatches_partition(student, variant, hidden_rng):
    """minibatch_indices partitions range(n) into batches of batch_size and a shorter last one"""
    B = int(variant["batch_size"])
    n = int(B * hidden_rng.integers(2, 5) + hidden_rng.integers(1, B - 1))  # the last batch at least 2 short,
    # so np.array_split into ceil(n / B) near-equal pieces cannot pass for it
    _check_partition(student, n, B, int(hidden_rng.integers(2**31)))


@pytest.mark.question("minibatches")
def test_minibatches_edge_sizes(student, hidden_rng):
    """minibatch_indices when batch_size divides n, equals 1, or exceeds n"""
    seed = int(hidden_rng.integers(2**31))
    B = int(hidden_rng.integers(3, 8))
    _check_partition(student, 3 * B, B, seed)
    _check_partition(student, int(hidden_rng.integers(3, 9)), 1, seed)
    _check_partition(student, B, B + int(hidden_rng.integers(1, 5)), seed)


@pytest.mark.question("minibatches")
def test_minibatches_use_rng(student, hidden_rng):
    """minibatch_indices shuffles with the generator it is given"""
    n, B = int(hidden_rng.integers(40, 60)), int(hidden_rng.integers(4, 9))
    seed = int(hidden_rng.integers(2**31))
    r, first = _check_partition(student, n, B, seed)
    _, again = _check_partition(student, n, B, seed)
    _, other = _check_partition(student, n, B, seed + 1)
    if np.array_equal(first, np.arange(n)):
        r.fail("the indices are not shuffled (0, 1, 2, ... in order)", "use rng.permutation(n)")
    if not np.array_equal(first, again):
        r.fail("two generators with the same seed gave different batches",
               "draw the permutation from the rng argument, not from np.random")
    if np.array_equal(first, other):
        r.fail("generators with different seeds gave the same batches", "draw a new permutation on every call")


# -- sgd -------------------------------------------------------------------------------------

def _fields(student, r, value) -> dict:
    """The fields of the returned SGDResult as a dict of plain values."""
    fields = plain_form(student, value, FIELDS)
    if isinstance(fields, (tuple, list)) and len(fields) == len(FIELDS):
        fields = dict(zip(FIELDS, fields))  # a NamedTuple SGDResult crosses as a plain tuple, in field order
    if not isinstance(fields, dict) or not all(k in fields for k in ("theta", "history")):
        r.fail(f"Expected an SGDResult (with fields {', '.join(FIELDS)}); got {type_name(value)}",
               "build the result with SGDResult(...) as in the template")
    return fields


def _sgd(student, X, y, seed, **kwargs):
    r = call(student, "sgd", X=X, y=y, _kw=dict(kwargs, rng=Arg(rng_arg(seed), "np.random.Generator")))
    return r, _fields(student, r, r.value)


def _problem(rng, N, q, noise=0.0, logistic=False, theta=None):
    X = rng.standard_normal((N, q))
    theta = rng.standard_normal(q) if theta is None else theta
    if logistic:
        return X, (rng.random(N) < 1.0 / (1.0 + np.exp(-X @ theta))).astype(np.float64)
    return X, X @ theta + noise * rng.standard_normal(N)


def _overfitting_problem(rng, kw):
    """Training and validation sets on which full-batch GD overfits, so early stopping does stop."""
    for _ in range(20):
        N = int(rng.integers(10, 16))
        q, theta = N - 2, rng.standard_normal(N - 2)
        X, y = _problem(rng, N, q, noise=1.0, theta=theta)
        Xv, yv = _problem(rng, 40, q, noise=1.0, theta=theta)
        if ref.sgd(X, y, rng=np.random.default_rng(0), batch_size=N, X_val=Xv, y_val=yv, **kw).stopped_early:
            break
    return X, y, Xv, yv


def _zigzag_problem(rng, patience):
    """A problem whose full-batch validation loss zigzags (rho near 2 / the largest curvature) and rises
    after its best epoch with at least one dip before training stops: "epochs since the best" and "epochs
    without a decrease" then stop at different epochs."""
    for _ in range(30):
        N = int(rng.integers(12, 18))
        q = int(rng.integers(8, 12))
        theta = rng.standard_normal(q)
        X, y = _problem(rng, N, q, noise=1.0, theta=theta)
        Xv, yv = _problem(rng, 40, q, noise=1.0, theta=theta)
        kw = dict(loss="squared", rho=1.9 / float(np.linalg.eigvalsh(X.T @ X / N).max()), epochs=300, batch_size=N,
                  X_val=Xv, y_val=yv, patience=patience)
        want = ref.sgd(X, y, rng=np.random.default_rng(0), **kw)
        v = want.val_loss
        if want.stopped_early and any(v[e] < v[e - 1] for e in range(want.best_epoch + 1, want.epochs_run + 1)):
            break
    return X, y, kw, want


def _compare_all(r, got: dict, want: ref.SGDResult, hint: str):
    for name in ("history", "train_loss", "theta", "theta_last"):
        r.check(name, got.get(name), getattr(want, name), hint)
    if want.val_loss is not None:
        r.check("val_loss", got.get("val_loss"), want.val_loss, hint)
    for name in ("best_epoch", "epochs_run"):
        r.check_scalar(name, got.get(name), getattr(want, name), hint)
    if bool(got.get("stopped_early")) != want.stopped_early:
        r.fail(f"stopped_early ({got.get('stopped_early')!r}) is wrong", hint)


def _check_stopping(r, got: dict, history: np.ndarray, val: np.ndarray, patience: int, epochs: int):
    """best_epoch, theta, theta_last, epochs_run and stopped_early agree with the student's own val_loss.

    Judged on the student's reported losses, so a float32 run whose losses tie within float32 precision
    where the reference's do not is not failed for it."""
    E = history.shape[0] - 1
    best = [0]
    for e in range(1, E + 1):
        best.append(e if val[e] < val[best[-1]] else best[-1])
    stopped = [e for e in range(1, E + 1) if e - best[e] >= patience]
    expected_E = stopped[0] if stopped else epochs
    if E != expected_E:
        r.fail(f"training ran {'longer' if E > expected_E else 'shorter'} than its own val_loss allows",
               f"stop as soon as {patience} (patience) epochs pass without a strict improvement on the lowest "
               "validation loss so far (not on the previous epoch's)")
    r.check_scalar("best_epoch", got.get("best_epoch"), best[E], "the epoch with the lowest validation loss (the "
                   "first one on ties)")
    r.check("theta", got.get("theta"), history[best[E]], "return the parameters of the best epoch")
    r.check("theta_last", got.get("theta_last"), history[E], "theta_last is the parameters after the last step")
    r.check_scalar("epochs_run", got.get("epochs_run"), E, "the number of epochs trained")
    if bool(got.get("stopped_early")) != (E < epochs):
        r.fail(f"stopped_early ({got.get('stopped_early')!r}) is wrong", "True when training ended before `epochs`")


def _compare_early_stopping(r, got: dict, want: ref.SGDResult, X, y, kw: dict, hint: str):
    """A full-batch run with early stopping: the same steps as the reference while both run, losses of the
    recorded parameters, and a stop that agrees with the run's own validation losses."""
    q = X.shape[1]
    history = r.numeric("history", got.get("history"))
    val = r.numeric("val_loss", got.get("val_loss"))
    if history.ndim != 2 or history.shape[1] != q or val.shape != (history.shape[0],) or len(history) < 2:
        r.fail(f"history has shape {history.shape} and val_loss {val.shape}; expected (E+1, q) and (E+1,)",
               "row 0 is theta0, then one row at the end of each epoch")
    n = min(len(history), len(want.history))
    r.check("history", history[:n], want.history[:n], hint)
    r.check("train_loss", got.get("train_loss"), np.array([ref.squared_loss(t, X, y) for t in history]),
            "train_loss[e] is the loss of history[e] on the whole training set")
    r.check("val_loss", val, np.array([ref.squared_loss(t, kw["X_val"], kw["y_val"]) for t in history]),
            "val_loss[e] is the loss of history[e] on the validation set")
    _check_stopping(r, got, history, val, kw["patience"], kw["epochs"])


@pytest.mark.question("sgd")
def test_sgd_full_batch_least_squares(student, hidden_rng):
    """sgd with batch_size >= N is gradient descent: its whole result on a least-squares problem"""
    N, q = int(hidden_rng.integers(20, 40)), int(hidden_rng.integers(2, 5))
    X, y = _problem(hidden_rng, N, q, noise=0.5)
    kw = dict(loss="squared", rho=0.1, epochs=int(hidden_rng.integers(5, 12)), batch_size=N + 3)
    r, got = _sgd(student, X, y, 0, **kw)
    want = ref.sgd(X, y, rng=np.random.default_rng(0), **kw)
    _compare_all(r, got, want, "with one batch per epoch each epoch is one step theta - rho * grad R(theta)")


@pytest.mark.question("sgd")
def test_sgd_full_batch_logistic(student, hidden_rng):
    """sgd with the logistic loss and full batches, from a given theta0"""
    N, q = int(hidden_rng.integers(20, 40)), int(hidden_rng.integers(2, 5))
    X, y = _problem(hidden_rng, N, q, logistic=True)
    kw = dict(loss="logistic", rho=0.5, epochs=int(hidden_rng.integers(5, 12)), batch_size=N,
              theta0=0.1 * hidden_rng.standard_normal(q))
    r, got = _sgd(student, X, y, 0, **kw)
    want = ref.sgd(X, y, rng=np.random.default_rng(0), **kw)
    _compare_all(r, got, want, "the logistic gradient is X^T (sigmoid(X theta) - y) / n")


@pytest.mark.question("sgd")
def test_sgd_early_stopping_full_batch(student, hidden_rng):
    """sgd stops after `patience` epochs without validation improvement and returns the best theta"""
    kw = dict(loss="squared", rho=0.3, epochs=200, patience=int(hidden_rng.integers(2, 6)))
    X, y, Xv, yv = _overfitting_problem(hidden_rng, kw)
    kw.update(batch_size=X.shape[0], X_val=Xv, y_val=yv)
    r, got = _sgd(student, X, y, 0, **kw)
    want = ref.sgd(X, y, rng=np.random.default_rng(0), **kw)
    _compare_early_stopping(r, got, want, X, y, kw, "with one batch per epoch each epoch is one step theta - rho "
                            "* grad R(theta)")


@pytest.mark.question("sgd")
def test_sgd_early_stopping_zigzag(student, hidden_rng):
    """sgd's patience counts the epochs since the best validation loss, even when the loss zigzags"""
    X, y, kw, want = _zigzag_problem(hidden_rng, int(hidden_rng.integers(2, 7)))
    r, got = _sgd(student, X, y, 0, **kw)
    _compare_early_stopping(r, got, want, X, y, kw, "with one batch per epoch each epoch is one step theta - rho "
                            "* grad R(theta)")


@pytest.mark.question("sgd")
def test_sgd_minibatches_converge(student, variant, hidden_rng):
    """sgd with minibatches reaches the exact solution of a noise-free least-squares problem"""
    N, q = int(hidden_rng.integers(60, 90)), int(hidden_rng.integers(2, 5))
    X, y = _problem(hidden_rng, N, q)
    target = np.linalg.lstsq(X, y, rcond=None)[0]
    kw = dict(loss="squared", rho=0.1, epochs=150, batch_size=int(variant["batch_size"]) // 4 + 2)
    r, got = _sgd(student, X, y, int(hidden_rng.integers(2**31)), **kw)
    theta = r.numeric("theta", got.get("theta"))
    if theta.shape != target.shape or not np.allclose(theta, target, rtol=1e-5, atol=1e-6):
        err = (float(np.max(np.abs(theta - target))) / float(np.max(np.abs(target)))
               if theta.shape == target.shape else math.inf)
        r.fail(f"theta does not reach the exact solution of a noise-free problem (relative error {magnitude(err)})",
               "each batch's gradient is -X_b^T (y_b - X_b theta) / |b|, averaged over the batch, and every epoch "
               "visits every row once")
    history = r.numeric("history", got.get("history"))
    if history.shape != (kw["epochs"] + 1, q):
        r.fail(f"history has shape {history.shape}; expected (epochs + 1, q) = {(kw['epochs'] + 1, q)}",
               "row 0 is theta0, then one row at the end of each epoch")
    if np.any(history[0] != 0):
        r.fail("history[0] is not theta0 (zeros by default)", "record the starting parameters first")
    losses = r.numeric("train_loss", got.get("train_loss"))
    want = np.array([ref.squared_loss(t, X, y) for t in history])
    r.check("train_loss", losses, want, "train_loss[e] is the loss of history[e] on the whole training set")


@pytest.mark.question("sgd")
def test_sgd_minibatch_early_stopping_is_consistent(student, variant, hidden_rng):
    """sgd with minibatches and patience: best_epoch, theta and the stopping epoch agree with val_loss"""
    N, q = int(hidden_rng.integers(12, 18)), int(hidden_rng.integers(8, 12))
    theta = hidden_rng.standard_normal(q)
    X, y = _problem(hidden_rng, N, q, noise=1.0, theta=theta)
    Xv, yv = _problem(hidden_rng, 40, q, noise=1.0, theta=theta)
    patience = int(variant["patience"])
    kw = dict(loss="squared", rho=0.2, epochs=300, batch_size=max(2, N // 3), X_val=Xv, y_val=yv,
              patience=patience)
    r, got = _sgd(student, X, y, int(hidden_rng.integers(2**31)), **kw)
    history = r.numeric("history", got.get("history"))
    val = r.numeric("val_loss", got.get("val_loss"))
    if history.ndim != 2 or history.shape[1] != q or val.shape != (history.shape[0],):
        r.fail(f"history has shape {history.shape} and val_loss {val.shape}; expected (E+1, q) and (E+1,)")
    r.check("val_loss", val, np.array([ref.squared_loss(t, Xv, yv) for t in history]),
            "val_loss[e] is the loss of history[e] on the validation set")
    _trains(r, history, np.array([ref.squared_loss(t, X, y) for t in history]))
    _check_stopping(r, got, history, val, patience, kw["epochs"])


def _trains(r, history: np.ndarray, train_loss: np.ndarray):
    """Fail unless the run trained: the parameters left theta0 and the training loss fell below its start."""
    if len(history) < 2 or not np.any(history[1:] != history[0]):
        r.fail("the parameters never moved from theta0", "update theta with gd_step on every minibatch")
    if not np.min(train_loss[1:]) < train_loss[0]:
        r.fail("the training loss never fell below that of theta0", "step against the gradient (theta - rho * grad)")


def _batches_repeat(student, n, batch_size, seed) -> bool:
    """Whether the student's own minibatch_indices, called twice on one generator, repeats its batches
    (a fault the minibatches question already charges; an sgd that calls it every epoch is then right).
    Asked of a fresh process that never saw the sgd calls, so no state left by them can switch it on."""
    student = fresh(student)
    rng = shared_rng(student, seed)
    try:
        first, second = (_batches(student, n, batch_size, rng)[1] for _ in range(2))
    except (GradingFailure, StudentCodeError):
        return False
    return len(first) == len(second) and all(np.array_equal(a, b) for a, b in zip(first, second))


@pytest.mark.question("sgd")
def test_sgd_draws_new_minibatches_every_epoch(student, hidden_rng):
    """sgd draws its minibatches from its rng, anew at every epoch"""
    N, q = int(hidden_rng.integers(20, 30)), int(hidden_rng.integers(2, 5))
    X, y = _problem(hidden_rng, N, q, noise=0.5)
    kw = dict(loss="squared", rho=0.05, batch_size=int(hidden_rng.integers(3, 6)))
    seed = int(hidden_rng.integers(2**31))
    _sgd(student, X, y, seed + 1, epochs=2, **kw)  # advances np.random in this process, were it used
    r, first = _sgd(student, X, y, seed, epochs=2, **kw)
    _, again = _sgd(student, X, y, seed, epochs=2, **kw)
    # Once more in a fresh process: a run drawn from np.random and remembered for a repeated call (globals)
    # matches itself in one process, but not a process whose np.random was not advanced by the earlier runs.
    _, anew = _sgd(fresh(student), X, y, seed, epochs=2, **kw)
    h1, h2 = r.numeric("history", first.get("history")), r.numeric("history", again.get("history"))
    h0 = r.numeric("history", anew.get("history"))
    if h1.shape != (3, q):
        r.fail(f"history has shape {h1.shape}; expected (epochs + 1, q) = {(3, q)}",
               "row 0 is theta0, then one row at the end of each epoch")
    if any(h.shape != h1.shape or not np.allclose(h1, h, rtol=1e-12, atol=0.0) for h in (h2, h0)):
        r.fail("two runs with generators seeded alike gave different results",
               "draw the minibatches from the rng argument only (not from np.random)")
    _trains(r, h1, np.array([ref.squared_loss(t, X, y) for t in h1]))
    # The same generator state restarted from the end of epoch 1: its first epoch repeats the batches of
    # the first run's epoch 1, so it must differ from that run's epoch 2 unless epoch 2 reused them.
    _, restart = _sgd(student, X, y, seed, epochs=1, theta0=h1[1], **kw)
    h3 = r.numeric("history", restart.get("history"))
    if h3.shape == (2, q) and np.allclose(h3[1], h1[2], rtol=1e-12, atol=0.0) and not _batches_repeat(
            student, N, kw["batch_size"], seed):
        r.fail("epoch 2 used the same minibatches as epoch 1",
               "call minibatch_indices(N, batch_size, rng) at the start of every epoch, not once before the loop")
