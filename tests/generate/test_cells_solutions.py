"""Do percent text, cells and the two versions (student, solution) convert as jupytext would?"""

from __future__ import annotations

import pytest

from autograder.generate.cells import Cell, parse_percent, write_percent
from autograder.generate.solutions import clear_solutions, strip_markers

TEXT = '''# %% [markdown]
# # Title
#
# Some $x$.

# %% tags=["skip-grading"]
check("f")

# %%
def f(x):
    """Doc."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION

# %%
### BEGIN STUDENT
z = None
### END STUDENT
### BEGIN SOLUTION
z = 1.5
### END SOLUTION
'''


def test_parse_percent():
    """Are markdown and code cells, their metadata and their text recovered?"""
    cells = parse_percent(TEXT)
    assert [c.cell_type for c in cells] == ["markdown", "code", "code", "code"]
    assert cells[0].source == "# Title\n\nSome $x$."
    assert cells[1].metadata == {"tags": ["skip-grading"]}


def test_student_version():
    """Does the student see a stub where the solution was, and the student-only lines?"""
    cells = clear_solutions(parse_percent(TEXT))
    assert cells[2].source == 'def f(x):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    assert cells[3].source == "z = None\n# YOUR CODE HERE\nraise NotImplementedError()"


def test_solution_version():
    """Does the solution keep the solution lines and drop the student-only ones and all markers?"""
    cells = strip_markers(parse_percent(TEXT))
    assert cells[2].source == 'def f(x):\n    """Doc."""\n    return 2 * x'
    assert cells[3].source == "z = 1.5"


def test_unclosed_region_is_an_error():
    """Is a BEGIN without END reported?"""
    with pytest.raises(ValueError, match="not closed"):
        clear_solutions([Cell("code", "### BEGIN SOLUTION\nx = 1")])


def test_jupytext_reads_our_percent_files_the_same_way():
    """Does jupytext parse write_percent's output into the same cells (type, source, tags)?"""
    import jupytext

    cells = clear_solutions(parse_percent(TEXT))
    nb = jupytext.reads(write_percent(cells), fmt="py:percent")
    got = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]
    assert got == [(c.cell_type, c.source, c.tags) for c in cells]
    assert parse_percent(write_percent(cells)) == cells


def test_generated_py_matches_its_notebook(bundles):
    """Does jupytext read every generated ID.py as the cells of ID.ipynb?"""
    import json

    import jupytext

    for a, b in bundles.items():
        for files in (b.files, b.solution_files):
            nb = json.loads(files[f"{a}.ipynb"])
            py = jupytext.reads(files[f"{a}.py"].decode(), fmt="py:percent")
            assert [(c.cell_type, c.source) for c in py.cells] == [(c["cell_type"], c["source"]) for c in nb["cells"]]
