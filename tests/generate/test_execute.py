"""Do the notebooks run in a real Jupyter kernel: solutions to the end, student versions to the first blank?"""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder.manifest import ASSIGNMENT_IDS


def _execute(folder, assignment, tmp_path):
    work = tmp_path / assignment
    shutil.copytree(folder, work)
    nb = nbformat.read(work / f"{assignment}.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = exc
    return nb, error


def _stream(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if o.get("output_type") == "stream")


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_solution_runs_and_passes_its_checks(assignment, bundle_dirs, tmp_path):
    """Does the solution notebook run top to bottom, with every public check passing?"""
    nb, error = _execute(bundle_dirs[assignment][1], assignment, tmp_path)
    assert error is None, str(error)[-2000:]
    out = _stream(nb)
    public = json.loads((bundle_dirs[assignment][1] / f"{assignment}_public.json").read_text())
    n_checks = sum(len(v) for v in public["checks"].values())
    assert out.count("PASS  ") == n_checks, out
    assert "FAIL" not in out


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_student_version_stops_at_first_blank(assignment, bundle_dirs, tmp_path):
    """Does the student notebook run until its first blank and stop there with NotImplementedError?"""
    nb, error = _execute(bundle_dirs[assignment][0], assignment, tmp_path)
    assert error is not None and error.ename == "NotImplementedError", error
    first_blank = next(i for i, c in enumerate(nb.cells)
                       if c.cell_type == "code" and "raise NotImplementedError()" in c.source)
    failed = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                  and any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    assert failed in (first_blank, first_blank + 1)  # the answer cell itself, or the check under the function
    assert "not written yet" in _stream(nb) or nb.cells[failed].source == nb.cells[first_blank].source
