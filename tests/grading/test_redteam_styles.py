"""Red team, correct side: independent solutions written in other styles get every point.

Each submission in ``_redteam_submissions.STYLES`` is graded by the real engine (real sandbox, real
hidden suites): float32 throughout, loops over N and t, einsum, in-place ops, caches as tuples,
dicts, classes, closures and whole-sequence arrays, BPTT without the step functions, one fused LSTM
matmul or four split ones, torch autograd, masks from uniform / choice draws, rng.permuted and
np.split, normal equations / pinv / QR / scipy.linalg.lstsq / scikit-learn, lil and coo sparse builders, NamedTuple
results, and every blank answered as a numpy float, a numeric string or a lower-case letter.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from autograder.grading import grade_submission
from autograder.grading.compare import FLOAT32, FLOAT64, compare_arrays, compare_scalar, tolerance_for
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.variants import DEMO_SECRET

_spec = importlib.util.spec_from_file_location("_redteam_submissions",
                                               Path(__file__).with_name("_redteam_submissions.py"))
rt = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rt)

SLOW = {"lstm_torch_autograd", "ar_sklearn"}  # importing torch / scikit-learn in the child: one student each
CASES = [(name, student, form) for name in rt.STYLES
         for student, form in (("alice", "numpy"), ("bob", "string"))
         if not (name in SLOW and student == "bob")]


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _failures(result: dict) -> str:
    return "\n".join(f"{t['question']}/{t['name']} [{t['status']}]: {t['output']}" for t in result["tests"]
                     if t["status"] != "passed") + (f"\nerror: {result['error']}" if result["error"] else "")


@pytest.mark.parametrize("name, student, form", CASES, ids=[f"{n}-{s}" for n, s, _ in CASES])
def test_correct_style_gets_full_marks(sandbox, tmp_path, name, student, form):
    """Does this correct solution, written its own way, get every point of every question?"""
    aid = rt.STYLES[name][0]
    path = tmp_path / f"{name}.py"
    path.write_text(rt.source(name, student, form), encoding="utf-8")
    result = grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox)
    assert result["error"] is None, result["error"]
    assert result["score"] == result["max_score"], _failures(result)
    assert all(t["status"] == "passed" for t in result["tests"]), _failures(result)


@pytest.mark.parametrize("form", ["round", "string"])
def test_quiz_dead_relu_student_answers_in_other_forms(sandbox, tmp_path, form):
    """Does a dead-ReLU quiz student (z <= 0) answering with rounded numbers or numeric strings get every point?"""
    student = rt.quiz_student(lambda v: v["w"] * v["x"] < 0)
    path = tmp_path / "quiz.py"
    path.write_text(rt.answers("quiz", student, form), encoding="utf-8")
    result = grade_submission(path, "quiz", student, DEMO_SECRET, sandbox=sandbox)
    assert result["score"] == result["max_score"], _failures(result)


def test_float32_values_that_crossed_as_python_floats_get_the_float32_tolerance():
    """Is a float32 result that came back as Python floats (np.float32 scalar, .tolist()) judged as float32?"""
    rng = np.random.default_rng(1)
    want = rng.standard_normal(20)
    got32 = want.astype(np.float32)
    crossed = np.asarray(got32.tolist())  # what the channel delivers: float64 holding float32 values
    assert crossed.dtype == np.float64 and tolerance_for(crossed) == FLOAT32
    assert compare_arrays(crossed.tolist(), want, "o").ok
    assert compare_scalar(float(np.float32(want[0])), want[0], "dbeta0").ok
    assert tolerance_for(want) == FLOAT64  # a float64 result keeps the strict tolerance ...
    assert tolerance_for(np.array([0.0, 1.0, 3.0])) == FLOAT64  # ... and so do integer-valued ones
    assert not compare_arrays(crossed * (1 + 1e-3), want, "o").ok  # float32 is not a licence for 1e-3 errors
