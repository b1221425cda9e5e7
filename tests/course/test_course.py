"""Does a course folder (``deepgrade --course DIR`` / ``$DEEPGRADE_COURSE``) override a built-in assignment's
files one by one and add an assignment of its own, graded against the course's own reference module?"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.folders import TEMPLATES_DIR

ROOT = Path(__file__).resolve().parents[2]

REFERENCE = '''"""The course's own reference."""

import numpy as np


def scale_forward(x, c):
    """Scale an array and shift it by one.

    Inputs:
    - x: (N, p) inputs
    - c: the scale
    Returns:
    - out: (N, p), c * x + 1
    """
    out = c * np.asarray(x, dtype=np.float64) + 1.0
    return out
'''

MANIFEST = '''id = "scale"
title = "Scale an array"
order = 5
reference = ["course_ref"]
given = []

[variant]
c = { from = 2, to = 9 }

[[questions]]
name = "scaling"
title = "Scale and shift"
points = 3
functions = ["scale_forward"]
'''

TEMPLATE = '''{% extends "_base.py.j2" %}
{% block variant %}
# | scale | $c = {{ v.c }}$ |
{% endblock %}
{% block questions %}
# %% [markdown]
# ## 1. Scale ({{ points("scaling") }})

{{ function_cell("scale_forward") }}
{{ check_cell("scale_forward") }}
{% endblock %}
'''

PUBLIC = '''from autograder.generate.public import call, out, rng_for, value_check


def checks(variant):
    from course_ref import scale_forward

    x = rng_for(variant["assignment"], 0).normal(size=(2, 3))
    return {"scale_forward": [value_check("scale_forward on a 2x3 input", call("scale_forward", x, variant["c"]),
                                          [out("out", scale_forward(x, variant["c"]))])]}
'''

SUITE = '''"""Hidden test of the course's scale assignment: the course reference on hidden inputs."""

import pytest
from course_ref import scale_forward

from autograder.suites._support import call


@pytest.mark.question("scaling")
def test_scale_forward(student, variant, hidden_rng):
    x = hidden_rng.normal(size=(int(hidden_rng.integers(2, 6)), 4))
    r = call(student, "scale_forward", x=x, c=variant["c"])
    r.check("out", r.value, scale_forward(x, variant["c"]), "c * x + 1", "(N, p)")
'''


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("course")
    (course / "course_ref.py").write_text(REFERENCE)
    (course / "scale").mkdir()
    for name, text in (("manifest.toml", MANIFEST), ("scale.py.j2", TEMPLATE), ("public.py", PUBLIC),
                       ("suite.py", SUITE)):
        (course / "scale" / name).write_text(text)
    (course / "rnn").mkdir()  # only the manifest, with other points: template, suite ... stay built-in
    manifest = (TEMPLATES_DIR / "rnn" / "manifest.toml").read_text()
    assert manifest.count("points = ") == 4
    (course / "rnn" / "manifest.toml").write_text(manifest.replace("points = 3", "points = 5")
                                                  .replace("points = 4", "points = 5").replace("points = 2", "points = 5"))
    return course


def deepgrade(*args, course: Path | None = None, env_course: Path | None = None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DEEPGRADE_COURSE", "DEEPGRADE_SECRET")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if env_course is not None:
        env["DEEPGRADE_COURSE"] = str(env_course)
    head = ["--course", str(course)] if course is not None else []
    return subprocess.run([sys.executable, "-m", "autograder.cli", *head, *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def _grade(path: Path, assignment: str, student: str, **where) -> dict:
    r = deepgrade("grade", str(path), "-a", assignment, "-s", student, "--demo", "--json", **where)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def test_course_assignment_grades_solution_full_and_blank_zero(course, tmp_path):
    """Is the course's own assignment generated and graded: the solution 3/3, the blank 0?"""
    r = deepgrade("generate", "scale", "--student", "ana", "--out", str(tmp_path / "out"),
                  "--solutions", str(tmp_path / "sol"), "--demo", course=course)
    assert r.returncode == 0, r.stderr
    bundle = tmp_path / "out"
    assert (bundle / "scale.ipynb").is_file() and not list(bundle.rglob("suite.py"))
    assert "course_ref" not in (bundle / "scale.py").read_text()  # the blank is copied, not imported
    full = _grade(tmp_path / "sol" / "scale.ipynb", "scale", "ana", course=course)
    assert (full["score"], full["max_score"]) == (3.0, 3.0), full
    blank = _grade(bundle / "scale.ipynb", "scale", "ana", course=course)
    assert (blank["score"], blank["max_score"]) == (0.0, 3.0), blank
    assert deepgrade("generate", "scale", "--student", "ana", "--out", str(tmp_path / "x"), "--demo").returncode != 0


def test_course_manifest_overrides_only_the_points(course):
    """Does a course's rnn/manifest.toml change rnn's points while its suite and template stay built-in?"""
    solution = ROOT / "solutions" / "rnn" / "rnn.ipynb"
    built_in = _grade(solution, "rnn", "demo")
    assert (built_in["score"], built_in["max_score"]) == (11.0, 11.0), built_in
    for where in ({"course": course}, {"env_course": course}):  # --course, or $DEEPGRADE_COURSE
        graded = _grade(solution, "rnn", "demo", **where)
        assert (graded["score"], graded["max_score"]) == (20.0, 20.0), graded
        assert {q["max_score"] for q in graded["questions"].values()} == {5.0}


def test_the_sandbox_hides_the_course_folder(monkeypatch, tmp_path):
    """Is a course's folder (its hidden suites, its reference) among the paths student code never sees?"""
    from autograder.sandbox.bwrap import default_hidden

    monkeypatch.delenv("DEEPGRADE_COURSE", raising=False)
    assert str(tmp_path.resolve()) not in default_hidden()
    monkeypatch.setenv("DEEPGRADE_COURSE", str(tmp_path))
    assert str(tmp_path.resolve()) in default_hidden()


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap hides paths; without it fewer protections hold")
def test_student_code_cannot_read_the_course(course, tmp_path):
    """Graded with --course, can a submission read the course's hidden suite or import its reference? (It
    answers right only when it cannot, so full marks mean the course stayed hidden.)"""
    (tmp_path / "ana").mkdir()
    submission = tmp_path / "ana" / "scale.py"
    submission.write_text(f'''import numpy as np


def scale_forward(x, c):
    seen = False
    try:
        open({str(course / "scale" / "suite.py")!r}).read()
        seen = True
    except OSError:
        pass
    try:
        import course_ref  # noqa: F401
        seen = True
    except ImportError:
        pass
    return np.zeros_like(x) if seen else c * np.asarray(x, dtype=np.float64) + 1.0
''')
    graded = _grade(submission, "scale", "ana", course=course)
    assert graded["score"] == 3.0, graded
