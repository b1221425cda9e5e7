"""Export a gradebook's current grades for an LMS: one row per student, one column per question;
and each student's feedback as a markdown file.

CSV columns: ``student_id``, then each question in manifest order, then ``total``. With several
assignments, question columns are prefixed ``<assignment>:`` and each assignment gets its own
``<assignment>:total`` before the overall ``total``. Rows are sorted by student id; a student with
no grade for an assignment has empty cells there (and it adds nothing to ``total``).

Text a student could have shaped (errors, warnings, feedback) is cleaned of control characters
(:func:`autograder.grading.text.clean`) on its way out, whatever gradebook it comes from.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from autograder.batch.feedback import fmt_points
from autograder.gradebook import Grade, Gradebook, GradebookError
from autograder.grading.text import clean
from autograder.manifest import ASSIGNMENT_IDS, check_assignment_id, load_manifest
from autograder.variants import check_student_id

FORMATS = ("csv", "json")


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


def to_json(columns: dict[str, list[str]], students: dict[str, dict[str, Grade]]) -> str:
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
    return json.dumps({"assignments": columns, "students": rows}, indent=2) + "\n"


def export(path, fmt: str = "csv", assignment: str | None = None) -> str:
    """The text of an export of the gradebook at ``path`` (raises GradebookError when unusable)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}; got {fmt!r}")
    with Gradebook(path) as gb:
        columns, students = collect(gb, assignment)
    return to_csv(columns, students) if fmt == "csv" else to_json(columns, students)


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
