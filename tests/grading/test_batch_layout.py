"""Which file is each student's submission in a batch folder (autograder.batch.layout)."""

import hashlib
import json
import os

import pytest

from autograder.batch.layout import scan


def by_student(layout):
    return {e.student: e for e in layout.entries}


def test_is_the_student_id_taken_from_file_and_folder_names(tmp_path):
    (tmp_path / "alice.ipynb").write_text("{}")
    (tmp_path / "bob.py").write_text("x = 1\n")
    (tmp_path / "carol").mkdir()
    (tmp_path / "carol" / "rnn.ipynb").write_text("{}")
    entries = by_student(scan(tmp_path))
    assert list(entries) == ["alice", "bob", "carol"]
    assert entries["carol"].path == tmp_path / "carol" / "rnn.ipynb"
    assert entries["carol"].source == "carol/rnn.ipynb"
    assert entries["bob"].content_hash == hashlib.sha256(b"x = 1\n").hexdigest()
    assert all(e.error is None for e in entries.values())


def test_does_a_returned_bundle_folder_grade_its_notebook(tmp_path):
    folder = tmp_path / "dave"
    folder.mkdir()
    for name in ("rnn.py", "deepgrade_check.py", "rnn_public.json", "rnn.ipynb"):
        (folder / name).write_text("{}")
    os.utime(folder / "rnn.py", (1e9, 1e9))
    [e] = scan(tmp_path).entries
    assert e.path == folder / "rnn.ipynb" and e.error is None and e.warnings == ()
    # a script edited after the notebook is named in a warning (the student may have worked there)
    os.utime(folder / "rnn.py", (2e9, 2e9))
    [e] = scan(tmp_path).entries
    assert e.path == folder / "rnn.ipynb"
    assert "not graded, though modified after it: rnn.py" in e.warnings[0]


def test_are_self_check_files_never_the_submission(tmp_path):
    (tmp_path / "eve").mkdir()
    (tmp_path / "eve" / "deepgrade_check.py").write_text("")
    (tmp_path / "eve" / "rnn.py").write_text("")
    [e] = scan(tmp_path).entries
    assert e.path.name == "rnn.py"


def test_is_a_folder_with_one_script_graded(tmp_path):
    (tmp_path / "erin").mkdir()
    (tmp_path / "erin" / "work.py").write_text("")
    (tmp_path / "erin" / "README.md").write_text("")
    [e] = scan(tmp_path).entries
    assert e.path.name == "work.py" and not e.warnings


@pytest.mark.parametrize(
    "files, message",
    [
        (["a.ipynb", "b.ipynb"], "ambiguous: it holds several .ipynb files (a.ipynb, b.ipynb)"),
        (["a.py", "b.py"], "ambiguous"),
        (["notes.txt"], "holds no .ipynb or .py file (found: notes.txt)"),
        ([], "found: nothing"),
    ],
)
def test_is_an_ambiguous_or_empty_folder_that_students_error(tmp_path, files, message):
    folder = tmp_path / "frank"
    folder.mkdir()
    for name in files:
        (folder / name).write_text(name)
    [e] = scan(tmp_path).entries
    assert e.student == "frank" and e.path is None
    assert message in e.error


def test_does_fixing_an_ambiguous_folder_change_its_hash(tmp_path):
    folder = tmp_path / "gina"
    folder.mkdir()
    (folder / "a.ipynb").write_text("1")
    (folder / "b.ipynb").write_text("2")
    before = scan(tmp_path).entries[0].content_hash
    (folder / "b.ipynb").write_text("3")
    assert scan(tmp_path).entries[0].content_hash != before
    (folder / "b.ipynb").unlink()
    assert scan(tmp_path).entries[0].error is None


def test_is_a_student_given_twice_an_error(tmp_path):
    (tmp_path / "hank.ipynb").write_text("{}")
    (tmp_path / "hank.py").write_text("")
    [e] = scan(tmp_path).entries
    assert "given 2 times (hank.ipynb, hank.py)" in e.error


def test_what_is_ignored_or_reported(tmp_path):
    gradebook = tmp_path / "grades.sqlite"
    for name in ("grades.sqlite", "grades.sqlite-wal", ".hidden.ipynb", "_private.py", "ivan.zip", "bad id.py"):
        (tmp_path / name).write_text("")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    layout = scan(tmp_path, exclude=(gradebook,))
    assert layout.entries == ()
    reported = "\n".join(layout.ignored)
    assert "ivan.zip: not a submission" in reported
    assert "bad id.py: student id 'bad id' is not valid" in reported
    assert "grades.sqlite" not in reported and "hidden" not in reported and "_private" not in reported


def test_what_does_a_missing_folder_say(tmp_path):
    with pytest.raises(FileNotFoundError, match="submissions folder .* does not exist"):
        scan(tmp_path / "nope")
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError, match="is not a folder"):
        scan(tmp_path / "file")


def test_is_a_notebook_naming_another_student_flagged_but_graded_as_its_slot(tmp_path):
    meta = {"metadata": {"deepgrade": {"student": "zed"}}, "cells": []}
    (tmp_path / "amy.ipynb").write_text(json.dumps(meta))
    (tmp_path / "zed.ipynb").write_text(json.dumps(meta))
    (tmp_path / "bad.ipynb").write_text("{not json")
    entries = by_student(scan(tmp_path))
    assert entries["amy"].student == "amy"
    assert entries["amy"].warnings == (
        "student id mismatch: the notebook's metadata says student 'zed', but it was submitted as 'amy' "
        "(amy.ipynb); graded as 'amy'",
    )
    assert entries["zed"].warnings == () and entries["bad"].warnings == ()
