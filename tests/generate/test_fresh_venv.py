"""Does every bundle run its self-check in a fresh Python with only numpy and matplotlib installed (bow: and
scipy, which its question on sparse matrices needs): all checks pass on the solution, the blank gets clear
TODO lines, and no traceback either way?

The venv is made once per test session with pip (its cache makes a rerun quick); bow's scipy goes into a
separate folder put on PYTHONPATH for bow only, so the other bundles are proven not to need it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from autograder.manifest import ASSIGNMENT_IDS

EXTRA = {"bow": "scipy"}


def _pip(python, *args):
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"pip install {' '.join(args)} failed:\n{done.stderr[-2000:]}")


@pytest.fixture(scope="session")
def student_python(tmp_path_factory):
    """(python of a fresh venv with numpy + matplotlib, {assignment: PYTHONPATH folder of its extra package})."""
    root = tmp_path_factory.mktemp("student-venv")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True, timeout=120)
    python = root / "venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _pip(python, "numpy", "matplotlib")
    extras = {}
    for a, package in EXTRA.items():
        _pip(python, "--target", str(root / package), package)
        extras[a] = root / package
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format=freeze"], capture_output=True, text=True)
    names = {line.split("==")[0].lower() for line in listed.stdout.split()}
    assert not names & {"scipy", "pandas", "islp", "torch", "scikit-learn", "deepgrade"}, names
    return python, extras


def _self_check(student_python, folder, assignment):
    python, extras = student_python
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    if assignment in extras:
        env["PYTHONPATH"] = str(extras[assignment])
    return subprocess.run([str(python), "deepgrade_check.py"], cwd=folder, capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_solution_passes_in_a_bare_venv(assignment, bundle_dirs, student_python, tmp_path):
    """All public checks pass on the solution bundle, run by a Python that has only numpy and matplotlib."""
    work = tmp_path / assignment
    shutil.copytree(bundle_dirs[assignment][1], work)
    r = _self_check(student_python, work, assignment)
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "Traceback" not in out and "raised" not in out, out
    m = re.search(r"(\d+)/(\d+) public checks passed\. .*necessary, not sufficient", r.stdout)
    assert m and m.group(1) == m.group(2) and int(m.group(2)) > 0, out


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_blank_says_todo_in_a_bare_venv(assignment, bundle_dirs, student_python, tmp_path):
    """The blank bundle: every check is TODO or a plain FAIL for an unanswered blank; no traceback."""
    work = tmp_path / assignment
    shutil.copytree(bundle_dirs[assignment][0], work)
    r = _self_check(student_python, work, assignment)
    out = r.stdout + r.stderr
    assert r.returncode == 1 and "Traceback" not in out, out
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith(("PASS", "FAIL", "TODO"))]
    assert lines and all(ln.startswith(("TODO", "FAIL")) for ln in lines), out
    assert all("is still None" in nxt for ln, nxt in zip(r.stdout.splitlines(), r.stdout.splitlines()[1:])
               if ln.startswith("FAIL")), out
    assert re.search(r"0/\d+ public checks passed", r.stdout), out


def test_a_missing_package_is_named_in_plain_words(bundle_dirs, student_python, tmp_path):
    """bow without scipy: the self-check says which package to install, without a traceback."""
    python, _ = student_python
    work = tmp_path / "bow"
    shutil.copytree(bundle_dirs["bow"][1], work)
    r = _self_check((python, {}), work, "bow")
    assert "needs the package scipy, which is not installed here: pip install scipy" in r.stdout, r.stdout
    assert "Traceback" not in r.stdout + r.stderr
