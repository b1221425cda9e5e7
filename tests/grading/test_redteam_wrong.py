"""Red team, wrong side: each subtle bug costs its own question, and the feedback says where, not what.

Every case in ``_redteam_submissions.WRONG`` / ``QUIZ_WRONG`` changes one thing in an otherwise
correct independent solution (a wrong gate order, a missing 1/(1 - phi), a lag off by one, ties
broken the wrong way, counts for binary, BPTT without dh_prev or dh0, db averaged, a transposed
gradient, a ReLU gradient where z <= 0, a sign error, batches that drop the rest or never reshuffle,
patience counted from the last decrease, the last instead of the best parameters, dbeta0 not summed,
dE by fancy-index assignment, ...). It must lose points on the named question and keep every
other question (except one that legitimately calls the broken function), and each failing test's
feedback must name a function of that question and show no hidden input or expected value.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from autograder.answer_key import ANSWER_ATOL, answer_key
from autograder.grading import grade_submission
from autograder.grading.compare import Tolerance, compare_arrays
from autograder.manifest import load_manifest
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.suites._support import GradingFailure, check_answer
from autograder.variants import DEMO_SECRET, variant

_spec = importlib.util.spec_from_file_location("_redteam_submissions",
                                               Path(__file__).with_name("_redteam_submissions.py"))
rt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rt)

# A plain decimal with 3 or more digits after the point: feedback shows errors in scientific notation and
# variant parameters (phi = 0.15) with two decimals at most, so such a number could only be hidden data.
PLAIN_DECIMAL = re.compile(r"(?<![\w.])-?\d+\.\d{3,}(?![\d]*e[+-]\d)")
QUIZ_TOL = Tolerance(1e-6, ANSWER_ATOL)  # as the quiz suite's


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _grade(sandbox, tmp_path, aid: str, student: str, source: str) -> dict:
    path = tmp_path / f"{aid}.py"
    path.write_text(source, encoding="utf-8")
    result = grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox)
    assert result["error"] is None, result["error"]
    return result


def _assert_loses_only(result: dict, lost: str, also=()) -> list[dict]:
    scores = {name: (q["score"], q["max_score"]) for name, q in result["questions"].items()}
    assert scores[lost][0] < scores[lost][1], f"{lost} kept all its points: {scores}"
    others = {n: sm for n, sm in scores.items() if n != lost and n not in also}
    assert all(s == m for s, m in others.values()), f"another question lost points: {scores}"
    failing = [t for t in result["tests"] if t["status"] != "passed"]
    assert {t["question"] for t in failing} <= {lost, *also}
    for t in failing:  # (dropout's drop-rate message shows the student's own rate error, which is no secret)
        shown = "\n".join(line for line in t["output"].splitlines() if "fraction dropped" not in line)
        assert not PLAIN_DECIMAL.search(shown), t["output"]
    return [t for t in failing if t["question"] == lost]


@pytest.mark.parametrize("case", rt.WRONG, ids=[c[0] for c in rt.WRONG])
def test_subtle_bug_costs_its_own_question(sandbox, tmp_path, case):
    """Does this bug lose points on its question only, with feedback naming the call and what differs?"""
    name, base, student, _, lost, also = case
    aid = rt.STYLES[base][0]
    failing = _assert_loses_only(_grade(sandbox, tmp_path, aid, student, rt.wrong_source(case)), lost, also)
    functions = next(q.functions for q in load_manifest(aid).questions if q.name == lost)
    for t in failing:
        lines = t["output"].splitlines()
        called = [i for i, line in enumerate(lines) if line.startswith("Called ")]
        assert called, t["output"]
        assert any(lines[i].startswith(f"Called {f}(") for i in called for f in functions), t["output"]
        assert len(lines) > called[0] + 1 and lines[called[0] + 1].strip(), t["output"]  # what differs


@pytest.mark.parametrize("case", rt.QUIZ_WRONG, ids=[c[0] for c in rt.QUIZ_WRONG])
def test_wrong_quiz_answer_costs_its_question_and_does_not_reveal_the_key(sandbox, tmp_path, case):
    """Does one wrong blank cost its question only, without printing the error size, sign or the key?"""
    student, source = rt.quiz_wrong_source(case)
    result = _grade(sandbox, tmp_path, "quiz", student, source)
    failing = _assert_loses_only(result, case[4])
    assert [t["name"] for t in failing] == [f"test_blank[{case[2]}]"]
    out = failing[0]["output"]
    assert f"Your answer {case[2]} is not right" in out
    assert "off by" not in out and "opposite sign" not in out
    key = answer_key(variant("quiz", student, DEMO_SECRET))[case[2]]
    if isinstance(key, float):
        assert f"{key:.3f}" not in out and f"{abs(key):.2e}" not in out


def test_constant_stubs_earn_no_sequence_points(sandbox, tmp_path):
    """Do zero-returning step and sequence functions, consistent with each other, still earn nothing?"""
    stub = """
import numpy as np
def rnn_step_forward(x, h_prev, W, U, b):
    return np.zeros_like(h_prev), None
def rnn_step_backward(dh, cache):
    return 0.0, np.zeros_like(dh), 0.0, 0.0, 0.0
def rnn_forward(X, h0, W, U, b):
    return np.zeros(X.shape[:2] + h0.shape[1:]), None
def rnn_backward(dH, cache):
    return 0.0, np.zeros_like(dH[:, 0]), 0.0, 0.0, 0.0
"""
    result = _grade(sandbox, tmp_path, "rnn", "bob", stub)
    assert result["questions"]["rnn_step"]["score"] == 0
    assert result["questions"]["rnn_sequence"]["score"] == 0


@pytest.mark.parametrize("got, message", [
    ("about 0.25", "is a str that is not a number"),
    (0.31, "is not right (it must be within 5e-04"),
    (None, "is None"),
    ([0.2, 0.3], "expected a single number"),
])
def test_numeric_answer_feedback(got, message):
    """Is a wrong or malformed numeric answer explained without the key, its distance or its sign?"""
    with pytest.raises(GradingFailure) as err:
        check_answer("dR_dw", got, -0.31, "the hint", tol=QUIZ_TOL)
    assert message in str(err.value) and "0.31" not in str(err.value).replace(str(got), "")


def test_mismatch_against_all_zeros_reports_no_relative_error():
    """When the expected array is all zeros, is the message free of a meaningless relative error?"""
    c = compare_arrays(np.ones((2, 3)), np.zeros((2, 3)), "dx")
    assert not c.ok and "relative" not in c.problem and "all zeros" in c.problem and "about 1e+00" in c.problem


@pytest.mark.parametrize("got", ["B, D", "b d", ["d", "(B)"]])
def test_letter_list_answers_in_other_forms(got):
    """Is ["B", "D"] also accepted as "B, D", "b d" or ["d", "(B)"]?"""
    check_answer("probes_same_as_a", got, ["B", "D"])
