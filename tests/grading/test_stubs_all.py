"""Stubs earn nothing: code that does not compute the answer gets no point on any question.

For every assignment and several students, stub submissions are generated from the assignment's own
function and blank lists (its manifest): each graded function is wrapped around the correct one and
replaces every number it returns -- arrays, floats, ints, dict values, a sparse matrix, the fields of
a result object -- by zeros, by its first input (resized to the right shape), by a constant, by random
numbers, by NaN, or raises. Each numeric blank is answered likewise. Every such submission, graded by
the real engine in the real sandbox, must score exactly 0 on every question.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.manifest import ASSIGNMENT_IDS, load_manifest
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.variants import DEMO_SECRET

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

MODES = ("zeros", "first_input", "constant", "random", "nan", "raise")
# alice: tanh RNN, live ReLU in the quiz; bob and erin: ReLU RNNs; frank: day_of_week AR, dead ReLU in the quiz.
STUDENTS = ("alice", "bob", "erin", "frank")

STUB_WRAPPER = '''

# ---- stub attack: every graded function keeps its signature but computes nothing ----
import dataclasses as _dc

import numpy as _np

_MODE = {mode!r}
_RNG = _np.random.default_rng(12345)


def _fill(shape, dtype, first):
    integer = _np.issubdtype(dtype, _np.integer) or _np.issubdtype(dtype, _np.bool_)
    if _MODE == "zeros":
        return _np.zeros(shape, dtype=dtype)
    if _MODE == "constant":
        return _np.full(shape, 1 if integer else 0.5, dtype=dtype)
    if _MODE == "random":
        if integer:
            return _RNG.integers(0, 3, size=shape).astype(dtype)
        return _RNG.standard_normal(shape).astype(dtype)
    if _MODE == "nan":
        return _np.zeros(shape, dtype=dtype) if integer else _np.full(shape, _np.nan, dtype=dtype)
    src = _np.asarray(first, dtype=float) if isinstance(first, (_np.ndarray, list, int, float)) else _np.zeros(1)
    if src.size == 0:
        src = _np.zeros(1)
    return _np.resize(src, shape).astype(dtype)


def _stub(value, first):
    if hasattr(value, "toarray"):  # a scipy sparse matrix: a dense stub of its shape
        return _fill(value.shape, _np.float64, first)
    if isinstance(value, _np.ndarray):
        return _fill(value.shape, value.dtype, first)
    if isinstance(value, (bool, _np.bool_)):
        return bool(_fill((), _np.int64, first))
    if isinstance(value, (int, _np.integer)):
        return int(_fill((), _np.int64, first))
    if isinstance(value, (float, _np.floating)):
        return float(_fill((), _np.float64, first))
    if isinstance(value, list):
        return [_stub(v, first) for v in value]
    if isinstance(value, dict):
        return {{k: _stub(v, first) for k, v in value.items()}}
    if _dc.is_dataclass(value) and not isinstance(value, type):
        return _dc.replace(value, **{{f.name: _stub(getattr(value, f.name), first) for f in _dc.fields(value)}})
    return value  # a cache (tuple, object) stays as the correct code made it


def _wrap(real):
    def stub(*args, **kwargs):
        if _MODE == "raise":
            raise NotImplementedError()
        value = real(*args, **kwargs)
        first = args[0] if args else next(iter(kwargs.values()), None)
        if isinstance(value, tuple) and not hasattr(value, "_fields"):
            return tuple(_stub(v, first) for v in value)
        return _stub(value, first)
    return stub


for _name in {functions!r}:
    globals()[_name] = _wrap(globals()[_name])

for _name in {blanks!r}:
    _value = globals().get(_name)
    if isinstance(_value, (int, float)) and not isinstance(_value, bool):
        globals()[_name] = None if _MODE == "raise" else _stub(float(_value), 0.0)
    else:  # option letters: left unanswered, as in the template ([] for a list of letters)
        globals()[_name] = [] if isinstance(_value, list) and _MODE == "zeros" else None
'''


def stub_source(aid: str, student: str, mode: str) -> str:
    """A submission of ``aid`` whose graded functions and blanks are stubs of kind ``mode``."""
    manifest = load_manifest(aid)
    functions = [f for q in manifest.questions for f in q.functions]
    blanks = [b for q in manifest.questions for b in q.blanks]
    return subs.solution(aid, student) + STUB_WRAPPER.format(mode=mode, functions=functions, blanks=blanks)


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _earned(result: dict) -> str:
    return "\n".join(f"{t['question']}/{t['name']}: {t['score']}" for t in result["tests"] if t["score"] > 0)


CASES = [(aid, student) for aid in ASSIGNMENT_IDS for student in STUDENTS]


@pytest.mark.parametrize("aid, student", CASES, ids=[f"{a}-{s}" for a, s in CASES])
def test_stubs_score_zero(sandbox, tmp_path, aid, student):
    """Does every kind of stub (zeros, first input, constant, random, NaN, raise) score 0 on every question?"""
    earned = {}
    for mode in MODES:
        path = tmp_path / f"{aid}_{mode}.py"
        path.write_text(stub_source(aid, student, mode), encoding="utf-8")
        result = grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox)
        assert result["error"] is None, result["error"]
        if result["score"] != 0:
            earned[mode] = f"{result['score']}/{result['max_score']}\n{_earned(result)}"
    assert not earned, "\n".join(f"[{m}] {e}" for m, e in earned.items())


def test_the_wrapper_keeps_the_correct_code_when_it_returns_values_unchanged(sandbox, tmp_path):
    """Is the stub harness itself sound: with an identity stub, does the same submission get full marks?"""
    source = stub_source("rnn", "bob", "zeros").replace("def _stub(value, first):\n",
                                                        "def _stub(value, first):\n    return value\n", 1)
    path = tmp_path / "rnn_identity.py"
    path.write_text(source, encoding="utf-8")
    result = grade_submission(path, "rnn", "bob", DEMO_SECRET, sandbox=sandbox)
    assert result["score"] == result["max_score"], _earned(result)
