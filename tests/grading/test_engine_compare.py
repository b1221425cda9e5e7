"""Unit tests of the trusted comparisons, the feedback wording and the scoring (no sandbox)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograder.grading import feedback
from autograder.grading.compare import (
    FLOAT32,
    FLOAT64,
    compare_arrays,
    compare_exact,
    compare_scalar,
    magnitude,
)
from autograder.grading.score import TestOutcome, all_failed, score
from autograder.manifest import load_manifest


def test_equal_arrays_pass_and_lists_are_accepted():
    """Does a correct result pass whether it comes back as an array or as nested lists?"""
    e = np.arange(6.0).reshape(2, 3)
    assert compare_arrays(e.copy(), e, "h").ok
    assert compare_arrays(e.tolist(), e, "h").ok
    assert compare_arrays(e.astype(np.int64), e, "h").ok


def test_float32_gets_a_looser_tolerance_than_float64():
    """Is float32 code that is otherwise right accepted, while the same error in float64 is not?"""
    rng = np.random.default_rng(0)
    e = rng.standard_normal((5, 4))
    noisy = e * (1 + 3e-6 * rng.standard_normal(e.shape))  # accumulated float32 rounding
    g32 = noisy.astype(np.float32)
    assert compare_arrays(g32, e, "h").ok
    assert compare_arrays(g32, e, "h").tolerance == FLOAT32
    c = compare_arrays(noisy, e, "h")  # the same errors, claimed as float64
    assert not c.ok and c.tolerance == FLOAT64


def test_entries_near_zero_are_judged_against_the_array_scale():
    """Does a tiny absolute error on an entry that should be 0 pass (rounding), a large one fail?"""
    e = np.array([0.0, 1.0, -2.0])
    assert compare_arrays(e + np.array([1e-15, 0, 0]), e, "dx").ok
    assert not compare_arrays(e + np.array([1e-3, 0, 0]), e, "dx").ok


NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w.])")


def test_mismatch_reports_one_order_of_magnitude_and_no_index_or_value():
    """Does the message give only the relative error's order of magnitude: no index, no value, no second number?"""
    e = np.array([[1.234567, 2.345678], [3.456789, 4.567891]])
    g = e.copy()
    g[1, 0] += 0.5
    c = compare_arrays(g, e, "dW", shape_spec="(p, K)")
    assert not c.ok and c.where == (1, 0)  # the worst index stays on the trusted side
    assert c.problem == "dW differs: relative error about 1e-01"
    assert "(1, 0)" not in c.problem + c.hint and "index" not in c.problem
    assert NUMBER.findall(c.problem + " " + c.hint) == ["1e-01"]


@pytest.mark.parametrize("got", [np.zeros((3, 4)), np.full((3, 4), 7.0), 1.5 * np.arange(12.0).reshape(3, 4)])
def test_a_zero_or_scaled_answer_learns_no_expected_value(got):
    """Does a zero (or constant, or scaled) answer learn nothing but one order of magnitude about the key?"""
    e = np.arange(12.0).reshape(3, 4) + 0.123456
    c = compare_arrays(got, e, "dW")
    text = c.problem + " " + c.hint
    assert len(NUMBER.findall(text)) == 1, text
    assert "0.123" not in text and "x1.5" not in text


def test_magnitude_is_one_power_of_ten():
    """Is an error shown as a power of ten, never with a mantissa?"""
    assert magnitude(0.0) == "0" and magnitude(0.04) == "about 1e-01" and magnitude(0.03) == "about 1e-02"
    assert magnitude(2.5e-7) == "about 1e-07" and magnitude(np.inf) == "more than 1e+06"


def test_shape_problems_and_hints():
    """Are wrong shapes reported with the expected shape and a hint (transpose, extra axis)?"""
    e = np.zeros((3, 4))
    c = compare_arrays(np.zeros((4, 3)), e, "h", shape_spec="(N, K)")
    assert not c.ok and "(N, K) = (3, 4)" in c.problem and "transpose" in c.hint
    c = compare_arrays(np.zeros((3, 4, 1)), e, "h")
    assert "length 1" in c.hint


@pytest.mark.parametrize(
    "got, words",
    [(None, "is None"), ("abc", "a str"), (["a", "b", "c"], "strings"), ([[1, 2], [3]], "cannot be read"), ({"a": 1}, "dict"),
     (np.array([1 + 2j, 0, 0]), "complex")],
)
def test_values_that_are_not_arrays_are_rejected_clearly(got, words):
    """Are None, strings, ragged lists, dicts and complex numbers rejected with a clear message?"""
    c = compare_arrays(got, np.zeros(3), "out")
    assert not c.ok and words in c.problem


def test_nan_is_reported_without_an_index():
    """Is a NaN where a finite value was expected reported as such, without where it is (no index)?"""
    g = np.ones((2, 2))
    g[1, 1] = np.nan
    c = compare_arrays(g, np.ones((2, 2)), "H")
    assert not c.ok and "NaN" in c.problem and "(1, 1)" not in c.problem and c.where == (1, 1)


def test_value_hints_sign_scale_zeros():
    """Do common mistakes (sign, constant factor, all zeros) get a matching hint?"""
    e = np.random.default_rng(1).standard_normal((3, 3))
    assert "opposite sign" in compare_arrays(-e, e, "x").hint
    assert "constant multiple" in compare_arrays(0.7 * e, e, "x").hint
    assert "all zeros" in compare_arrays(np.zeros_like(e), e, "x").hint


def test_scalars_and_exact_values():
    """Do scalar results compare within tolerance and plain data exactly (no student __eq__ involved)?"""
    assert compare_scalar(np.array([2.0]), 2.0, "R2").ok
    assert compare_scalar(2.0 + 1e-12, 2.0, "R2").ok
    c = compare_scalar(-2.0, 2.0, "R2")
    assert not c.ok and "opposite sign" in c.hint and c.problem == "R2 is not right (relative error about 1e+00)"
    c = compare_scalar(0.0, 0.3173, "dbeta0")  # a zero answer: its absolute error would be the key itself
    assert not c.ok and "0.317" not in c.problem and "3.17" not in c.problem
    assert not compare_scalar([1.0, 2.0], 1.0, "R2").ok
    assert compare_exact({"a": 1}, {"a": 1}, "vocab").ok
    assert not compare_exact([("a", 1)], {"a": 1}, "vocab").ok


def test_describe_call_shows_shapes_and_types_only():
    """Does a call description show argument shapes and types, never values?"""
    text = feedback.describe_call("rnn_step_forward", {"x": np.ones((4, 3)), "L": 7, "phi": 0.25, "s": "tanh"})
    assert text == "rnn_step_forward(x: (4, 3), L: int, phi: float, s: str)"


def test_missing_function_message_names_the_failing_cell():
    """Does a missing function point at the cell that should have defined it and why it failed?"""
    cells = ["import numpy as np", "def rnn_step_forward(x, h_prev, W, U, b):\n    return (", "x = 1"]
    index = feedback.defining_cell(cells, "rnn_step_forward")
    assert index == 1
    msg = feedback.missing_name("rnn_step_forward", "function", index, "SyntaxError: '(' was never closed")
    assert msg.startswith("rnn_step_forward is not defined -- did the cell that defines it run?")
    assert "cell 1 raised SyntaxError" in msg


def _outcome(name, question, status, weight=1.0):
    return TestOutcome(name, question, weight, status, "")


def test_score_shares_points_by_weight_within_a_question_only():
    """Does a failing test cost exactly its share of its own question?"""
    m = load_manifest("rnn")
    outcomes = [_outcome("a", "rnn_step", "passed"), _outcome("b", "rnn_step", "failed"),
                _outcome("c", "rnn_step", "passed", weight=2.0), _outcome("d", "rnn_sequence", "passed"),
                _outcome("e", "embedding", "error"), _outcome("f", "readout", "passed")]
    s = score(m, outcomes)
    pts = {q.name: q.points for q in m.questions}
    assert s["questions"]["rnn_step"]["score"] == pytest.approx(pts["rnn_step"] * 3 / 4)
    assert s["questions"]["rnn_sequence"]["score"] == pts["rnn_sequence"]
    assert s["questions"]["embedding"]["score"] == 0
    assert s["score"] == pytest.approx(sum(v["score"] for v in s["questions"].values()))
    assert s["max_score"] == m.max_score
    assert [t["name"] for t in s["tests"]] == list("abcdef")


def test_score_flags_uncovered_questions_and_unknown_ones():
    """Is a question without tests reported (not silently free), and a test of an unknown question refused?"""
    m = load_manifest("rnn")
    s = score(m, [_outcome("a", "rnn_step", "passed")])
    uncovered = [t for t in s["tests"] if t["status"] == "error"]
    assert {t["question"] for t in uncovered} == {q.name for q in m.questions} - {"rnn_step"}
    with pytest.raises(ValueError, match="does not declare"):
        score(m, [_outcome("a", "nope", "passed")])


def test_all_failed_scores_zero_with_the_message():
    """Does an ungradable submission get 0 of the full points, with the reason on every question?"""
    m = load_manifest("lstm")
    s = all_failed(m, "not a notebook")
    assert s["score"] == 0 and s["max_score"] == m.max_score
    assert all(t["status"] == "error" and "not a notebook" in t["output"] for t in s["tests"])
