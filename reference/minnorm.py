"""Ridge, the minimum-norm solution as its limit, and double descent with random features.

ISLP section 10.8 (interpolation and double descent): with p >= n features least squares has many
interpolating solutions; the one of smallest norm, pinv(X) y, is what gradient descent from zero
reaches (``reference.sgd.gd_least_squares``) and what ridge regression tends to as lambda -> 0.
Fitting it to p random features phi(X W) / sqrt(p) of n training points, the test error first falls,
then rises to a peak at the interpolation threshold p = n (the fit must pass through every noisy point
with barely enough freedom), and falls again beyond it: double descent.

Conventions: ridge minimizes ||y - X beta||^2 + lambda ||beta||^2 (no intercept, no 1/n); the test
error is the mean squared error on the test set.
"""

from __future__ import annotations

import numpy as np

from .sgd import min_norm_solution
from .validate import Dims, choice, positive_int, scalar

FEATURES = ("relu", "tanh", "abs")  # the nonlinearities of the random feature maps


def random_features(X, W, feature):
    """Random features phi(X W) / sqrt(p) for a fixed random matrix W.

    Inputs:
    - X: (n, d) inputs
    - W: (d, p) random weights
    - feature: "relu", "tanh" or "abs", the nonlinearity phi
    Returns:
    - F: (n, p) features
    """
    d = Dims()
    X = d.array("X", X, "n d")
    W = d.array("W", W, "d p")
    feature = choice("feature", feature, FEATURES)
    Z = X @ W
    F = np.maximum(Z, 0.0) if feature == "relu" else np.tanh(Z) if feature == "tanh" else np.abs(Z)
    return F / np.sqrt(W.shape[1])


def double_descent_problem(n, d, noise, seed, n_test=1000, p_max=None):
    """A regression problem for the double-descent curve: y = tanh(x_1) + x_2 x_3 / 2 + noise.

    Inputs:
    - n, d: training points and input dimension (d >= 3); noise: the noise's standard deviation
    - seed: the seed of the problem's generator; n_test: test points; p_max: columns of W (default 3 n)
    Returns:
    - X: (n, d), y: (n,), X_test: (n_test, d), y_test: (n_test,), W: (d, p_max) N(0, 1/d) weights
    """
    n = positive_int("n", n, minimum=1)
    d = positive_int("d", d, minimum=3)
    noise = scalar("noise", noise, 0.0, None)
    n_test = positive_int("n_test", n_test, minimum=1)
    p_max = 3 * n if p_max is None else positive_int("p_max", p_max, minimum=1)
    rng = np.random.default_rng(seed)

    def target(X):
        return np.tanh(X[:, 0]) + X[:, 1] * X[:, 2] / 2

    X = rng.normal(size=(n, d))
    X_test = rng.normal(size=(n_test, d))
    y = target(X) + noise * rng.normal(size=n)
    y_test = target(X_test) + noise * rng.normal(size=n_test)
    W = rng.normal(size=(d, p_max)) / np.sqrt(d)
    return X, y, X_test, y_test, W


def feature_counts(n):
    """The numbers of random features of the curve: n / 5, 2 n / 5, ..., 3 n (rounded), n itself among them.

    Inputs:
    - n: the number of training points
    Returns:
    - ps: (k,) increasing integers
    """
    n = positive_int("n", n, minimum=5)
    return np.unique(np.round(np.arange(1, 16) * n / 5).astype(int))


def ridge_solution(X, y, lam):
    """The ridge regression coefficients: the minimizer of ||y - X beta||^2 + lam ||beta||^2.

    Inputs:
    - X: (n, p) design matrix (no intercept column); y: (n,) responses
    - lam: penalty lambda > 0
    Returns:
    - beta: (p,) = (X^T X + lam I)^{-1} X^T y
    """
    d = Dims()
    X = d.array("X", X, "n p")
    y = d.array("y", y, "n")
    lam = scalar("lam", lam, 0.0, None, low_open=True)
    beta = np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)
    return beta


def double_descent_curve(X, y, X_test, y_test, W, ps, feature_map):
    """Test error of min-norm least squares on the first p random features, for each p in ps.

    For each p: the random features of the first p columns of W (``random_features``), the minimum-norm
    least-squares fit to them (``min_norm_solution``) and its mean squared error on the test set.

    Inputs:
    - X: (n, d), y: (n,) training data; X_test: (m, d), y_test: (m,) test data
    - W: (d, P) random weights, P >= max(ps); ps: (k,) numbers of features
    - feature_map: "relu", "tanh" or "abs", the nonlinearity of the features
    Returns:
    - errors: (k,) test mean squared errors
    """
    errors = np.zeros(len(ps))
    for k, p in enumerate(ps):
        F = random_features(X, W[:, :p], feature_map)
        F_test = random_features(X_test, W[:, :p], feature_map)
        beta = min_norm_solution(F, y)
        errors[k] = np.mean((y_test - F_test @ beta) ** 2)
    return errors


def peak_count(n, d, noise, seed, feature_map):
    """The number of features at which the test error of the variant's problem peaks (the answer key).

    Inputs:
    - n, d, noise, seed: the problem (``double_descent_problem``); feature_map: the nonlinearity
    Returns:
    - p: int, the p of ``feature_counts(n)`` with the largest test error
    """
    X, y, X_test, y_test, W = double_descent_problem(n, d, noise, seed)
    ps = feature_counts(n)
    return int(ps[np.argmax(double_descent_curve(X, y, X_test, y_test, W, ps, feature_map))])
