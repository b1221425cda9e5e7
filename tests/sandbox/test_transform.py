"""Neutralizing IPython syntax: no magic or shell escape may survive, line numbers stay put."""

import ast

import pytest

from autograder.sandbox.transform import neutralize


def ipython_calls(source):
    tree = ast.parse(source)
    return [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "get_ipython"]


@pytest.mark.parametrize("cell", [
    "!rm -rf /",
    "!!ls",
    "files = !ls ~",
    "%env SECRET=1",
    "%run other.py",
    "%load_ext autoreload\n%autoreload 2",
    "%pip install requests",
    "np?",
    "np.zeros??",
    "for i in range(2):\n    !echo {i}",
    "get_ipython().system('touch pwned')",
    "x = get_ipython().getoutput('cat /etc/passwd')",
])
def test_no_magic_or_shell_command_survives(cell):
    source, notes = neutralize(cell)
    assert not ipython_calls(source)
    assert notes
    assert source.count("\n") == cell.count("\n")


def test_plain_python_is_untouched():
    cell = "import numpy as np\n\ndef f(x):\n    return x % 3  # not a magic\n"
    assert neutralize(cell) == (cell, [])


def test_percent_time_keeps_its_statement_and_line_numbers():
    source, _ = neutralize("a = 1\n%time b = a + 1\nc = b")
    assert source == "a = 1\nb = a + 1\nc = b"


@pytest.mark.parametrize("magic", ["time", "capture"])
def test_python_cell_magics_run_their_body(magic):
    source, notes = neutralize(f"%%{magic}\nx = 1\n!ls\ny = 2")
    assert source.split("\n")[1:] == ["x = 1", "None", "y = 2"]
    assert any(magic in n for n in notes)


@pytest.mark.parametrize("magic", ["bash", "sh", "script python", "writefile x.py", "html", "timeit"])
def test_other_cell_magics_empty_the_cell(magic):
    source, notes = neutralize(f"%%{magic}\nrm -rf /\n")
    assert source == "" and "not run" in notes[0]


def test_cell_that_stays_invalid_keeps_no_runnable_magic():
    source, _ = neutralize("def f(:\n    pass\n!rm -rf /")
    with pytest.raises(SyntaxError):
        compile(source, "<cell>", "exec")


def test_leading_blank_lines_keep_numbering():
    source, notes = neutralize("\n\n%ls\nq = 1")
    assert source.split("\n")[:4] == ["", "", "None", "q = 1"]
    assert notes[0].startswith("line 3:")
