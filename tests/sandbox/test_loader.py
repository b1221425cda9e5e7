"""Loading submissions: what is run, and clear errors for files we cannot grade."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.sandbox import Cell, SubmissionError, load_submission


def write_nb(path, cells, **meta):
    nb = new_notebook(cells=cells, metadata=meta)
    nbformat.write(nb, path)
    return path


def test_notebook_code_cells_in_order_with_notebook_positions(tmp_path):
    path = write_nb(tmp_path / "a.ipynb", [new_markdown_cell("# title"), new_code_cell("x = 1"),
                                           new_code_cell(""), new_code_cell("y = x + 1")], student="s1")
    sub = load_submission(path)
    assert sub.cells == [Cell(1, "x = 1"), Cell(3, "y = x + 1")]
    assert sub.path == path and sub.metadata["student"] == "s1"


def test_skip_grading_tag_leaves_the_cell_out(tmp_path):
    cells = [new_code_cell("a = 1"), new_code_cell("train_for_hours()", metadata={"tags": ["skip-grading"]})]
    sub = load_submission(write_nb(tmp_path / "a.ipynb", cells))
    assert [c.index for c in sub.cells] == [0]
    assert any("skip-grading" in w for w in sub.warnings)


def test_magics_and_shell_lines_are_neutralized_with_a_warning(tmp_path):
    cells = [new_code_cell("%matplotlib inline\n!rm -rf /\nz = 2"), new_code_cell("%%bash\nrm -rf /")]
    sub = load_submission(write_nb(tmp_path / "a.ipynb", cells))
    assert [c.index for c in sub.cells] == [0]
    assert sub.cells[0].source.splitlines() == ["None", "None", "z = 2"]
    assert any("rm -rf" in w for w in sub.warnings) and any("%%bash" in w for w in sub.warnings)


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"  \n\t\n", "is empty"),
    (b'{"cells": [', "not valid JSON"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b'{"cells": [], "nbformat": 4, "metadata": {"name": "caf\xe9"}}', "not valid UTF-8"),
    (b"[1, 2, 3]", "not a Jupyter notebook"),
    (b'{"nbformat": 4}', "not a Jupyter notebook"),
    (b'{"cells": [], "nbformat": 3, "metadata": {}}', "version 3"),
])
def test_unreadable_notebooks_raise_a_clear_error_naming_the_file(tmp_path, content, expected):
    path = tmp_path / "bad.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError, match=expected) as info:
        load_submission(path)
    assert str(path) in str(info.value)


def test_oversize_file_is_refused(tmp_path):
    path = write_nb(tmp_path / "big.ipynb", [new_code_cell("x = '" + "a" * 5000 + "'")])
    with pytest.raises(SubmissionError, match="larger than the limit"):
        load_submission(path, max_bytes=1000)


@pytest.mark.parametrize("name", ["answers.txt", "notebook.ipynb.bak", "noextension", "sub.pyc"])
def test_wrong_extension_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_text("x = 1")
    with pytest.raises(SubmissionError, match=r"expected a Jupyter notebook \(.ipynb\) or a Python file"):
        load_submission(path)


def test_missing_file_and_directory_are_refused(tmp_path):
    with pytest.raises(SubmissionError, match="no such file"):
        load_submission(tmp_path / "gone.py")
    (tmp_path / "dir.ipynb").mkdir()
    with pytest.raises(SubmissionError, match="not a regular file"):
        load_submission(tmp_path / "dir.ipynb")


def test_schema_problems_are_a_warning_not_an_error(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": ["a = ", "1"], "metadata": {}, "outputs": [],
                     "execution_count": None, "bogus": 1}], "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path = tmp_path / "odd.ipynb"
    path.write_text(json.dumps(nb))
    sub = load_submission(path)
    assert sub.cells == [Cell(0, "a = 1")]
    assert any("schema" in w for w in sub.warnings)


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbfx = 'caf\xc3\xa9'\n")
    assert load_submission(path).cells == [Cell(0, "x = 'café'\n")]


def test_py_file_without_markers_is_one_cell(tmp_path):
    path = tmp_path / "s.py"
    path.write_text("import numpy as np\n\ndef f():\n    return 1\n")
    assert load_submission(path).cells == [Cell(0, "import numpy as np\n\ndef f():\n    return 1\n")]


def test_py_file_splits_on_percent_markers(tmp_path):
    path = tmp_path / "s.py"
    path.write_text("# %%\na = 1\n# %% [markdown]\n# prose\n# %% tags=[\"skip-grading\"]\nslow()\n#%%\nb = 2\n")
    sub = load_submission(path)
    assert sub.cells == [Cell(0, "a = 1\n"), Cell(3, "b = 2\n")]
    assert sub.metadata == {} and any("skip-grading" in w for w in sub.warnings)


def test_links_and_fifos_are_refused_never_read(tmp_path):
    """Is a submission that links to a classmate's file, or the course secret, refused without reading it?"""
    import os

    secret = tmp_path / "course.key"
    secret.write_text("f3a9 the course secret")
    (tmp_path / "bob.py").write_text("def f():\n    return 1\n")
    for name, target in (("mallory.py", "bob.py"), ("eve.py", "course.key")):
        os.symlink(tmp_path / target, tmp_path / name)
        with pytest.raises(SubmissionError, match="symbolic link") as info:
            load_submission(tmp_path / name)
        assert "f3a9" not in str(info.value)
    os.mkfifo(tmp_path / "fifo.py")
    with pytest.raises(SubmissionError, match="not a regular file"):
        load_submission(tmp_path / "fifo.py")  # returns at once: a FIFO is never waited on


def test_bulky_or_deep_metadata_is_dropped_and_the_notebook_still_loads(tmp_path):
    """Does widget state or absurdly nested metadata cost the student nothing but that metadata?"""
    deep: dict = {}
    node = deep
    for _ in range(40):
        node["x"] = {}
        node = node["x"]
    path = write_nb(tmp_path / "a.ipynb", [new_code_cell("x = 1")], student="s1",
                    widgets={"state": ["w" * 1000] * 200}, deep=deep)
    sub = load_submission(path)
    assert sub.cells == [Cell(0, "x = 1")]
    assert sub.metadata["student"] == "s1" and "widgets" not in sub.metadata and "deep" not in sub.metadata
