"""A fast lasso logistic path for ``deepgrade reproduce`` (glmnet's recipe, on scikit-learn's Lasso).

``reference.bow.lasso_logistic_path`` -- the answer key the ``bow`` assignment hands to students --
fits every lambda from scratch with liblinear, which penalizes the intercept as a constant feature
of value ``intercept_scaling``. On the IMDb table that is 50 cold fits and most of the row's time.
Here the same penalized problem (summed log-loss, intercept unpenalized)

    minimize over b0, beta   sum_i loss(y_i, b0 + x_i . beta)  +  lambda * ||beta||_1

is solved along the decreasing grid as glmnet does:

1. **Warm starts.** Each lambda starts from the previous solution, which is close.
2. **Proximal Newton (IRLS).** Around the current eta = b0 + X beta, the log-loss is replaced by
   its quadratic approximation, a weighted least-squares problem with weights w_i = p_i (1 - p_i)
   and working response z_i = eta_i + (y_i - p_i) / w_i; that weighted lasso is solved by
   scikit-learn's coordinate descent (``Lasso`` with ``sample_weight``, alpha = lambda / sum(w)),
   warm-started too. A step that would raise the penalized objective is halved until it does not.
3. **Strong rules** (Tibshirani et al. 2012). At lambda_k only the columns with
   |X_j^T (y - p)| >= 2 lambda_k - lambda_{k-1} at the previous solution, plus those already
   nonzero, enter the solver; the KKT conditions |X_j^T (y - p)| <= lambda of the others are then
   checked on all columns and any violator is added and the fit repeated, so the answer is that of
   the full problem.

4. **Inexact inner solves.** Each weighted lasso stops at a loose tolerance (``inner_tol``); the
   Newton loop, not the inner solver, decides when a lambda is done (relative objective change
   below ``tol``).
5. **Optional early end** (``patience``): with a validation set, the path stops once ``patience``
   lambdas in a row have not beaten the best validation accuracy -- the small-lambda tail, nearly
   unpenalized and the slowest part, is then never fitted. The lambdas actually fitted are the
   returned path's ``lambdas``.

The result is a ``reference.bow.LassoPath``, best lambda picked on validation as there. On the
IMDb table the path matches liblinear's to the validation accuracy's third decimal and picks
the same lambda (``bench/reproduce.py --lasso`` measures both in one run).
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp

from ..bow import LassoPath, _check_xy

_W_MIN = 1e-5          # floor on the IRLS weights p (1 - p), as glmnet's


def _sigmoid(eta):
    return 0.5 * (1.0 + np.tanh(0.5 * eta))


def _loss(y, eta):
    """Summed log-loss sum_i log(1 + e^eta_i) - y_i eta_i, computed stably."""
    return float(np.sum(np.logaddexp(0.0, eta) - y * eta))


def _weighted_lasso(X, z, w, alpha, coef, tol):
    """min 1/(2 sum w) sum_i w_i (z_i - b0 - x_i . beta)^2 + alpha ||beta||_1, warm-started at coef."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import Lasso

    model = Lasso(alpha=alpha, fit_intercept=True, warm_start=True, tol=tol, max_iter=5_000, selection="cyclic")
    model.coef_ = coef.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, z, sample_weight=w)
    return model.coef_, float(model.intercept_)


def _newton(X, y, lam, beta, b0, tol, inner_tol, max_newton):
    """Proximal Newton on columns X (n, s): returns beta (s,), b0 at lambda."""
    eta = X @ beta + b0
    objective = _loss(y, eta) + lam * np.abs(beta).sum()
    for _ in range(max_newton):
        p = _sigmoid(eta)
        w = np.maximum(p * (1.0 - p), _W_MIN)
        z = eta + (y - p) / w
        new_beta, new_b0 = _weighted_lasso(X, z, w, lam / w.sum(), beta, inner_tol)
        step = 1.0
        while True:
            cand_beta = beta + step * (new_beta - beta)
            cand_b0 = b0 + step * (new_b0 - b0)
            cand_eta = X @ cand_beta + cand_b0
            cand_obj = _loss(y, cand_eta) + lam * np.abs(cand_beta).sum()
            if cand_obj <= objective + 1e-12 * abs(objective) or step < 1e-3:
                break
            step *= 0.5
        change = objective - cand_obj
        beta, b0, eta, objective = cand_beta, cand_b0, cand_eta, cand_obj
        if change <= tol * max(abs(objective), 1.0):
            break
    return beta, b0


def lasso_logistic_path_fast(X_train, y_train, lambdas, X_val=None, y_val=None, tol=1e-6, inner_tol=1e-2,
                             max_newton=50, patience=None):
    """The lasso logistic path along decreasing ``lambdas`` with warm starts, IRLS and strong rules.

    Inputs:
    - X_train: (n, V) array or sparse matrix; y_train: (n,) labels in {0, 1}
    - lambdas: (n_lambda,) positive penalties in decreasing order (``reference.bow.lambda_grid``)
    - X_val: (n_val, V), y_val: (n_val,), optional validation set picking the best lambda
    - tol: relative decrease of the penalized objective under which a Newton loop stops (also the
      coordinate-descent tolerance of each weighted lasso)
    - inner_tol: tolerance of each weighted-lasso coordinate descent (scikit-learn's duality gap)
    - max_newton: Newton steps at most per lambda
    - patience: with a validation set, stop after this many lambdas without a better validation
      accuracy (None: fit every lambda)
    Returns:
    - path: ``reference.bow.LassoPath`` over the lambdas fitted (intercept unpenalized)
    """
    X, y = _check_xy(X_train, y_train, "X_train", "y_train")
    lambdas = np.asarray(lambdas, dtype=np.float64)
    if lambdas.ndim != 1 or lambdas.size == 0 or not np.all(np.isfinite(lambdas) & (lambdas > 0)):
        raise ValueError(f"lambdas has shape {lambdas.shape}; expected a non-empty 1-d array of positive numbers")
    if np.any(np.diff(lambdas) > 0):
        raise ValueError("lambdas must decrease (warm starts run from lambda_max down)")
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together; got only one of them")
    if X_val is not None:
        X_val, y_val = _check_xy(X_val, y_val, "X_val", "y_val")
        if X_val.shape[1] != X.shape[1]:
            raise ValueError(f"X_val has shape {X_val.shape}; expected (n_val, V) with V = {X.shape[1]}")
    for name, value in (("tol", tol), ("inner_tol", inner_tol)):
        if not 0.0 < float(value) < 1.0:
            raise ValueError(f"{name} is {value}; expected a number in (0, 1)")
    if patience is not None and (X_val is None or int(patience) < 1):
        raise ValueError(f"patience is {patience}; expected None, or an integer >= 1 with a validation set")

    n, V = X.shape
    Xc = sp.csc_matrix(X)
    ybar = y.mean()
    beta = np.zeros(V)
    b0 = float(np.log(ybar / (1.0 - ybar)))
    coef = np.zeros((lambdas.size, V))
    intercept = np.zeros(lambdas.size)
    train_acc = np.zeros(lambdas.size)
    val_acc = None if X_val is None else np.zeros(lambdas.size)
    grad = np.asarray(X.T @ (y - _sigmoid(X @ beta + b0))).ravel()   # -d loss / d beta
    for k, lam in enumerate(lambdas):
        lam_prev = lambdas[k - 1] if k else lam
        active = (np.abs(grad) >= 2 * lam - lam_prev) | (beta != 0)
        while True:
            cols = np.flatnonzero(active)
            if cols.size:
                beta_s, b0 = _newton(Xc[:, cols], y, lam, beta[cols], b0, tol, inner_tol, max_newton)
                beta = np.zeros(V)
                beta[cols] = beta_s
            else:                               # nothing can enter: the intercept alone
                b0 = float(np.log(ybar / (1.0 - ybar)))
            eta = X @ beta + b0
            grad = np.asarray(X.T @ (y - _sigmoid(eta))).ravel()
            violators = ~active & (np.abs(grad) > lam * (1 + 1e-6))
            if not violators.any():
                break
            active |= violators
        coef[k], intercept[k] = beta, b0
        train_acc[k] = np.mean((eta > 0) == (y > 0.5))
        if val_acc is not None:
            val_acc[k] = np.mean(((X_val @ beta + b0) > 0) == (y_val > 0.5))
            if patience is not None and k - int(np.argmax(val_acc[:k + 1])) >= patience:
                m = k + 1
                lambdas, coef, intercept = lambdas[:m], coef[:m], intercept[:m]
                train_acc, val_acc = train_acc[:m], val_acc[:m]
                break

    best_index = best_lambda = None
    if val_acc is not None:
        best = np.flatnonzero(val_acc == val_acc.max())
        best_index = int(best[np.argmax(lambdas[best])])
        best_lambda = float(lambdas[best_index])
    return LassoPath(lambdas=lambdas, coef=coef, intercept=intercept, n_nonzero=np.count_nonzero(coef, axis=1),
                     train_accuracy=train_acc, val_accuracy=val_acc, best_index=best_index, best_lambda=best_lambda)
