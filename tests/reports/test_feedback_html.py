"""Does the HTML feedback page show a student what the markdown does, safely, in a real browser?"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from click.testing import CliRunner

from autograder.cli import main
from autograder.reports import feedback_html

_spec = importlib.util.spec_from_file_location("_reports_support", Path(__file__).with_name("_support.py"))
support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(support)
HOSTILE, load, no_raw_markup, shoot = support.HOSTILE, support.load, support.no_raw_markup, support.shoot


def _write(tmp_path, result, **kw):
    path = tmp_path / "page.html"
    path.write_text(feedback_html.page(result, **{"assignment": "ar", "student": "s01", "source": "s01.ipynb", **kw}))
    return path


def _result():
    return {
        "score": 2.5, "max_score": 6.0, "variant": {"L": 5, "student": "s01", "assignment": "ar"},
        "warnings": [f"cell 2 printed {HOSTILE}", "cells [4] tagged skip-grading were not run"], "error": None,
        "questions": {"lags": {"score": 2.0, "max_score": 2.0}, "ols": {"score": 0.5, "max_score": 2.0},
                      "nyse_r2": {"score": 0.0, "max_score": 2.0}},
        "tests": [
            {"name": "test_lags", "question": "lags", "score": 2.0, "max_score": 2.0, "status": "passed", "output": ""},
            {"name": "test_fit", "question": "ols", "score": 0.0, "max_score": 1.5, "status": "failed",
             "output": f"Called fit_ols(X: (20, 4), y: (20,)).\nThe result differs {HOSTILE}.\nHint: use np.linalg.lstsq."},
            {"name": "test_r2", "question": "nyse_r2", "score": 0.0, "max_score": 2.0, "status": "error",
             "output": "test_r2 is not defined"},
        ],
    }  # fmt: skip


def test_page_in_chromium_shows_scores_tests_hints_and_variant(tmp_path, chromium):
    """Are the total, each question's bar, the failing tests with message and hint, the variant and the
    warnings in the rendered DOM, with no console error and no live student markup?"""
    path = _write(tmp_path, _result())
    html = path.read_text()
    no_raw_markup(html)
    dom = load(path).dom
    no_raw_markup(dom)
    assert "<h1>ar: feedback for s01</h1>" in dom
    assert "Score: 2.5 / 6" in dom
    for heading in ("Questions", "Tests that lost points", "Warnings"):
        assert f"<h2>{heading}</h2>" in dom
    assert re.search(r'aria-label="0\.5 of 2 points"><span style="width: 25\.0%', dom)
    assert "test_fit" in dom and "test_r2" in dom and "test_lags</code> (" not in dom  # only lost tests
    assert '<p class="hint"><strong>Hint:</strong> use np.linalg.lstsq.</p>' in dom
    assert "<code>L</code> = <code>5</code>" in dom and "<code>student</code>" not in dom
    assert "1 cell(s) tagged skip-grading were not run" in dom
    assert "<script" not in dom  # the feedback page needs no script at all
    shoot(path, "feedback")


def test_grader_error_hides_details_and_quiz_hides_its_variant(tmp_path):
    """Does a grader-error page say 'not graded yet' without the TA's traceback, and a quiz page no variant?"""
    r = {**_result(), "error": "Traceback (most recent call last): SECRET-DETAIL"}
    html = _write(tmp_path, r, status="grader-error").read_text()
    assert "Not graded yet" in html and "SECRET-DETAIL" not in html and "Tests that lost points" not in html
    quiz = _write(tmp_path, {**_result(), "variant": {"option_order": [3, 1, 2, 0]}}, assignment="quiz").read_text()
    assert "Your variant" not in quiz and "option_order" not in quiz


def test_feedback_command_writes_html_and_md(class_gradebook, tmp_path, chromium):
    """Does `deepgrade feedback` write one page per student, HTML by default and markdown on request?"""
    out = tmp_path / "fb"
    r = CliRunner().invoke(main, ["feedback", "-g", str(class_gradebook), "-o", str(out)])
    assert r.exit_code == 0, r.output
    pages = sorted(p.name for p in (out / "ar").iterdir())
    assert pages == [f"s{i:02d}.html" for i in range(12)]
    no_raw_markup((out / "ar" / "s03.html").read_text())
    dom = load(out / "ar" / "s01.html").dom
    assert "Your code ran past its time limit" in dom and "Score: 5 / 6" in dom
    assert "SECRET-DETAIL-FOR-TA" not in (out / "ar" / "s04.html").read_text()
    r = CliRunner().invoke(main, ["feedback", "-g", str(class_gradebook), "-o", str(out), "--format", "md"])
    assert r.exit_code == 0 and (out / "ar" / "s01.md").read_text() == "(markdown)"
    r = CliRunner().invoke(main, ["feedback", "-g", str(class_gradebook), "-o", str(out), "-a", "rnn"])
    assert r.exit_code != 0 and "holds no grades for assignment 'rnn'" in r.output
