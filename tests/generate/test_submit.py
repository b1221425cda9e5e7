"""Does the pre-submit check (``python deepgrade_check.py --submit FILE``) say, in one clear line each, what
would make the grader unable to use a file: a renamed or missing function, another student's file, a syntax
error, graded code in a skip-grading cell, a wrong file name? And does it pass a good file without claiming
more than it knows? Also: does the self-check run on the Windows code path (``os.name == "nt"``)?"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# os.name is forced to "nt" as the bundle's modules see it (their `os` becomes a copy of the module with
# name "nt"): every `os.name == "nt"` branch takes the Windows path, while pathlib, which reads os.name
# itself on every Path(), keeps working on this POSIX machine.
HARNESS = """
import os, sys, types
sys.path.insert(0, os.getcwd())
import deepgrade_check, deepgrade_submit
windows_os = types.ModuleType("os")
windows_os.__dict__.update(vars(os))
windows_os.name = "nt"
for module in (deepgrade_check, deepgrade_submit):
    if hasattr(module, "os"):
        module.os = windows_os
assert deepgrade_check.os.name == "nt" and deepgrade_check._windows()
sys.exit(deepgrade_check.main(sys.argv[1:]))
"""


def _bundle(bundle_dirs, tmp_path, version=1, a="rnn") -> Path:
    work = tmp_path / a
    shutil.copytree(bundle_dirs[a][version], work)
    return work


def _submit(work: Path, name: str, windows: bool = False) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-X", "utf8"] + (["-c", HARNESS] if windows else ["deepgrade_check.py"])
    return subprocess.run([*cmd, "--submit", name], cwd=work, capture_output=True, text=True, timeout=120)


def _edit(work: Path, a: str, change) -> None:
    nb = json.loads((work / f"{a}.ipynb").read_text())
    change(nb)
    (work / f"{a}.ipynb").write_text(json.dumps(nb))


def _problems(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ln.startswith("PROBLEM")]


def _code(nb, starts: str) -> dict:
    return next(c for c in nb["cells"] if c["cell_type"] == "code" and c["source"].startswith(starts))


@pytest.mark.parametrize("windows", [False, True])
def test_solution_is_ready_and_nothing_more_is_claimed(bundle_dirs, tmp_path, windows):
    """Does a solution pass (exit 0) with a line saying it says nothing about correctness, on both OS paths?"""
    work = _bundle(bundle_dirs, tmp_path)
    r = _submit(work, "rnn.ipynb", windows)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "says nothing about correctness" in r.stdout and not _problems(r.stdout)
    assert "Traceback" not in r.stdout + r.stderr


def test_renamed_function(bundle_dirs, tmp_path):
    """A renamed function: one line naming the expected name and the likely rename."""
    work = _bundle(bundle_dirs, tmp_path)

    def rename(nb):
        c = _code(nb, "def rnn_step_forward(")
        c["source"] = c["source"].replace("def rnn_step_forward(", "def rnn_step_fwd(", 1)
    _edit(work, "rnn", rename)
    r = _submit(work, "rnn.ipynb")
    assert r.returncode == 1
    problems = _problems(r.stdout)
    assert any("rnn_step_forward is not defined" in p and "renamed? rnn_step_fwd" in p for p in problems), r.stdout


def test_missing_function_and_changed_arguments(bundle_dirs, tmp_path):
    """A deleted function and one with other arguments: one line each."""
    work = _bundle(bundle_dirs, tmp_path)

    def damage(nb):
        _code(nb, "def readout_backward(")["source"] = "pass"
        c = _code(nb, "def rnn_backward(")
        c["source"] = c["source"].replace("def rnn_backward(dH, cache)", "def rnn_backward(dH, cache, extra)", 1)
    _edit(work, "rnn", damage)
    problems = _problems(_submit(work, "rnn.ipynb").stdout)
    assert any("readout_backward is not defined in a graded cell" in p for p in problems), problems
    assert any("rnn_backward(dH, cache, extra) has other arguments" in p and "rnn_backward(dH, cache)" in p
               for p in problems), problems


def test_another_students_file(bundle_dirs, tmp_path):
    """A classmate's notebook in my folder: one line saying whose it is."""
    work = _bundle(bundle_dirs, tmp_path)

    def other(nb):
        nb["metadata"]["deepgrade"]["student"] = "classmate"
    _edit(work, "rnn", other)
    problems = _problems(_submit(work, "rnn.ipynb").stdout)
    assert len(problems) == 1 and "belongs to student classmate" in problems[0], problems


def test_syntax_error(bundle_dirs, tmp_path):
    """A syntax error in a graded cell: one line with the cell and the line, and nothing is run."""
    work = _bundle(bundle_dirs, tmp_path)

    def broken(nb):
        c = _code(nb, "def rnn_forward(")
        c["source"] = c["source"] + "\n    return (\n"
    _edit(work, "rnn", broken)
    problems = _problems(_submit(work, "rnn.ipynb").stdout)
    assert any("has a syntax error" in p for p in problems) and not any("raised" in p for p in problems), problems


def test_graded_code_in_a_skip_grading_cell_and_a_renamed_file(bundle_dirs, tmp_path):
    """A function moved into a skip-grading cell, in a file saved under another name: both said."""
    work = _bundle(bundle_dirs, tmp_path)

    def moved(nb):
        c = _code(nb, "def embedding_forward(")
        c["metadata"]["tags"] = ["skip-grading"]
    _edit(work, "rnn", moved)
    (work / "rnn.ipynb").rename(work / "rnn (1).ipynb")
    problems = _problems(_submit(work, "rnn (1).ipynb").stdout)
    assert any("tagged skip-grading" in p and "embedding_forward" in p for p in problems), problems
    assert any("the grader expects rnn.ipynb" in p for p in problems), problems


def test_a_cell_that_fails_in_a_fresh_process(bundle_dirs, tmp_path):
    """A graded cell that needs a variable of an ungraded cell fails in a fresh process: is that said?"""
    work = _bundle(bundle_dirs, tmp_path)

    def leaning(nb):
        c = _code(nb, "def readout_forward(")
        c["source"] = c["source"] + "\n\nscale = idx.shape[0]\n"
    _edit(work, "rnn", leaning)
    problems = _problems(_submit(work, "rnn.ipynb").stdout)
    assert len(problems) == 1 and "raised NameError: name 'idx' is not defined" in problems[0], problems


def test_blank_bundle_lists_stubs_and_the_unanswered_cell(bundle_dirs, tmp_path):
    """On the blank ar bundle: stubs are noted, the unanswered answer cell is a problem, and no traceback."""
    work = _bundle(bundle_dirs, tmp_path, version=0, a="ar")
    r = _submit(work, "ar.py", windows=True)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert "note    lag_tensor still raises NotImplementedError" in r.stdout
    assert any("a blank not filled in yet" in p for p in _problems(r.stdout)), r.stdout


@pytest.mark.parametrize("version", [0, 1])
def test_self_check_on_the_windows_path(bundle_dirs, tmp_path, version):
    """Under `python -X utf8` with os.name forced to "nt": the solution passes every check with the
    necessary-not-sufficient line, the blank says TODO; no traceback either way."""
    work = _bundle(bundle_dirs, tmp_path, version=version, a="sgd")
    r = subprocess.run([sys.executable, "-X", "utf8", "-c", HARNESS, "sgd.ipynb"], cwd=work, capture_output=True,
                       text=True, timeout=120)
    assert "Traceback" not in r.stdout + r.stderr
    assert "passing here is necessary, not sufficient" in r.stdout
    if version == 1:
        assert r.returncode == 0 and "FAIL" not in r.stdout, r.stdout
    else:
        assert r.returncode == 1 and "TODO" in r.stdout


def test_deepgrade_check_submit(bundle_dirs, tmp_path):
    """Does `deepgrade check --submit FILE` give the same verdict as the bundle's script?"""
    from click.testing import CliRunner

    from autograder.cli import main

    work = _bundle(bundle_dirs, tmp_path)
    r = CliRunner().invoke(main, ["check", "--submit", str(work / "rnn.ipynb")])
    assert r.exit_code == 0 and "says nothing about correctness" in r.output, r.output

    def other(nb):
        nb["metadata"]["deepgrade"]["student"] = "classmate"
    _edit(work, "rnn", other)
    r = CliRunner().invoke(main, ["check", "--submit", str(work / "rnn.ipynb")])
    assert r.exit_code == 1 and "belongs to student classmate" in r.output, r.output
