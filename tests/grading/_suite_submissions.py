"""Submissions for the grading tests, built from the reference's own source (loaded by path, not collected).

``solution(aid, student)`` is a correct ``.py`` submission: the reference modules an assignment
needs, concatenated with ``inspect.getsource`` (relative imports dropped), the variant's fixed
parameters bound as defaults, and the blanks answered from the key, rounded to 4 decimals as the
notebooks ask. ``mutate(source, old, new)`` makes a subtly wrong version (and fails loudly if the
reference changed so that ``old`` no longer occurs).
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from pathlib import Path

from autograder.answer_key import answer_key
from autograder.variants import DEMO_SECRET, variant

MODULES = {
    "rnn": ("reference.validate", "reference.activations", "reference.rnn"),
    "lstm": ("reference.validate", "reference.activations", "reference.lstm"),
    "dropout": ("reference.validate", "reference.activations", "reference.dropout"),
    "ar": ("reference.validate", "reference.ar"),
    "sgd": ("reference.validate", "reference.activations", "reference.sgd"),
    "bow": ("reference.validate", "reference.bow"),
    "quiz": (),
    "minnorm": ("reference.validate", "reference.activations", "reference.sgd", "reference.minnorm"),
}


def ref_source(*modules: str) -> str:
    """The reference modules' source, concatenated into one self-contained script."""
    parts = []
    for name in modules:
        src = inspect.getsource(importlib.import_module(name))
        src = re.sub(r"^from __future__ import annotations\n", "", src, flags=re.M)
        src = re.sub(r"^from \.\w* import \([^)]*\)\n", "", src, flags=re.M)
        src = re.sub(r"^from \.\w* import .*\n", "", src, flags=re.M)
        parts.append(src)
    return "\n\n".join(parts)


def answers(aid: str, student: str, secret: bytes = DEMO_SECRET, decimals: int = 4) -> str:
    """Assignments of every blank, numbers rounded as the notebooks ask."""
    lines = []
    for name, value in answer_key(variant(aid, student, secret)).items():
        lines.append(f"{name} = {round(value, decimals) if isinstance(value, float) else value!r}")
    return "\n".join(lines)


def solution(aid: str, student: str, secret: bytes = DEMO_SECRET) -> str:
    """A correct submission for ``student``'s variant of ``aid``."""
    src = ref_source(*MODULES[aid])
    if aid == "rnn":
        act = variant(aid, student, secret)["activation"]
        src = mutate(src, 'activation="tanh"', f'activation="{act}"', count=2)
    if aid == "minnorm":
        feature = variant(aid, student, secret)["feature_map"]
        src = mutate(src, "W, ps, feature_map):", f'W, ps, feature_map="{feature}"):')
    return src + "\n\n" + answers(aid, student, secret) + "\n"


def mutate(source: str, old: str, new: str, count: int = 1) -> str:
    """``source`` with ``old`` replaced by ``new``; ``old`` must occur exactly ``count`` times."""
    found = source.count(old)
    if found != count:
        raise AssertionError(f"expected {count} occurrence(s) of {old!r} in the source, found {found}")
    return source.replace(old, new)


def write(folder: Path, name: str, source: str, notebook: bool = False) -> Path:
    """Write ``source`` as ``name.py``, or as a one-cell-per-chunk ``name.ipynb`` (chunks split on '# %%')."""
    if not notebook:
        path = folder / f"{name}.py"
        path.write_text(source, encoding="utf-8")
        return path
    chunks = [c for c in re.split(r"^# %%.*$", source, flags=re.M) if c.strip()]
    nb = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                   "source": chunk.strip("\n")} for i, chunk in enumerate(chunks)],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def student_with(aid: str, key: str, wanted, secret: bytes = DEMO_SECRET, tries: int = 500) -> str:
    """The first student id ``s0, s1, ...`` whose variant of ``aid`` has ``variant[key]`` satisfying ``wanted``."""
    for i in range(tries):
        sid = f"s{i}"
        value = variant(aid, sid, secret)[key]
        if (wanted(value) if callable(wanted) else value == wanted):
            return sid
    raise AssertionError(f"no student among {tries} has {aid}.{key} as wanted")


# -- correct solutions written in other styles ---------------------------------------------------------

RNN_LOOPS_FLOAT32 = '''
import numpy as np

ACT = "{act}"


def _g(a):
    return np.tanh(a) if ACT == "tanh" else np.where(a > 0, a, np.float32(0))


def rnn_step_forward(x, h_prev, W, U, b):
    x, h_prev, W, U, b = (np.asarray(v, dtype=np.float32) for v in (x, h_prev, W, U, b))
    N, K = h_prev.shape
    a = np.zeros((N, K), dtype=np.float32)
    for n in range(N):
        for k in range(K):
            a[n, k] = np.dot(x[n], W[:, k]) + np.dot(h_prev[n], U[:, k]) + b[k]
    h = _g(a)
    return h, {{"x": x, "h_prev": h_prev, "W": W, "U": U, "a": a, "h": h}}


def rnn_step_backward(dh, cache):
    dh = np.asarray(dh, dtype=np.float32)
    if ACT == "tanh":
        da = dh * (1 - cache["h"] ** 2)
    else:
        da = np.where(cache["a"] > 0, dh, np.float32(0))
    return da @ cache["W"].T, da @ cache["U"].T, cache["x"].T @ da, cache["h_prev"].T @ da, da.sum(axis=0)


def rnn_forward(X, h0, W, U, b):
    N, L, _ = X.shape
    h, H, caches = h0, [], []
    for t in range(L):
        h, c = rnn_step_forward(X[:, t, :], h, W, U, b)
        H.append(h)
        caches.append(c)
    return np.stack(H, axis=1), {{"steps": caches}}


def rnn_backward(dH, cache):
    steps = cache["steps"]
    dX, dh_next, total = [None] * len(steps), 0, None
    for t in range(len(steps) - 1, -1, -1):
        dx, dh_next, *grads = rnn_step_backward(dH[:, t, :] + dh_next, steps[t])
        dX[t] = dx
        total = grads if total is None else [s + g for s, g in zip(total, grads)]
    return (np.stack(dX, axis=1), dh_next, *total)


def embedding_forward(idx, E):
    N, L = idx.shape
    X = np.zeros((N, L, E.shape[1]), dtype=np.float32)
    for n in range(N):
        for t in range(L):
            X[n, t] = E[idx[n, t]]
    return X, (idx, E.shape)


def embedding_backward(dX, cache):
    idx, shape = cache
    dE = np.zeros(shape)
    for n in range(idx.shape[0]):
        for t in range(idx.shape[1]):
            dE[idx[n, t]] += dX[n, t]
    return dE


def readout_forward(h, beta, beta0):
    return (beta0 + np.einsum("nk,k->n", h, beta)).tolist(), [h, beta]


def readout_backward(do, cache):
    h, beta = cache
    return np.outer(do, beta).tolist(), np.einsum("nk,n->k", h, do).tolist(), float(np.sum(do))
'''

LSTM_EINSUM_OBJECT_CACHE = '''
import numpy as np


class StepCache:
    pass


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def lstm_step_forward(x, h_prev, c_prev, W, U, b):
    N, K = h_prev.shape
    a = (np.einsum("np,pk->nk", x, W) + np.einsum("nj,jk->nk", h_prev, U) + b).reshape(N, 4, K)
    i, f, o, g = _sigmoid(a[:, 0]), _sigmoid(a[:, 1]), _sigmoid(a[:, 2]), np.tanh(a[:, 3])
    c = f * c_prev + i * g
    h = o * np.tanh(c)
    s = StepCache()
    s.x, s.h_prev, s.c_prev, s.W, s.U, s.i, s.f, s.o, s.g, s.c = x, h_prev, c_prev, W, U, i, f, o, g, c
    return h.tolist(), c, s


def lstm_step_backward(dh, dc, s):
    t = np.tanh(s.c)
    dc = dc + dh * s.o * (1 - t * t)
    da = np.stack([dc * s.g * s.i * (1 - s.i), dc * s.c_prev * s.f * (1 - s.f), dh * t * s.o * (1 - s.o),
                   dc * s.i * (1 - s.g ** 2)], axis=1).reshape(dh.shape[0], -1)
    return (np.einsum("nk,pk->np", da, s.W), np.einsum("nk,jk->nj", da, s.U), dc * s.f,
            np.einsum("np,nk->pk", s.x, da), np.einsum("nj,nk->jk", s.h_prev, da), da.sum(0))


def lstm_forward(X, h0, W, U, b):
    h, c = h0, np.zeros_like(h0)
    H, steps = [], []
    for t in range(X.shape[1]):
        h, c, s = lstm_step_forward(X[:, t], np.asarray(h), c, W, U, b)
        H.append(np.asarray(h))
        steps.append(s)
    return np.stack(H, 1), steps


def lstm_backward(dH, steps):
    dh, dc = np.zeros_like(dH[:, 0]), np.zeros_like(dH[:, 0])
    dX = np.zeros(dH.shape[:2] + (steps[0].x.shape[1],))
    dW, dU, db = 0, 0, 0
    for t in reversed(range(len(steps))):
        dX[:, t], dh, dc, gW, gU, gb = lstm_step_backward(dH[:, t] + dh, dc, steps[t])
        dW, dU, db = dW + gW, dU + gU, db + gb
    return dX, dh, dW, dU, db
'''

DROPOUT_BINOMIAL = '''
import numpy as np


class ReluCache:
    def __init__(self, x):
        self.x = x


def dropout_forward(x, phi, rng, train=True):
    if not train:
        return x, {"train": False}
    keep = rng.binomial(1, 1.0 - phi, size=x.shape).astype(bool)
    return np.where(keep, x / (1.0 - phi), 0.0), {"train": True, "keep": keep, "scale": 1.0 / (1.0 - phi)}


def dropout_backward(dout, cache):
    if not cache["train"]:
        return dout
    return dout * cache["keep"] * cache["scale"]


def relu_forward(x):
    return np.where(x > 0, x, 0.0), ReluCache(x)


def relu_backward(dout, cache):
    return np.where(cache.x > 0, dout, 0.0)
'''

AR_LOOPS_NORMAL_EQUATIONS = '''
import numpy as np


def lag_tensor(data, L):
    T, p = data.shape
    Z = np.empty((T - L, L, p))
    for j in range(T - L):
        for i in range(L):
            Z[j, i, :] = data[j + i, :]
    return Z


def ar_design_matrix(data, L):
    Z = lag_tensor(data, L)
    return np.column_stack([np.ones(len(Z))] + [Z[:, i, k] for i in range(L) for k in range(data.shape[1])])


def fit_ols(X, y):
    return np.linalg.solve(X.T @ X, X.T @ y)


def r_squared(y, yhat):
    rss = sum((a - b) ** 2 for a, b in zip(y, yhat))
    mean = sum(y) / len(y)
    return 1 - rss / sum((a - mean) ** 2 for a in y)
'''

SGD_OWN = '''
import numpy as np
from dataclasses import dataclass


@dataclass(frozen=True)
class SGDResult:
    theta: np.ndarray
    theta_last: np.ndarray
    history: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray | None
    best_epoch: int
    epochs_run: int
    stopped_early: bool


def gd_step(theta, grad, rho):
    return [t - rho * g for t, g in zip(theta, grad)]


def minibatch_indices(n, batch_size, rng):
    order = rng.choice(n, size=n, replace=False)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]


def _loss_grad(loss, theta, X, y):
    eta = X @ theta
    if loss == "squared":
        return 0.5 * np.mean((y - eta) ** 2), X.T @ (eta - y) / len(y)
    p = 1 / (1 + np.exp(-eta))
    return np.mean(np.log1p(np.exp(eta)) - y * eta), X.T @ (p - y) / len(y)


def sgd(X, y, *, loss="squared", rho, epochs, batch_size, rng, theta0=None, X_val=None, y_val=None, patience=None):
    theta = np.zeros(X.shape[1]) if theta0 is None else np.array(theta0, dtype=float)
    history, train, val = [theta.copy()], [_loss_grad(loss, theta, X, y)[0]], []
    if X_val is not None:
        val.append(_loss_grad(loss, theta, X_val, y_val)[0])
    best, stopped = 0, False
    for epoch in range(1, epochs + 1):
        for batch in minibatch_indices(len(y), batch_size, rng):
            theta = np.array(gd_step(theta, _loss_grad(loss, theta, X[batch], y[batch])[1], rho))
        history.append(theta.copy())
        train.append(_loss_grad(loss, theta, X, y)[0])
        if X_val is not None:
            val.append(_loss_grad(loss, theta, X_val, y_val)[0])
            if val[-1] < val[best]:
                best = epoch
            if patience is not None and epoch - best >= patience:
                stopped = epoch < epochs
                break
    E = len(history) - 1
    if X_val is None:
        best = E
    return SGDResult(history[best], theta, np.array(history), np.array(train),
                     np.array(val) if X_val is not None else None, best, E, stopped)
'''

BOW_DENSE = '''
import numpy as np


def build_vocabulary(token_lists, max_words):
    counts = {}
    for doc in token_lists:
        for w in doc:
            counts[w] = counts.get(w, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))[:max_words]
    return {w: j for j, w in enumerate(words)}


def bow_encode(token_lists, vocab, binary=True):
    X = np.zeros((len(token_lists), len(vocab)))
    for i, doc in enumerate(token_lists):
        for w in doc:
            if w in vocab:
                X[i, vocab[w]] = 1 if binary else X[i, vocab[w]] + 1
    return X
'''


def style(aid: str, student: str, secret: bytes = DEMO_SECRET) -> str:
    """A correct submission written differently from the reference (loops, einsum, float32, other caches)."""
    if aid == "quiz":  # unrounded numbers, letters in lower case or parenthesised
        out = []
        for name, value in answer_key(variant(aid, student, secret)).items():
            out.append(f"{name} = {value!r}" if not isinstance(value, str) else f"{name} = '({value.lower()})'")
        return "\n".join(out) + "\n"
    text = {"rnn": RNN_LOOPS_FLOAT32, "lstm": LSTM_EINSUM_OBJECT_CACHE, "dropout": DROPOUT_BINOMIAL,
            "ar": AR_LOOPS_NORMAL_EQUATIONS, "sgd": SGD_OWN, "bow": BOW_DENSE, "minnorm": MINNORM_SVD}[aid]
    if aid == "rnn":
        text = text.format(act=variant(aid, student, secret)["activation"])
    if aid == "minnorm":
        text = text.replace("FEATURE", variant(aid, student, secret)["feature_map"])
    return text + "\n" + answers(aid, student, secret) + "\n"


MINNORM_SVD = '''
import numpy as np


def min_norm_solution(X, y):  # through the SVD, small singular values cut as lstsq does
    U, s, Vt = np.linalg.svd(np.asarray(X, float), full_matrices=False)
    keep = s > s.max() * max(np.shape(X)) * np.finfo(float).eps
    return Vt[keep].T @ ((U[:, keep].T @ y) / s[keep])


def gd_least_squares(X, y, rho, steps, theta0=None):
    theta = np.zeros(X.shape[1]) if theta0 is None else theta0.astype(float)
    n = len(y)
    for _ in range(steps):
        residual = y - X.dot(theta)
        theta = theta + (rho / n) * X.T.dot(residual)
    return theta


def ridge_solution(X, y, lam):  # the dual form: X^T (X X^T + lam I)^-1 y
    return X.T @ np.linalg.solve(X @ X.T + lam * np.eye(X.shape[0]), y)


def double_descent_curve(X, y, X_test, y_test, W, ps):
    phi = {"relu": lambda z: np.maximum(z, 0), "tanh": np.tanh, "abs": np.abs}["FEATURE"]
    errors = []
    for p in ps:
        beta = min_norm_solution(phi(X @ W[:, :p]) / p ** 0.5, y)
        errors.append(float(np.mean((phi(X_test @ W[:, :p]) / p ** 0.5 @ beta - y_test) ** 2)))
    return np.array(errors)
'''


# -- subtly wrong solutions: (assignment, student, name, [(old, new)], the question that must lose) ----------

RELU_BACKWARD = ("return dout * (x > 0)", "return dout * (x >= 0)")
LSTM_GATES_IFGO = [  # the gate blocks read in torch's order (i, f, g, o), consistently forward and backward
    ("i, f, o, g = _sigmoid(a[:, 0]), _sigmoid(a[:, 1]), _sigmoid(a[:, 2]), np.tanh(a[:, 3])",
     "i, f, g, o = _sigmoid(a[:, 0]), _sigmoid(a[:, 1]), np.tanh(a[:, 2]), _sigmoid(a[:, 3])"),
    ("dh * t * s.o * (1 - s.o),\n                   dc * s.i * (1 - s.g ** 2)]",
     "dc * s.i * (1 - s.g ** 2),\n                   dh * t * s.o * (1 - s.o)]"),
]

WRONG = [
    ("rnn", "alice", "bptt_forgets_dh_prev",
     [("rnn_step_backward(dH[:, t, :] + dh_next, steps[t])", "rnn_step_backward(dH[:, t, :], steps[t])")],
     "rnn_sequence"),
    ("rnn", "alice", "embedding_fancy_index_assign", [("np.add.at(dE, idx, dX)", "dE[idx] += dX")], "embedding"),
    ("rnn", "bob", "relu_gradient_at_zero", [RELU_BACKWARD], "rnn_step"),
    ("rnn", "alice", "readout_mean_instead_of_sum", [("float(do.sum())", "float(do.mean())")], "readout"),
    ("lstm", "alice", "gate_order_ifgo", LSTM_GATES_IFGO, "lstm_step"),  # applied to style("lstm")
    ("lstm", "alice", "bptt_drops_cell_gradient",
     [("dH[:, t, :] + dh_next, dc_next, steps[t]", "dH[:, t, :] + dh_next, np.zeros_like(dc_next), steps[t]")],
     "lstm_sequence"),
    ("dropout", "alice", "missing_inverted_scaling",
     [("out = np.where(mask, x / (1.0 - phi), 0.0)", "out = np.where(mask, x, 0.0)"),
      ("return np.where(mask, dout / (1.0 - phi), 0.0)", "return np.where(mask, dout, 0.0)")], "dropout"),
    ("dropout", "alice", "phi_as_keep_probability",
     [("mask = rng.random(x.shape) >= phi", "mask = rng.random(x.shape) < phi")], "dropout"),
    ("dropout", "alice", "relu_gradient_at_zero", [RELU_BACKWARD], "relu"),
    ("ar", "alice", "lag_off_by_one",
     [("np.stack([data[i:T - L + i] for i in range(L)], axis=1)",
       "np.stack([data[i + 1:T - L + i + 1] for i in range(L)], axis=1)")], "lags"),
    ("ar", "alice", "r2_as_squared_correlation",
     [("    return 1.0 - float(np.sum((y - yhat) ** 2)) / tss", "    return float(np.corrcoef(y, yhat)[0, 1] ** 2)")],
     "ols"),
    ("sgd", "alice", "patience_off_by_one",
     [("epoch - best_epoch >= patience", "epoch - best_epoch > patience")], "sgd"),
    ("sgd", "alice", "minibatches_not_shuffled", [("perm = rng.permutation(n)", "perm = np.arange(n)")], "minibatches"),
    ("bow", "alice", "ties_by_first_occurrence",
     [("sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))", "sorted(counts.items(), key=lambda wc: -wc[1])")],
     "vocabulary"),
    ("bow", "alice", "encode_ignores_binary", [("    if binary:\n        X.data[:] = 1.0\n", "")], "encode"),
]


def wrong(aid: str, student: str, changes) -> str:
    """``solution(aid, student)`` (``style`` for the LSTM's gate order) with the (old, new) changes applied."""
    src = style(aid, student) if changes is LSTM_GATES_IFGO else solution(aid, student)
    for old, new in changes:
        src = mutate(src, old, new)
    return src


def dead_relu_student(secret: bytes = DEMO_SECRET) -> str:
    """A quiz student whose z = w x is negative (the dead-ReLU case) and whose y is not 0."""
    for i in range(2000):
        v = variant("quiz", f"s{i}", secret)
        if v["w"] * v["x"] < 0 and abs(v["y"]) > 0.05:
            return f"s{i}"
    raise AssertionError("no quiz student with z < 0 and y != 0 among 2000")


def quiz_dead_relu_wrong(student: str, secret: bytes = DEMO_SECRET) -> str:
    """Right answers except dR_dw, computed as if the ReLU passed the gradient at z <= 0."""
    v = variant("quiz", student, secret)
    key = answer_key(v)
    wrong_dw = (key["yhat"] - v["y"]) * v["beta"] * v["x"]
    lines = [f"{k} = {round(wrong_dw, 4) if k == 'dR_dw' else (round(x, 4) if isinstance(x, float) else x)!r}"
             for k, x in key.items()]
    return "\n".join(lines) + "\n"
