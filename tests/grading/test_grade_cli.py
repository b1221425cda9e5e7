"""``deepgrade grade``: the table, --json, the Gradescope and PrairieLearn files, and bad options."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)


@pytest.fixture
def wrong_dropout(tmp_path):
    case = next(c for c in subs.WRONG if c[2] == "relu_gradient_at_zero" and c[0] == "dropout")
    return subs.write(tmp_path, "dropout", subs.wrong("dropout", "alice", case[3]))


def _invoke(*args, env=None):
    return CliRunner().invoke(main, ["grade", *map(str, args)], env={"DEEPGRADE_SECRET": "", **(env or {})})


def test_table_shows_scores_per_question_and_feedback(wrong_dropout):
    """Does the default output list each question's score, the total, and the failing tests' feedback?"""
    out = _invoke(wrong_dropout, "--assignment", "dropout", "--student", "alice", "--demo")
    assert out.exit_code == 0, out.output
    assert "dropout" in out.stdout and "relu" in out.stdout and "total" in out.stdout
    assert "4 / 4" in out.stdout and "/ 2" in out.stdout
    assert "Feedback on the" in out.stdout and "Called relu_backward(dout:" in out.stdout
    assert "public demo secret" in out.stderr


def test_json_output_and_platform_files(wrong_dropout, tmp_path):
    """Does --json print the result dict, and --gradescope / --prairielearn write their files?"""
    gs, pl = tmp_path / "gs" / "results.json", tmp_path / "pl.json"
    out = _invoke(wrong_dropout, "-a", "dropout", "-s", "alice", "--demo", "--json", "--gradescope", gs,
                  "--prairielearn", pl)
    assert out.exit_code == 0, out.output
    result = json.loads(out.stdout)
    assert {"score", "max_score", "tests"} <= set(result)
    assert 0 < result["score"] < result["max_score"]
    assert all({"name", "question", "score", "max_score", "status", "output"} <= set(t) for t in result["tests"])
    gradescope = json.loads(gs.read_text())
    assert gradescope["score"] == result["score"] and len(gradescope["tests"]) == len(result["tests"])
    prairie = json.loads(pl.read_text())
    assert prairie["gradable"] and prairie["score"] == pytest.approx(result["score"] / result["max_score"])


def test_secret_from_file_and_environment(wrong_dropout, tmp_path):
    """Is the course secret read from --secret-file or DEEPGRADE_SECRET, and do the hidden inputs follow it?"""
    secret = tmp_path / "secret"
    secret.write_text("course secret\n")
    from_file = _invoke(wrong_dropout, "-a", "dropout", "-s", "alice", "--json", "--secret-file", secret)
    from_env = _invoke(wrong_dropout, "-a", "dropout", "-s", "alice", "--json",
                       env={"DEEPGRADE_SECRET": "course secret"})
    demo = _invoke(wrong_dropout, "-a", "dropout", "-s", "alice", "--json", "--demo")
    assert from_file.exit_code == from_env.exit_code == demo.exit_code == 0
    outputs = [[t["output"] for t in json.loads(o.stdout)["tests"]] for o in (from_file, from_env, demo)]
    assert outputs[0] == outputs[1] != outputs[2]


@pytest.mark.parametrize("args, words", [
    (["-a", "cnn", "-s", "alice", "--demo"], "unknown assignment id"),
    (["-a", "rnn", "-s", "alice"], "no course secret"),
    (["-a", "rnn", "-s", "a/b", "--demo"], "student id"),
])
def test_bad_options_are_usage_errors(wrong_dropout, args, words):
    """Do an unknown assignment, a missing secret or a bad student id stop with a usage error?"""
    out = _invoke(wrong_dropout, *args)
    assert out.exit_code == 2 and words in out.output


def test_unreadable_submission_scores_zero_and_exits_zero(tmp_path):
    """Does a corrupt notebook get a 0 with the reason, and exit 0 (grading ran)?"""
    bad = tmp_path / "rnn.ipynb"
    bad.write_text("{ nope")
    out = _invoke(bad, "-a", "rnn", "-s", "alice", "--demo")
    assert out.exit_code == 0, out.output
    assert "could not be graded" in out.stdout and "0 / 11" in out.stdout
    missing = _invoke(tmp_path / "nope.ipynb", "-a", "rnn", "-s", "alice", "--demo")
    assert missing.exit_code == 2 and "does not exist" in missing.output
