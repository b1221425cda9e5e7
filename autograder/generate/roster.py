"""Read a class roster: a CSV file with a ``student_id`` column (``name`` and ``email`` optional).

Every problem is collected before anything is reported, so one error lists all offending rows:
bytes that are not UTF-8, a missing column, empty, malformed or duplicate ids (also ids that differ only
in case, whose folders collide on case-insensitive file systems), and a quoted field left open, which
would swallow the rows after it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from autograder.variants import check_student_id


class RosterError(ValueError):
    """The roster cannot be used; the message lists every offending row."""


@dataclass(frozen=True)
class Student:
    student_id: str
    name: str = ""
    email: str = ""


def _undecodable_lines(data: bytes) -> list[int]:
    bad = []
    for n, line in enumerate(data.split(b"\n"), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(n)
    return bad


def _row_problem(values: list[str], fields: list[str], line: int, end: int,
                 seen: dict[str, tuple[str, int]]) -> str | None:
    """What is wrong with one row (``line`` to ``end`` of the file), or None."""
    if end > line or any("\n" in v or "\r" in v for v in values):
        span = f"line {line}" if end == line else f"lines {line}-{end}"
        return f"{span}: a quoted field does not end on its line (an unclosed \"?), so no student was read from it"
    sid = dict(zip(fields, values)).get("student_id", "").strip()
    if not sid:
        return f"line {line}: empty student_id"
    try:
        check_student_id(sid)
    except ValueError as exc:
        return f"line {line}: {exc}"
    other, other_line = seen.get(sid.casefold(), (None, 0))
    if other == sid:
        return f"line {line}: duplicate student_id {sid!r} (first on line {other_line})"
    if other is not None:
        return (f"line {line}: student_id {sid!r} differs from {other!r} (line {other_line}) only in case; "
                "their folders would be one folder on Windows and macOS")
    return None


def read_roster(path: str | Path) -> list[Student]:
    """The students of a roster file, in file order; RosterError on any problem."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"roster {path}: cannot read it ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        lines = _undecodable_lines(data)
        raise RosterError(f"roster {path} is not UTF-8 text: bytes that are not UTF-8 on line(s) "
                          f"{', '.join(map(str, lines))}; save it as UTF-8 CSV") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        fields = [f.strip() for f in next(reader, [])]
    except csv.Error as exc:
        raise RosterError(f"roster {path}, line 1: not readable as CSV ({exc})") from None
    if "student_id" not in fields:
        found = ", ".join(repr(f) for f in fields) or "none (the file is empty)"
        sep = next((name for c, name in ((";", "semicolons"), ("\t", "tabs")) if any(c in f for f in fields)), None)
        hint = f" (the header is separated by {sep}; save the roster as comma-separated CSV)" if sep else ""
        raise RosterError(f"roster {path} has no student_id column; columns found: {found}{hint}")
    students: list[Student] = []
    problems: list[str] = []
    seen: dict[str, tuple[str, int]] = {}  # casefolded id -> (id, line)
    end = reader.line_num
    try:
        for values in reader:
            line, end = end + 1, reader.line_num
            problem = None if not values else _row_problem(values, fields, line, end, seen)
            if problem:
                problems.append(problem)
            elif values:
                row = dict(zip(fields, values))
                sid = row["student_id"].strip()
                seen[sid.casefold()] = (sid, line)
                students.append(Student(sid, row.get("name", "").strip(), row.get("email", "").strip()))
    except csv.Error as exc:
        raise RosterError(f"roster {path}, line {reader.line_num}: not readable as CSV ({exc})") from None
    if problems:
        raise RosterError(f"roster {path} has {len(problems)} bad row(s); nothing was written:\n  "
                          + "\n  ".join(problems))
    if not students:
        raise RosterError(f"roster {path} lists no students")
    return students
