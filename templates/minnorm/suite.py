"""Hidden tests of the ``minnorm`` assignment: minimum norm, gradient descent from zero, ridge, double descent.

Started by ``deepgrade new`` (each function against the reference on hidden inputs) and edited: every
least-squares function is tried on tall (p < n), square (p = n) and wide (p > n) problems, min-norm also on
a rank-deficient one (where the normal equations break); gradient descent after a few steps (so returning
pinv(X) y earns nothing) and after many (it must reach the minimum-norm solution: implicit regularization);
ridge at the student's lambda and at another one, in both shapes; the curve on a hidden problem whose
feature counts straddle p = n. The peak answer is compared with the reference's curve on the student's
own problem.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.compare import Tolerance
from autograder.suites._support import call, check_answer, get_blank
from autograder.suites.generic import check_function
from reference.minnorm import double_descent_curve, ridge_solution
from reference.sgd import gd_least_squares, min_norm_solution


def _problem(rng, n: int, p: int, spread: tuple[float, float] = (0.5, 2.0)):
    """X (n, p) with singular values in ``spread`` (well conditioned, so every correct method agrees to
    float precision), and y (n,)."""
    u, _ = np.linalg.qr(rng.normal(size=(n, n)))
    v, _ = np.linalg.qr(rng.normal(size=(p, p)))
    s = np.sort(rng.uniform(*spread, size=min(n, p)))[::-1]
    X = (u[:, : s.size] * s) @ v[:, : s.size].T
    return X, rng.normal(size=n)


def _shape(rng, kind: str) -> tuple[int, int]:
    n = int(rng.integers(4, 9))
    return {"tall": (n + int(rng.integers(2, 6)), n), "square": (n, n), "wide": (n, n + int(rng.integers(2, 8)))}[kind]


# -- the minimum-norm solution ------------------------------------------------------------------------

@pytest.mark.question("pinv")
@pytest.mark.parametrize("kind", ["tall", "square", "wide"])
def test_min_norm(student, hidden_rng, kind):
    """min_norm_solution on a tall (p < n), a square and a wide (p > n) problem"""
    X, y = _problem(hidden_rng, *_shape(hidden_rng, kind))
    check_function(student, "min_norm_solution", min_norm_solution, {"X": X, "y": y},
                   "the least-squares solution of smallest norm, for every shape of X: pinv(X) @ y")


@pytest.mark.question("pinv")
def test_min_norm_rank_deficient(student, hidden_rng):
    """min_norm_solution when two columns of X are equal (X^T X is singular; the answer splits their weight)"""
    n, p = _shape(hidden_rng, "tall")
    X, y = _problem(hidden_rng, n, p)
    X[:, -1] = X[:, 0]
    check_function(student, "min_norm_solution", min_norm_solution, {"X": X, "y": y},
                   "with dependent columns the normal equations have no unique solution; pinv picks the smallest")


# -- gradient descent from zero ------------------------------------------------------------------------

def _rho(X) -> float:
    """A learning rate that converges: n / sigma_max(X)^2 (half the limit 2 n / sigma_max^2)."""
    return float(X.shape[0] / np.linalg.norm(X, 2) ** 2)


@pytest.mark.question("gd")
@pytest.mark.parametrize("kind", ["tall", "wide"])
def test_gd_few_steps(student, hidden_rng, kind):
    """gd_least_squares after a few steps from zero, on a tall and a wide problem"""
    X, y = _problem(hidden_rng, *_shape(hidden_rng, kind))
    steps = int(hidden_rng.integers(2, 7))
    check_function(student, "gd_least_squares", gd_least_squares,
                   {"X": X, "y": y, "rho": _rho(X) * float(hidden_rng.uniform(0.5, 1.0)), "steps": steps},
                   "theta <- theta - rho * grad with grad = -X^T (y - X theta) / n, from theta = 0, `steps` times")


@pytest.mark.question("gd")
def test_gd_from_a_start(student, hidden_rng):
    """gd_least_squares from a given theta0"""
    X, y = _problem(hidden_rng, *_shape(hidden_rng, "wide"))
    theta0, steps = hidden_rng.normal(size=X.shape[1]), int(hidden_rng.integers(2, 6))
    r = call(student, "gd_least_squares", X=X, y=y, rho=_rho(X), steps=steps, _kw={"theta0": theta0})
    r.check("theta", r.value, gd_least_squares(X, y, _rho(X), steps, theta0=theta0),
            "start from theta0 when it is given", "(q,)")


@pytest.mark.question("gd")
def test_gd_reaches_min_norm(student, hidden_rng):
    """gd_least_squares from zero on a wide problem converges to the minimum-norm solution"""
    X, y = _problem(hidden_rng, *_shape(hidden_rng, "wide"), spread=(1.0, 1.5))
    r = call(student, "gd_least_squares", X=X, y=y, rho=_rho(X), steps=400)
    r.check("theta", r.value, min_norm_solution(X, y),
            "from theta = 0 every step stays in the row space of X, so the limit is pinv(X) @ y", "(q,)",
            tol=Tolerance(rtol=1e-6, atol=1e-8))


# -- ridge ------------------------------------------------------------------------------------------------

@pytest.mark.question("ridge")
@pytest.mark.parametrize("kind", ["tall", "wide"])
def test_ridge(student, variant, hidden_rng, kind):
    """ridge_solution at your lambda and at another one, on a tall and a wide problem"""
    X, y = _problem(hidden_rng, *_shape(hidden_rng, kind))
    for lam in (variant["ridge_lam"], float(hidden_rng.choice([0.05, 0.3, 2.0, 5.0]))):
        check_function(student, "ridge_solution", ridge_solution, {"X": X, "y": y, "lam": lam},
                       "minimize ||y - X beta||^2 + lam ||beta||^2: (X^T X + lam I)^{-1} X^T y")


@pytest.mark.question("ridge")
def test_ridge_small_lambda(student, hidden_rng):
    """ridge_solution with a tiny lambda on a wide problem: close to the minimum-norm solution"""
    X, y = _problem(hidden_rng, *_shape(hidden_rng, "wide"), spread=(1.0, 2.0))
    check_function(student, "ridge_solution", ridge_solution, {"X": X, "y": y, "lam": 1e-6},
                   "as lambda -> 0 ridge tends to the minimum-norm solution")


# -- the curve and its peak ---------------------------------------------------------------------------

@pytest.mark.question("curve")
def test_curve(student, variant, hidden_rng):
    """double_descent_curve on a hidden problem, with feature counts below, at and above p = n"""
    n, d = int(hidden_rng.integers(8, 15)), int(hidden_rng.integers(3, 7))
    rng = np.random.default_rng(int(hidden_rng.integers(2**31)))
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    X_test = rng.normal(size=(int(hidden_rng.integers(30, 60)), d))
    y_test = rng.normal(size=X_test.shape[0])
    W = rng.normal(size=(d, 3 * n)) / np.sqrt(d)
    ps = np.array([max(1, n // 3), n - 1, n, n + 2, 2 * n, 3 * n])
    r = call(student, "double_descent_curve", X=X, y=y, X_test=X_test, y_test=y_test, W=W, ps=ps)
    r.check("errors", r.value, double_descent_curve(X, y, X_test, y_test, W, ps, variant["feature_map"]),
            f"for each p: your variant's features ({variant['feature_map']}) of the first p columns of W, the "
            "minimum-norm fit on the training set, the mean squared error on the test set", "(k,)")


@pytest.mark.question("peak")
def test_peak(student, variant):
    """peak_p: the number of features at which your problem's test error peaks"""
    from autograder.answer_key import answer_key

    check_answer("peak_p", get_blank(student, "peak_p"), answer_key(variant)["peak_p"],
                 "the p of feature_counts(n) where your double_descent_curve is largest")
