"""``deepgrade export-grades``: one row per student, one column per question, the total."""

import csv
import io
import json

from click.testing import CliRunner

from autograder.cli import main
from autograder.gradebook import Gradebook
from autograder.manifest import load_manifest


def put(gb, assignment, student, scores, h="h", status="graded"):
    """Record a grade whose question scores are ``scores`` (manifest order)."""
    qs = load_manifest(assignment).questions
    questions = {q.name: {"score": s, "max_score": q.points} for q, s in zip(qs, scores)}
    gb.record(
        assignment=assignment, student=student, content_hash=h, source=f"{student}.ipynb",
        result={"score": sum(scores), "max_score": sum(q.points for q in qs), "tests": [],
                "questions": questions, "variant": {}, "warnings": [], "error": None},
        status=status, feedback=f"# {assignment}: feedback for {student}\n", grader_version="v",
    )  # fmt: skip


def export(*args):
    res = CliRunner().invoke(main, ["export-grades", *args])
    return res


def test_one_assignment_one_row_per_student_sorted_with_total(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path, create=True) as gb:
        put(gb, "rnn", "zoe", [3, 4, 2, 2])
        put(gb, "rnn", "adam", [1.5, 0, 2, 0])
        put(gb, "rnn", "adam", [3, 4, 0, 0], h="newer")  # a changed submission: the newer grade counts
    res = export("--gradebook", str(path), "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.reader(io.StringIO(res.output)))
    assert rows == [
        ["student_id", "rnn_step", "rnn_sequence", "embedding", "readout", "total"],
        ["adam", "3", "4", "0", "0", "7"],
        ["zoe", "3", "4", "2", "2", "11"],
    ]


def test_several_assignments_prefix_columns_and_leave_missing_grades_empty(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path, create=True) as gb:
        put(gb, "rnn", "bea", [3, 4, 2, 1.25])
        put(gb, "dropout", "bea", [1] * len(load_manifest("dropout").questions))
        put(gb, "dropout", "cal", [0] * len(load_manifest("dropout").questions), status="error")
    out = tmp_path / "grades.csv"
    res = export("--gradebook", str(path), "--out", str(out))
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open()))
    dq = [q.name for q in load_manifest("dropout").questions]
    header = list(rows[0])
    assert header == ["student_id", *[f"dropout:{n}" for n in dq], "dropout:total",
                      "rnn:rnn_step", "rnn:rnn_sequence", "rnn:embedding", "rnn:readout", "rnn:total", "total"]
    bea, cal = rows
    assert bea["rnn:readout"] == "1.25" and bea["rnn:total"] == "10.25"
    assert float(bea["total"]) == 10.25 + len(dq)
    assert cal["student_id"] == "cal" and cal["rnn:rnn_step"] == "" and cal["rnn:total"] == ""
    assert cal["total"] == "0"
    # --assignment picks one, unprefixed
    only = export("--gradebook", str(path), "--assignment", "rnn")
    assert only.output.splitlines()[0] == "student_id,rnn_step,rnn_sequence,embedding,readout,total"
    assert len(only.output.splitlines()) == 2


def test_json_export_holds_scores_and_status(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path, create=True) as gb:
        put(gb, "rnn", "bea", [3, 4, 2, 2])
    data = json.loads(export("--gradebook", str(path), "--format", "json").output)
    assert data["assignments"] == {"rnn": ["rnn_step", "rnn_sequence", "embedding", "readout"]}
    [row] = data["students"]
    assert row["student_id"] == "bea" and row["total"] == 11
    assert row["grades"]["rnn"]["status"] == "graded"
    assert row["grades"]["rnn"]["questions"]["readout"] == {"score": 2.0, "max_score": 2.0}


def test_what_do_a_missing_or_corrupt_gradebook_say(tmp_path):
    res = export("--gradebook", str(tmp_path / "nope.sqlite"))
    assert res.exit_code == 1
    assert "gradebook" in res.output and "nope.sqlite' does not exist" in res.output
    assert not (tmp_path / "nope.sqlite").exists()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"\x00\xffnot sqlite" * 100)
    res = export("--gradebook", str(bad))
    assert res.exit_code == 1 and "not a SQLite database" in res.output
    assert "Traceback" not in res.output


def test_what_does_an_assignment_without_grades_say(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path, create=True) as gb:
        put(gb, "rnn", "bea", [3, 4, 2, 2])
    res = export("--gradebook", str(path), "--assignment", "lstm")
    assert res.exit_code == 1
    assert "no grades for assignment 'lstm' (it holds: rnn)" in res.output


def test_feedback_files_are_written_per_assignment_and_student(tmp_path):
    path = tmp_path / "g.sqlite"
    with Gradebook(path, create=True) as gb:
        put(gb, "rnn", "bea", [3, 4, 2, 2])
        put(gb, "rnn", "cal", [0, 0, 0, 0])
    res = export("--gradebook", str(path), "--feedback", str(tmp_path / "fb"), "--out", str(tmp_path / "g.csv"))
    assert res.exit_code == 0, res.output
    assert sorted(p.relative_to(tmp_path / "fb").as_posix() for p in (tmp_path / "fb").rglob("*.md")) == [
        "rnn/bea.md", "rnn/cal.md"
    ]
    assert (tmp_path / "fb" / "rnn" / "cal.md").read_text() == "# rnn: feedback for cal\n"
