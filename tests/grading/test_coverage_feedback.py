"""Feedback does not help next time: at most one number per failing output, and no hidden value at all.

Stub and wrong submissions of every assignment are graded by the real engine while every value crossing
the channel is recorded on the trusted side (hidden inputs, and the stubs' own answers); each failing
test's feedback is then scanned. Outside the call description (shapes only) and the hints (fixed text),
a message line may hold one number (0 and 1, the constants of formulas such as 1 - phi, aside); numbers shown in scientific form with a one-digit mantissa (an order
of magnitude, a tolerance) carry no hidden value; any other number must match no recorded input.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest

from autograder.grading import grade_submission
from autograder.manifest import ASSIGNMENT_IDS
from autograder.sandbox import Sandbox, SandboxConfig, StudentProcess
from autograder.variants import DEMO_SECRET

_here = Path(__file__).parent


def _load(name):
    spec = importlib.util.spec_from_file_location(name, _here / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stubs = _load("test_stubs_all")
rt = _load("_redteam_submissions")

NUMBER = re.compile(r"(?<![\w.^*])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?!\w|\.\d)")
SHAPE = re.compile(r"\((?:\s*[\w+*-]+\s*,)+\s*[\w+*-]*\s*\)|\(\s*\d+\s*\)")  # (4, 3), (N, K), (3,)
MAGNITUDE = re.compile(r"^[-+]?\de[-+]\d\d$")


def _record(monkeypatch, seen: list) -> None:
    call = StudentProcess.call

    def recording_call(self, name, *args, timeout=None, keep=None, **kwargs):
        for value in (*args, *kwargs.values()):
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                seen.append(value.ravel())
        return call(self, name, *args, timeout=timeout, keep=keep, **kwargs)

    monkeypatch.setattr(StudentProcess, "call", recording_call)


def _problems(output: str, title: str, hidden: np.ndarray) -> list[str]:
    found = []
    lines = output.splitlines()
    if lines and lines[0] == title:
        lines = lines[1:]
    for line in lines:
        if line.startswith(("Called ", "Hint:")):
            numbers = [n for n in NUMBER.findall(line) if "." in n or "e" in n]
        else:
            numbers = NUMBER.findall(SHAPE.sub(" ", line))
            if len([n for n in numbers if n not in ("0", "1")]) > 1:  # 0 and 1 of formulas (1 - phi) are no data
                found.append(f"more than one number: {line!r}")
        for n in numbers:
            if MAGNITUDE.match(n) or "." not in n and "e" not in n:
                continue
            v = float(n)
            if hidden.size and np.any(np.isclose(hidden, v, rtol=1e-3, atol=0)):
                found.append(f"a hidden value ({n}): {line!r}")
    return found


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


WRONG = [c for c in rt.WRONG if c[2] in ("alice", "bob")][::3]
CASES = ([(aid, "zeros") for aid in ASSIGNMENT_IDS] + [(aid, "random") for aid in ASSIGNMENT_IDS]
         + [(c[0], "wrong") for c in WRONG])


@pytest.mark.parametrize("name, kind", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_feedback_shows_one_number_and_no_hidden_value(sandbox, tmp_path, monkeypatch, name, kind):
    """Does every failing output show at most one number per line and none of the hidden inputs?"""
    if kind == "wrong":
        case = next(c for c in WRONG if c[0] == name)
        aid, student, source = rt.STYLES[case[1]][0], case[2], rt.wrong_source(case)
    else:
        aid, student, source = name, "bob", stubs.stub_source(name, "bob", kind)
    path = tmp_path / f"{aid}.py"
    path.write_text(source, encoding="utf-8")
    seen: list = []
    _record(monkeypatch, seen)
    result = grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox)
    hidden = np.concatenate(seen) if seen else np.zeros(0)
    hidden = hidden[np.isfinite(hidden) & (np.abs(hidden) > 1e-3)]
    failing = [t for t in result["tests"] if t["status"] != "passed"]
    assert failing, "the submission should fail some tests"
    problems = []
    for t in failing:
        title = next((x["output"] for x in result["tests"] if x["name"] == t["name"] and x["status"] == "passed"),
                     t["output"].splitlines()[0])
        problems += [f"{t['name']}: {p}" for p in _problems(t["output"], title, hidden)]
    assert not problems, "\n".join(problems)


def test_the_scan_flags_the_old_messages_and_hidden_values():
    """Would the scan catch the former message (error, index, relative error, tolerance) and a shown input?"""
    old = "dW differs: max abs error 2.5e-01 at index (1, 3), relative error 3.1e-01 (allowed 1e-07)."
    assert any("more than one number" in p for p in _problems(old, "", np.zeros(0)))
    shown = "Your answer z is not right: expected 0.4172."
    assert any("hidden value" in p for p in _problems(shown, "", np.array([0.41723])))
    assert not _problems("dW differs: relative error about 1e-01.", "", np.array([0.1]))
