"""Tests of the Gradescope and PrairieLearn results files (no sandbox)."""

from __future__ import annotations

import json

import pytest

from autograder.grading.formats import summary, to_gradescope, to_prairielearn, write_json


def _result(error=None):
    tests = [
        {"name": "test_step_forward", "question": "rnn_step", "score": 1.5, "max_score": 1.5, "status": "passed",
         "output": "rnn_step_forward on random inputs"},
        {"name": "test_step_backward", "question": "rnn_step", "score": 0.0, "max_score": 1.5, "status": "failed",
         "output": "rnn_step_backward ...\nCalled rnn_step_backward(dh: (3, 4), cache: ...).\ndx differs"},
        {"name": "test_forward", "question": "rnn_sequence", "score": 0.0, "max_score": 4.0, "status": "error",
         "output": "rnn_forward is not defined -- did the cell that defines it run?"},
    ]
    return {"assignment": "rnn", "student": "alice", "score": 1.5, "max_score": 5.5, "tests": tests,
            "questions": {"rnn_step": {"title": "One step", "score": 1.5, "max_score": 3.0},
                          "rnn_sequence": {"title": "Sequence", "score": 0.0, "max_score": 2.5}},
            "variant": {"activation": "tanh"}, "warnings": ["cell 5 raised SyntaxError"], "error": error}


def test_gradescope_has_the_documented_fields():
    """Does the Gradescope file carry score, output and one test entry per hidden test, status passed/failed?"""
    gs = to_gradescope(_result())
    assert gs["score"] == 1.5 and "1.5 / 5.5" in gs["output"]
    assert [t["name"] for t in gs["tests"]] == ["rnn_step: test_step_forward", "rnn_step: test_step_backward",
                                               "rnn_sequence: test_forward"]
    assert [t["status"] for t in gs["tests"]] == ["passed", "failed", "failed"]  # no "error" in Gradescope
    assert all({"score", "max_score", "output", "visibility"} <= set(t) for t in gs["tests"])
    assert sum(t["score"] for t in gs["tests"]) == gs["score"]
    json.dumps(gs)


def test_prairielearn_score_is_a_fraction_with_points_per_test():
    """Is PrairieLearn's score in [0, 1], with points and max_points per test?"""
    pl = to_prairielearn(_result())
    assert pl["gradable"] is True
    assert pl["score"] == pytest.approx(1.5 / 5.5)
    assert [(t["points"], t["max_points"]) for t in pl["tests"]] == [(1.5, 1.5), (0.0, 1.5), (0.0, 4.0)]
    assert pl["tests"][2]["message"].startswith("rnn_forward is not defined")
    assert "SyntaxError" in pl["output"]


def test_unloadable_submission_is_not_gradable_on_prairielearn():
    """Does a submission that could not be read count as 'not gradable' (no attempt charged)?"""
    pl = to_prairielearn(_result(error="not a notebook: invalid JSON"))
    assert pl["gradable"] is False and pl["format_errors"] == ["not a notebook: invalid JSON"]
    assert "could not be graded" in summary(_result(error="x"))


def test_write_json_replaces_an_existing_file_atomically(tmp_path):
    """Does writing results replace whatever was at the path (a student's fake file, say)?"""
    path = tmp_path / "results" / "results.json"
    path.parent.mkdir()
    path.write_text('{"score": 100}')
    write_json(path, to_gradescope(_result()))
    assert json.loads(path.read_text())["score"] == 1.5
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]
    with pytest.raises(ValueError, match="folder"):
        write_json(tmp_path, {})
