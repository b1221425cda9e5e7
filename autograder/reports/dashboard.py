"""The TA dashboard: one HTML page per gradebook, every assignment in it.

Per assignment: the distribution of total scores and of each question's score (one row of
histograms), the hardest tests (fraction of the class failing each, with the most common feedback
line), the submissions that could not be graded, timed out, crashed or flooded the output (with the
message), grading time per submission (median, slowest ten), regrades, and -- when the caller gives
them -- the similarity pairs. Read from the gradebook's current grades; nothing is written to it.

Tables sort and filter with JavaScript on; with it off they are complete, already in a useful order.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.batch.export import misconception_counts
from autograder.batch.feedback import fmt_points
from autograder.gradebook import Grade, Gradebook
from autograder.grading.text import clean
from autograder.manifest import ASSIGNMENT_IDS, load_manifest
from autograder.reports import charts
from autograder.reports.render import render_page, write_page

# What a failing test's message says about how the student's code failed (grading/feedback.py).
KINDS = (
    ("timed out", "ran past its time limit"),
    ("crashed", "crashed the process"),
    ("output flood", "printed more output than allowed"),
    ("unusable value", "returned a value that cannot be graded"),
)
SLOWEST = 10
HARDEST = 10
MESSAGE_CHARS = 300


@dataclass
class AssignmentView:
    """What the dashboard shows of one assignment."""

    id: str
    title: str
    students: int
    max_score: float
    median: float
    mean: float
    full_marks: int
    chart: str
    questions: list[dict]
    hardest: list[dict]
    problems: list[dict]
    timing: dict
    regrades: list[dict]
    pairs: list = field(default_factory=list)
    misconceptions: list[dict] = field(default_factory=list)  # question, known mistake, students naming it


def first_line(message: str | None) -> str:
    """The most telling line of a test's message: the first that is not ``Called ...`` or a hint."""
    lines = [ln.strip() for ln in clean(message).splitlines() if ln.strip()]
    for ln in lines:
        if not ln.startswith(("Called ", "Hint:")):
            return ln[:MESSAGE_CHARS]
    return (lines[0] if lines else "")[:MESSAGE_CHARS]


def kind_of(output: str) -> str | None:
    for kind, words in KINDS:
        if words in output:
            return kind
    return None


def _hardest(tests_of: dict[int, list[dict]]) -> list[dict]:
    seen: dict[tuple, dict] = {}
    for tests in tests_of.values():
        for t in tests:
            row = seen.setdefault((t["question"] or "", t["name"]), {"taken": 0, "failed": 0, "lines": Counter()})
            row["taken"] += 1
            if t["status"] != "passed":
                row["failed"] += 1
                row["lines"][first_line(t["output"])] += 1
    rows = []
    for (question, name), r in seen.items():
        if not r["failed"]:
            continue
        line, count = r["lines"].most_common(1)[0]
        rows.append({"question": question, "test": name, "taken": r["taken"], "failed": r["failed"],
                     "fraction": r["failed"] / r["taken"], "line": line, "line_count": count})
    rows.sort(key=lambda r: (-r["fraction"], -r["failed"], r["question"], r["test"]))
    return rows[:HARDEST]


def _problems(grades: list[Grade], tests_of: dict[int, list[dict]]) -> list[dict]:
    rows = []
    for g in grades:
        if g.status in ("error", "grader-error"):
            what = "grader error" if g.status == "grader-error" else "not graded"
            rows.append({"student": g.student, "kind": what, "test": "", "message": clean(g.error)[:MESSAGE_CHARS]})
        for t in tests_of[g.id]:
            kind = kind_of(t["output"]) if t["status"] != "passed" else None
            if kind:
                rows.append({"student": g.student, "kind": kind, "test": t["name"],
                             "message": first_line(t["output"])})
    return rows


def _timing(grades: list[Grade]) -> dict:
    timed = sorted((g for g in grades if g.duration_s is not None), key=lambda g: -g.duration_s)
    if not timed:
        return {"count": 0, "median": None, "total": None, "slowest": []}
    return {"count": len(timed), "median": statistics.median(g.duration_s for g in timed),
            "total": sum(g.duration_s for g in timed),
            "slowest": [{"student": g.student, "seconds": g.duration_s, "status": g.status} for g in timed[:SLOWEST]]}


def _regrades(gb: Gradebook, grades: list[Grade]) -> list[dict]:
    rows = []
    for g in grades:
        versions = gb.history(g.assignment, g.student)
        if g.attempts > 1 or len(versions) > 1:
            previous = [v for v in versions if v.id != g.id]
            rows.append({"student": g.student, "attempts": g.attempts, "versions": len(versions),
                         "score": g.score, "previous": previous[-1].score if previous else None,
                         "graded_at": g.graded_at})
    return rows


def assignment_view(gb: Gradebook, assignment: str, pairs: list | None = None) -> AssignmentView:
    grades = gb.current(assignment)
    tests_of = {g.id: gb.tests(g.id) for g in grades}
    title, names = "", []
    if assignment in ASSIGNMENT_IDS:
        manifest = load_manifest(assignment)
        title, names = manifest.title, [q.name for q in manifest.questions]
    for g in grades:
        names += [n for n in g.questions if n not in names]
    top = max((g.max_score for g in grades), default=0.0)
    totals = [g.score for g in grades]
    questions = []
    for n in names:
        scores = [g.questions[n][0] for g in grades if n in g.questions]
        q_max = max((g.questions[n][1] for g in grades if n in g.questions), default=0.0)
        questions.append({"name": n, "max_score": q_max, "scores": scores,
                          "mean": statistics.fmean(scores) if scores else 0.0,
                          "full": sum(s >= q_max for s in scores)})
    panels = [("total", totals, top)] + [(q["name"], q["scores"], q["max_score"]) for q in questions]
    return AssignmentView(
        id=assignment, title=title, students=len(grades), max_score=top,
        median=statistics.median(totals) if totals else 0.0, mean=statistics.fmean(totals) if totals else 0.0,
        full_marks=sum(g.score >= g.max_score > 0 for g in grades),
        chart=charts.distributions(panels) if grades else "",
        questions=questions, hardest=_hardest(tests_of), problems=_problems(grades, tests_of),
        timing=_timing(grades), regrades=_regrades(gb, grades), pairs=list(pairs or []),
        misconceptions=[{"question": q, "name": name, "students": n}
                        for q, per in misconception_counts(assignment, tests_of.values()).items()
                        for name, n in per.items()],
    )  # fmt: skip


def page(gradebook: str | Path, pairs: dict[str, list] | None = None, *, title: str | None = None) -> str:
    """The dashboard of the gradebook at ``gradebook``; ``pairs``: assignment -> similarity pairs."""
    with Gradebook(gradebook) as gb:
        views = [assignment_view(gb, a, (pairs or {}).get(a)) for a in gb.assignments()]
    return render_page("dashboard.html.j2", sortable=True, views=views, gradebook=Path(gradebook).name,
                       title=title or "deepgrade dashboard", similarity=pairs is not None, fmt=fmt_points)


def write(gradebook: str | Path, out: str | Path, pairs: dict[str, list] | None = None) -> Path:
    return write_page(out, page(gradebook, pairs))
