"""Public self-check of the ``minnorm`` assignment: fixed inputs (the same for every student, from the public
seed) and the reference's results on them; the curve's check uses the student's feature map. Started by
``deepgrade new``; ``checks(variant)`` returns one list of checks per function and per question with blanks."""

from __future__ import annotations

from autograder.generate.public import answer_checks, call, function_public, out, rng_for, value_check


def checks(variant: dict) -> dict:
    from reference.minnorm import double_descent_curve, ridge_solution
    from reference.sgd import gd_least_squares, min_norm_solution

    rng = rng_for(variant["assignment"], 0)
    wide, y_wide = rng.normal(size=(4, 7)), rng.normal(size=4)
    tall, y_tall = rng.normal(size=(7, 4)), rng.normal(size=7)
    checks = {}
    checks |= function_public("min_norm_solution", min_norm_solution, {"X": wide, "y": y_wide}, "wide X: 4 x 7",
                              "pinv(X) @ y (np.linalg.pinv or np.linalg.lstsq)")
    checks["min_norm_solution"] += function_public("min_norm_solution", min_norm_solution, {"X": tall, "y": y_tall},
                                                   "tall X: 7 x 4")["min_norm_solution"]
    checks |= function_public("gd_least_squares", gd_least_squares, {"X": wide, "y": y_wide, "rho": 0.1, "steps": 3},
                              "4 x 7, rho = 0.1, 3 steps", "grad = -X^T (y - X theta) / n; start from zeros")
    checks |= function_public("ridge_solution", ridge_solution, {"X": tall, "y": y_tall, "lam": variant["ridge_lam"]},
                              f"7 x 4, lam = {variant['ridge_lam']}", "(X^T X + lam I)^{-1} X^T y")
    X, y, X_test, y_test = rng.normal(size=(6, 3)), rng.normal(size=6), rng.normal(size=(20, 3)), rng.normal(size=20)
    W, ps = rng.normal(size=(3, 12)), [2, 4, 12]  # not p = n: its ill-conditioned fit would differ per CPU
    expected = double_descent_curve(X, y, X_test, y_test, W, ps, variant["feature_map"])
    checks["double_descent_curve"] = [value_check(
        f"double_descent_curve: n = 6, p in {ps}, your features ({variant['feature_map']})",
        call("double_descent_curve", X, y, X_test, y_test, W, ps), [out("errors", expected)],
        "random_features of the first p columns of W, min_norm_solution on them, the test mean squared error")]
    return checks | answer_checks(variant["assignment"])
