"""Fixtures for the sandbox tests: one shared sandbox, and tiny submissions written to tmp_path."""

import textwrap

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.sandbox import Sandbox, SandboxConfig, load_submission

FAST = dict(call_timeout=2.0, cell_timeout=2.0, run_timeout=20.0, memory_bytes=1 << 30)


@pytest.fixture(scope="session")
def sandbox():
    with Sandbox(SandboxConfig(**FAST)) as sb:
        yield sb


@pytest.fixture
def script(tmp_path):
    """script(source) -> Submission of a .py file (``# %%`` separates cells)."""
    def make(source: str, name: str = "submission.py"):
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return load_submission(path)

    return make


@pytest.fixture
def notebook(tmp_path):
    """notebook([source | (source, tags) | ("md", text)]) -> Submission of a .ipynb file."""
    def make(cells, name: str = "submission.ipynb"):
        nb = new_notebook()
        for cell in cells:
            if isinstance(cell, tuple) and cell[0] == "md":
                nb.cells.append(new_markdown_cell(cell[1]))
            elif isinstance(cell, tuple):
                nb.cells.append(new_code_cell(textwrap.dedent(cell[0]), metadata={"tags": list(cell[1])}))
            else:
                nb.cells.append(new_code_cell(textwrap.dedent(cell)))
        path = tmp_path / name
        nbformat.write(nb, path)
        return load_submission(path)

    return make
