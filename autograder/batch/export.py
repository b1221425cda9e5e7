"""Export a gradebook's current grades for an LMS: one row per student, one column per question;
and each student's feedback as a markdown file.

CSV columns: ``student_id``, then each question in manifest order, then ``total``. With several
assignments, question columns are prefixed ``<assignment>:`` and each assignment gets its own
``<assignment>:total`` before the overall ``total``. Rows are sorted by student id; a student with
no grade for an assignment has empty cells there (and it adds nothing to ``total``).

LMS formats (``canvas``, ``moodle``) need a roster mapping deepgrade's student ids to the LMS's own
(:func:`read_lms_roster`) and have one column per assignment holding its total:

- Canvas's gradebook import CSV: ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then
  one column per assignment, and a second row ``Points Possible`` with each assignment's maximum (the layout
  of Canvas's own gradebook export, which its import reads back; a column whose name matches no Canvas
  assignment becomes a new one on import).
- Moodle's "Import grades from CSV": one identifier column (``Email address``, ``ID number`` or
  ``Username``, matched to a user field when importing), then one column per grade item.
- Blackboard Learn's Grade Center upload ("Work Offline > Upload"): ``Username`` (the key it matches students
  by; required), with ``Last Name``, ``First Name`` and ``Student ID`` when the roster has them, then one
  column per assignment, every field quoted as its comma-delimited upload asks. A column without a Grade Center
  column id becomes a new column on upload (a text column: give it its points in Blackboard afterwards).

Students the gradebook grades but the roster lacks are returned as ``unmatched``, never silently dropped;
roster students without a grade get empty cells (the LMS then leaves their grade as it is).

Text a student could have shaped (errors, warnings, feedback) is cleaned of control characters
(:func:`autograder.grading.text.clean`) on its way out, whatever gradebook it comes from.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from autograder.batch.feedback import fmt_points
from autograder.gradebook import Grade, Gradebook, GradebookError
from autograder.grading.diagnose import catalogue, named_in
from autograder.grading.text import clean
from autograder.manifest import ASSIGNMENT_IDS, check_assignment_id, load_manifest
from autograder.variants import check_student_id

FORMATS = ("csv", "json")
LMS_FORMATS = ("canvas", "moodle", "blackboard")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_ROW = "Points Possible"
MOODLE_IDENTIFIERS = ("Email address", "ID number", "Username")  # the user fields Moodle's import maps to
BLACKBOARD_COLUMNS = ("Last Name", "First Name", "Username", "Student ID")  # Grade Center's user columns


def _question_order(assignment: str, grades: list[Grade]) -> list[str]:
    names = [q.name for q in load_manifest(assignment).questions] if assignment in ASSIGNMENT_IDS else []
    for g in grades:
        names += [n for n in g.questions if n not in names]
    return names


def collect(gb: Gradebook, assignment: str | None = None) -> tuple[dict, dict[str, dict[str, Grade]]]:
    """(assignment -> question names, student -> assignment -> Grade) of the current grades."""
    held = gb.assignments()
    if assignment is not None and assignment not in held:
        have = ", ".join(held) or "none"
        raise GradebookError(
            f"gradebook '{gb.path}' holds no grades for assignment {assignment!r} (it holds: {have})"
        )
    chosen = [assignment] if assignment else held
    columns, students = {}, {}
    for aid in chosen:
        grades = gb.current(aid)
        columns[aid] = _question_order(aid, grades)
        for g in grades:
            students.setdefault(g.student, {})[aid] = g
    return columns, dict(sorted(students.items()))


def misconception_counts(assignment: str, tests_of_students) -> dict[str, dict[str, int]]:
    """question -> known mistake -> how many students' feedback names it (once per student and question).

    ``tests_of_students``: each student's per-test results (``Gradebook.tests``). Only failed tests count, and
    only a last line that is exactly one of the assignment catalogue's sentences (``diagnose.named_in``)."""
    sentences = catalogue(assignment).sentences if assignment in ASSIGNMENT_IDS else {}
    counts: dict[str, dict[str, int]] = {}
    for tests in tests_of_students:
        seen = {(t["question"] or "", named_in(t["output"], sentences)) for t in tests if t["status"] == "failed"}
        for question, name in sorted(seen, key=str):
            if name is not None:
                per = counts.setdefault(question, {})
                per[name] = per.get(name, 0) + 1
    return {q: dict(sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))) for q, per in sorted(counts.items())}


def to_csv(columns: dict[str, list[str]], students: dict[str, dict[str, Grade]]) -> str:
    several = len(columns) > 1
    header = ["student_id"]
    for aid, names in columns.items():
        header += [f"{aid}:{n}" if several else n for n in names]
        header += [f"{aid}:total"] if several else []
    header.append("total")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for student, grades in students.items():
        row, total = [clean(student)], 0.0
        for aid, names in columns.items():
            g = grades.get(aid)
            row += [fmt_points(g.questions[n][0]) if g and n in g.questions else "" for n in names]
            row += [fmt_points(g.score) if g else ""] if several else []
            total += g.score if g else 0.0
        row.append(fmt_points(total))
        writer.writerow(row)
    return out.getvalue()


def to_json(columns: dict[str, list[str]], students: dict[str, dict[str, Grade]],
            misconceptions: dict[str, dict] | None = None) -> str:
    """The grades as JSON; ``misconceptions``: assignment -> question -> known mistake -> students naming it."""
    rows = []
    for student, grades in students.items():
        rows.append({
            "student_id": clean(student),
            "total": sum(g.score for g in grades.values()),
            "grades": {
                aid: {
                    "score": g.score, "max_score": g.max_score, "status": g.status,
                    "error": None if g.error is None else clean(g.error),
                    "questions": {n: {"score": s, "max_score": m} for n, (s, m) in g.questions.items()},
                    "warnings": [clean(w) for w in g.warnings or ()], "content_hash": g.content_hash, "graded_at": g.graded_at,
                    "grader_version": g.grader_version,
                }
                for aid, g in grades.items()
            },
        })  # fmt: skip
    out = {"assignments": columns, "students": rows}
    if misconceptions is not None:
        out["misconceptions"] = misconceptions
    return json.dumps(out, indent=2) + "\n"


def export(path, fmt: str = "csv", assignment: str | None = None) -> str:
    """The text of an export of the gradebook at ``path`` (raises GradebookError when unusable)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    with Gradebook(path) as gb:
        columns, students = collect(gb, assignment)
        if fmt == "csv":
            return to_csv(columns, students)
        counts = {aid: misconception_counts(aid, (gb.tests(g.id) for g in gb.current(aid))) for aid in columns}
    return to_json(columns, students, counts)


def write_feedback(path, folder, assignment: str | None = None) -> int:
    """Write each current grade's feedback to ``folder/<assignment>/<student>.md``; return how many."""
    n = 0
    with Gradebook(path) as gb:
        if assignment is not None:
            collect(gb, assignment)  # the same clear error when the assignment has no grades
        for g in gb.current(assignment):
            try:  # both become path parts: never "..", never a "/"
                check_assignment_id(g.assignment)
                check_student_id(g.student)
            except ValueError as exc:
                raise GradebookError(f"gradebook '{gb.path}' holds a grade that cannot be a file name: {exc}") from None
            target = Path(folder) / g.assignment / f"{g.student}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(clean(g.feedback), encoding="utf-8")
            n += 1
    return n


class RosterError(ValueError):
    """The LMS roster cannot be used; the message names the file, and the line where it applies."""


@dataclass
class LmsExport:
    text: str  # the CSV to import
    unmatched: list[str]  # graded students the roster lacks: not in the CSV
    ungraded: list[str]  # roster students with no grade at all: rows with empty cells


def read_lms_roster(path, fmt: str) -> tuple[list[str], dict[str, dict[str, str]]]:
    """(the LMS columns, student id -> their values) from a CSV with a ``student_id`` column.

    Canvas: the columns of CANVAS_COLUMNS (``ID``, ``SIS User ID`` or ``SIS Login ID`` non-empty in every
    row), e.g. Canvas's own gradebook export plus a ``student_id`` column (its ``Points Possible`` row is
    skipped). Moodle: the first of MOODLE_IDENTIFIERS the file has, non-empty in every row.
    """
    if fmt not in LMS_FORMATS:
        raise ValueError(f"LMS format must be one of {', '.join(LMS_FORMATS)}; got {fmt!r}")
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RosterError(f"--roster {path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise RosterError(f"--roster {path} is not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    if "student_id" not in header:
        raise RosterError(f"--roster {path} has no student_id column (deepgrade's ids); columns found: "
                          f"{', '.join(header) or 'none'}")
    if fmt == "canvas":
        missing = [c for c in CANVAS_COLUMNS if c not in header]
        if missing:
            raise RosterError(f"--roster {path} lacks Canvas's column(s) {', '.join(missing)}")
        columns, needed = list(CANVAS_COLUMNS), ("ID", "SIS User ID", "SIS Login ID")
    elif fmt == "blackboard":
        if "Username" not in header:
            raise RosterError(f"--roster {path} has no Username column (Blackboard matches students by it)")
        columns, needed = [c for c in BLACKBOARD_COLUMNS if c in header], ("Username",)
    else:
        present = [c for c in MOODLE_IDENTIFIERS if c in header]
        if not present:
            raise RosterError(f"--roster {path} has none of Moodle's identifier columns "
                              f"{', '.join(MOODLE_IDENTIFIERS)}")
        columns = needed = [present[0]]
    students: dict[str, dict[str, str]] = {}
    problems = []
    for row in reader:
        line = reader.line_num
        values = {c: (row.get(c) or "").strip() for c in columns}
        sid = (row.get("student_id") or "").strip()
        if fmt == "canvas" and values["Student"].startswith(CANVAS_POINTS_ROW):
            continue
        if not any(values.values()) and not sid:
            continue  # a blank line
        try:
            check_student_id(sid)
        except ValueError as exc:
            problems.append(f"line {line}: {exc}")
            continue
        if sid in students:
            problems.append(f"line {line}: student_id {sid!r} appears twice")
        elif not any(values[c] for c in needed):
            problems.append(f"line {line}: student {sid!r} has no {' / '.join(needed)}")
        else:
            students[sid] = values
    if problems:
        raise RosterError(f"--roster {path} has {len(problems)} bad row(s):\n  " + "\n  ".join(problems[:20]))
    if not students:
        raise RosterError(f"--roster {path} lists no students")
    return columns, students


def _lms_number(x: float) -> str:
    return f"{x:.10g}"


def to_lms(fmt: str, columns: dict[str, list[str]], students: dict[str, dict[str, Grade]],
           roster_columns: list[str], roster: dict[str, dict[str, str]]) -> LmsExport:
    """The LMS's CSV: one row per roster student (roster order), one column per assignment's total."""
    assignments = list(columns)
    header = roster_columns + [f"deepgrade {aid}" for aid in assignments]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL if fmt == "blackboard" else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    if fmt == "canvas":
        maxima = [_lms_number(sum(q.points for q in load_manifest(aid).questions)) if aid in ASSIGNMENT_IDS else ""
                  for aid in assignments]
        writer.writerow([CANVAS_POINTS_ROW] + [""] * (len(roster_columns) - 1) + maxima)
    for sid, values in roster.items():
        grades = students.get(sid, {})
        writer.writerow([clean(values[c]) for c in roster_columns]
                        + [_lms_number(grades[aid].score) if aid in grades else "" for aid in assignments])
    unmatched = [clean(s) for s in students if s not in roster]
    ungraded = [s for s in roster if s not in students]
    return LmsExport(out.getvalue(), unmatched, ungraded)


def export_lms(path, fmt: str, roster_path, assignment: str | None = None) -> LmsExport:
    """Canvas's, Moodle's or Blackboard's grade import CSV of the gradebook at ``path``, rows from the roster."""
    roster_columns, roster = read_lms_roster(roster_path, fmt)
    with Gradebook(path) as gb:
        columns, students = collect(gb, assignment)
    return to_lms(fmt, columns, students, roster_columns, roster)
