"""Read a class roster: a CSV file with a ``student_id`` column (``name`` and ``email`` optional).

Every problem is collected before anything is reported, so one error lists all offending rows:
bytes that are not UTF-8, a missing column, empty, malformed or duplicate ids.
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
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = [f.strip() for f in (reader.fieldnames or [])]
    if "student_id" not in fields:
        found = ", ".join(repr(f) for f in fields) or "none (the file is empty)"
        raise RosterError(f"roster {path} has no student_id column; columns found: {found}")
    reader.fieldnames = fields
    students: list[Student] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        sid = (row.get("student_id") or "").strip()
        if not sid:
            problems.append(f"line {line}: empty student_id")
            continue
        try:
            check_student_id(sid)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if sid in first_line:
            problems.append(f"line {line}: duplicate student_id {sid!r} (first on line {first_line[sid]})")
            continue
        first_line[sid] = line
        students.append(Student(sid, (row.get("name") or "").strip(), (row.get("email") or "").strip()))
    if problems:
        raise RosterError(f"roster {path} has {len(problems)} bad row(s); nothing was written:\n  "
                          + "\n  ".join(problems))
    if not students:
        raise RosterError(f"roster {path} lists no students")
    return students
