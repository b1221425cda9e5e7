"""Does the self-check handle a student's real working states: a partly filled notebook, work saved in the
script instead of the notebook, a broken file, a cell that calls sys.exit?"""

from __future__ import annotations

import json
import os
import shutil

import nbformat
from click.testing import CliRunner
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from autograder.cli import main

FILLED = ("rnn_step_forward", "rnn_step_backward", "readout_backward")  # readout_forward stays a stub


def _partly_filled(bundle_dirs, tmp_path):
    """The rnn student bundle with FILLED's cells taken from the solution version."""
    stu, sol = bundle_dirs["rnn"]
    work = tmp_path / "rnn"
    shutil.copytree(stu, work)
    nb = json.loads((work / "rnn.ipynb").read_text())
    solved = json.loads((sol / "rnn.ipynb").read_text())["cells"]
    for cell, solution in zip(nb["cells"], solved):
        if any(cell["source"].startswith(f"def {f}(") for f in FILLED):
            cell["source"] = solution["source"]
    (work / "rnn.ipynb").write_text(json.dumps(nb))
    return work


def _check(*args):
    return CliRunner().invoke(main, ["check", *map(str, args)])


def test_partly_filled_notebook(bundle_dirs, tmp_path):
    """Do written functions pass, stubs read TODO, and a backward whose forward is a stub name that forward?"""
    work = _partly_filled(bundle_dirs, tmp_path)
    r = _check(work / "rnn.ipynb")
    assert r.exit_code == 1, r.output
    assert "PASS  rnn_step_forward" in r.output and r.output.count("PASS  rnn_step_backward") == 2
    assert "TODO  rnn_forward: H on public inputs" in r.output and "not written yet" in r.output
    assert "needs readout_forward, which is not written yet" in r.output
    assert "3/12 public checks passed" in r.output


def test_folder_check_takes_the_file_saved_last(bundle_dirs, tmp_path):
    """Checking a folder, is the more recently saved of ID.ipynb and ID.py the one checked (work in the script)?"""
    work = tmp_path / "rnn"
    shutil.copytree(bundle_dirs["rnn"][0], work)
    shutil.copy(bundle_dirs["rnn"][1] / "rnn.py", work / "rnn.py")  # the script is finished
    nb_time = (work / "rnn.ipynb").stat().st_mtime
    os.utime(work / "rnn.py", (nb_time + 60, nb_time + 60))
    r = _check(work)
    assert r.exit_code == 0, r.output
    assert "rnn.py (the more recently saved of rnn.ipynb and rnn.py" in r.output
    os.utime(work / "rnn.ipynb", (nb_time + 120, nb_time + 120))
    r = _check(work)
    assert r.exit_code == 1 and "checking " in r.output and "rnn.ipynb (the more recently saved" in r.output


def test_broken_files_are_named(bundle_dirs, tmp_path):
    """Is a notebook that is not UTF-8, not JSON or not a notebook refused with its name, without a traceback?"""
    work = tmp_path / "rnn"
    shutil.copytree(bundle_dirs["rnn"][0], work)
    for data, expected in ((b"\xff\xfe{", "is not UTF-8 text"), (b'{"cells": 5', "is not a notebook: its JSON is broken"),
                           (b"[1, 2]", "is not a notebook: expected a JSON object"),
                           (b'{"cells": [3]}', "is not a notebook: expected a JSON object")):
        (work / "rnn.ipynb").write_bytes(data)
        r = _check(work / "rnn.ipynb")
        assert r.exit_code == 1 and f"rnn.ipynb {expected}" in r.output, r.output
        assert "Traceback" not in r.output


def test_sys_exit_in_a_cell_is_no_pass(bundle_dirs, tmp_path):
    """Does a cell (or a function) calling sys.exit(0) fail the check instead of ending it with status 0?"""
    stu, sol = tmp_path / "stu", tmp_path / "sol"
    shutil.copytree(bundle_dirs["rnn"][0], stu)
    shutil.copytree(bundle_dirs["rnn"][1], sol)
    script = (stu / "rnn.py").read_text()
    (stu / "rnn.py").write_text("# %%\nimport sys\nsys.exit(0)\n" + script)
    r = _check(stu / "rnn.py")
    assert r.exit_code == 1 and "raised SystemExit" in r.output and "0/12 public checks passed" in r.output
    work, script = sol, (sol / "rnn.py").read_text()
    (work / "rnn.py").write_text(script.replace("def readout_forward(h, beta, beta0):",
                                                "def readout_forward(h, beta, beta0):\n    import sys; sys.exit(0)", 1))
    r = _check(work / "rnn.py")
    assert r.exit_code == 1 and "raised SystemExit" in r.output and "9/12 public checks passed" in r.output


def test_partly_filled_notebook_in_jupyter(bundle_dirs, tmp_path):
    """In a real kernel with the bundle as working directory, do the filled checks pass and does Run All stop at
    the next blank with the self-check naming it?"""
    work = _partly_filled(bundle_dirs, tmp_path)
    nb = nbformat.read(work / "rnn.ipynb", as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(work)}})
    try:
        client.execute()
        raise AssertionError("the notebook ran past its blanks")
    except CellExecutionError as exc:
        assert exc.ename == "NotImplementedError"
    out = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert out.count("PASS  ") == 3 and "FAIL" not in out, out
    assert "TODO  rnn_forward" in out


def test_two_assignments_in_one_folder(bundle_dirs, tmp_path):
    """With the rnn and lstm bundles unpacked into one folder, does each notebook get its own public checks?"""
    from autograder.selfcheck.deepgrade_check import load_public

    both = tmp_path / "both"
    shutil.copytree(bundle_dirs["lstm"][0], both)
    shutil.copytree(bundle_dirs["rnn"][1], both, dirs_exist_ok=True)
    r = _check(both / "rnn.ipynb")
    assert r.exit_code == 0 and "12/12 public checks passed" in r.output, r.output
    r = _check(both / "lstm.py")
    assert r.exit_code == 1 and "TODO  lstm_step_forward" in r.output
    r = _check(both)
    assert r.exit_code == 1 and "holds several assignments (lstm, rnn): name the notebook" in r.output
    assert load_public(both, name="rnn_step_forward")["assignment"] == "rnn"  # check("...") in a notebook
    assert load_public(both, name="lstm_forward")["assignment"] == "lstm"
