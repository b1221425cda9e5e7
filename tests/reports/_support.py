"""Helpers of the report tests: screenshots as artifacts, a gradebook of a small hostile class, checks."""

from __future__ import annotations

from pathlib import Path

from autograder.gradebook import Gradebook
from autograder.reports import browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artifacts" / "reports"  # screenshots, not committed
HOSTILE = '</pre><script>alert("pwned")</script><img src=x onerror=alert(1)>\x1b[2J\u202eevil'


def shoot(page: Path, name: str) -> Path:
    """A screenshot of ``page`` kept as a test artifact under build/test-artifacts/reports/."""
    return browser.screenshot(page, ARTIFACTS / f"{name}.png")


def _result(scores: dict[str, tuple[float, float]], tests: list[dict], *, error=None, warnings=()) -> dict:
    return {
        "score": sum(s for s, _ in scores.values()), "max_score": sum(m for _, m in scores.values()),
        "questions": {n: {"score": s, "max_score": m} for n, (s, m) in scores.items()},
        "tests": tests, "variant": {"L": 5, "features": ["log_volume"], "student": "x"},
        "warnings": list(warnings), "error": error,
    }  # fmt: skip


def _test(name, question, passed, output="", points=1.0):
    return {"name": name, "question": question, "score": points if passed else 0.0, "max_score": points,
            "status": "passed" if passed else "failed", "output": output}


def make_class(path: Path, n: int = 12) -> Path:
    """A gradebook of ``n`` `ar` students: s00 has everything right, s01 timed out, s02 crashed, s03's
    notebook is corrupt (error), s04 hit a grader error, s05 was regraded and resubmitted; everyone
    from s06 on fails test_ols_fit with the same message; hostile text everywhere a student reaches."""
    with Gradebook(path, create=True) as gb:
        for i in range(n):
            student = f"s{i:02d}"
            ok_fit = i < 6
            tests = [
                _test("test_lag_shape", "lags", True, "lag_tensor(data, L)"),
                _test("test_lag_values", "lags", i != 1, "Called lag_tensor(data: (30, 3), L: int).\n"
                      "Your code ran past its time limit and was stopped.\nHint: look for an infinite loop."),
                _test("test_ols_fit", "ols", ok_fit, "Called fit_ols(X: (20, 4), y: (20,)).\n"
                      f"The result differs from the expected one {HOSTILE}.\nHint: use np.linalg.lstsq."),
                _test("test_r2", "ols", i != 2, "Called r_squared(y: (9,), yhat: (9,)).\n"
                      "Your code crashed the process running your code: Segmentation fault"),
            ]
            scores = {"lags": (sum(t["score"] for t in tests[:2]), 2.0), "ols": (sum(t["score"] for t in tests[2:]), 2.0),
                      "nyse_r2": (2.0 if i % 3 else 0.0, 2.0)}
            status, error = "graded", None
            if i == 3:
                status, error, tests, scores = "error", f"notebook is not JSON {HOSTILE}", [], {"lags": (0, 2),
                                                                                          "ols": (0, 2), "nyse_r2": (0, 2)}
            if i == 4:
                status, error = "grader-error", "Traceback: worker died twice (SECRET-DETAIL-FOR-TA)"
            result = _result(scores, tests, error=error, warnings=[f"cell 3 printed {HOSTILE}", "cells [2] tagged skip-grading were not run"])
            gb.record(assignment="ar", student=student, content_hash=f"h{i}", source=f"{student}.ipynb",
                      result=result, status=status, feedback="(markdown)", grader_version="test",
                      duration_s=0.1 + 0.01 * i)
            if i == 5:  # the same bytes graded again, then a new version
                gb.record(assignment="ar", student=student, content_hash=f"h{i}", source=f"{student}.ipynb",
                          result=result, status=status, feedback="(markdown)", grader_version="test", duration_s=0.2)
                gb.record(assignment="ar", student=student, content_hash=f"h{i}b", source=f"{student}.ipynb",
                          result=_result({"lags": (2, 2), "ols": (2, 2), "nyse_r2": (2, 2)}, tests),
                          status="graded", feedback="(markdown)", grader_version="test", duration_s=0.3)
    return path


def no_raw_markup(html: str) -> None:
    """Is no student-written tag live in ``html`` (only our own, escaped theirs)?"""
    assert "<script>alert" not in html and "<img src=x" not in html and '<img src="x"' not in html
    assert "&lt;script&gt;alert(" in html  # shown, as text
    assert "\x1b" not in html and "\u202e" not in html


def load(path: Path, **kw):
    """Render ``path`` in Chromium and check its console stayed silent."""
    r = browser.load(path, **kw)
    assert r.console == [], r.console
    return r


