"""Does ``deepgrade validate ID`` pass for assignments that grade right, and fail, saying what and where, for a
course whose suite no longer gives the solution full marks?"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.validate import check_blank, check_hostile, check_solution, check_wrong

ROOT = Path(__file__).resolve().parents[1]

# A tiny course (the one docs/authoring.md builds): one assignment, two questions.
REFERENCE = '''"""The course's own reference."""

import numpy as np


def scale_forward(x, c):
    """Scale an array.

    Inputs:
    - x: (N, p) inputs
    - c: the scale
    Returns:
    - out: (N, p), c * x
    """
    out = c * np.asarray(x, dtype=np.float64)
    return out


def scale_backward(dout, c):
    """The gradient of scale_forward.

    Inputs:
    - dout: (N, p) upstream gradient
    - c: the scale
    Returns:
    - dx: (N, p), the gradient with respect to x
    """
    dx = c * np.asarray(dout, dtype=np.float64)
    return dx
'''

MANIFEST = '''id = "scale"
title = "Scale an array"
order = 5
reference = ["course_ref"]
given = []

[variant]
c = { from = 2, to = 999 }  # 998 variants

[[questions]]
name = "forward"
title = "Scale"
points = 2
functions = ["scale_forward"]

[[questions]]
name = "backward"
title = "Its gradient"
points = 1
functions = ["scale_backward"]
'''

TEMPLATE = '''{% extends "_base.py.j2" %}
{% block variant %}
# | scale | $c = {{ v.c }}$ |
{% endblock %}
{% block questions %}
# %% [markdown]
# ## 1. Scale ({{ points("forward") }})

{{ function_cell("scale_forward") }}
{{ check_cell("scale_forward") }}

# %% [markdown]
# ## 2. Its gradient ({{ points("backward") }})

{{ function_cell("scale_backward") }}
{{ check_cell("scale_backward") }}
{% endblock %}
'''

PUBLIC = '''from autograder.generate.public import call, out, rng_for, value_check


def checks(variant):
    from course_ref import scale_backward, scale_forward

    c = variant["c"]
    x = rng_for(variant["assignment"], 0).normal(size=(2, 3))
    return {
        "scale_forward": [value_check("scale_forward on a 2x3 input", call("scale_forward", x, c),
                                      [out("out", scale_forward(x, c))])],
        "scale_backward": [value_check("scale_backward on a 2x3 input", call("scale_backward", x, c),
                                       [out("dx", scale_backward(x, c))])],
    }
'''

SUITE = '''"""Hidden tests of the course's scale assignment: the course reference on hidden inputs."""

import pytest
from course_ref import scale_backward, scale_forward

from autograder.suites._support import call


@pytest.mark.question("forward")
def test_scale_forward(student, variant, hidden_rng):
    x = hidden_rng.normal(size=(int(hidden_rng.integers(2, 6)), 4))
    r = call(student, "scale_forward", x=x, c=variant["c"])
    r.check("out", r.value, scale_forward(x, variant["c"]), "c * x", "(N, p)")


@pytest.mark.question("backward")
def test_scale_backward(student, variant, hidden_rng):
    dout = hidden_rng.normal(size=(int(hidden_rng.integers(2, 6)), 4))
    r = call(student, "scale_backward", dout=dout, c=variant["c"])
    r.check("dx", r.value, scale_backward(dout, variant["c"]), "c * dout", "(N, p)")
'''


def write_course(root: Path, suite: str = SUITE) -> Path:
    """The tiny course in ``root``: course_ref.py and scale/ (manifest, template, public checks, suite)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "course_ref.py").write_text(REFERENCE)
    (root / "scale").mkdir(parents=True)
    for name, text in (("manifest.toml", MANIFEST), ("scale.py.j2", TEMPLATE), ("public.py", PUBLIC),
                       ("suite.py", suite)):
        (root / "scale" / name).write_text(text)
    return root


def deepgrade(*args: str, course: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEEPGRADE_COURSE", "DEEPGRADE_SECRET")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["COLUMNS"] = "240"  # the report table on one line per row
    head = ["--course", str(course)] if course is not None else []
    return subprocess.run([sys.executable, "-m", "autograder.cli", *head, *args], env=env, capture_output=True,
                          text=True, timeout=600)


@pytest.mark.parametrize("assignment", ["rnn", "scale"])
def test_validate_passes(assignment, tmp_path):
    """Does validate pass, every check ok for 3 students, for a built-in assignment and a course's own?"""
    r = deepgrade("validate", assignment, "--students", "3", course=write_course(tmp_path / "course"))
    assert r.returncode == 0, r.stdout + r.stderr
    for check in ("solution", "blank", "partly wrong", "leak scan", "public checks"):
        assert f"{check} " in r.stdout and "ok 3/3" in r.stdout.split(check, 1)[1].split("\n")[0], r.stdout
    assert "every check passed for 3 students" in r.stdout and "FAIL" not in r.stdout


def test_validate_fails_when_the_suite_demands_the_wrong_thing(tmp_path):
    """A course suite expecting c * x + 1 from scale_forward: does validate exit 1, saying the solution loses
    points on forward and the partly wrong submission loses them elsewhere, while the other checks pass?"""
    wrong = SUITE.replace('scale_forward(x, variant["c"]), "c * x"', 'scale_forward(x, variant["c"]) + 1.0, "c * x"')
    assert wrong != SUITE
    r = deepgrade("validate", "scale", "--students", "2", course=write_course(tmp_path / "course", wrong))
    assert r.returncode == 1, r.stdout + r.stderr
    rows = {line.split("│")[1].strip(): line for line in r.stdout.splitlines() if line.count("│") >= 3}
    assert "FAIL 2/2" in rows["solution"] and "not full marks: forward 0/2" in rows["solution"], r.stdout
    assert "FAIL 2/2" in rows["partly wrong"] and "loses points elsewhere: forward" in rows["partly wrong"]
    for check in ("blank", "leak scan", "public checks"):
        assert "ok 2/2" in rows[check], rows[check]
    assert "check(s) failed" in r.stdout


def _result(**scores: tuple[float, float]) -> dict:
    questions = {n: {"score": s, "max_score": m} for n, (s, m) in scores.items()}
    tests = [{"name": f"test_{n}", "question": n, "status": "passed" if s == m else "failed", "output": "off"}
             for n, (s, m) in scores.items()]
    return {"score": sum(s for s, _ in scores.values()), "max_score": sum(m for _, m in scores.values()),
            "questions": questions, "tests": tests, "error": None}


def test_the_verdicts():
    """Do the checks accept exactly: full marks, zero, and points lost on the declared question only?"""
    assert check_solution(_result(a=(2, 2), b=(1, 1))) is None
    assert "b 0/1" in check_solution(_result(a=(2, 2), b=(0, 1)))
    assert check_blank(_result(a=(0, 2), b=(0, 1))) is None
    assert "a 1/2" in check_blank(_result(a=(1, 2), b=(0, 1)))
    assert check_wrong(_result(a=(2, 2), b=(0, 1)), "b") is None
    assert "loses nothing on its declared question b" in check_wrong(_result(a=(2, 2), b=(1, 1)), "b")
    assert "loses points elsewhere: a 1/2" in check_wrong(_result(a=(1, 2), b=(0, 1)), "b")
    assert check_hostile(_result(a=(0, 2), b=(0, 1)), "snoop") is None
    assert "the hostile submission (snoop) earns 1: b 1/1" in check_hostile(_result(a=(0, 2), b=(1, 1)), "snoop")


def test_validate_fails_when_a_test_gives_points_for_nothing(tmp_path):
    """A course suite whose backward test checks nothing: do the blank and the hostile submission fail
    validate, naming the question they earn points on?"""
    lax = SUITE.replace('    r = call(student, "scale_backward", dout=dout, c=variant["c"])\n'
                        '    r.check("dx", r.value, scale_backward(dout, variant["c"]), "c * dout", "(N, p)")\n', "")
    assert lax != SUITE
    r = deepgrade("validate", "scale", "--students", "2", course=write_course(tmp_path / "course", lax))
    assert r.returncode == 1, r.stdout + r.stderr
    rows = {line.split("│")[1].strip(): line for line in r.stdout.splitlines() if line.count("│") >= 3}
    assert "FAIL" in rows["hostile"] and "earns" in r.stdout, r.stdout
    assert "FAIL 2/2" in rows["blank"] and "ok 2/2" in rows["solution"], r.stdout


def test_the_authoring_walkthrough_validates(tmp_path):
    """Do the files docs/authoring.md shows make a course whose assignment passes validate as the doc says?"""
    import re

    doc = (ROOT / "docs" / "authoring.md").read_text()
    files = re.findall(r"\*\*`(course/[^`]+)`\*\*\n\n```\w*\n(.*?)\n```", doc, flags=re.S)
    assert {p for p, _ in files} >= {"course/course_ref.py", "course/scale/manifest.toml", "course/scale/suite.py"}
    for path, body in files:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(body + "\n")
    assert "deepgrade --course course validate scale" in doc
    r = deepgrade("validate", "scale", "--students", "2", course=tmp_path / "course")
    assert r.returncode == 0 and "every check passed for 2 students" in r.stdout, r.stdout + r.stderr
