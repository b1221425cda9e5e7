"""Hidden tests of the ``ar`` assignment: lagged inputs, the AR design matrix, OLS, R^2 on NYSE.

The lag tensor and the design matrix are compared with the reference on random series (an
off-by-one lag or a lag order reversed fails); least squares on well-conditioned random designs,
where every correct method (lstsq, normal equations, pinv) agrees to far below the tolerance; R^2
on arbitrary predictions (so a squared correlation does not pass). The ``test_r2`` answer is
compared with the key computed for the student's own variant (lag L, features, day_of_week).
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.compare import Tolerance
from autograder.suites._support import call, check_answer, get_blank
from reference import ar as ref

LAG_HINT = "Z[j] holds rows j, ..., j+L-1 of the data (oldest first) and predicts row j+L"


def _series(rng, p=None):
    T, p = int(rng.integers(15, 30)), int(p or rng.integers(1, 4))
    return rng.standard_normal((T, p))


@pytest.mark.question("lags")
def test_lag_tensor(student, hidden_rng):
    """lag_tensor on a random multivariate series, and with L = T - 1 (a single window)"""
    data, L = _series(hidden_rng), int(hidden_rng.integers(2, 8))
    r = call(student, "lag_tensor", data=data, L=L)
    r.check("Z", r.value, ref.lag_tensor(data, L), LAG_HINT, "(T-L, L, p)")
    L = data.shape[0] - 1
    r = call(student, "lag_tensor", data=data, L=L)
    r.check("Z", r.value, ref.lag_tensor(data, L), LAG_HINT, "(T-L, L, p)")


@pytest.mark.question("lags")
def test_lag_tensor_one_lag_one_series(student, hidden_rng):
    """lag_tensor with one lag of one series (L = 1, p = 1), and with two lags of it"""
    data = _series(hidden_rng, p=1)
    # With L = 1 the lag tensor is data[:-1], which returning the data itself, resized, also gives: the same
    # series with L = 2 is checked too, so that only code that builds the windows earns this test.
    for L in (1, 2):
        r = call(student, "lag_tensor", data=data, L=L)
        r.check("Z", r.value, ref.lag_tensor(data, L), LAG_HINT, "(T-L, L, p)")


@pytest.mark.question("lags")
def test_design_matrix(student, hidden_rng):
    """ar_design_matrix: a column of ones, then the flattened lags"""
    data, L = _series(hidden_rng, p=int(hidden_rng.integers(2, 4))), int(hidden_rng.integers(2, 8))  # p > 1: the
    # order of the flattened lags (all series at lag 1, then at lag 2, ...) shows only with several series
    r = call(student, "ar_design_matrix", data=data, L=L)
    r.check("X", r.value, ref.ar_design_matrix(data, L),
            "the intercept column comes first, then lag_tensor(data, L).reshape(T - L, L * p)", "(T-L, 1 + L*p)")


@pytest.mark.question("lags")
def test_design_matrix_one_lag(student, hidden_rng):
    """ar_design_matrix with L = 1"""
    data = _series(hidden_rng)
    r = call(student, "ar_design_matrix", data=data, L=1)
    r.check("X", r.value, ref.ar_design_matrix(data, 1), "", "(T-L, 1 + L*p)")


def _design(rng):
    N, q = int(rng.integers(20, 40)), int(rng.integers(2, 6))
    X = np.hstack([np.ones((N, 1)), rng.standard_normal((N, q - 1))])
    return X, rng.standard_normal(q)


@pytest.mark.question("ols")
def test_fit_ols(student, hidden_rng):
    """fit_ols on a random design with noise"""
    X, beta = _design(hidden_rng)
    y = X @ beta + hidden_rng.standard_normal(X.shape[0])
    r = call(student, "fit_ols", X=X, y=y)
    r.check("beta", r.value, ref.fit_ols(X, y), "minimize ||y - X beta||^2, e.g. with np.linalg.lstsq", "(q,)")


@pytest.mark.question("ols")
def test_fit_ols_exact(student, hidden_rng):
    """fit_ols recovers the coefficients of noise-free data"""
    X, beta = _design(hidden_rng)
    r = call(student, "fit_ols", X=X, y=X @ beta)
    r.check("beta", r.value, ref.fit_ols(X, X @ beta), "", "(q,)")


@pytest.mark.question("ols")
def test_r_squared(student, hidden_rng):
    """r_squared of arbitrary predictions"""
    n = int(hidden_rng.integers(10, 30))
    y = hidden_rng.standard_normal(n) + 1.0
    yhat = 0.5 * y + 0.5 * hidden_rng.standard_normal(n) + 1.0  # biased, as on a test set: mean(yhat) is far
    # from mean(y), so neither a squared correlation nor a TSS around mean(yhat) passes
    r = call(student, "r_squared", y=y, yhat=yhat)
    r.check_scalar("R2", r.value, ref.r_squared(y, yhat),
                   "R^2 = 1 - RSS / TSS with TSS around the mean of y (not a squared correlation)")


@pytest.mark.question("ols")
def test_r_squared_edge_cases(student, hidden_rng):
    """r_squared is 1 for perfect predictions and 0 for predicting the mean"""
    y = hidden_rng.standard_normal(int(hidden_rng.integers(5, 15)))
    r = call(student, "r_squared", y=y, yhat=y.copy())
    r.check_scalar("R2", r.value, 1.0, "perfect predictions leave no residual")
    r = call(student, "r_squared", y=y, yhat=np.full_like(y, y.mean()))
    r.check_scalar("R2", r.value, 0.0, "predicting the mean leaves RSS = TSS", tol=Tolerance(1e-7, 1e-9))


@pytest.mark.question("nyse_r2")
def test_nyse_test_r2(student, variant):
    """test_r2: the test R^2 of your variant's AR model on NYSE"""
    from autograder.answer_key import ANSWER_ATOL, answer_key

    check_answer(
        "test_r2", get_blank(student, "test_r2"), answer_key(variant)["test_r2"],
        f"fit OLS on the training days (before 1980) of your variant's model (L = {variant['L']}, features "
        f"{', '.join(variant['features'])}, day_of_week = {variant['day_of_week']}) and report R^2 on the test days"
        + ("; keep the notebook's cell that drops Friday's dummy (a full-rank design: every least-squares solver "
           "then gives the same R^2)" if variant["day_of_week"] else ""),
        tol=Tolerance(1e-6, ANSWER_ATOL),
    )
