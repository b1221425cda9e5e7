"""``deepgrade --course DIR export``: an assignment of a course folder, exported, grades where the platform grades
-- Gradescope's zip and PrairieLearn's tests/ carry the assignment's folder and the course's reference (only
those, readable by the grader only) and their grading jobs find them without ``$DEEPGRADE_COURSE``; otter and
nbgrader, whose files reach students, carry none and say what the grading machine needs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET = b"a-course-secret-for-course-exports"
EMAIL = "ana@example.edu"

REFERENCE = '''"""A course's reference."""

import numpy as np


def affine_forward(x, w, b):
    """An affine layer.

    Inputs:
    - x: (N, D) inputs; w: (D, M) weights; b: (M,) bias
    Returns:
    - out: (N, M)
    - cache: (x, w)
    """
    out = x @ w + b
    cache = (x, w)
    return out, cache


def affine_backward(dout, cache):
    """The affine layer's gradients.

    Inputs:
    - dout: (N, M) upstream gradient
    - cache: from affine_forward
    Returns:
    - dx: (N, D)
    - dw: (D, M)
    - db: (M,)
    """
    x, w = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
'''


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DEEPGRADE_COURSE", "DEEPGRADE_SECRET")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def deepgrade(*args: str, course: Path | None = None) -> subprocess.CompletedProcess:
    head = ["--course", str(course)] if course else []
    return subprocess.run([sys.executable, "-m", "autograder.cli", *head, *args], env=_env(), capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    top = tmp_path_factory.mktemp("course-export")
    root = top / "course"
    root.mkdir()
    (root / "course_ref.py").write_text(REFERENCE)
    r = deepgrade("new", "layers", "--from", "course_ref:affine_forward,affine_backward", course=root)
    assert r.returncode == 0, r.stderr
    (root / "other").mkdir()  # another assignment of the course: not shipped with layers
    (root / "other" / "notes.txt").write_text("not for layers")
    (top / "course.key").write_bytes(SECRET)
    return root


def _notebooks(course: Path, student: str, tmp: Path) -> tuple[bytes, bytes]:
    r = deepgrade("generate", "layers", "--student", student, "--out", str(tmp / "blank"), "--solutions",
                  str(tmp / "sol"), "--secret-file", str(course.parent / "course.key"), course=course)
    assert r.returncode == 0, r.stderr
    return (tmp / "sol" / "layers.ipynb").read_bytes(), (tmp / "blank" / "layers.ipynb").read_bytes()


def _export(course: Path, fmt: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    r = deepgrade("export", "layers", "--format", fmt, "--out", str(out), "--secret-file",
                  str(course.parent / "course.key"), *extra, course=course)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def test_gradescope_zip_carries_the_course_and_grades_with_it(course, tmp_path):
    r = _export(course, "gradescope", tmp_path / "gs")
    assert "readable by the grader only" in r.stderr
    with zipfile.ZipFile(tmp_path / "gs" / "gradescope.zip") as zf:
        shipped = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist() if i.filename.startswith("course/")}
        assert set(shipped) >= {"course/course_ref.py", "course/layers/manifest.toml", "course/layers/suite.py"}
        assert not any(n.startswith("course/other/") for n in shipped) and set(shipped.values()) == {0o600}
        root = tmp_path / "autograder"
        zf.extractall(root / "source")
    solution, blank = _notebooks(course, EMAIL, tmp_path / "nb")
    scores = {}
    for name, notebook in (("solution", solution), ("blank", blank)):
        shutil.rmtree(root / "submission", ignore_errors=True)
        (root / "submission").mkdir(parents=True)
        (root / "results").mkdir(exist_ok=True)
        (root / "submission" / "layers.ipynb").write_bytes(notebook)
        (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": EMAIL, "id": 1}]}))
        proc = subprocess.run([sys.executable, "-m", "autograder.export.gradescope_run"],
                              env=_env() | {"DEEPGRADE_GS_ROOT": str(root)}, capture_output=True, text=True,
                              timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        results = json.loads((root / "results" / "results.json").read_text())
        scores[name] = (results["score"], sum(t["max_score"] for t in results["tests"]))
    assert scores["solution"][0] == scores["solution"][1] > 0 and scores["blank"][0] == 0, scores


def test_prairielearn_tests_carry_the_course_and_grade_with_it(course, tmp_path):
    out = tmp_path / "pl"
    _export(course, "prairielearn", out, "--variants", "1")
    assert (out / "tests" / "course" / "layers" / "suite.py").is_file()
    assert not (out / "tests" / "course" / "other").exists()
    assert not any(p.name == "suite.py" for p in (out / "clientFilesQuestion").rglob("*"))
    solution, _ = _notebooks(course, "pl-v0", tmp_path / "nb")
    root = tmp_path / "grade"
    shutil.copytree(out / "tests", root / "tests")
    (root / "student").mkdir()
    (root / "student" / "layers.ipynb").write_bytes(solution)
    (root / "data").mkdir()
    (root / "data" / "data.json").write_text(json.dumps({"params": {"deepgrade_variant": 0}, "variant_seed": 1}))
    proc = subprocess.run([sys.executable, "-m", "autograder.export.prairielearn_grade"],
                          env=_env() | {"DEEPGRADE_PL_ROOT": str(root)}, capture_output=True, text=True, timeout=600)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results.get("gradable", True) and results["score"] == 1.0, (results, proc.stderr)


@pytest.mark.parametrize("fmt", ["otter", "nbgrader"])
def test_formats_that_give_files_to_students_carry_no_course(course, tmp_path, fmt):
    r = _export(course, fmt, tmp_path / fmt, "--student", "ana")
    assert "DEEPGRADE_COURSE" in r.stderr and "not in the export" in r.stderr
    assert not any(p.name in ("suite.py", "course_ref.py") for p in (tmp_path / fmt).rglob("*"))
