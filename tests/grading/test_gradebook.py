"""The SQLite gradebook: schema, one transaction per grade, history and the current grade."""

import sqlite3

import pytest

from autograder.gradebook import Gradebook, GradebookError


def result(score=3.0, error=None, tests=None):
    return {
        "score": score,
        "max_score": 5.0,
        "tests": tests if tests is not None else [
            {"name": "t_step", "question": "q1", "score": score, "max_score": 3.0, "status": "passed", "output": ""},
            {"name": "t_seq", "question": "q2", "score": 0.0, "max_score": 2.0, "status": "failed",
             "output": "Returned dh: max abs error 0.3 at (1, 2)."},
        ],
        "questions": {"q1": {"score": score, "max_score": 3.0}, "q2": {"score": 0.0, "max_score": 2.0}},
        "variant": {"activation": "relu"},
        "warnings": ["a warning"],
        "error": error,
    }  # fmt: skip


def record(gb, student="alice", h="h1", **kw):
    args = dict(
        assignment="rnn", student=student, content_hash=h, source=f"{student}.ipynb", result=result(),
        status="graded", feedback="# feedback", grader_version="v1",
    )  # fmt: skip
    args.update(kw)
    return gb.record(**args)


def test_what_does_a_new_gradebook_hold(tmp_path):
    path = tmp_path / "sub" / "grades.sqlite"
    with Gradebook(path, create=True) as gb:
        gid = record(gb)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"meta", "grades", "tests", "questions", "current"} <= tables
    row = db.execute("SELECT student, content_hash, score, max_score, status, variant, warnings FROM grades").fetchone()
    assert row == ("alice", "h1", 3.0, 5.0, "graded", '{"activation": "relu"}', '["a warning"]')
    tests = db.execute("SELECT position, name, status, output FROM tests WHERE grade_id = ? ORDER BY position",
                       (gid,)).fetchall()  # fmt: skip
    assert [t[1] for t in tests] == ["t_step", "t_seq"]
    assert tests[1][3].startswith("Returned dh")
    assert db.execute("SELECT grade_id FROM current WHERE student = 'alice'").fetchone()[0] == gid


def test_is_a_grade_read_back_with_its_questions_and_tests(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", create=True) as gb:
        gid = record(gb)
        [g] = gb.current("rnn")
        assert (g.id, g.student, g.score, g.max_score, g.attempts) == (gid, "alice", 3.0, 5.0, 1)
        assert g.questions == {"q1": (3.0, 3.0), "q2": (0.0, 2.0)}
        assert g.variant == {"activation": "relu"} and g.warnings == ["a warning"]
        assert g.graded_at.endswith("+00:00")
        assert [t["name"] for t in gb.tests(gid)] == ["t_step", "t_seq"]


def test_does_grading_the_same_bytes_again_update_in_place(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", create=True) as gb:
        first = record(gb)
        again = record(gb, result=result(score=1.0, tests=[]))
        assert again == first
        [g] = gb.current("rnn")
        assert (g.score, g.attempts) == (1.0, 2)
        assert gb.tests(g.id) == []
        assert len(gb.history("rnn", "alice")) == 1


def test_does_a_changed_submission_keep_the_old_grade_as_history(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", create=True) as gb:
        old = record(gb, h="h1")
        new = record(gb, h="h2", result=result(score=2.0))
        assert new != old
        assert [g.content_hash for g in gb.history("rnn", "alice")] == ["h1", "h2"]
        assert [g.id for g in gb.current("rnn")] == [new]
        assert gb.seen("rnn")["alice"].content_hash == "h2"
        # reverting to the first bytes makes that row current again, without a third row
        assert record(gb, h="h1") == old
        assert [g.id for g in gb.current("rnn")] == [old]
        assert len(gb.history("rnn", "alice")) == 2


def test_does_a_failure_mid_record_leave_nothing_behind(tmp_path):
    def tests_then_boom():
        yield {"name": "t", "question": "q1", "score": 1.0, "max_score": 1.0, "status": "passed", "output": ""}
        raise RuntimeError("disk on fire")

    with Gradebook(tmp_path / "g.sqlite", create=True) as gb:
        with pytest.raises(RuntimeError, match="disk on fire"):
            record(gb, result=result(tests=tests_then_boom()))
        assert gb.current() == [] and gb.history("rnn", "alice") == []
        record(gb)  # the connection is usable afterwards
        assert len(gb.current()) == 1


def test_is_each_record_committed_when_it_returns(tmp_path):
    path = tmp_path / "g.sqlite"
    gb = Gradebook(path, create=True)
    record(gb, student="alice")
    record(gb, student="bob")
    # a second connection (another process, in effect) sees both before the writer closes
    other = sqlite3.connect(path)
    assert other.execute("SELECT COUNT(*) FROM current").fetchone()[0] == 2
    gb.close()


def test_are_statuses_checked(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", create=True) as gb, pytest.raises(ValueError, match="status"):
        record(gb, status="great")


def test_does_seen_report_status_and_version_per_assignment(tmp_path):
    with Gradebook(tmp_path / "g.sqlite", create=True) as gb:
        record(gb, student="alice", status="grader-error", grader_version="v0")
        record(gb, student="bob", assignment="lstm")
        seen = gb.seen("rnn")
        assert set(seen) == {"alice"}
        assert (seen["alice"].status, seen["alice"].grader_version) == ("grader-error", "v0")
        assert gb.assignments() == ["lstm", "rnn"]


def test_what_does_a_missing_gradebook_say(tmp_path):
    with pytest.raises(GradebookError, match="does not exist"):
        Gradebook(tmp_path / "nope.sqlite")
    assert not (tmp_path / "nope.sqlite").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"this is not a database at all, just some text " * 50, "not a SQLite database"),
        (b"", "not a deepgrade gradebook"),
    ],
)
def test_what_does_a_corrupt_gradebook_say(tmp_path, content, message):
    path = tmp_path / "g.sqlite"
    path.write_bytes(content)
    with pytest.raises(GradebookError, match=message):
        Gradebook(path)


def test_is_another_sqlite_file_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE grades (x)").connection.commit()
    with pytest.raises(GradebookError, match="missing tables"):
        Gradebook(path, create=True)


def test_is_a_folder_refused(tmp_path):
    with pytest.raises(GradebookError, match="is a directory"):
        Gradebook(tmp_path, create=True)
