"""``deepgrade export-grades --format canvas|moodle|blackboard --roster R``: the LMS's grade import CSV."""

import csv

import pandas as pd
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.gradebook import Gradebook
from autograder.manifest import load_manifest

CANVAS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def put(gb, assignment, student, scores, h="h"):
    qs = load_manifest(assignment).questions
    questions = {q.name: {"score": s, "max_score": q.points} for q, s in zip(qs, scores)}
    gb.record(assignment=assignment, student=student, content_hash=h, source=f"{student}.ipynb",
              result={"score": sum(scores), "max_score": sum(q.points for q in qs), "tests": [],
                      "questions": questions, "variant": {}, "warnings": [], "error": None},
              status="graded", feedback="", grader_version="v")


@pytest.fixture
def gradebook(tmp_path):
    path = tmp_path / "grades.sqlite"
    with Gradebook(path, create=True) as gb:
        put(gb, "rnn", "ada", [3, 4, 2, 2])
        put(gb, "rnn", "bo", [1.5, 0, 2 / 3, 0])
        put(gb, "rnn", "bo", [1.5, 1 / 7, 2 / 3, 0], h="newer")  # the newer grade counts
        put(gb, "dropout", "ada", [1] * len(load_manifest("dropout").questions))
        put(gb, "rnn", "zed", [0, 0, 1, 0])  # graded, but not on the roster
    return path


def expected(path):
    """student -> assignment -> score, read from the gradebook itself."""
    with Gradebook(path) as gb:
        return {aid: {g.student: g.score for g in gb.current(aid)} for aid in gb.assignments()}


def run(*args):
    return CliRunner().invoke(main, ["export-grades", *args])


def test_canvas_layout_points_row_and_round_trip(gradebook, tmp_path):
    """Does the Canvas CSV have Canvas's columns, a Points Possible row, and the gradebook's numbers?"""
    roster = tmp_path / "canvas_roster.csv"
    roster.write_text("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,student_id\n"
                      "    Points Possible,,,,,\n"  # as in Canvas's own export: skipped
                      '"Lovelace, Ada",101,S-1,ada@uni.edu,Sec 1,ada\n'
                      '"Bo, Bea",102,S-2,bo@uni.edu,Sec 2,bo\n'
                      '"Cy, Cal",103,S-3,cy@uni.edu,Sec 2,cy\n', encoding="utf-8")
    out = tmp_path / "canvas.csv"
    res = run("--gradebook", str(gradebook), "--format", "canvas", "--roster", str(roster), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "zed" in res.output and "NOT in" in res.output  # unmatched: listed, not dropped silently
    assert "cy" in res.output  # a roster student with no grade is named too

    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == CANVAS + ["deepgrade dropout", "deepgrade rnn"]
    dropout_max = sum(q.points for q in load_manifest("dropout").questions)
    assert rows[1][0] == "Points Possible" and rows[1][1:5] == [""] * 4
    assert [float(x) for x in rows[1][5:]] == [dropout_max, 11]

    frame = pd.read_csv(out, skiprows=[1], dtype={"ID": str})
    assert list(frame["ID"]) == ["101", "102", "103"]
    assert list(frame["Student"]) == ["Lovelace, Ada", "Bo, Bea", "Cy, Cal"]
    want = expected(gradebook)
    by_id = frame.set_index("SIS Login ID")
    assert by_id.loc["ada@uni.edu", "deepgrade rnn"] == pytest.approx(want["rnn"]["ada"], abs=1e-9)
    assert by_id.loc["bo@uni.edu", "deepgrade rnn"] == pytest.approx(want["rnn"]["bo"], abs=1e-9)
    assert by_id.loc["ada@uni.edu", "deepgrade dropout"] == pytest.approx(want["dropout"]["ada"], abs=1e-9)
    assert pd.isna(by_id.loc["bo@uni.edu", "deepgrade dropout"]) and pd.isna(by_id.loc["cy@uni.edu", "deepgrade rnn"])
    assert "zed" not in out.read_text()


def test_moodle_identifier_and_one_column_per_grade_item(gradebook, tmp_path):
    """Does the Moodle CSV have one identifier column and one column per assignment, with the right numbers?"""
    roster = tmp_path / "moodle_roster.csv"
    roster.write_text("student_id,Email address,Username\nada,ada@uni.edu,ada1\nbo,bo@uni.edu,bo2\nzed,zed@uni.edu,z\n")
    res = run("--gradebook", str(gradebook), "--format", "moodle", "--roster", str(roster), "-a", "rnn")
    assert res.exit_code == 0, res.output
    text = res.output[res.output.index("Email address"):]
    assert text.splitlines()[0] == "Email address,deepgrade rnn"
    frame = pd.read_csv(pd.io.common.StringIO(text))
    want = expected(gradebook)["rnn"]
    got = dict(zip(frame["Email address"], frame["deepgrade rnn"]))
    assert got == pytest.approx({"ada@uni.edu": want["ada"], "bo@uni.edu": want["bo"], "zed@uni.edu": want["zed"]},
                                abs=1e-9)
    assert "NOT in" not in res.output  # everyone graded is on this roster


def test_blackboard_username_key_quoted_fields_and_round_trip(gradebook, tmp_path):
    """Does the Blackboard CSV key rows by Username, keep the roster's name columns, quote every field (its
    comma-delimited upload asks for it) and carry the gradebook's numbers?"""
    roster = tmp_path / "bb_roster.csv"
    roster.write_text('student_id,Username,Last Name,First Name,Student ID\nada,alovelace,Lovelace,Ada,S-1\n'
                      'bo,bbo,"Bo, Jr.",Bea,S-2\n')
    out = tmp_path / "bb.csv"
    res = run("--gradebook", str(gradebook), "--format", "blackboard", "--roster", str(roster), "--out", str(out))
    assert res.exit_code == 0, res.output
    assert "zed" in res.output and "NOT in" in res.output
    lines = out.read_text().splitlines()
    assert lines[0] == '"Last Name","First Name","Username","Student ID","deepgrade dropout","deepgrade rnn"'
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    frame = pd.read_csv(out)
    want = expected(gradebook)
    by_user = frame.set_index("Username")
    assert by_user.loc["bbo", "Last Name"] == "Bo, Jr."
    assert by_user.loc["alovelace", "deepgrade rnn"] == pytest.approx(want["rnn"]["ada"], abs=1e-9)
    assert by_user.loc["bbo", "deepgrade rnn"] == pytest.approx(want["rnn"]["bo"], abs=1e-9)
    assert pd.isna(by_user.loc["bbo", "deepgrade dropout"])


@pytest.mark.parametrize("fmt, content, message", [
    ("blackboard", "student_id,Student ID\nada,S-1\n", "Username"),
    ("blackboard", "student_id,Username\nada,\n", "line 2"),
    ("canvas", "Student,ID,student_id\nA,1,ada\n", "SIS User ID"),
    ("canvas", "Student,ID,SIS User ID,SIS Login ID,Section\nA,1,,,\n", "student_id"),
    ("canvas", "Student,ID,SIS User ID,SIS Login ID,Section,student_id\nA,,,,S,ada\n", "line 2"),
    ("moodle", "student_id,Name\nada,Ada\n", "Email address"),
    ("moodle", "student_id,Email address\nada,a@x\nada,b@x\n", "twice"),
    ("moodle", "student_id,Email address\n../evil,a@x\n", "line 2"),
])
def test_bad_roster_is_refused_with_its_file_and_line(gradebook, tmp_path, fmt, content, message):
    """Is a roster without the LMS's columns, ids or with duplicates refused, naming the file and line?"""
    roster = tmp_path / "r.csv"
    roster.write_text(content)
    res = run("--gradebook", str(gradebook), "--format", fmt, "--roster", str(roster))
    assert res.exit_code != 0 and str(roster) in res.output and message in res.output, res.output


def test_roster_and_lms_format_go_together(gradebook, tmp_path):
    """Do --format canvas without --roster, and --roster with --format csv, fail with a usage message?"""
    assert "--roster" in run("--gradebook", str(gradebook), "--format", "canvas").output
    roster = tmp_path / "r.csv"
    roster.write_text("student_id,Email address\nada,a@x\n")
    res = run("--gradebook", str(gradebook), "--format", "csv", "--roster", str(roster))
    assert res.exit_code != 0 and "--roster" in res.output
