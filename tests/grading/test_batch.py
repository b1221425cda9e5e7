"""Batch grading with the real engine, real sandboxed workers and a real SQLite gradebook."""

import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.batch import WorkerPool, run_batch
from autograder.cli import main
from autograder.generate.bundle import build_bundle
from autograder.gradebook import Gradebook
from autograder.variants import DEMO_SECRET


def notebook(student, solution=True, sleep=0.0):
    """A generated rnn notebook for ``student`` (the solution version by default)."""
    bundle = build_bundle("rnn", student, DEMO_SECRET, solutions=solution)
    raw = (bundle.solution_files if solution else bundle.files)["rnn.ipynb"]
    if not sleep:
        return raw
    nb = json.loads(raw)
    nb["cells"].insert(0, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": f"import time\ntime.sleep({sleep})"})  # fmt: skip
    return json.dumps(nb).encode()


@pytest.fixture(scope="module")
def pool():
    with WorkerPool(2, DEMO_SECRET) as p:
        yield p


def rows(path, sql):
    return sqlite3.connect(path).execute(sql).fetchall()


def test_a_batch_grades_records_skips_and_regrades(tmp_path, pool):
    subs, gb_path = tmp_path / "subs", tmp_path / "grades.sqlite"
    subs.mkdir()
    (subs / "ana.ipynb").write_bytes(notebook("ana"))
    (subs / "bo").mkdir()
    (subs / "bo" / "rnn.ipynb").write_bytes(notebook("bo"))
    (subs / "cy.ipynb").write_bytes(notebook("cy", solution=False))
    (subs / "di.ipynb").write_bytes(b"\x00\x01 not a notebook \xff")
    (subs / "ed.ipynb").write_bytes(notebook("ana"))  # ana's notebook handed in as ed's
    (subs / "fay").mkdir()
    (subs / "fay" / "a.ipynb").write_bytes(notebook("fay"))
    (subs / "fay" / "b.ipynb").write_bytes(notebook("fay"))
    (subs / "readme.txt").write_text("not a submission")

    report = run_batch(subs, gb_path, "rnn", DEMO_SECRET, pool=pool)
    got = {o.student: o for o in report.outcomes}
    assert list(got) == ["ana", "bo", "cy", "di", "ed", "fay"]
    assert (got["ana"].status, got["ana"].score, got["ana"].max_score) == ("graded", 11.0, 11.0)
    assert (got["bo"].status, got["bo"].score) == ("graded", 11.0)
    assert (got["cy"].status, got["cy"].score) == ("graded", 0.0)
    # a corrupt submission costs its own grade and nothing else
    assert got["di"].status == "error" and got["di"].score == 0.0 and "binary" in got["di"].error
    assert "ambiguous" in got["fay"].error and got["fay"].status == "error"
    # the id comes from the layout; the notebook's own metadata is only checked and flagged
    assert "student id mismatch" in got["ed"].warnings[0] and "'ana'" in got["ed"].warnings[0]
    assert any("readme.txt" in line for line in report.ignored)

    with Gradebook(gb_path) as gb:
        current = {g.student: g for g in gb.current("rnn")}
        assert set(current) == set(got)
        ed = current["ed"]
        assert ed.variant["student"] == "ed" and "student id mismatch" in ed.warnings[0]
        assert "Score: 0 / 11" in current["cy"].feedback and "NotImplementedError" in current["cy"].feedback
        assert sum(q[1] for q in current["ana"].questions.values()) == 11.0
        assert all(t["status"] == "passed" for t in gb.tests(current["ana"].id))
        assert current["ana"].grader_version.startswith("deepgrade ")

    # run again: everything already graded from the same bytes is skipped
    again = run_batch(subs, gb_path, "rnn", DEMO_SECRET, pool=pool)
    assert again.count("skipped") == 6
    assert rows(gb_path, "SELECT COUNT(*) FROM grades") == [(6,)]

    # a changed submission is graded again, and the older grade stays as history
    (subs / "ana.ipynb").write_bytes(notebook("ana", solution=False))
    changed = run_batch(subs, gb_path, "rnn", DEMO_SECRET, pool=pool)
    assert [(o.student, o.status, o.score) for o in changed.outcomes if o.status != "skipped"] == [
        ("ana", "graded", 0.0)
    ]
    with Gradebook(gb_path) as gb:
        assert [g.score for g in gb.history("rnn", "ana")] == [11.0, 0.0]

    # --regrade grades everything again, in place: no row is counted twice
    regraded = run_batch(subs, gb_path, "rnn", DEMO_SECRET, pool=pool, regrade=True)
    assert regraded.count("skipped") == 0
    assert rows(gb_path, "SELECT COUNT(*) FROM grades") == [(7,)]
    assert rows(gb_path, "SELECT attempts FROM grades g JOIN current c ON c.grade_id = g.id "
                         "WHERE c.student = 'bo'") == [(2,)]  # fmt: skip


def test_a_worker_killed_mid_batch_loses_no_grade(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    students = [f"s{i}" for i in range(5)]
    for s in students:
        (subs / f"{s}.ipynb").write_bytes(notebook(s, sleep=0.6))
    killed = []
    with WorkerPool(2, DEMO_SECRET) as pool:

        def on_event(kind, payload):
            busy = [w for w in pool._workers if w.job is not None]
            if kind == "outcome" and not killed and busy:
                killed.append(busy[0].job["student"])
                os.kill(busy[0].proc.pid, signal.SIGKILL)

        report = run_batch(subs, tmp_path / "g.sqlite", "rnn", DEMO_SECRET, pool=pool, on_event=on_event)
    assert killed and report.crashes == 1
    # the killed worker's submission was graded again by a fresh worker; nothing else was touched
    assert [(o.student, o.status, o.score) for o in report.outcomes] == [(s, "graded", 11.0) for s in students]
    assert rows(tmp_path / "g.sqlite", "SELECT COUNT(*), SUM(attempts) FROM grades") == [(5, 5)]


def invoke(*args, env=None):
    return CliRunner().invoke(main, ["grade-batch", *args], env=env)


def test_what_do_bad_arguments_say(tmp_path):
    (tmp_path / "subs").mkdir()
    gb = str(tmp_path / "g.sqlite")
    res = invoke(str(tmp_path / "subs"), "--assignment", "cnn", "--gradebook", gb, "--demo")
    assert res.exit_code == 2 and "unknown assignment id 'cnn'" in res.output
    res = invoke(str(tmp_path / "subs"), "--assignment", "rnn", "--gradebook", gb,
                 env={"DEEPGRADE_SECRET": ""})  # fmt: skip
    assert res.exit_code == 2 and "--secret-file" in res.output
    res = invoke(str(tmp_path / "nope"), "--assignment", "rnn", "--gradebook", gb, "--demo")
    assert res.exit_code == 1 and "submissions folder" in res.output and "does not exist" in res.output
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 200)
    res = invoke(str(tmp_path / "subs"), "--assignment", "rnn", "--gradebook", str(bad), "--demo")
    assert res.exit_code == 1 and "not a SQLite database" in res.output
    assert not Path(gb).exists()


def test_the_command_prints_flags_and_summary_and_regrades_on_request(tmp_path):
    subs, gb = tmp_path / "subs", str(tmp_path / "grades.sqlite")
    subs.mkdir()
    (subs / "gil.ipynb").write_bytes(notebook("gil"))
    (subs / "hal.ipynb").write_bytes(notebook("gil"))  # gil's notebook, handed in as hal's
    args = [str(subs), "--assignment", "rnn", "--gradebook", gb, "--demo"]
    env = {"COLUMNS": "200"}
    first = invoke(*args, env=env)
    assert first.exit_code == 0, first.output
    assert "public demo secret" in first.output
    assert "hal: graded" in first.output and "student id mismatch" in first.output
    assert "2 graded in" in first.output and "rnn: 2 students" in first.output
    second = invoke(*args, env=env)
    assert "2 of 2 submissions already graded" in second.output and "2 skipped in" in second.output
    third = invoke(*args, "--regrade", "--workers", "1", env=env)
    assert third.exit_code == 0 and "2 graded in" in third.output
    assert rows(gb, "SELECT student, attempts FROM grades ORDER BY student") == [("gil", 2), ("hal", 2)]
