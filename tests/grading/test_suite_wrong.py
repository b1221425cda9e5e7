"""Subtly wrong submissions lose points on the right question, and only there.

Each case changes one thing in a correct submission (see ``_suite_submissions.WRONG``): BPTT that
forgets dh_prev, fancy-index assignment in the embedding's backward, the ReLU gradient at z = 0, a
mean instead of a sum, the LSTM's gates read in torch's order, BPTT that drops the cell gradient,
dropout without 1/(1 - phi) or with phi as the keep probability, an off-by-one lag, R^2 as a
squared correlation, patience off by one, unshuffled minibatches, ties broken by first occurrence,
counts instead of binary, and the quiz's dR/dw nonzero at a dead ReLU.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.variants import DEMO_SECRET

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _assert_loses_only(result: dict, lost: str) -> None:
    scores = {name: (q["score"], q["max_score"]) for name, q in result["questions"].items()}
    assert result["error"] is None
    assert scores[lost][0] < scores[lost][1], f"{lost} kept all its points: {scores}"
    assert all(s == m for name, (s, m) in scores.items() if name != lost), f"another question lost points: {scores}"
    failing = [t for t in result["tests"] if t["status"] != "passed"]
    assert failing and all(t["question"] == lost for t in failing)
    for t in failing:  # feedback names a call or an answer, and gives no hidden value
        assert t["output"].count("Called ") >= 1 or "Your answer" in t["output"]
        assert not re.search(r"(?<![\de.])-?\d+\.\d{5,}", t["output"]), t["output"]


@pytest.mark.parametrize("aid, student, name, changes, lost", subs.WRONG, ids=[c[2] for c in subs.WRONG])
def test_subtle_mistake_costs_only_its_question(sandbox, tmp_path, aid, student, name, changes, lost):
    """Does this subtle mistake lose points on its own question and nowhere else?"""
    path = subs.write(tmp_path, name, subs.wrong(aid, student, changes))
    _assert_loses_only(grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox), lost)


def test_quiz_dead_relu_gradient_loses_the_gradient_question_only(sandbox, tmp_path):
    """With z <= 0, is an answer dR/dw != 0 wrong, costing the gradients question only?"""
    student = subs.dead_relu_student()
    path = subs.write(tmp_path, "quiz", subs.quiz_dead_relu_wrong(student))
    result = grade_submission(path, "quiz", student, DEMO_SECRET, sandbox=sandbox)
    _assert_loses_only(result, "backward")
    assert [t["name"] for t in result["tests"] if t["status"] != "passed"] == ["test_blank[dR_dw]"]


def test_wrong_lstm_step_feedback_names_the_call_and_the_gate_order(sandbox, tmp_path):
    """Does the feedback say which call, what differs (one order of magnitude, no index) and hint at the gate order?"""
    case = next(c for c in subs.WRONG if c[2] == "gate_order_ifgo")
    path = subs.write(tmp_path, "lstm", subs.wrong("lstm", "alice", case[3]))
    result = grade_submission(path, "lstm", "alice", DEMO_SECRET, sandbox=sandbox)
    first = next(t for t in result["tests"] if t["name"] == "test_step_forward")
    assert first["status"] == "failed"
    assert re.search(r"Called lstm_step_forward\(x: \(\d+, \d+\), h_prev: \(\d+, \d+\), c_prev", first["output"])
    assert re.search(r"h differs: relative error about 1e[+-]\d\d\.\n", first["output"])
    assert "index" not in first["output"]
    assert "i, f, o, g" in first["output"]
