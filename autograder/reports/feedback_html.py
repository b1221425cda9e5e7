"""Per-student feedback as one HTML page: the score per question as a bar, each test that lost
points with its message and hint, the student's variant, the warnings.

It shows only what the markdown feedback (:mod:`autograder.batch.feedback`) shows: the engine's
messages, which never hold hidden inputs or expected values; the variant only where its manifest
allows it (``show_variant``); for a grader-side failure no details (a traceback is for the TA). Every string is cleaned
and escaped by :mod:`.render`.

``page(result, ...)`` takes the engine's result dict; :func:`from_grade` turns a gradebook row into
one, so ``deepgrade grade --html`` and ``deepgrade feedback`` render the same page.
"""

from __future__ import annotations

from pathlib import Path

from autograder.batch.feedback import GRADER_ERROR
from autograder.gradebook import Grade, Gradebook, GradebookError
from autograder.manifest import ASSIGNMENT_IDS, check_assignment_id, load_manifest
from autograder.reports.render import render_page, write_page
from autograder.variants import check_student_id

_HIDDEN_VARIANT_KEYS = ("assignment", "student")  # as in the markdown feedback


def visible_variant(assignment: str, variant: dict | None) -> dict:
    """The variant parameters a student may read (none when the manifest says ``show_variant = false``)."""
    if assignment in ASSIGNMENT_IDS and not load_manifest(assignment).show_variant:
        return {}
    return {k: v for k, v in (variant or {}).items() if k not in _HIDDEN_VARIANT_KEYS}


def split_hint(output: str | None) -> tuple[str, list[str]]:
    """A test's message without its ``Hint:`` lines, and those hints (without the prefix)."""
    message, hints = [], []
    for line in (output or "").splitlines():
        if line.startswith("Hint:"):
            hints.append(line[len("Hint:"):].strip())
        else:
            message.append(line)
    return "\n".join(message).strip(), hints


def _titles(assignment: str) -> tuple[str, dict[str, str]]:
    if assignment not in ASSIGNMENT_IDS:
        return "", {}
    m = load_manifest(assignment)
    return m.title, {q.name: q.title for q in m.questions}


def context(result: dict, *, assignment: str, student: str, source: str, status: str = "graded") -> dict:
    """What the template shows, from the engine's ``result`` dict."""
    title, q_titles = _titles(assignment)
    tests = [] if status == "grader-error" else list(result.get("tests") or [])
    questions = []
    for name, q in (result.get("questions") or {}).items():
        mine = [t for t in tests if t.get("question") == name]
        questions.append({
            "name": name, "title": q.get("title") or q_titles.get(name, ""),
            "score": float(q.get("score") or 0.0), "max_score": float(q.get("max_score") or 0.0),
            "passed": sum(t.get("status") == "passed" for t in mine), "tests": len(mine),
        })  # fmt: skip
    lost = []
    for t in tests:
        if t.get("status") == "passed":
            continue
        message, hints = split_hint(t.get("output"))
        lost.append({**t, "message": message, "hints": hints})
    warnings = [str(w) for w in result.get("warnings") or []]
    skipped = [w for w in warnings if "skip-grading" in w]
    return {
        "assignment": assignment, "assignment_title": title, "student": student, "source": source,
        "status": status, "score": float(result.get("score") or 0.0),
        "max_score": float(result.get("max_score") or 0.0),
        "variant": visible_variant(assignment, result.get("variant")),
        "error": None if status == "grader-error" else result.get("error"),
        "grader_error": GRADER_ERROR if status == "grader-error" else None,
        "questions": questions, "lost": lost, "all_passed": bool(tests) and not lost,
        "skipped": skipped, "warnings": [w for w in warnings if w not in skipped],
    }  # fmt: skip


def page(result: dict, *, assignment: str, student: str, source: str, status: str = "graded") -> str:
    """The HTML feedback page for one graded submission."""
    ctx = context(result, assignment=assignment, student=student, source=source, status=status)
    return render_page("feedback.html.j2", **ctx)


def from_grade(grade: Grade, tests: list[dict]) -> dict:
    """The engine-style result dict of a gradebook row and its tests."""
    return {
        "score": grade.score, "max_score": grade.max_score, "variant": grade.variant,
        "warnings": grade.warnings, "error": grade.error, "tests": tests,
        "questions": {n: {"score": s, "max_score": m} for n, (s, m) in grade.questions.items()},
    }  # fmt: skip


def write_all(gradebook: str | Path, folder: str | Path, assignment: str | None = None) -> list[Path]:
    """Write ``folder/<assignment>/<student>.html`` for every current grade; return the paths."""
    written = []
    with Gradebook(gradebook) as gb:
        if assignment is not None and assignment not in gb.assignments():
            have = ", ".join(gb.assignments()) or "none"
            raise GradebookError(f"gradebook '{gb.path}' holds no grades for assignment {assignment!r} "
                                 f"(it holds: {have})")
        for g in gb.current(assignment):
            try:  # both become path parts: never "..", never a "/"
                check_assignment_id(g.assignment)
                check_student_id(g.student)
            except ValueError as exc:
                raise GradebookError(f"gradebook '{gb.path}' holds a grade that cannot be a file name: {exc}") from None
            html = page(from_grade(g, gb.tests(g.id)), assignment=g.assignment, student=g.student,
                        source=g.source, status=g.status)
            written.append(write_page(Path(folder) / g.assignment / f"{g.student}.html", html))
    return written
