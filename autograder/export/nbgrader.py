"""``--format nbgrader``: a source notebook for an nbgrader course, graded by deepgrade's hidden suite.

nbgrader's cell metadata (``metadata.nbgrader``, ``schema_version`` 3): ``solution`` cells are where students
write (``### BEGIN SOLUTION`` / ``### END SOLUTION`` regions become ``# YOUR CODE HERE`` +
``raise NotImplementedError()``, deepgrade's own blanks); ``grade`` cells carry ``points`` and are scored by
``nbgrader autograde``; ``locked`` cells are restored from the source when grading; every such cell has a
unique ``grade_id``.

The export writes ``source/<id>/<id>.ipynb`` and the bundle's other files beside it, for one variant:
deepgrade's cells (solutions from reference/) with the given cell locked, and after each manifest question
one locked grade cell worth the question's points. Its ``### BEGIN HIDDEN TESTS`` region (removed from the
students' release, restored by autograde) returns deepgrade's points for that question
(:mod:`autograder.export.kernel_grade`), which nbgrader takes as partial credit. Grade cells are tagged
``skip-grading`` so deepgrade never runs them when it grades the notebook itself.

As with otter, nbgrader runs these cells in the student's kernel, after the student's code: that code can
read the hidden region (the variant and the hidden seed it carries) and replace what it calls.
"""

from __future__ import annotations

from pathlib import Path

from autograder.export.base import ExportJob, Setting, write
from autograder.export.notebook_parts import (
    SKIP_TAG,
    Part,
    Variant,
    build_variant,
    has_solution,
    marked_lines,
)
from autograder.generate.cells import Cell
from autograder.generate.notebook import KERNELSPEC, dumps

DEFAULT_STUDENT = "demo"
SCHEMA_VERSION = 3


def nbgrader_meta(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
                  points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA_VERSION,
            "solution": solution}
    if grade:
        meta["points"] = points
    return meta


def solution_source(source: str) -> str:
    """The answer cell with nbgrader's solution markers (deepgrade's are the same); a student region (a
    placeholder such as ``z = None``) stays in both versions, before the solution that overrides it."""
    return "\n".join(line for kind, _, line in marked_lines(source) if kind not in ("begin_student", "end_student"))


def grade_cell(v: Variant, question) -> dict:
    source = (f"# Autograded: deepgrade's hidden tests of question {question.name!r} ({question.points:g} points).\n"
              "### BEGIN HIDDEN TESTS\n"
              "from autograder.export.kernel_grade import question_score as _deepgrade_score\n"
              f"_deepgrade_score({v.job!r}, {question.name!r})\n"
              "### END HIDDEN TESTS")
    meta = {"nbgrader": nbgrader_meta(question.name, grade=True, locked=True, points=float(question.points)),
            "tags": [SKIP_TAG]}
    return _code(source, meta)


def _code(source: str, metadata: dict) -> dict:
    return {"cell_type": "code", "metadata": metadata, "source": source, "execution_count": None, "outputs": []}


def _cell(cell: Cell, grade_id: str) -> dict:
    meta = dict(cell.metadata)
    if cell.cell_type == "markdown":
        return {"cell_type": "markdown", "metadata": meta, "source": cell.source}
    if has_solution(cell):
        meta["nbgrader"] = nbgrader_meta(grade_id, solution=True)
        return _code(solution_source(cell.source), meta)
    if "given" in cell.tags:
        meta["nbgrader"] = nbgrader_meta(grade_id, locked=True)
    return _code(cell.source, meta)


def part_cells(part: Part, v: Variant, n: int) -> list[dict]:
    name = part.question.name if part.question else "intro"
    cells = [_cell(c, f"{name}-{n}-{i}") for i, c in enumerate(part.cells)]
    if part.question is not None:
        cells.append(grade_cell(v, part.question))
    return cells


def source_notebook(v: Variant) -> dict:
    cells = [c for n, part in enumerate(v.parts) for c in part_cells(part, v, n)]
    for i, cell in enumerate(cells):
        cell["id"] = f"{v.manifest.id}-nbgrader-{i:03d}"
    meta = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"},
            "deepgrade": {"assignment": v.manifest.id, "student": v.student, "version": "nbgrader-source"}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


class NbgraderExporter:
    name = "nbgrader"
    ships_course = False  # nbgrader releases its files to students too: a course folder stays out
    summary = "an nbgrader source assignment (source/ID/ID.ipynb) whose grade cells call deepgrade"
    settings = (Setting("student", str, DEFAULT_STUDENT, "otter, nbgrader: whose variant to export"),)

    def export(self, job: ExportJob) -> list[Path]:
        v = build_variant(job.assignment, str(job.settings["student"]), job.secret)
        folder = job.out / "source" / job.assignment
        written = [write(folder / f"{job.assignment}.ipynb", dumps(source_notebook(v)))]
        written += [write(folder / name, data) for name, data in sorted(v.files.items())]
        return written


EXPORTER = NbgraderExporter()
