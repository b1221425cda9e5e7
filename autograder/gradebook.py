"""The gradebook: every grade deepgrade gives, in one SQLite file (stdlib ``sqlite3``, WAL mode).

Design (history plus a current grade):

* ``grades`` holds one row per graded *content*: the key is (assignment, student, content hash),
  a UNIQUE constraint. Grading the same bytes again (``--regrade``) updates that row in place and
  bumps ``attempts``; a changed submission adds a new row, so earlier versions stay as history.
* ``current`` maps (assignment, student) to the row that counts now; it is upserted in the same
  transaction as the grade it points to.
* ``tests`` and ``questions`` hold the per-test results and per-question scores of a row.

Every :meth:`Gradebook.record` is one transaction, committed before it returns. A batch killed
with ``kill -9`` therefore loses at most the grade it was computing, never a recorded one, and
the unique key means a restart can never count a submission twice.

``status`` tells apart a clean grade (``graded``), a student fault the engine scored
(``error``: corrupt notebook, ...) and a grader-side failure (``grader-error``: a worker that
died twice); only the last is graded again by the next batch without ``--regrade``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

SCHEMA_VERSION = "1"
STATUSES = ("graded", "error", "grader-error")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS grades (
    id             INTEGER PRIMARY KEY,
    assignment     TEXT NOT NULL,
    student        TEXT NOT NULL,
    content_hash   TEXT NOT NULL,              -- sha256 hex of the submission file's bytes
    source         TEXT NOT NULL,              -- the graded file, as named in the batch folder
    variant        TEXT NOT NULL,              -- JSON object: the student's variant parameters
    score          REAL NOT NULL,
    max_score      REAL NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('graded', 'error', 'grader-error')),
    error          TEXT,
    warnings       TEXT NOT NULL,              -- JSON list of strings
    feedback       TEXT NOT NULL,              -- markdown for the student
    grader_version TEXT NOT NULL,
    graded_at      TEXT NOT NULL,              -- ISO-8601, UTC
    duration_s     REAL,
    attempts       INTEGER NOT NULL DEFAULT 1,
    UNIQUE (assignment, student, content_hash)
);
CREATE TABLE IF NOT EXISTS questions (
    grade_id  INTEGER NOT NULL REFERENCES grades(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    score     REAL NOT NULL,
    max_score REAL NOT NULL,
    PRIMARY KEY (grade_id, name)
);
CREATE TABLE IF NOT EXISTS tests (
    grade_id  INTEGER NOT NULL REFERENCES grades(id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    name      TEXT NOT NULL,
    question  TEXT,
    score     REAL NOT NULL,
    max_score REAL NOT NULL,
    status    TEXT NOT NULL,
    output    TEXT NOT NULL,
    PRIMARY KEY (grade_id, position)
);
CREATE TABLE IF NOT EXISTS current (
    assignment TEXT NOT NULL,
    student    TEXT NOT NULL,
    grade_id   INTEGER NOT NULL REFERENCES grades(id),
    PRIMARY KEY (assignment, student)
);
"""
_TABLES = {"meta", "grades", "questions", "tests", "current"}


class GradebookError(Exception):
    """A gradebook file that is missing, unreadable or not a deepgrade gradebook."""


@dataclass(frozen=True)
class Grade:
    """One row of ``grades`` with its question scores (``questions``: name -> (score, max))."""

    id: int
    assignment: str
    student: str
    content_hash: str
    source: str
    variant: dict
    score: float
    max_score: float
    status: str
    error: str | None
    warnings: list[str]
    feedback: str
    grader_version: str
    graded_at: str
    duration_s: float | None
    attempts: int
    questions: dict[str, tuple[float, float]] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    """What the gradebook already holds as a student's current grade (for skipping)."""

    content_hash: str
    status: str
    grader_version: str


def now_utc() -> str:
    """The current time as ISO-8601 UTC with seconds, e.g. ``2025-01-31T12:00:00+00:00``."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Gradebook:
    """A deepgrade gradebook at ``path``.

    ``create=True`` makes the file (and its schema) when missing; otherwise a missing file is a
    :class:`GradebookError`. A file that is not SQLite, or SQLite without our tables, is one too.
    Use it as a context manager, or call :meth:`close`.
    """

    def __init__(self, path: str | Path, *, create: bool = False):
        self.path = Path(path)
        if self.path.is_dir():
            raise GradebookError(f"gradebook '{self.path}' is a directory; expected a .sqlite file")
        if not create and not self.path.is_file():
            raise GradebookError(f"gradebook '{self.path}' does not exist")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we open every transaction ourselves with BEGIN IMMEDIATE.
            self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            self._db.execute("PRAGMA foreign_keys = ON")
            tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise GradebookError(f"gradebook '{self.path}' is not a SQLite database ({exc})") from None
        try:
            if not tables and create:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = FULL")
                version = f"INSERT OR IGNORE INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');"
                self._db.executescript("BEGIN IMMEDIATE;" + _SCHEMA + version + "COMMIT;")  # all or nothing
            elif not _TABLES <= tables:
                raise GradebookError(
                    f"gradebook '{self.path}' is a SQLite file but not a deepgrade gradebook "
                    f"(missing tables: {', '.join(sorted(_TABLES - tables))})"
                )
            else:
                self._db.execute("PRAGMA synchronous = FULL")
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise GradebookError(f"gradebook '{self.path}' cannot be read ({exc})") from None
        if row is None or row[0] != SCHEMA_VERSION:
            self._db.close()
            found = row[0] if row else "none"
            raise GradebookError(
                f"gradebook '{self.path}' has schema version {found}; this deepgrade reads {SCHEMA_VERSION}"
            )

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------
    def record(
        self,
        *,
        assignment: str,
        student: str,
        content_hash: str,
        source: str,
        result: dict,
        status: str,
        feedback: str,
        grader_version: str,
        graded_at: str | None = None,
        duration_s: float | None = None,
    ) -> int:
        """Record one grade in one committed transaction; return its ``grades.id``.

        ``result`` is the engine's dict (keys ``score, max_score, tests, questions, variant,
        warnings, error``). Grading the same (assignment, student, content_hash) again replaces
        that row's results and bumps ``attempts``; the row becomes the student's current grade.
        """
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}; got {status!r}")
        values = (
            source,
            json.dumps(result.get("variant") or {}, sort_keys=True, default=str),
            float(result.get("score") or 0.0),
            float(result.get("max_score") or 0.0),
            status,
            result.get("error"),
            json.dumps([str(w) for w in result.get("warnings") or []]),
            feedback,
            grader_version,
            graded_at or now_utc(),
            duration_s,
        )
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            grade_id = db.execute(
                """INSERT INTO grades (assignment, student, content_hash, source, variant, score,
                       max_score, status, error, warnings, feedback, grader_version, graded_at, duration_s)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (assignment, student, content_hash) DO UPDATE SET
                       source = excluded.source, variant = excluded.variant, score = excluded.score,
                       max_score = excluded.max_score, status = excluded.status, error = excluded.error,
                       warnings = excluded.warnings, feedback = excluded.feedback,
                       grader_version = excluded.grader_version, graded_at = excluded.graded_at,
                       duration_s = excluded.duration_s, attempts = grades.attempts + 1
                   RETURNING id""",
                (assignment, student, content_hash, *values),
            ).fetchone()[0]
            db.execute("DELETE FROM tests WHERE grade_id = ?", (grade_id,))
            db.execute("DELETE FROM questions WHERE grade_id = ?", (grade_id,))
            db.executemany(
                "INSERT INTO tests VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        grade_id,
                        i,
                        str(t.get("name", f"test {i}")),
                        t.get("question"),
                        float(t.get("score") or 0.0),
                        float(t.get("max_score") or 0.0),
                        str(t.get("status", "error")),
                        str(t.get("output") or ""),
                    )
                    for i, t in enumerate(result.get("tests") or [])
                ],
            )
            db.executemany(
                "INSERT INTO questions VALUES (?, ?, ?, ?, ?)",
                [
                    (grade_id, i, str(name), float(q.get("score") or 0.0), float(q.get("max_score") or 0.0))
                    for i, (name, q) in enumerate((result.get("questions") or {}).items())
                ],
            )
            db.execute(
                """INSERT INTO current (assignment, student, grade_id) VALUES (?, ?, ?)
                   ON CONFLICT (assignment, student) DO UPDATE SET grade_id = excluded.grade_id""",
                (assignment, student, grade_id),
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return grade_id

    # -- reading ---------------------------------------------------------------------------
    def seen(self, assignment: str) -> dict[str, Seen]:
        """Student id -> what their current grade for ``assignment`` was computed from."""
        rows = self._db.execute(
            """SELECT c.student, g.content_hash, g.status, g.grader_version
               FROM current c JOIN grades g ON g.id = c.grade_id WHERE c.assignment = ?""",
            (assignment,),
        )
        return {student: Seen(h, status, version) for student, h, status, version in rows}

    def assignments(self) -> list[str]:
        """Assignment ids with at least one current grade, sorted."""
        return [r[0] for r in self._db.execute("SELECT DISTINCT assignment FROM current ORDER BY assignment")]

    def current(self, assignment: str | None = None) -> list[Grade]:
        """Current grades (of one assignment, or all), sorted by (assignment, student)."""
        where, args = ("WHERE c.assignment = ?", (assignment,)) if assignment else ("", ())
        rows = self._db.execute(
            f"""SELECT g.* FROM current c JOIN grades g ON g.id = c.grade_id {where}
                ORDER BY g.assignment, g.student""",
            args,
        ).fetchall()
        return [self._grade(r) for r in rows]

    def history(self, assignment: str, student: str) -> list[Grade]:
        """Every graded version of one student's submission, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM grades WHERE assignment = ? AND student = ? ORDER BY graded_at, id",
            (assignment, student),
        ).fetchall()
        return [self._grade(r) for r in rows]

    def tests(self, grade_id: int) -> list[dict]:
        """The per-test results of one grade, in the engine's order."""
        cur = self._db.execute(
            "SELECT name, question, score, max_score, status, output FROM tests WHERE grade_id = ? "
            "ORDER BY position",
            (grade_id,),
        )
        keys = ("name", "question", "score", "max_score", "status", "output")
        return [dict(zip(keys, r)) for r in cur]

    def _grade(self, row: tuple) -> Grade:
        (gid, aid, student, h, source, variant, score, max_score, status, error, warnings, feedback,
         version, graded_at, duration, attempts) = row  # fmt: skip
        qs = self._db.execute(
            "SELECT name, score, max_score FROM questions WHERE grade_id = ? ORDER BY position", (gid,)
        )
        return Grade(
            id=gid, assignment=aid, student=student, content_hash=h, source=source,
            variant=json.loads(variant), score=score, max_score=max_score, status=status, error=error,
            warnings=json.loads(warnings), feedback=feedback, grader_version=version, graded_at=graded_at,
            duration_s=duration, attempts=attempts, questions={n: (s, m) for n, s, m in qs},
        )  # fmt: skip
