"""Red-team submissions: independent implementations of every graded function (loaded by path).

Nothing here is copied from ``reference/``. ``STYLES`` are correct solutions written other ways
(float32, loops, einsum, in-place ops, caches as tuples / dicts / classes / closures / whole-sequence
arrays, BPTT without the step functions, fused or split LSTM matmuls, torch autograd, other dropout
masks, other shuffles, sparse builders, pinv / QR / scikit-learn, answers as numpy floats or strings). ``WRONG`` are
one-line mutations of those, each a subtle bug that must cost its own question and nothing else.
"""

from __future__ import annotations

from autograder.answer_key import answer_key
from autograder.variants import DEMO_SECRET, variant

# -- rnn ----------------------------------------------------------------------------------------------

RNN_INLINE_BPTT_F32 = '''
import numpy as np

ACT = "{act}"
F = np.float32


def rnn_step_forward(x, h_prev, W, U, b):
    x, h_prev, W, U, b = (np.asarray(v, dtype=F) for v in (x, h_prev, W, U, b))
    a = x @ W
    a += h_prev @ U
    a += b
    h = np.tanh(a, out=a) if ACT == "tanh" else np.maximum(a, 0, out=a)  # a is overwritten: keep h only
    return h, (x, h_prev, W, U, h)


def _dlocal(h):
    return 1 - h * h if ACT == "tanh" else (h > 0).astype(F)


def rnn_step_backward(dh, cache):
    x, h_prev, W, U, h = cache
    da = np.asarray(dh, dtype=F) * _dlocal(h)
    return da @ W.T, da @ U.T, x.T @ da, h_prev.T @ da, np.sum(da, axis=0)


def rnn_forward(X, h0, W, U, b):
    X = np.asarray(X, dtype=F)
    N, L, _ = X.shape
    H = np.zeros((N, L, W.shape[1]), dtype=F)
    h = h0
    for t in range(L):
        h, _ = rnn_step_forward(X[:, t], h, W, U, b)
        H[:, t] = h
    return H, (X, np.asarray(h0, dtype=F), H, np.asarray(W, dtype=F), np.asarray(U, dtype=F))


def rnn_backward(dH, cache):
    X, h0, H, W, U = cache
    N, L, p = X.shape
    dX = np.zeros((N, L, p), dtype=F)
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(W.shape[1], dtype=F)
    dnext = np.zeros_like(h0)
    for t in range(L - 1, -1, -1):
        prev = H[:, t - 1] if t > 0 else h0
        da = (dH[:, t] + dnext) * _dlocal(H[:, t])
        dX[:, t] = da @ W.T
        dW += X[:, t].T @ da
        dU += prev.T @ da
        db += da.sum(0)
        dnext = da @ U.T
    return dX, dnext, dW, dU, db


def embedding_forward(idx, E):
    E = np.asarray(E, dtype=F)
    return E[idx], {{"idx": np.asarray(idx), "V": E.shape[0]}}


def embedding_backward(dX, cache):
    idx, V = cache["idx"], cache["V"]
    onehot = np.eye(V, dtype=F)[idx.reshape(-1)]
    return onehot.T @ np.asarray(dX, dtype=F).reshape(idx.size, -1)


def readout_forward(h, beta, beta0):
    h, beta = np.asarray(h, dtype=F), np.asarray(beta, dtype=F)
    return h @ beta + F(beta0), {{"h": h, "beta": beta}}


def readout_backward(do, cache):
    do = np.asarray(do, dtype=F)
    return do[:, None] * cache["beta"][None, :], do @ cache["h"], do.sum()
'''

RNN_EINSUM_CLASSES = '''
import numpy as np

ACT = "{act}"


class Step:
    def __init__(self, **kw):
        self.__dict__.update(kw)


class Sequence:
    def __init__(self, steps):
        self.steps = steps


def rnn_step_forward(x, h_prev, W, U, b):
    z = np.einsum("np,pk->nk", x, W) + np.einsum("nj,jk->nk", h_prev, U) + b
    h = np.tanh(z) if ACT == "tanh" else np.where(z > 0, z, 0.0)
    return h, Step(x=x, h_prev=h_prev, W=W, U=U, z=z)


def rnn_step_backward(dh, c):
    if ACT == "tanh":
        dz = dh / np.cosh(c.z) ** 2
    else:
        dz = np.where(c.z > 0, dh, 0.0)
    return (np.einsum("nk,pk->np", dz, c.W), np.einsum("nk,jk->nj", dz, c.U), np.einsum("np,nk->pk", c.x, dz),
            np.einsum("nj,nk->jk", c.h_prev, dz), np.einsum("nk->k", dz))


def rnn_forward(X, h0, W, U, b):
    steps, hs = [], [h0]
    for t in range(X.shape[1]):
        h, s = rnn_step_forward(X[:, t, :], hs[-1], W, U, b)
        hs.append(h)
        steps.append(s)
    return np.stack(hs[1:], axis=1).tolist(), Sequence(steps)


def rnn_backward(dH, seq):
    L = len(seq.steps)
    grads = [None] * L
    carry = np.zeros_like(dH[:, 0, :])
    for t in reversed(range(L)):
        grads[t] = rnn_step_backward(dH[:, t, :] + carry, seq.steps[t])
        carry = grads[t][1]
    dX = np.stack([g[0] for g in grads], axis=1)
    return [dX, carry] + [sum(g[k] for g in grads) for k in (2, 3, 4)]


def embedding_forward(idx, E):
    return np.take(E, idx, axis=0), (idx, E.shape[0])


def embedding_backward(dX, cache):
    idx, V = cache
    flat = idx.ravel()
    cols = [np.bincount(flat, weights=dX[..., j].ravel(), minlength=V) for j in range(dX.shape[-1])]
    return np.stack(cols, axis=1)


def readout_forward(h, beta, beta0):
    return tuple(np.einsum("nk,k->n", h, beta) + beta0), (h, beta)


def readout_backward(do, cache):
    h, beta = cache
    do = np.asarray(do)
    return np.einsum("n,k->nk", do, beta), np.einsum("nk,n->k", h, do), np.asarray([do.sum()])
'''

RNN_CLOSURE_CACHES = '''
import numpy as np

ACT = "{act}"
print("debug: loading my rnn")  # a print at import and in the graded functions costs nothing


def rnn_step_forward(x, h_prev, W, U, b):
    a = x.dot(W) + h_prev.dot(U) + b[None, :]
    h = np.tanh(a) if ACT == "tanh" else a * (a > 0)

    def backward(dh):  # micrograd-style: the cache is the backward closure itself
        da = dh * ((1.0 - h ** 2) if ACT == "tanh" else np.heaviside(a, 0.0))
        return da.dot(W.T), da.dot(U.T), x.T.dot(da), h_prev.T.dot(da), da.sum(axis=0)

    return h, backward


def rnn_step_backward(dh, cache):
    return cache(dh)


def rnn_forward(X, h0, W, U, b):
    print("rnn_forward called with", X.shape)
    H, backs = np.empty(X.shape[:2] + (W.shape[1],)), []
    for t in range(X.shape[1]):
        H[:, t], back = rnn_step_forward(X[:, t], H[:, t - 1] if t else h0, W, U, b)
        backs.append(back)
    return H, backs


def rnn_backward(dH, cache):
    grads = [0.0] * 3
    dX = [None] * len(cache)
    dh = np.zeros(dH.shape[::2])
    for t, back in reversed(list(enumerate(cache))):
        dX[t], dh, *g = rnn_step_backward(dH[:, t] + dh, back)
        grads = [s + gi for s, gi in zip(grads, g)]
    return (np.stack(dX, 1), dh, *grads)


def embedding_forward(idx, E):
    X = E[idx.ravel()].reshape(idx.shape + E.shape[1:])
    return X, (idx.copy(), len(E))


def embedding_backward(dX, cache):
    idx, V = cache
    dE = np.zeros((V, dX.shape[-1]))
    for n, t in np.ndindex(*idx.shape):
        dE[idx[n, t]] += dX[n, t]
    return dE


def readout_forward(h, beta, beta0):
    return h.dot(beta) + beta0, lambda do: (np.outer(do, beta), h.T.dot(do), float(np.sum(do)))


def readout_backward(do, cache):
    return cache(do)
'''

# -- lstm ---------------------------------------------------------------------------------------------

LSTM_SPLIT_GATES_F32 = '''
import numpy as np

F = np.float32


def _sig(a):
    return 1 / (1 + np.exp(-a))


def lstm_step_forward(x, h_prev, c_prev, W, U, b):
    x, h_prev, c_prev, W, U, b = (np.asarray(v, dtype=F) for v in (x, h_prev, c_prev, W, U, b))
    K = h_prev.shape[1]
    blk = lambda k: x @ W[:, k * K:(k + 1) * K] + h_prev @ U[:, k * K:(k + 1) * K] + b[k * K:(k + 1) * K]
    gates = {"i": _sig(blk(0)), "f": _sig(blk(1)), "o": _sig(blk(2)), "g": np.tanh(blk(3))}
    c = gates["f"] * c_prev + gates["i"] * gates["g"]
    h = gates["o"] * np.tanh(c)
    return h, c, dict(gates, x=x, h_prev=h_prev, c_prev=c_prev, c=c, W=W, U=U)


def lstm_step_backward(dh, dc, cache):
    i, f, o, g, c = (cache[k] for k in "ifogc")
    tc = np.tanh(c)
    dc_total = np.asarray(dc, dtype=F) + np.asarray(dh, dtype=F) * o * (1 - tc ** 2)
    d = {"i": dc_total * g * i * (1 - i), "f": dc_total * cache["c_prev"] * f * (1 - f),
         "o": np.asarray(dh, dtype=F) * tc * o * (1 - o), "g": dc_total * i * (1 - g ** 2)}
    da = np.concatenate([d[k] for k in "ifog"], axis=1)
    dx = sum(d[k] @ cache["W"][:, j * i.shape[1]:(j + 1) * i.shape[1]].T for j, k in enumerate("ifog"))
    dh_prev = da @ cache["U"].T
    return dx, dh_prev, dc_total * f, cache["x"].T @ da, cache["h_prev"].T @ da, da.sum(axis=0)


def lstm_forward(X, h0, W, U, b):
    N, L, _ = np.shape(X)
    h, c = h0, np.zeros(np.shape(h0), dtype=F)
    H, caches = [], []
    for t in range(L):
        h, c, cache = lstm_step_forward(X[:, t], h, c, W, U, b)
        H.append(h)
        caches.append(cache)
    return np.stack(H, axis=1), {"caches": caches}


def lstm_backward(dH, cache):
    caches = cache["caches"]
    dh = dc = 0
    dX, tot = [], None
    for t in range(len(caches) - 1, -1, -1):
        dx, dh, dc, dW, dU, db = lstm_step_backward(dH[:, t] + dh, dc + np.zeros_like(dH[:, t]), caches[t])
        dX.insert(0, dx)
        tot = (dW, dU, db) if tot is None else tuple(a + g for a, g in zip(tot, (dW, dU, db)))
    return (np.stack(dX, axis=1), dh) + tot
'''

LSTM_FUSED_INLINE = '''
import numpy as np
from scipy.special import expit


def lstm_step_forward(x, h_prev, c_prev, W, U, b):
    K = h_prev.shape[1]
    a = np.hstack([x, h_prev]) @ np.vstack([W, U]) + b
    i, f, o = expit(a[:, :K]), expit(a[:, K:2 * K]), expit(a[:, 2 * K:3 * K])
    g = np.tanh(a[:, 3 * K:])
    c = f * c_prev
    c += i * g
    h = o * np.tanh(c)
    return h, c, (np.hstack([x, h_prev]), c_prev, np.vstack([W, U]), np.hstack([i, f, o, g]), c)


def _step_back(dh, dc, cache):
    xh, c_prev, WU, gates, c = cache
    K = c.shape[1]
    i, f, o, g = (gates[:, k * K:(k + 1) * K] for k in range(4))
    tc = np.tanh(c)
    dc = dc + dh * o * (1 - tc * tc)
    da = np.hstack([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh * tc * o * (1 - o), dc * i * (1 - g * g)])
    dxh = da @ WU.T
    dWU = xh.T @ da
    p = xh.shape[1] - K
    return dxh[:, :p], dxh[:, p:], dc * f, dWU[:p], dWU[p:], da.sum(0)


def lstm_step_backward(dh, dc, cache):
    return _step_back(dh, dc, cache)


def lstm_forward(X, h0, W, U, b):
    N, L, _ = X.shape
    K = h0.shape[1]
    H, C = np.zeros((N, L + 1, K)), np.zeros((N, L + 1, K))
    H[:, 0] = h0
    for t in range(L):
        H[:, t + 1], C[:, t + 1], _ = lstm_step_forward(X[:, t], H[:, t], C[:, t], W, U, b)
    return H[:, 1:], {"X": X, "H": H, "C": C, "W": W, "U": U, "b": b}


def lstm_backward(dH, cache):
    X, H, C, W, U, b = (cache[k] for k in ("X", "H", "C", "W", "U", "b"))
    N, L, p = X.shape
    dX = np.empty((N, L, p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    dh, dc = np.zeros_like(H[:, 0]), np.zeros_like(H[:, 0])
    for t in reversed(range(L)):
        _, _, step = lstm_step_forward(X[:, t], H[:, t], C[:, t], W, U, b)
        dX[:, t], dh, dc, gW, gU, gb = _step_back(dH[:, t] + dh, dc, step)
        dW += gW
        dU += gU
        db += gb
    return dX, dh, dW, dU, db
'''

LSTM_TORCH_AUTOGRAD = '''
import numpy as np
import torch


def _step(x, h_prev, c_prev, W, U, b):
    K = h_prev.shape[1]
    a = x @ W + h_prev @ U + b
    i, f, o = torch.sigmoid(a[:, :K]), torch.sigmoid(a[:, K:2 * K]), torch.sigmoid(a[:, 2 * K:3 * K])
    c = f * c_prev + i * torch.tanh(a[:, 3 * K:])
    return o * torch.tanh(c), c


def _leaves(*arrays):
    return [torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True) for a in arrays]


def lstm_step_forward(x, h_prev, c_prev, W, U, b):
    with torch.no_grad():
        h, c = _step(*(torch.from_numpy(np.asarray(a, dtype=np.float64)) for a in (x, h_prev, c_prev, W, U, b)))
    return h.numpy(), c.numpy(), {"inputs": (x, h_prev, c_prev, W, U, b)}


def lstm_step_backward(dh, dc, cache):
    leaves = _leaves(*cache["inputs"])
    h, c = _step(*leaves)
    torch.autograd.backward([h, c], [torch.from_numpy(np.asarray(dh, dtype=np.float64)),
                                     torch.from_numpy(np.asarray(dc, dtype=np.float64))])
    x, h_prev, c_prev, W, U, b = (leaf.grad.numpy() for leaf in leaves)
    return x, h_prev, c_prev, W, U, b


def lstm_forward(X, h0, W, U, b):
    X_, h0_, W_, U_, b_ = _leaves(X, h0, W, U, b)
    h, c, H = h0_, torch.zeros_like(h0_), []
    for t in range(X_.shape[1]):
        h, c = _step(X_[:, t], h, c, W_, U_, b_)
        H.append(h)
    H = torch.stack(H, dim=1)
    return H.detach().numpy().copy(), {"H": H, "leaves": (X_, h0_, W_, U_, b_)}


def lstm_backward(dH, cache):
    leaves = cache["leaves"]
    for leaf in leaves:
        leaf.grad = None
    cache["H"].backward(torch.from_numpy(np.asarray(dH, dtype=np.float64)), retain_graph=True)
    return tuple(leaf.grad.numpy().copy() for leaf in leaves)
'''

# -- dropout ------------------------------------------------------------------------------------------

DROPOUT_UNIFORM_TUPLE = '''
import numpy as np


def dropout_forward(x, phi, rng, train=True):
    if not train:
        return x, (None, phi, False)
    mask = rng.uniform(size=np.shape(x)) > phi
    return x * mask / (1 - phi), (mask, phi, True)


def dropout_backward(dout, cache):
    mask, phi, train = cache
    return dout * mask / (1 - phi) if train else dout


def relu_forward(x):
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    return dout * (cache > 0)
'''

DROPOUT_CHOICE_F32_INPLACE = '''
import numpy as np


def dropout_forward(x, phi, rng, train=True):
    x = np.asarray(x, dtype=np.float32)
    if not train:
        return x, {"train": False}
    keep = rng.choice([False, True], size=x.shape, p=[phi, 1 - phi])
    out = x.copy()
    out[~keep] = 0
    out *= np.float32(1 / (1 - phi))
    return out, {"train": True, "keep": keep, "phi": phi}


def dropout_backward(dout, cache):
    dx = np.array(dout, dtype=np.float32)
    if cache["train"]:
        dx[~cache["keep"]] = 0
        dx /= np.float32(1 - cache["phi"])
    return dx


def relu_forward(x):
    out = np.array(x, dtype=float)
    out[out < 0] = 0
    return out, out  # the output, not the input: out > 0 exactly where x > 0


def relu_backward(dout, cache):
    dx = np.array(dout, dtype=float)
    dx[cache <= 0] = 0
    return dx
'''

DROPOUT_SCALED_MASK_LISTS = '''
import numpy as np


class Cache:
    def __init__(self, mask):
        self.mask = mask


def dropout_forward(x, phi, rng, train=True):
    if not train:
        return x.tolist(), Cache(None)
    mask = (rng.random(x.shape) >= phi) / (1 - phi)
    return (x * mask).tolist(), Cache(mask)


def dropout_backward(dout, cache):
    return dout if cache.mask is None else (dout * cache.mask).tolist()


def relu_forward(x):
    return np.where(x > 0, x, 0).tolist(), {"positive": x > 0}


def relu_backward(dout, cache):
    return np.where(cache["positive"], dout, 0).tolist()
'''

# -- ar -----------------------------------------------------------------------------------------------

AR_WINDOWS_PINV = '''
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def lag_tensor(data, L):
    data = np.asarray(data)
    windows = sliding_window_view(data, L, axis=0)  # (T - L + 1, p, L)
    return windows[:-1].transpose(0, 2, 1)  # a read-only, non-contiguous view is returned as it is


def ar_design_matrix(data, L):
    Z = lag_tensor(data, L)
    return np.hstack([np.ones((Z.shape[0], 1)), Z.reshape(len(Z), -1)])


def fit_ols(X, y):
    return np.linalg.pinv(X) @ y


def r_squared(y, yhat):
    return 1 - np.mean((np.asarray(y) - yhat) ** 2) / np.var(y)
'''

AR_SCIPY_LSTSQ = '''
import numpy as np
import scipy.linalg


def lag_tensor(data, L):
    data = np.asarray(data, dtype=float)
    return np.stack([data[l:len(data) - L + l] for l in range(L)], axis=1)  # a loop over the L lags


def ar_design_matrix(data, L):
    Z = lag_tensor(data, L)
    return np.column_stack([np.ones(len(Z)), Z.reshape(len(Z), -1)])


def fit_ols(X, y):
    return scipy.linalg.lstsq(X, y)[0]  # scipy's default rank cutoff


def r_squared(y, yhat):
    y = np.asarray(y, dtype=float)
    return 1.0 - ((y - yhat) ** 2).sum() / ((y - y.mean()) ** 2).sum()
'''

AR_NORMAL_EQUATIONS = '''
import numpy as np


def lag_tensor(data, L):
    T, p = data.shape
    Z = np.empty((T - L, L, p))
    for l in range(L):
        Z[:, l, :] = data[l:T - L + l]
    return Z


def ar_design_matrix(data, L):
    Z = lag_tensor(data, L)
    return np.concatenate([np.ones((Z.shape[0], 1)), Z.reshape(Z.shape[0], L * Z.shape[2])], axis=1)


def fit_ols(X, y):
    return np.linalg.solve(X.T @ X, X.T @ y)  # normal equations: fine on a full-rank design


def r_squared(y, yhat):
    rss = float(np.dot(y - yhat, y - yhat))
    return 1.0 - rss / float(np.dot(y - np.mean(y), y - np.mean(y)))
'''

AR_FANCY_QR_F32 = '''
import numpy as np


def lag_tensor(data, L):
    T = data.shape[0]
    rows = np.arange(T - L)[:, None] + np.arange(L)[None, :]
    return data[rows].astype(np.float32)


def ar_design_matrix(data, L):
    Z = lag_tensor(data, L)
    X = np.empty((Z.shape[0], 1 + Z.shape[1] * Z.shape[2]), dtype=np.float32)
    X[:, 0] = 1
    X[:, 1:] = Z.reshape(Z.shape[0], -1)
    return X


def fit_ols(X, y):
    Q, R = np.linalg.qr(np.asarray(X, dtype=np.float32))
    return np.linalg.solve(R, Q.T @ np.asarray(y, dtype=np.float32))


def r_squared(y, yhat):
    y, yhat = np.asarray(y, dtype=np.float32), np.asarray(yhat, dtype=np.float32)
    return np.float32(1) - np.sum((y - yhat) ** 2) / np.sum((y - y.mean()) ** 2)
'''

AR_SKLEARN = '''
import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score


def lag_tensor(data, L):
    return np.stack([data[j:j + L] for j in range(len(data) - L)])


def ar_design_matrix(data, L):
    Z = lag_tensor(data, L)
    return np.concatenate([np.ones((len(Z), 1)), Z.reshape(len(Z), L * data.shape[1])], axis=1)


def fit_ols(X, y):
    return LinearRegression(fit_intercept=False).fit(X, y).coef_


def r_squared(y, yhat):
    return r2_score(y, yhat)
'''

# -- sgd ----------------------------------------------------------------------------------------------

SGD_NAMEDTUPLE_SPLIT = '''
from typing import NamedTuple, Optional

import numpy as np


class SGDResult(NamedTuple):
    theta: np.ndarray
    theta_last: np.ndarray
    history: np.ndarray
    train_loss: np.ndarray
    val_loss: Optional[np.ndarray]
    best_epoch: int
    epochs_run: int
    stopped_early: bool


def gd_step(theta, grad, rho):
    out = np.array(theta, dtype=float)
    out -= rho * np.asarray(grad)
    return out


def minibatch_indices(n, batch_size, rng):
    return np.array_split(rng.permuted(np.arange(n)), range(batch_size, n, batch_size))


def _risk(loss, theta, X, y):
    eta = X @ theta
    if loss == "squared":
        r = y - eta
        return r @ r / (2 * len(y)), -(X.T @ r) / len(y)
    return np.mean(np.logaddexp(0, eta) - y * eta), X.T @ (0.5 * (1 + np.tanh(eta / 2)) - y) / len(y)


def sgd(X, y, *, loss="squared", rho, epochs, batch_size, rng, theta0=None, X_val=None, y_val=None, patience=None):
    theta = np.zeros(X.shape[1]) if theta0 is None else np.asarray(theta0, dtype=float).copy()
    hist, tr = [theta], [_risk(loss, theta, X, y)[0]]
    va = None if X_val is None else [_risk(loss, theta, X_val, y_val)[0]]
    best, wait, stopped = 0, 0, False
    for epoch in range(1, epochs + 1):
        for b in minibatch_indices(len(y), batch_size, rng):
            theta = gd_step(theta, _risk(loss, theta, X[b], y[b])[1], rho)
        hist.append(theta)
        tr.append(_risk(loss, theta, X, y)[0])
        if va is not None:
            va.append(_risk(loss, theta, X_val, y_val)[0])
            if va[-1] < va[best]:
                best, wait = epoch, 0
            else:
                wait += 1
            if patience and wait >= patience:
                stopped = epoch < epochs
                break
    E = len(hist) - 1
    if va is None:
        best = E
    return SGDResult(hist[best], theta, np.vstack(hist), np.array(tr), None if va is None else np.array(va),
                     best, E, stopped)
'''

SGD_DATACLASS_F32 = '''
from dataclasses import dataclass

import numpy as np
from scipy.special import expit

F = np.float32


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
    return np.asarray(theta, dtype=F) - F(rho) * np.asarray(grad, dtype=F)


def minibatch_indices(n, batch_size, rng):
    idx = np.arange(n)
    rng.shuffle(idx)
    out = []
    while idx.size:
        out.append(idx[:batch_size])
        idx = idx[batch_size:]
    return out


def loss_and_grad(loss, theta, X, y):
    eta = X @ theta
    if loss == "squared":
        return F(0.5) * np.mean((y - eta) ** 2), X.T @ (eta - y) / F(len(y))
    return np.mean(np.logaddexp(F(0), eta) - y * eta), X.T @ (expit(eta) - y) / F(len(y))


def sgd(X, y, *, loss="squared", rho, epochs, batch_size, rng, theta0=None, X_val=None, y_val=None, patience=None):
    X, y = np.asarray(X, dtype=F), np.asarray(y, dtype=F)
    val = X_val is not None
    if val:
        X_val, y_val = np.asarray(X_val, dtype=F), np.asarray(y_val, dtype=F)
    theta = np.zeros(X.shape[1], dtype=F) if theta0 is None else np.asarray(theta0, dtype=F)
    history = np.zeros((epochs + 1, X.shape[1]), dtype=F)
    train_loss, val_loss = np.zeros(epochs + 1, dtype=F), np.zeros(epochs + 1, dtype=F)
    history[0] = theta
    train_loss[0] = loss_and_grad(loss, theta, X, y)[0]
    if val:
        val_loss[0] = loss_and_grad(loss, theta, X_val, y_val)[0]
    best, E = 0, epochs
    for e in range(1, epochs + 1):
        for batch in minibatch_indices(X.shape[0], batch_size, rng):
            theta = gd_step(theta, loss_and_grad(loss, theta, X[batch], y[batch])[1], rho)
        history[e], train_loss[e] = theta, loss_and_grad(loss, theta, X, y)[0]
        if val:
            val_loss[e] = loss_and_grad(loss, theta, X_val, y_val)[0]
            best = e if val_loss[e] < val_loss[best] else best
            if patience is not None and e - best >= patience:
                E = e
                break
    if not val:
        best = E
    return SGDResult(history[best], theta, history[:E + 1], train_loss[:E + 1],
                     val_loss[:E + 1] if val else None, best, E, E < epochs)
'''

# -- bow ----------------------------------------------------------------------------------------------

BOW_COUNTER_LIL = '''
from collections import Counter

import numpy as np
import scipy.sparse as sp


def build_vocabulary(token_lists, max_words):
    counts = Counter(w for doc in token_lists for w in doc)
    ranked = sorted(counts, key=lambda w: (-counts[w], w))
    return {w: np.int64(j) for j, w in enumerate(ranked[:max_words])}


def bow_encode(token_lists, vocab, binary=True):
    X = sp.lil_matrix((len(token_lists), len(vocab)))
    for i, doc in enumerate(token_lists):
        for w in doc:
            j = vocab.get(w)
            if j is not None:
                X[i, j] = 1 if binary else X[i, j] + 1
    return X.tocsr()
'''

BOW_STABLE_COO = '''
from collections import Counter, OrderedDict

import numpy as np
from scipy.sparse import coo_matrix


def build_vocabulary(token_lists, max_words):
    counter = Counter()
    for doc in token_lists:
        counter.update(doc)
    by_word = sorted(counter.items())                     # alphabetical first ...
    by_count = sorted(by_word, key=lambda kv: kv[1], reverse=True)  # ... then a stable sort by count
    return OrderedDict((w, j) for j, (w, _) in enumerate(by_count[:max_words]))


def bow_encode(token_lists, vocab, binary=True):
    rows, cols = [], []
    for i, doc in enumerate(token_lists):
        for w in doc:
            if w in vocab:
                rows.append(i)
                cols.append(vocab[w])
    X = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(token_lists), len(vocab))).tocsr()
    if binary:
        X = X.sign()
    return X
'''

# -- quiz and blanks ----------------------------------------------------------------------------------


def _answer(value, form: str) -> str:
    if isinstance(value, str):
        return f"{value.lower()!r}"
    if isinstance(value, list):
        return repr([v.lower() for v in value])
    return {"numpy": f"np.float64({value!r})", "string": repr(f"{value:.6f}"), "round": repr(round(value, 4))}[form]


def answers(aid: str, student: str, form: str = "numpy") -> str:
    """Every blank of ``aid`` for ``student``: numbers as numpy floats / strings, letters in lower case."""
    key = answer_key(variant(aid, student, DEMO_SECRET))
    return "import numpy as np\n" + "".join(f"{k} = {_answer(v, form)}\n" for k, v in key.items())


STYLES = {  # name -> (assignment, source template); "{act}" is the rnn variant's activation
    "rnn_inline_bptt_float32": ("rnn", RNN_INLINE_BPTT_F32),
    "rnn_einsum_class_caches": ("rnn", RNN_EINSUM_CLASSES),
    "rnn_closure_caches_prints": ("rnn", RNN_CLOSURE_CACHES),
    "lstm_split_gates_float32": ("lstm", LSTM_SPLIT_GATES_F32),
    "lstm_fused_matmul_inline_bptt": ("lstm", LSTM_FUSED_INLINE),
    "lstm_torch_autograd": ("lstm", LSTM_TORCH_AUTOGRAD),
    "dropout_uniform_tuple_cache": ("dropout", DROPOUT_UNIFORM_TUPLE),
    "dropout_choice_float32_inplace": ("dropout", DROPOUT_CHOICE_F32_INPLACE),
    "dropout_scaled_mask_lists": ("dropout", DROPOUT_SCALED_MASK_LISTS),
    "ar_windows_pinv": ("ar", AR_WINDOWS_PINV),
    "ar_fancy_index_qr_float32": ("ar", AR_FANCY_QR_F32),
    "ar_sklearn": ("ar", AR_SKLEARN),
    "ar_scipy_lstsq": ("ar", AR_SCIPY_LSTSQ),
    "ar_normal_equations": ("ar", AR_NORMAL_EQUATIONS),
    "sgd_namedtuple_split": ("sgd", SGD_NAMEDTUPLE_SPLIT),
    "sgd_dataclass_float32": ("sgd", SGD_DATACLASS_F32),
    "bow_counter_lil": ("bow", BOW_COUNTER_LIL),
    "bow_stable_sort_coo": ("bow", BOW_STABLE_COO),
    "quiz_answers": ("quiz", ""),
}


def source(name: str, student: str, form: str = "numpy") -> str:
    """The correct submission ``name`` for ``student`` (with every blank answered in ``form``)."""
    aid, text = STYLES[name]
    if aid == "rnn":
        text = text.format(act=variant("rnn", student, DEMO_SECRET)["activation"])
    return text + "\n" + answers(aid, student, form)


def mutate(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` (which must occur exactly once) replaced by ``new``."""
    if text.count(old) != 1:
        raise AssertionError(f"expected one occurrence of {old!r}, found {text.count(old)}")
    return text.replace(old, new)


# -- subtly wrong: (case id, base style, student, [(old, new)], question that must lose, also allowed) -----

WRONG = [
    # rnn
    ("rnn_tanh_grad_of_preactivation", "rnn_einsum_class_caches", "alice",
     [("dz = dh / np.cosh(c.z) ** 2", "dz = dh * (1 - c.z ** 2)")], "rnn_step", ()),
    ("rnn_relu_grad_where_z_negative", "rnn_einsum_class_caches", "bob",
     [("dz = np.where(c.z > 0, dh, 0.0)", "dz = np.where(c.z > -0.2, dh, 0.0)")], "rnn_step", ()),
    ("rnn_db_not_summed_over_batch", "rnn_inline_bptt_float32", "alice",
     [("x.T @ da, h_prev.T @ da, np.sum(da, axis=0)", "x.T @ da, h_prev.T @ da, np.mean(da, axis=0)")],
     "rnn_step", ()),
    ("rnn_dW_transposed", "rnn_einsum_class_caches", "alice",
     [('np.einsum("np,nk->pk", c.x, dz)', 'np.einsum("np,nk->kp", c.x, dz)')], "rnn_step", ()),
    ("rnn_bptt_dh_prev_not_accumulated", "rnn_inline_bptt_float32", "bob",
     [("da = (dH[:, t] + dnext) * _dlocal(H[:, t])", "da = dH[:, t] * _dlocal(H[:, t])")], "rnn_sequence", ()),
    ("rnn_bptt_dh0_missing", "rnn_einsum_class_caches", "alice",
     [("return [dX, carry] +", "return [dX, np.zeros_like(carry)] +")], "rnn_sequence", ()),
    ("rnn_bptt_dW_last_step_only", "rnn_inline_bptt_float32", "alice",
     [("dW += X[:, t].T @ da", "dW = X[:, t].T @ da")], "rnn_sequence", ()),
    ("rnn_forward_h0_every_step", "rnn_einsum_class_caches", "bob",
     [("rnn_step_forward(X[:, t, :], hs[-1], W, U, b)", "rnn_step_forward(X[:, t, :], hs[0], W, U, b)")],
     "rnn_sequence", ()),
    ("rnn_U_transposed_consistently", "rnn_closure_caches_prints", "bob",
     [("a = x.dot(W) + h_prev.dot(U) + b[None, :]", "a = x.dot(W) + h_prev.dot(U.T) + b[None, :]"),
      ("return da.dot(W.T), da.dot(U.T), x.T.dot(da), h_prev.T.dot(da)", "return da.dot(W.T), da.dot(U), x.T.dot(da), "
       "da.T.dot(h_prev)")], "rnn_step", ()),
    ("rnn_U_transposed_one_step_all_dead", "rnn_closure_caches_prints", "x11",  # H = 0 on its (N, L) = (1, 1) test
     [("a = x.dot(W) + h_prev.dot(U) + b[None, :]", "a = x.dot(W) + h_prev.dot(U.T) + b[None, :]"),
      ("return da.dot(W.T), da.dot(U.T), x.T.dot(da), h_prev.T.dot(da)", "return da.dot(W.T), da.dot(U), x.T.dot(da), "
       "da.T.dot(h_prev)")], "rnn_step", ()),
    ("embedding_V_from_max_index", "rnn_closure_caches_prints", "alice",
     [("dE = np.zeros((V, dX.shape[-1]))", "dE = np.zeros((idx.max() + 1, dX.shape[-1]))")], "embedding", ()),
    ("embedding_fancy_index_assign", "rnn_einsum_class_caches", "alice",
     [("    flat = idx.ravel()\n    cols = [np.bincount(flat, weights=dX[..., j].ravel(), minlength=V) "
       "for j in range(dX.shape[-1])]\n    return np.stack(cols, axis=1)",
       "    dE = np.zeros((V, dX.shape[-1]))\n    dE[idx] += dX\n    return dE")], "embedding", ()),
    ("readout_dbeta0_not_summed", "rnn_inline_bptt_float32", "bob",
     [("do @ cache[\"h\"], do.sum()", "do @ cache[\"h\"], do")], "readout", ()),
    ("readout_dbeta_mean", "rnn_einsum_class_caches", "alice",
     [('np.einsum("nk,n->k", h, do)', 'np.einsum("nk,n->k", h, do) / len(do)')], "readout", ()),
    # lstm
    ("lstm_gate_order_fiog", "lstm_split_gates_float32", "alice",
     [('gates = {"i": _sig(blk(0)), "f": _sig(blk(1))', 'gates = {"i": _sig(blk(1)), "f": _sig(blk(0))'),
      ('np.concatenate([d[k] for k in "ifog"], axis=1)', 'np.concatenate([d[k] for k in "fiog"], axis=1)'),
      ('for j, k in enumerate("ifog"))', 'for j, k in enumerate("fiog"))')], "lstm_step", ()),
    ("lstm_cell_forgets_c_prev", "lstm_fused_matmul_inline_bptt", "bob",
     [("    c = f * c_prev\n    c += i * g", "    c = i * g + 0 * f")], "lstm_step", ()),
    ("lstm_backward_no_tanh_prime_on_dc", "lstm_fused_matmul_inline_bptt", "alice",
     [("dc = dc + dh * o * (1 - tc * tc)", "dc = dc + dh * o")], "lstm_step", ()),
    ("lstm_forward_c0_is_h0", "lstm_split_gates_float32", "bob",
     [("h, c = h0, np.zeros(np.shape(h0), dtype=F)", "h, c = h0, np.asarray(h0, dtype=F)")], "lstm_sequence", ()),
    ("lstm_bptt_dh0_missing", "lstm_fused_matmul_inline_bptt", "alice",
     [("return dX, dh, dW, dU, db", "return dX, np.zeros_like(dh), dW, dU, db")], "lstm_sequence", ()),
    # dropout
    ("dropout_keeps_units_scaled_by_1_minus_phi", "dropout_uniform_tuple_cache", "alice",
     [("return x * mask / (1 - phi), (mask, phi, True)", "return x * mask * (1 - phi), (mask, phi, True)"),
      ("return dout * mask / (1 - phi) if train else dout", "return dout * mask * (1 - phi) if train else dout")],
     "dropout", ()),
    ("dropout_backward_unscaled", "dropout_choice_float32_inplace", "bob",
     [("        dx /= np.float32(1 - cache[\"phi\"])\n", "")], "dropout", ()),
    ("dropout_global_random", "dropout_scaled_mask_lists", "alice",
     [("mask = (rng.random(x.shape) >= phi) / (1 - phi)", "mask = (np.random.random(x.shape) >= phi) / (1 - phi)")],
     "dropout", ()),
    ("dropout_drops_at_test_time", "dropout_uniform_tuple_cache", "bob",
     [("    if not train:\n        return x, (None, phi, False)\n", "")], "dropout", ()),
    ("relu_backward_uses_dout_sign", "dropout_uniform_tuple_cache", "alice",
     [("return dout * (cache > 0)", "return dout * (dout > 0)")], "relu", ()),
    ("relu_backward_passes_at_zero", "dropout_choice_float32_inplace", "alice",
     [("dx[cache <= 0] = 0", "dx[cache < 0] = 0")], "relu", ()),
    # ar
    ("lag_newest_first", "ar_fancy_index_qr_float32", "alice",
     [("np.arange(L)[None, :]", "np.arange(L)[None, ::-1]")], "lags", ()),
    ("lag_one_extra_window", "ar_sklearn", "bob",
     [("for j in range(len(data) - L)]", "for j in range(len(data) - L + 1)]")], "lags", ()),
    ("lag_L_plus_1_rows", "ar_windows_pinv", "bob",
     [("sliding_window_view(data, L, axis=0)", "sliding_window_view(data, L + 1, axis=0)"),
      ("windows[:-1]", "windows")], "lags", ()),
    ("design_matrix_feature_major", "ar_windows_pinv", "alice",
     [("Z.reshape(len(Z), -1)", "Z.transpose(0, 2, 1).reshape(len(Z), -1)")], "lags", ()),
    ("design_matrix_intercept_last", "ar_fancy_index_qr_float32", "bob",
     [("X[:, 0] = 1\n    X[:, 1:] = Z.reshape(Z.shape[0], -1)", "X[:, -1] = 1\n    X[:, :-1] = Z.reshape(Z.shape[0], -1)")],
     "lags", ()),
    ("ols_with_a_small_ridge", "ar_windows_pinv", "alice",
     [("return np.linalg.pinv(X) @ y", "return np.linalg.solve(X.T @ X + 1e-3 * np.eye(X.shape[1]), X.T @ y)")],
     "ols", ()),
    ("r2_squared_correlation", "ar_windows_pinv", "bob",
     [("return 1 - np.mean((np.asarray(y) - yhat) ** 2) / np.var(y)", "return np.corrcoef(y, yhat)[0, 1] ** 2")],
     "ols", ()),
    ("r2_tss_around_prediction_mean", "ar_fancy_index_qr_float32", "alice",
     [("np.sum((y - y.mean()) ** 2)", "np.sum((y - yhat.mean()) ** 2)")], "ols", ()),
    # sgd
    ("gd_step_sign_error", "sgd_namedtuple_split", "alice",
     [("out -= rho * np.asarray(grad)", "out += rho * np.asarray(grad)"),
      ("theta = gd_step(theta, _risk(loss, theta, X[b], y[b])[1], rho)",
       "theta = theta - rho * _risk(loss, theta, X[b], y[b])[1]")], "gd_step", ()),
    ("minibatches_drop_last_partial", "sgd_dataclass_float32", "bob",
     [("    while idx.size:", "    while idx.size >= batch_size:")], "minibatches", ("sgd",)),
    ("minibatches_fixed_permutation", "sgd_namedtuple_split", "alice",
     [("rng.permuted(np.arange(n))", "np.random.default_rng(0).permutation(n)")], "minibatches", ()),
    ("minibatches_array_split_balanced", "sgd_namedtuple_split", "bob",
     [("range(batch_size, n, batch_size))", "-(-n // batch_size))")], "minibatches", ()),
    ("sgd_returns_last_not_best", "sgd_namedtuple_split", "alice",
     [("return SGDResult(hist[best], theta,", "return SGDResult(theta, theta,")], "sgd", ()),
    ("sgd_sums_batch_gradient", "sgd_namedtuple_split", "bob",
     [("return r @ r / (2 * len(y)), -(X.T @ r) / len(y)", "return r @ r / (2 * len(y)), -(X.T @ r)")], "sgd", ()),
    ("sgd_ignores_theta0", "sgd_namedtuple_split", "bob",
     [("theta = np.zeros(X.shape[1]) if theta0 is None else np.asarray(theta0, dtype=float).copy()",
       "theta = np.zeros(X.shape[1])")], "sgd", ()),
    ("sgd_train_loss_of_last_batch", "sgd_dataclass_float32", "alice",
     [("            theta = gd_step(theta, loss_and_grad(loss, theta, X[batch], y[batch])[1], rho)\n"
       "        history[e], train_loss[e] = theta, loss_and_grad(loss, theta, X, y)[0]",
       "            theta = gd_step(theta, loss_and_grad(loss, theta, X[batch], y[batch])[1], rho)\n"
       "        history[e], train_loss[e] = theta, loss_and_grad(loss, theta, X[batch], y[batch])[0]")], "sgd", ()),
    ("sgd_patience_counts_epochs_without_decrease", "sgd_namedtuple_split", "alice",
     [("            if va[-1] < va[best]:\n                best, wait = epoch, 0\n            else:\n                wait += 1",
       "            if va[-1] < va[best]:\n                best = epoch\n"
       "            wait = 0 if va[-1] < va[-2] else wait + 1")], "sgd", ()),
    ("sgd_one_permutation_for_all_epochs", "sgd_dataclass_float32", "alice",
     [("    for e in range(1, epochs + 1):\n        for batch in minibatch_indices(X.shape[0], batch_size, rng):",
       "    batches = minibatch_indices(X.shape[0], batch_size, rng)\n    for e in range(1, epochs + 1):\n"
       "        for batch in batches:")], "sgd", ()),
    # bow
    ("vocab_ties_reverse_alphabetical", "bow_counter_lil", "alice",
     [("key=lambda w: (-counts[w], w))", "key=lambda w: (-counts[w], [-ord(ch) for ch in w]))")], "vocabulary", ()),
    ("vocab_most_common_cut_before_tie_break", "bow_counter_lil", "alice",
     [("ranked = sorted(counts, key=lambda w: (-counts[w], w))",
       "ranked = sorted((w for w, _ in counts.most_common(max_words)), key=lambda w: (-counts[w], w))")],
     "vocabulary", ()),
    ("vocab_document_frequency", "bow_stable_sort_coo", "bob",
     [("counter.update(doc)", "counter.update(set(doc))")], "vocabulary", ()),
    ("vocab_indices_from_one", "bow_counter_lil", "bob",
     [("{w: np.int64(j) for j, w in", "{w: np.int64(j + 1) for j, w in")], "vocabulary", ()),
    ("encode_counts_when_binary", "bow_stable_sort_coo", "alice", [("    if binary:\n        X = X.sign()\n", "")],
     "encode", ()),
    ("encode_binary_when_counting", "bow_counter_lil", "alice",
     [("X[i, j] = 1 if binary else X[i, j] + 1", "X[i, j] = 1")], "encode", ()),
    # column k taken from the k-th key: right only while the vocabulary's key order is its index order
    *[(f"encode_column_from_kth_key_{s}", "bow_counter_lil", s,
       [("            j = vocab.get(w)\n", "            j = list(vocab).index(w) if w in vocab else None\n")],
       "encode", ()) for s in ("alice", "bob", "erin")],
    # a sparse matrix without shape=: too small when the last documents miss the last columns
    *[(f"encode_coo_without_shape_{s}", "bow_stable_sort_coo", s,
       [(", shape=(len(token_lists), len(vocab))).tocsr()", ").tocsr()")], "encode", ())
      for s in ("alice", "bob", "erin")],
]


def wrong_source(case: tuple) -> str:
    """The submission of a WRONG case: its base style with the changes applied."""
    _, base, student, changes, _, _ = case
    text = source(base, student)
    for old, new in changes:
        text = mutate(text, old, new)
    return text


# -- the quiz: one wrong blank each, (case id, which student, blank, wrong value from (key, variant), question) --

def quiz_student(condition, tries: int = 3000) -> str:
    """The first student id ``q0, q1, ...`` whose quiz variant satisfies ``condition(variant)``."""
    for i in range(tries):
        v = variant("quiz", f"q{i}", DEMO_SECRET)
        if condition(v):
            return f"q{i}"
    raise AssertionError(f"no quiz student among {tries} satisfies the condition")


def _dead(v):
    return v["w"] * v["x"] < 0 and abs(v["y"]) > 0.05


def _alive(v):
    return v["w"] * v["x"] > 0.05 and abs(v["beta"] * v["w"] * v["x"] - v["y"]) > 0.05


def _other_letter(letter: str) -> str:
    return "ABCD"[("ABCD".index(letter) + 1) % 4]


QUIZ_WRONG = [
    ("dR_dw_passes_through_dead_relu", _dead, "dR_dw",
     lambda k, v: (k["yhat"] - v["y"]) * v["beta"] * v["x"], "backward"),
    ("R_without_one_half", _alive, "R", lambda k, v: 2 * k["R"], "forward"),
    ("w_new_with_updated_beta", _alive, "w_new",
     lambda k, v: v["w"] - v["rho"] * (k["yhat"] - v["y"]) * k["beta_new"] * v["x"], "update"),
    ("dR_dbeta_sign_flipped", _alive, "dR_dbeta", lambda k, v: -k["dR_dbeta"], "backward"),
    ("concept_saddle_wrong_letter", _alive, "concept_saddle", lambda k, v: _other_letter(k["concept_saddle"]),
     "concepts"),
]


def quiz_wrong_source(case: tuple) -> tuple[str, str]:
    """(student, submission) of a QUIZ_WRONG case: every blank right (numpy floats, lower-case letters)
    except one."""
    _, condition, blank, wrong, _ = case
    student = quiz_student(condition)
    v = variant("quiz", student, DEMO_SECRET)
    key = answer_key(v)
    lines = ["import numpy as np"]
    for name, value in key.items():
        if name == blank:
            value = wrong(key, v)
        lines.append(f"{name} = {_answer(value, 'numpy')}")
    return student, "\n".join(lines) + "\n"
