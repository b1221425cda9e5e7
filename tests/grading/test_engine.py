"""grade_submission's contract: the result dict, student faults as failed tests, grader misuse as ValueError."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.grading.runner import suite_path
from autograder.manifest import ASSIGNMENT_IDS, load_manifest
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.variants import DEMO_SECRET, variant

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

TEST_KEYS = {"name", "question", "score", "max_score", "status", "output"}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def test_result_has_the_documented_shape(sandbox, tmp_path):
    """Does the result carry every documented key, consistent totals, and serialize to JSON?"""
    path = subs.write(tmp_path, "lstm", subs.solution("lstm", "carol"))
    r = grade_submission(path, "lstm", "carol", DEMO_SECRET, sandbox=sandbox)
    assert {"assignment", "student", "score", "max_score", "tests", "questions", "variant", "warnings",
            "error"} <= set(r)
    assert (r["assignment"], r["student"], r["error"]) == ("lstm", "carol", None)
    assert r["variant"] == variant("lstm", "carol", DEMO_SECRET)
    assert all(set(t) == TEST_KEYS and t["status"] in ("passed", "failed", "error") for t in r["tests"])
    assert list(r["questions"]) == [q.name for q in load_manifest("lstm").questions]
    assert r["score"] == pytest.approx(sum(t["score"] for t in r["tests"]))
    assert r["max_score"] == pytest.approx(sum(t["max_score"] for t in r["tests"]))
    json.dumps(r)


@pytest.mark.parametrize("content, suffix, words", [
    (b"{ not json", ".ipynb", "JSON"),
    (b"", ".ipynb", ""),
    (b"\x89PNG\r\n\x1a\n\x00\x00binary", ".ipynb", ""),
    (b"def f(): pass", ".txt", ".ipynb"),
])
def test_unloadable_submission_scores_zero_with_a_clear_error(sandbox, tmp_path, content, suffix, words):
    """Does a corrupt, empty, binary or wrongly named file score 0 with the reason, every question failed?"""
    path = tmp_path / f"sub{suffix}"
    path.write_bytes(content)
    r = grade_submission(path, "rnn", "alice", DEMO_SECRET, sandbox=sandbox)
    assert r["score"] == 0 and r["max_score"] == load_manifest("rnn").max_score
    assert r["error"] and words in r["error"]
    assert {t["question"] for t in r["tests"]} == {q.name for q in load_manifest("rnn").questions}
    assert all(t["status"] == "error" and r["error"] in t["output"] for t in r["tests"])


def test_grader_misuse_raises_value_error(tmp_path):
    """Are an unknown assignment, an invalid student id and an empty secret refused with ValueError?"""
    path = subs.write(tmp_path, "x", "x = 1\n")
    with pytest.raises(ValueError, match="unknown assignment id"):
        grade_submission(path, "cnn", "alice", DEMO_SECRET)
    with pytest.raises(ValueError, match="student id"):
        grade_submission(path, "rnn", "../etc", DEMO_SECRET)
    with pytest.raises(ValueError, match="secret"):
        grade_submission(path, "rnn", "alice", b"")


def test_a_broken_cell_costs_only_its_functions_and_is_explained(sandbox, tmp_path):
    """Does a syntax error in the cell defining one function cost only that question, and say so?"""
    good = subs.solution("rnn", "alice")
    broken = "def readout_forward(h, beta, beta0):\n    return (beta0 + h @ beta, (h, beta)\n"
    good = subs.mutate(good, "\ndef readout_forward", "\ndef _unused_readout_forward")
    path = subs.write(tmp_path, "rnn", "# %%\n" + good + "\n# %%\n" + broken, notebook=True)
    r = grade_submission(path, "rnn", "alice", DEMO_SECRET, sandbox=sandbox)
    q = r["questions"]
    assert q["readout"]["score"] == 0
    assert all(q[n]["score"] == q[n]["max_score"] for n in ("rnn_step", "rnn_sequence", "embedding"))
    assert any(re.match(r"cell \d+ raised SyntaxError", w) for w in r["warnings"]), r["warnings"]
    outputs = [t["output"] for t in r["tests"] if t["question"] == "readout"]
    assert any("readout_forward is not defined -- did the cell that defines it run? (cell 1 raised SyntaxError"
               in o for o in outputs), outputs


def test_a_cell_calling_sys_exit_costs_nothing_else(sandbox, tmp_path):
    """Does a cell that calls sys.exit() leave the other cells' functions gradable?"""
    source = "# %%\nimport sys\nsys.exit(0)\n# %%\n" + subs.solution("dropout", "alice")
    r = grade_submission(subs.write(tmp_path, "dropout", source, notebook=True), "dropout", "alice", DEMO_SECRET,
                         sandbox=sandbox)
    assert r["score"] == r["max_score"], [t["output"] for t in r["tests"] if t["status"] != "passed"]


def test_blank_functions_explain_not_implemented(sandbox, tmp_path):
    """Does a function still raising NotImplementedError fail with the exception and a hint?"""
    source = "\n".join(f"def {f}(*args, **kwargs):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
                       for f in load_manifest("dropout").functions)
    r = grade_submission(subs.write(tmp_path, "dropout", source), "dropout", "alice", DEMO_SECRET, sandbox=sandbox)
    assert r["score"] == 0
    for t in r["tests"]:
        assert t["status"] == "error"
        assert "NotImplementedError" in t["output"] and "replace `raise NotImplementedError()`" in t["output"]


def test_hidden_inputs_depend_on_the_secret_and_the_student(sandbox, tmp_path):
    """Do the hidden inputs (and so the feedback's shapes) change with the course secret?"""
    path = subs.write(tmp_path, "rnn", subs.wrong("rnn", "alice", subs.WRONG[0][3]))
    a = grade_submission(path, "rnn", "alice", DEMO_SECRET, sandbox=sandbox)
    b = grade_submission(path, "rnn", "alice", b"another course secret", sandbox=sandbox)
    again = grade_submission(path, "rnn", "alice", DEMO_SECRET, sandbox=sandbox)
    assert [t["output"] for t in a["tests"]] == [t["output"] for t in again["tests"]]  # deterministic
    assert [t["output"] for t in a["tests"]] != [t["output"] for t in b["tests"]]


def test_own_sandbox_and_timeout(tmp_path):
    """Without a sandbox argument, does grade_submission make (and close) its own, with the given timeout?"""
    source = subs.solution("ar", "alice").replace("def fit_ols(X, y):", "def fit_ols(X, y):\n    while True:\n"
                                                                          "        pass\n\ndef _old_fit_ols(X, y):")
    r = grade_submission(subs.write(tmp_path, "ar", source), "ar", "alice", DEMO_SECRET, timeout=0.5)
    ols = [t for t in r["tests"] if t["name"].startswith("test_fit_ols")]
    assert ols and all(t["status"] == "error" and "0.5 s" in t["output"] for t in ols)
    assert r["questions"]["lags"]["score"] == r["questions"]["lags"]["max_score"]


@pytest.mark.parametrize("aid", ASSIGNMENT_IDS)
def test_every_question_has_hidden_tests_and_no_conftest_exists(aid):
    """Does each suite cover every question of its manifest, with no conftest.py next to the suite?"""
    text = suite_path(aid).read_text()
    marked = set(re.findall(r'question\("(\w+)"', text)) | ({q.name for q in load_manifest(aid).questions}
                                                            if "question(q.name" in text else set())
    assert {q.name for q in load_manifest(aid).questions} <= marked
    assert not (suite_path(aid).parent / "conftest.py").exists()
