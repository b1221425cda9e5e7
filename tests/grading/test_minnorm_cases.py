"""minnorm graded on behaviour: correct solutions in other styles get full marks, each subtle mistake loses
points on its own question (the curve, which calls the student's min_norm_solution, may go with it)."""

from __future__ import annotations

import pytest

from autograder.answer_key import answer_key
from autograder.grading import grade_submission
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.variants import DEMO_SECRET, variant

STUDENT = "mn-ana"

BASE = '''
import numpy as np

def squared_loss_grad(theta, X, y):
    return -X.T @ (y - X @ theta) / X.shape[0]

def random_features(X, W, feature):
    Z = X @ W
    F = {{"relu": np.maximum(Z, 0.0), "tanh": np.tanh(Z), "abs": np.abs(Z)}}[feature]
    return F / np.sqrt(W.shape[1])

def min_norm_solution(X, y):
    {pinv}

def gd_least_squares(X, y, rho, steps, theta0=None):
    theta = np.zeros(X.shape[1]) if theta0 is None else np.array(theta0, dtype=float)
    for _ in range(steps):
        {step}
    return theta

def ridge_solution(X, y, lam):
    {ridge}

def double_descent_curve(X, y, X_test, y_test, W, ps):
    out = []
    for p in ps:
        beta = min_norm_solution(random_features(X, W[:, :p], FEATURE), y)
        {error}
    return np.array(out)

FEATURE = "{feature}"
peak_p = {peak}
'''

RIGHT = {
    "pinv": "return np.linalg.pinv(X) @ y",
    "step": "theta = theta - rho * squared_loss_grad(theta, X, y)",
    "ridge": "return np.linalg.solve(X.T @ X + lam * np.eye(X.shape[1]), X.T @ y)",
    "error": "out.append(np.mean((y_test - random_features(X_test, W[:, :p], FEATURE) @ beta) ** 2))",
}

STYLES = {
    "lstsq": {"pinv": "return np.linalg.lstsq(X, y, rcond=None)[0]"},
    "svd": {"pinv": "U, s, Vt = np.linalg.svd(X, full_matrices=False)\n    keep = s > s.max() * max(X.shape) * 1e-15\n"
                    "    return Vt[keep].T @ ((U[:, keep].T @ y) / s[keep])"},
    "update by hand": {"step": "theta = theta + rho * (X.T @ (y - X @ theta)) / len(y)"},
    "dual ridge": {"ridge": "return X.T @ np.linalg.solve(X @ X.T + lam * np.eye(X.shape[0]), y)"},
    "sklearn-free svd ridge": {"ridge": "U, s, Vt = np.linalg.svd(X, full_matrices=False)\n"
                                        "    return Vt.T @ (s / (s ** 2 + lam) * (U.T @ y))"},
    "error as a norm": {"error": "r = y_test - random_features(X_test, W[:, :p], FEATURE) @ beta\n"
                                 "        out.append(r @ r / len(r))"},
}

WRONG = {
    "normal equations": ({"pinv": "return np.linalg.solve(X.T @ X, X.T @ y)"}, "pinv", ("curve",)),
    "wide formula only": ({"pinv": "return X.T @ np.linalg.solve(X @ X.T, y)"}, "pinv", ("curve",)),
    "gradient not averaged": ({"step": "theta = theta + rho * X.T @ (y - X @ theta)"}, "gd", ()),
    "one step short": ({"step": "theta = theta - rho * squared_loss_grad(theta, X, y) * (_ > 0)"}, "gd", ()),
    "returns pinv": ({"step": "theta = np.linalg.pinv(X) @ y"}, "gd", ()),
    "penalty scaled by n": ({"ridge": "return np.linalg.solve(X.T @ X + lam * len(y) * np.eye(X.shape[1]), X.T @ y)"},
                            "ridge", ()),
    "lam added everywhere": ({"ridge": "return np.linalg.solve(X.T @ X + lam, X.T @ y)"}, "ridge", ()),
    "training error": ({"error": "out.append(np.mean((y - random_features(X, W[:, :p], FEATURE) @ beta) ** 2))"},
                       "curve", ()),
    "sum not mean": ({"error": "out.append(np.sum((y_test - random_features(X_test, W[:, :p], FEATURE) @ beta) ** 2))"},
                     "curve", ()),
}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _source(changes: dict, peak_shift: int = 0) -> str:
    v = variant("minnorm", STUDENT, DEMO_SECRET)
    parts = {**RIGHT, **changes}
    return BASE.format(**parts, feature=v["feature_map"], peak=answer_key(v)["peak_p"] + peak_shift)


def _scores(sandbox, tmp_path, source: str) -> dict:
    path = tmp_path / "minnorm.py"
    path.write_text(source)
    result = grade_submission(path, "minnorm", STUDENT, DEMO_SECRET, sandbox=sandbox)
    assert result["error"] is None, result["error"]
    return {n: (q["score"], q["max_score"]) for n, q in result["questions"].items()}


@pytest.mark.parametrize("style", ["as written", *STYLES])
def test_other_styles_get_full_marks(sandbox, tmp_path, style):
    scores = _scores(sandbox, tmp_path, _source(STYLES.get(style, {})))
    assert all(s == m for s, m in scores.values()), (style, scores)


@pytest.mark.parametrize("case", WRONG)
def test_subtle_mistakes_lose_their_own_question(sandbox, tmp_path, case):
    changes, lost, also = WRONG[case]
    scores = _scores(sandbox, tmp_path, _source(changes))
    assert scores[lost][0] < scores[lost][1], (case, scores)
    assert all(s == m for n, (s, m) in scores.items() if n != lost and n not in also), (case, scores)


def test_a_wrong_peak_loses_the_peak_only(sandbox, tmp_path):
    scores = _scores(sandbox, tmp_path, _source({}, peak_shift=1))
    assert scores["peak"][0] == 0 and all(s == m for n, (s, m) in scores.items() if n != "peak"), scores
