"""Hostile files in a batch folder: links, FIFOs, deep JSON, odd names, escape sequences.

Student files are untrusted input to the trusted grader. One of them must never stop the batch,
gain its author someone else's grade or a secret, or put markup and escapes in front of a reader.
The first tests drive the pieces (layout, worker) directly; the last runs a real ``grade-batch``
with the real engine and sandboxed workers over a folder holding all of them at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.batch import worker
from autograder.batch.layout import (
    SubmissionFileError,
    declared_student,
    json_depth,
    read_regular_file,
    scan,
)
from autograder.cli import main
from autograder.generate.bundle import build_bundle
from autograder.variants import DEMO_SECRET

SECRET_TEXT = "TOPSECRET-course-key-5b1e0c"
ESC = "\x1b"


def by_student(layout):
    return {e.student: e for e in layout.entries}


def solution(student: str) -> bytes:
    return build_bundle("rnn", student, DEMO_SECRET, solutions=True).solution_files["rnn.ipynb"]


# ---------------------------------------------------------------- the layout reads no link


def test_links_fifos_and_linked_folders_are_each_students_error(tmp_path):
    """Is a link to another student's file, to a secret, to a folder, inside a folder, or a FIFO, never read?"""
    subs = tmp_path / "subs"
    subs.mkdir()
    (tmp_path / "course.key").write_text(SECRET_TEXT)
    (subs / "bob.py").write_text("x = 1\n")
    (subs / "carl").mkdir()
    (subs / "carl" / "rnn.ipynb").write_text("{}")
    os.symlink("bob.py", subs / "mallory.py")
    os.symlink(tmp_path / "course.key", subs / "eve.py")
    os.symlink("carl", subs / "dan")
    (subs / "fred").mkdir()
    os.symlink("../bob.py", subs / "fred" / "work.py")
    os.mkfifo(subs / "fifi.py")
    os.symlink("bob.py", subs / "notes.txt")  # a link that is no submission anyway
    layout = scan(subs)
    e = by_student(layout)
    assert e["bob"].error is None and e["carl"].error is None
    assert e["mallory"].error == "mallory.py is a symbolic link; submissions must be regular files"
    assert e["eve"].error == "eve.py is a symbolic link; submissions must be regular files"
    assert e["dan"].error == "dan is a symbolic link; submissions must be regular files"
    assert e["fred"].error == "fred/work.py is a symbolic link; submissions must be regular files"
    assert e["fifi"].error == "fifi.py is a FIFO; submissions must be regular files"
    for s in ("mallory", "eve", "dan", "fred", "fifi"):
        assert e[s].path is None
    assert e["mallory"].content_hash != e["bob"].content_hash
    assert any(line.startswith("notes.txt: not a submission") for line in layout.ignored)
    assert layout.root == subs


def test_a_trailing_newline_is_no_student_id(tmp_path):
    """Is ``ctrl1\\n.py`` reported (escaped), not graded as a second ``ctrl1``?"""
    (tmp_path / "ctrl1.py").write_text("x = 1\n")
    (tmp_path / "ctrl1\n.py").write_text("x = 2\n")
    layout = scan(tmp_path)
    assert [e.student for e in layout.entries] == ["ctrl1"]
    [line] = layout.ignored
    assert line.startswith("ctrl1\\n.py: student id 'ctrl1\\n' is not valid") and "\n" not in line


def test_odd_file_names_inside_a_folder_are_stored_printable(tmp_path):
    """Is a file name with a newline or a non-UTF-8 byte shown escaped (it is stored in the gradebook)?"""
    (tmp_path / "gus").mkdir()
    (tmp_path / "gus" / "a\nb.ipynb").write_text("{}")
    (tmp_path / "hal").mkdir()
    os.close(os.open(os.fsencode(tmp_path / "hal") + b"/r\xffnn.py", os.O_CREAT | os.O_WRONLY, 0o600))
    e = by_student(scan(tmp_path))
    assert e["gus"].source == "gus/a\\nb.ipynb" and e["gus"].error is None
    assert e["gus"].path == tmp_path / "gus" / "a\nb.ipynb"  # the real name, to read
    assert e["hal"].source.isprintable() and e["hal"].source.encode("utf-8")


def test_read_regular_file_never_follows_a_link(tmp_path):
    """Does the helper the grading side reads with refuse links at any level, FIFOs and big files?"""
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "a.py").write_bytes(b"ok")
    os.symlink("s", tmp_path / "t")
    os.symlink("a.py", tmp_path / "s" / "b.py")
    os.mkfifo(tmp_path / "s" / "p.py")
    assert read_regular_file(tmp_path / "s" / "a.py", under=tmp_path) == b"ok"
    with pytest.raises(SubmissionFileError, match="^t is a symbolic link"):
        read_regular_file(tmp_path / "t" / "a.py", under=tmp_path)
    with pytest.raises(SubmissionFileError, match="^s/b.py is a symbolic link"):
        read_regular_file(tmp_path / "s" / "b.py", under=tmp_path)
    with pytest.raises(SubmissionFileError, match="^b.py is a symbolic link"):
        read_regular_file(tmp_path / "s" / "b.py")
    with pytest.raises(SubmissionFileError, match="is a FIFO"):  # and returns at once: no writer needed
        read_regular_file(tmp_path / "s" / "p.py", under=tmp_path)
    with pytest.raises(SubmissionFileError, match="larger than the limit"):
        read_regular_file(tmp_path / "s" / "a.py", 1, under=tmp_path)


def test_deep_json_is_never_parsed_in_the_grader(tmp_path):
    """Does a 100 KB notebook of '[' claim nothing, fast, instead of a RecursionError?"""
    deep = b"[" * 100_000
    assert json_depth(deep) == 100_000
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, {"c": "\\"]]]"}]}') == 3  # brackets in strings do not count
    start = time.perf_counter()
    assert declared_student(data=deep) is None
    assert declared_student(data=b'{"a":' * 50_000) is None
    assert declared_student(data=b'"' + b'\\"' * 1_000_000) is None  # an unterminated string: linear
    assert time.perf_counter() - start < 5
    meta = {"metadata": {"deepgrade": {"student": "zed"}}, "cells": []}
    assert declared_student(data=json.dumps(meta).encode()) == "zed"
    (tmp_path / "deep.ipynb").write_bytes(deep)
    [e] = scan(tmp_path).entries
    assert e.student == "deep" and e.error is None and e.warnings == ()  # graded: the sandbox reports it


# ---------------------------------------------------------------- the worker grades what was hashed


def _job(root: Path, name: str, data: bytes) -> dict:
    return {"job": 0, "path": str(root / name), "root": str(root), "source": name, "assignment": "rnn",
            "student": "mal", "hash": hashlib.sha256(data).hexdigest()}  # fmt: skip


def test_the_worker_grades_a_private_copy_of_the_hashed_bytes(tmp_path):
    """Does the engine get a copy with the hashed bytes, and do its messages name the submission?"""
    root, scratch = tmp_path / "subs", tmp_path / "scratch"
    root.mkdir()
    scratch.mkdir()
    (root / "mal.py").write_bytes(b"x = 1\n")
    seen = {}

    def engine(path, assignment, student, secret, **kwargs):
        seen["path"], seen["data"] = path, Path(path).read_bytes()
        return {"score": 0.0, "error": f"{path}: is broken", "warnings": [f"{path} w"],
                "tests": [{"output": f"in {path}"}]}  # fmt: skip

    done = worker._grade(engine, None, _job(root, "mal.py", b"x = 1\n"), b"k", None, str(scratch))
    assert seen["data"] == b"x = 1\n" and Path(seen["path"]).name == "mal.py"
    assert not Path(seen["path"]).is_relative_to(root) and not Path(seen["path"]).exists()  # removed after
    assert done["status"] == "error" and done["result"]["error"] == "mal.py: is broken"
    assert done["result"]["warnings"] == ["mal.py w"] and done["result"]["tests"][0]["output"] == "in mal.py"
    assert list(scratch.iterdir()) == []


def test_a_file_swapped_after_the_scan_is_not_graded(tmp_path):
    """Is a submission replaced by a link (or changed) between scan and grading refused, not graded?"""
    root, scratch = tmp_path / "subs", tmp_path / "scratch"
    root.mkdir()
    scratch.mkdir()
    (tmp_path / "course.key").write_text(SECRET_TEXT)
    (root / "mal.py").write_bytes(b"x = 1\n")
    job = _job(root, "mal.py", b"x = 1\n")
    calls = []

    def engine(path, *args, **kwargs):
        calls.append(Path(path).read_text())
        return {"score": 1.0, "error": None}

    (root / "mal.py").unlink()
    os.symlink(tmp_path / "course.key", root / "mal.py")
    done = worker._grade(engine, None, job, b"k", None, str(scratch))
    assert done["status"] == "error" and "mal.py is a symbolic link" in done["error"] and not calls
    (root / "mal.py").unlink()
    (root / "mal.py").write_bytes(b"x = 2\n")
    done = worker._grade(engine, None, job, b"k", None, str(scratch))
    assert done["status"] == "grader-error" and "changed while the batch ran" in done["error"] and not calls


def test_a_result_that_cannot_be_sent_fails_only_its_job():
    """Does a result JSON cannot hold become that job's grader-error instead of killing the worker?"""
    sent = []

    class Conn:
        def send_bytes(self, data):
            sent.append(json.loads(data))

    loop: dict = {}
    loop["self"] = loop
    worker._send_done(Conn(), {"kind": "done", "job": 3, "status": "graded", "result": loop, "error": None})
    assert sent[0]["job"] == 3 and sent[0]["status"] == "grader-error" and sent[0]["result"] is None


# ---------------------------------------------------------------- a real grade-batch over all of it

HOSTILE_MESSAGE = f"{ESC}[31mRED{ESC}[0m{ESC}]0;pwned{ESC}\\ <script>alert(1)</script> **bold** [x](http://evil.example)"


def _hostile_notebook() -> bytes:
    """The rnn solution, whose rnn_step_forward then raises a message full of escapes and markup, and a
    cell that raises another."""
    nb = json.loads(solution("ansi"))
    code = (f"def rnn_step_forward(*args, **kwargs):\n    raise ValueError({HOSTILE_MESSAGE!r})\n\n"
            f"raise RuntimeError({('cell ' + HOSTILE_MESSAGE)!r})\n")
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": code})
    return json.dumps(nb).encode()


def _outside_fences(markdown: str) -> str:
    """The lines of ``markdown`` not inside a fenced code block."""
    out, fence = [], None
    for line in markdown.splitlines():
        m = re.match(r"^(`{3,})\s*$", line)
        if fence is None and m:
            fence = m[1]
        elif fence is not None and line.strip() == fence:
            fence = None
        elif fence is None:
            out.append(line)
    return "\n".join(out)


def _all_text(db: sqlite3.Connection) -> str:
    """Every text value of every table of a gradebook."""
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return "\n".join(str(v) for t in tables for row in db.execute(f"SELECT * FROM {t}") for v in row
                     if isinstance(v, str))


def test_grade_batch_survives_a_folder_of_hostile_files(tmp_path):
    """Does one real grade-batch over deep JSON, links, a FIFO, a newline id and escape-laden messages
    finish, grade the good students, give each bad one its own clear error, and leak nothing?"""
    subs, gb = tmp_path / "subs", tmp_path / "grades.sqlite"
    subs.mkdir()
    key = tmp_path / "course.key"
    key.write_text(SECRET_TEXT)
    (subs / "ana.ipynb").write_bytes(solution("ana"))
    (subs / "bob.ipynb").write_bytes(solution("bob"))
    (subs / "carl").mkdir()
    (subs / "carl" / "rnn.ipynb").write_bytes(solution("carl"))
    (subs / "ctrl1.ipynb").write_bytes(solution("ctrl1"))
    (subs / "ctrl1\n.ipynb").write_bytes(solution("ctrl1"))
    (subs / "deep.ipynb").write_bytes(b"[" * 100_000)
    (subs / "ansi.ipynb").write_bytes(_hostile_notebook())
    os.symlink("bob.ipynb", subs / "mallory.ipynb")
    os.symlink(key, subs / "eve.ipynb")
    os.symlink("carl", subs / "dan")
    os.mkfifo(subs / "fifi.ipynb")

    args = [str(subs), "--assignment", "rnn", "--gradebook", str(gb), "--demo", "--workers", "2"]
    res = CliRunner().invoke(main, ["grade-batch", *args], env={"COLUMNS": "250"})
    assert res.exit_code == 0, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception

    db = sqlite3.connect(gb)
    rows = {s: (status, score, error) for s, status, score, error in db.execute(
        "SELECT g.student, g.status, g.score, g.error FROM current c JOIN grades g ON g.id = c.grade_id")}
    assert set(rows) == {"ana", "bob", "carl", "ctrl1", "deep", "ansi", "mallory", "eve", "dan", "fifi"}
    for good in ("ana", "bob", "carl", "ctrl1"):
        assert rows[good][:2] == ("graded", 11.0), (good, rows[good])
    assert rows["mallory"] == ("error", 0.0, "mallory.ipynb is a symbolic link; submissions must be regular files")
    assert rows["eve"] == ("error", 0.0, "eve.ipynb is a symbolic link; submissions must be regular files")
    assert rows["dan"] == ("error", 0.0, "dan is a symbolic link; submissions must be regular files")
    assert rows["fifi"] == ("error", 0.0, "fifi.ipynb is a FIFO; submissions must be regular files")
    assert rows["deep"][0] == "error" and rows["deep"][1] == 0.0 and "deep.ipynb" in rows["deep"][2]
    assert "Traceback" not in rows["deep"][2] and str(tmp_path) not in rows["deep"][2]
    assert rows["ansi"][0] == "graded" and 0 < rows["ansi"][1] < 11.0
    assert "ctrl1\\n.ipynb: student id" in res.output  # reported, escaped

    # nothing shows the secret; no escape sequence reaches the terminal, the gradebook or feedback
    fb = tmp_path / "fb"
    exported = CliRunner().invoke(main, ["export-grades", "--gradebook", str(gb), "--format", "json",
                                         "--feedback", str(fb)])  # fmt: skip
    assert exported.exit_code == 0, exported.output
    texts = {"grade-batch output": res.output, "export": exported.output, "gradebook": _all_text(db)}
    texts |= {str(p): p.read_text() for p in fb.rglob("*.md")}
    for where, text in texts.items():
        assert SECRET_TEXT not in text, where
        assert ESC not in text and "\u001b" not in text, where
    feedback = (fb / "rnn" / "ansi.md").read_text()
    assert "ValueError" in feedback and "<script>alert(1)</script>" in feedback  # shown, in a code block
    assert "<script>" not in _outside_fences(feedback) and "**bold**" not in _outside_fences(feedback)
    assert "\\<script\\>" in _outside_fences(feedback)  # the cell's error, escaped in the warnings list
    mallory = (fb / "rnn" / "mallory.md").read_text()
    assert "Score: 0 / 11" in mallory and "symbolic link" in mallory


MALFORMED_ENGINE = '''
def grade_submission(path, assignment, student, secret, *, sandbox=None, timeout=None):
    ok = {"score": 1.0, "max_score": 1.0, "variant": {}, "warnings": [], "error": None,
          "tests": [], "questions": {"rnn_step": {"score": 1.0, "max_score": 1.0}}}
    if student == "odd":  # a result the feedback and the gradebook cannot take
        return {**ok, "questions": {"rnn_step": None}, "tests": [7]}
    if student == "nodict":
        return ["not", "a", "dict"]
    return ok
'''


def test_a_result_that_cannot_be_recorded_is_that_students_grader_error(tmp_path):
    """Does a result that breaks feedback or recording become that student's grader-error, the rest graded,
    and does a failing progress display stop nothing?"""
    from autograder.batch import run_batch

    engine = tmp_path / "engine.py"
    engine.write_text(MALFORMED_ENGINE)
    subs = tmp_path / "subs"
    subs.mkdir()
    for s in ("ana", "odd", "nodict", "zoe"):
        (subs / f"{s}.py").write_text(f"# {s}\n")

    def on_event(kind, payload):
        if kind == "outcome" and payload.student == "ana":
            raise RuntimeError("the terminal went away")

    report = run_batch(subs, tmp_path / "g.sqlite", "rnn", DEMO_SECRET, engine=f"{engine}:grade_submission",
                       on_event=on_event)  # fmt: skip
    status = {o.student: o.status for o in report.outcomes}
    assert status == {"ana": "graded", "odd": "grader-error", "nodict": "grader-error", "zoe": "graded"}
    errors = {o.student: o.error for o in report.outcomes}
    assert "could not record" in errors["odd"]
    db = sqlite3.connect(tmp_path / "g.sqlite")
    recorded = dict(db.execute("SELECT g.student, g.status FROM current c JOIN grades g ON g.id = c.grade_id"))
    assert recorded == status  # every one recorded, the broken ones as grader-errors (graded again next run)
