"""Is the given code short in the notebook, shipped as <id>_given.py, and always the grader's own copy when
grading (a student who edits their copy gains nothing)?"""

from __future__ import annotations

import json
import shutil

import pytest

from autograder.generate.given import given_source, imported_names, module_name
from autograder.grading import grade_submission
from autograder.manifest import ASSIGNMENT_IDS
from autograder.sandbox import Sandbox, SandboxConfig

MAX_GIVEN_LINES = 40
WITH_GIVEN = [a for a in ASSIGNMENT_IDS if given_source(a) is not None]


def _cells(files: dict[str, bytes], a: str) -> list[dict]:
    return json.loads(files[f"{a}.ipynb"])["cells"]


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_given_cell_is_short_and_comes_first(assignment, bundles):
    """Is every code cell before the first question at most 40 lines, in both versions?"""
    for files in (bundles[assignment].files, bundles[assignment].solution_files):
        cells = _cells(files, assignment)
        first_question = next(i for i, c in enumerate(cells) if c["cell_type"] == "markdown"
                              and c["source"].startswith("## 1."))
        given = [c for c in cells[:first_question] if c["cell_type"] == "code"]
        for c in given:
            assert len(c["source"].splitlines()) <= MAX_GIVEN_LINES, c["source"]
        assert sum(len(c["source"].splitlines()) for c in given) <= MAX_GIVEN_LINES


@pytest.mark.parametrize("assignment", WITH_GIVEN)
def test_given_module_is_shipped_and_imported(assignment, bundles):
    """Does the bundle ship <id>_given.py, and does the given cell import from it what the functions use?"""
    name = module_name(assignment)
    files = bundles[assignment].files
    assert files[f"{name}.py"].decode() == given_source(assignment)
    assert files[f"{name}.py"] == bundles[assignment].solution_files[f"{name}.py"]
    given = next(c["source"] for c in _cells(files, assignment) if "given" in c["metadata"].get("tags", []))
    assert f"from {name} import" in given
    assert all(n in given for n in imported_names(assignment))
    namespace: dict = {}
    exec(compile(given_source(assignment), f"{name}.py", "exec"), namespace)  # the module runs on its own
    assert all(n in namespace for n in imported_names(assignment))


def _tampered(assignment: str) -> str:
    """The real module, then every helper the notebook imports replaced by one that raises."""
    lines = [given_source(assignment), ""]
    for n in imported_names(assignment):
        lines.append(f"def {n}(*args, **kwargs):\n    raise RuntimeError('tampered')\n")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


@pytest.mark.parametrize("assignment", WITH_GIVEN)
def test_grader_ignores_a_tampered_helper_module(assignment, bundle_dirs, course, sandbox, tmp_path):
    """With a sabotaged <id>_given.py beside it, does the solution still get full marks (the grader's copy
    is used), while the sabotage does break the student's own self-check (so it would have mattered)?"""
    secret, student = course
    work = tmp_path / assignment
    shutil.copytree(bundle_dirs[assignment][1], work)
    (work / f"{module_name(assignment)}.py").write_text(_tampered(assignment), encoding="utf-8")
    r = grade_submission(work / f"{assignment}.ipynb", assignment, student, secret, sandbox=sandbox)
    assert r["error"] is None and r["score"] == r["max_score"], [t for t in r["tests"] if t["status"] != "passed"]
    from autograder.selfcheck.deepgrade_check import run_file

    assert run_file(work / f"{assignment}.ipynb") is False  # the student's copy is what they tampered with


def test_helpers_in_a_student_module_earn_nothing(bundle_dirs, course, sandbox, tmp_path):
    """A notebook whose graded functions live only in its own rnn_given.py: does the grader find none of them?"""
    secret, student = course
    work = tmp_path / "rnn"
    shutil.copytree(bundle_dirs["rnn"][0], work)
    solution = (bundle_dirs["rnn"][1] / "rnn.py").read_text()
    (work / "rnn_given.py").write_text(given_source("rnn") + "\n" + solution, encoding="utf-8")
    nb = json.loads((work / "rnn.ipynb").read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and cell["source"].startswith("def "):
            cell["source"] = "from rnn_given import *"
    (work / "rnn.ipynb").write_text(json.dumps(nb))
    r = grade_submission(work / "rnn.ipynb", "rnn", student, secret, sandbox=sandbox)
    assert r["score"] == 0, r["tests"]
