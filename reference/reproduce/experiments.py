"""The two experiments the lecture discusses: vanishing gradients and double descent.

**Vanishing gradients.** For a trained many-to-one network o = beta0 + h_L beta over the word
embeddings x_1..x_L of a review, the sensitivity of the output to the word at position l is
||d o / d x_l||. Backpropagation through time multiplies one Jacobian per step, so for the
simple RNN this norm shrinks geometrically as l moves away from L; the LSTM's additive cell
update (c_t = f c_{t-1} + i g) lets it persist. We average the norm over the longest
validation reviews (all L positions real words) for the trained ``imdb-rnn`` and ``imdb-lstm``
models, and summarize each curve by the mean over the earlier positions l < L of
log10(||d o / d x_l|| / ||d o / d x_L||): how many orders of magnitude of gradient the model
loses, on average, across the review. The verdict: the LSTM loses fewer than the RNN.

(The summary was the ratio ``LOOKBACK`` = 100 steps back alone until the networks were trained
packed: on the --quick run's 2-epoch models that ratio was then RNN -3.8, LSTM -4.4 while 400
steps back the LSTM kept two orders of magnitude more; on the six full H200 runs measured both
summaries agree. The 100-step ratios stay in the details.)

**Double descent** (ISLP section 10.8). Least squares on p random ReLU features
phi_j(x) = max(0, x . w_j) / sqrt(p), w_j ~ N(0, I_d / d), of n = 100 noisy training points
in d = 10 dimensions. For p < n the fit is ordinary least squares; for p >= n it is the
minimum-norm interpolant (``reference.sgd.min_norm_solution``). Test error rises to a peak at
the interpolation threshold p = n, then falls again as p grows -- below the best
underparametrized error -- while ridge (lambda = 1e-3, scikit-learn) has no peak.
"""

from __future__ import annotations

import copy

import numpy as np
import torch

from ..minnorm import random_features
from ..sgd import min_norm_solution
from .context import Outcome

LOOKBACK = 100


def gradient_norms(model, ids, device):
    """Mean over reviews of ||d o / d x_l|| for each position l.

    Inputs:
    - model: a trained ``SequenceClassifier``
    - ids: (N, L) int64 word ids
    Returns:
    - norms: (L,) float64, position L last (computed on a float64 copy of the model)
    """
    model = copy.deepcopy(model).to(device).double().eval()   # float64: later underflow to 0
    x = model.embed(ids.to(device)).detach().requires_grad_(True)
    with torch.backends.cudnn.flags(enabled=False):   # cuDNN's RNN backward refuses eval mode
        o = model.forward_embedded(x)
        (dx,) = torch.autograd.grad(o.sum(), x)      # reviews are independent: row i gets d o_i / d x_i
    return dx.norm(dim=2).mean(dim=0).cpu().numpy()


def vanishing_gradients(ctx):
    """||d o_L / d x_l|| against l for the trained simple RNN and LSTM on real reviews."""
    splits = ctx.imdb()
    lengths = (splits.seq["val"] != 0).sum(dim=1)
    n_reviews = 32 if ctx.quick else 128
    order = torch.argsort(lengths, descending=True, stable=True)[:n_reviews]
    ids = splits.seq["val"][order]
    L = ids.shape[1]
    curves, summary, at_lookback = {}, {}, {}
    for name in ("imdb-rnn", "imdb-lstm"):
        norms = gradient_norms(ctx.models[name], ids, ctx.device)
        curves[name] = norms
        logs = np.log10(np.maximum(norms, 1e-300) / norms[-1])
        summary[name] = float(logs[:-1].mean())
        at_lookback[name] = float(logs[max(L - 1 - LOOKBACK, 0)])
    ctx.log_curve("vanishing-gradients", {"positions": np.arange(1, L + 1), **curves})
    passed = summary["imdb-lstm"] > summary["imdb-rnn"]
    details = {"n_reviews": int(ids.shape[0]), "min_real_words": int(lengths[order].min()), "lookback": LOOKBACK,
               "mean_log10_ratio_rnn": summary["imdb-rnn"], "mean_log10_ratio_lstm": summary["imdb-lstm"],
               "log10_ratio_rnn": at_lookback["imdb-rnn"], "log10_ratio_lstm": at_lookback["imdb-lstm"],
               "criterion": "LSTM loses fewer orders of magnitude of gradient across the review than the RNN "
                            "(mean over positions)",
               "display": f"RNN {summary['imdb-rnn']:+.1f}, LSTM {summary['imdb-lstm']:+.1f}"}
    return Outcome(summary["imdb-lstm"] - summary["imdb-rnn"], details, passed=bool(passed))


def _target(X):
    return np.tanh(X[:, 0]) + X[:, 1] * X[:, 2] / 2 + X[:, 3]


def double_descent_curves(rng, n=100, d=10, n_test=2000, noise=0.5, reps=10, ps=None, ridge_lambda=1e-3):
    """Mean test MSE of min-norm least squares and ridge over ``reps`` draws of data and features.

    Inputs:
    - rng: np.random.Generator
    - n, d, n_test, noise: training size, input dimension, test size, noise sd
    - reps: number of independent data sets / feature draws averaged
    - ps: (k,) numbers of random features (default: 0.1n..2n in steps of 0.1n, then up to 20n)
    - ridge_lambda: ridge penalty on the 1/sqrt(p)-scaled features
    Returns:
    - ps: (k,), min_norm: (k,), ridge: (k,) mean test MSE
    """
    from sklearn.linear_model import Ridge

    if ps is None:
        ps = np.unique(np.round(np.r_[np.linspace(0.1, 2, 20) * n, np.geomspace(2 * n, 20 * n, 8)]).astype(int))
    ps = np.asarray(ps)
    mn = np.zeros((reps, ps.size))
    rd = np.zeros((reps, ps.size))
    for r in range(reps):
        X = rng.normal(size=(n, d))
        y = _target(X) + noise * rng.normal(size=n)
        Xt = rng.normal(size=(n_test, d))
        yt = _target(Xt) + noise * rng.normal(size=n_test)
        W = rng.normal(size=(d, ps.max())) / np.sqrt(d)
        for k, p in enumerate(ps):
            F, Ft = random_features(X, W[:, :p], "relu"), random_features(Xt, W[:, :p], "relu")
            mn[r, k] = np.mean((Ft @ min_norm_solution(F, y) - yt) ** 2)
            ridge = Ridge(alpha=ridge_lambda, fit_intercept=False).fit(F, y)
            rd[r, k] = np.mean((ridge.predict(Ft) - yt) ** 2)
    return ps, mn.mean(axis=0), rd.mean(axis=0)


def double_descent(ctx):
    """Test error against the number of random features: peak at p = n, second descent after."""
    n = 100
    rng = np.random.default_rng(ctx.seed)
    ps, mn, rd = double_descent_curves(rng, n=n, reps=3 if ctx.quick else 10)
    ctx.log_curve("double-descent", {"p": ps, "min_norm": mn, "ridge": rd, "n": n})
    peak = int(ps[np.argmax(mn)])
    under = mn[ps < n].min()
    passed = bool(0.9 * n <= peak <= 1.1 * n and mn[-1] < under and rd[ps == peak][0] < mn.max())
    details = {"n_train": n, "peak_p": peak, "peak_error": float(mn.max()), "best_under_error": float(under),
               "largest_p": int(ps[-1]), "error_at_largest_p": float(mn[-1]),
               "ridge_error_at_peak": float(rd[ps == peak][0]),
               "criterion": "min-norm error peaks within 10% of p = n, ends below the best p < n error; ridge lower",
               "display": f"p = {peak}"}
    return Outcome(float(peak), details, passed=passed)
