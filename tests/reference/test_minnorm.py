"""reference.minnorm: ridge against scikit-learn, its limit the minimum-norm solution, and the double-descent
curve peaking at the interpolation threshold."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from reference.minnorm import (
    FEATURES,
    double_descent_curve,
    double_descent_problem,
    feature_counts,
    peak_count,
    random_features,
    ridge_solution,
)
from reference.sgd import gd_least_squares, min_norm_solution


@pytest.mark.parametrize("n, p", [(12, 5), (6, 6), (5, 12)])
def test_ridge_is_scikit_learns(n, p):
    rng = np.random.default_rng(n * 100 + p)
    X, y = rng.normal(size=(n, p)), rng.normal(size=n)
    for lam in (1e-3, 0.5, 10.0):
        want = Ridge(alpha=lam, fit_intercept=False, solver="svd").fit(X, y).coef_
        np.testing.assert_allclose(ridge_solution(X, y, lam), want, rtol=1e-9, atol=1e-12)


def test_ridge_tends_to_the_minimum_norm_solution_as_gd_from_zero_does():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 15)), rng.normal(size=6)
    pinv = min_norm_solution(X, y)
    gaps = [np.linalg.norm(ridge_solution(X, y, lam) - pinv) for lam in (1.0, 1e-2, 1e-4, 1e-6)]
    assert all(a > b for a, b in zip(gaps, gaps[1:])) and gaps[-1] < 1e-5
    rho = X.shape[0] / np.linalg.norm(X, 2) ** 2
    assert np.linalg.norm(gd_least_squares(X, y, rho, 20000) - pinv) < 1e-8


def test_features_and_counts():
    rng = np.random.default_rng(1)
    X, W = rng.normal(size=(4, 3)), rng.normal(size=(3, 9))
    for feature in FEATURES:
        F = random_features(X, W, feature)
        assert F.shape == (4, 9) and np.all(np.isfinite(F))
    np.testing.assert_allclose(random_features(X, W, "relu"), np.maximum(X @ W, 0) / 3)
    with pytest.raises(ValueError, match="feature"):
        random_features(X, W, "sigmoid")
    ps = feature_counts(40)
    assert 40 in ps and ps[0] == 8 and ps[-1] == 120 and np.all(np.diff(ps) > 0)


def test_the_curve_peaks_at_the_threshold_on_average():
    """Averaged over draws, the test error of min-norm least squares peaks at p = n and descends again."""
    n = 30
    ps = feature_counts(n)
    curves = []
    for seed in range(8):
        X, y, X_test, y_test, W = double_descent_problem(n, 5, 0.5, seed)
        curves.append(double_descent_curve(X, y, X_test, y_test, W, ps, "relu"))
    mean = np.mean(curves, axis=0)
    assert ps[np.argmax(mean)] == n
    assert mean[-1] < mean[ps == n][0] / 10


def test_peak_count_is_the_curves_argmax():
    X, y, X_test, y_test, W = double_descent_problem(25, 4, 0.3, 7)
    errors = double_descent_curve(X, y, X_test, y_test, W, feature_counts(25), "tanh")
    assert peak_count(25, 4, 0.3, 7, "tanh") == int(feature_counts(25)[np.argmax(errors)])
