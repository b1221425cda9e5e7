"""Known mistakes of the ``minnorm`` assignment (trusted; never in a bundle): wrong variants of the reference
functions, named in feedback when exactly one reproduces a student's failing result on the same inputs."""

import numpy as np

from autograder.grading.diagnose import Misconception


def min_norm_normal_equations(X, y):
    return np.linalg.solve(X.T @ X, X.T @ y)


def min_norm_dual_only(X, y):
    return X.T @ np.linalg.solve(X @ X.T, y)


def gd_without_mean(X, y, rho, steps, theta0=None):
    theta = np.zeros(X.shape[1]) if theta0 is None else np.array(theta0, dtype=float)
    for _ in range(steps):
        theta = theta + rho * X.T @ (y - X @ theta)
    return theta


def gd_uphill(X, y, rho, steps, theta0=None):
    theta = np.zeros(X.shape[1]) if theta0 is None else np.array(theta0, dtype=float)
    for _ in range(steps):
        theta = theta - rho * X.T @ (y - X @ theta) / X.shape[0]
    return theta


def ridge_scaled_by_n(X, y, lam):
    return np.linalg.solve(X.T @ X + lam * X.shape[0] * np.eye(X.shape[1]), X.T @ y)


def ridge_half_penalty(X, y, lam):
    return np.linalg.solve(X.T @ X + lam / 2 * np.eye(X.shape[1]), X.T @ y)


MISCONCEPTIONS = [
    Misconception("normal equations", "Solving (X^T X) theta = X^T y needs X^T X to be invertible, so it fails when "
                  "p > n or columns are dependent; the pseudo-inverse gives the smallest-norm solution in every case",
                  {"min_norm_solution": min_norm_normal_equations}),
    Misconception("the wide-matrix formula only", "X^T (X X^T)^{-1} y is the minimum-norm solution only when X has "
                  "full row rank (p >= n); for a tall X it is not even defined", {"min_norm_solution": min_norm_dual_only}),
    Misconception("gradient not averaged", "The loss is 1/(2n) ||y - X theta||^2, so its gradient is divided by n",
                  {"gd_least_squares": gd_without_mean}),
    Misconception("step uphill", "Gradient descent subtracts rho times the gradient -X^T (y - X theta) / n",
                  {"gd_least_squares": gd_uphill}),
    Misconception("penalty scaled by n", "This ridge has no 1/n: it minimizes ||y - X beta||^2 + lam ||beta||^2",
                  {"ridge_solution": ridge_scaled_by_n}),
    Misconception("penalty halved", "The derivative of lam ||beta||^2 is 2 lam beta, and of ||y - X beta||^2 it is "
                  "-2 X^T (y - X beta): the 2s cancel and lam stays whole", {"ridge_solution": ridge_half_penalty}),
]
