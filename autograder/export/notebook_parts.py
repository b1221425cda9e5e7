"""What the notebook formats (otter, nbgrader) share: one variant's cells split into questions, the hidden
tests of each question, and the job a hidden test hands to deepgrade.

    render (solutions marked, from reference/) -> cells -> questions (from the "## k. " headings)
    the student version, graded once here -> deepgrade's hidden tests: name, question, share of the points

The cells are the same rendering ``deepgrade generate`` uses, so solution code still comes from reference/
only; a format only rewrites the markers into its own.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.export.base import ExportError
from autograder.export.kernel_grade import job as make_job
from autograder.generate.blanks import BEGIN, END
from autograder.generate.cells import Cell, parse_percent
from autograder.generate.solutions import BEGIN_STUDENT, END_STUDENT
from autograder.manifest import Manifest, Question, load_manifest

HEADING = re.compile(r"^## (\d+)\. ")
SKIP_TAG = "skip-grading"  # cells deepgrade does not run when it grades


@dataclass(frozen=True)
class HiddenTest:
    name: str
    question: str
    share: float  # the points it earns when it passes (deepgrade rounds them to 6 decimals)


@dataclass
class Part:
    """The cells of one question (``question`` set) or between questions (``question`` None)."""

    question: Question | None
    cells: list[Cell]


@dataclass
class Variant:
    """One student's variant, ready for a notebook format."""

    manifest: Manifest
    student: str
    parts: list[Part]
    files: dict[str, bytes]  # the bundle's other files (given module, public checks, self-check, data)
    job: dict  # what a hidden test hands to kernel_grade
    hidden: list[HiddenTest]

    def hidden_of(self, question: str) -> list[HiddenTest]:
        return [t for t in self.hidden if t.question == question]


def has_solution(cell: Cell) -> bool:
    return cell.cell_type == "code" and any(line.strip() == BEGIN for line in cell.source.split("\n"))


def split_questions(manifest: Manifest, cells: list[Cell]) -> list[Part]:
    """Cells grouped by question: a question runs from its "## k. Title" heading to the next "## " heading.

    Raises ExportError when the headings do not number the manifest's questions in order, or a question
    has no solution to write, or solution code lies outside every question.
    """
    parts: list[Part] = []
    numbers: list[int] = []
    for cell in cells:
        heading = cell.cell_type == "markdown" and cell.source.startswith("## ")
        if heading:
            m = HEADING.match(cell.source)
            question = None
            if m:
                numbers.append(int(m.group(1)))
                if not 1 <= numbers[-1] <= len(manifest.questions):
                    raise ExportError(f"{manifest.id}: heading {cell.source.splitlines()[0]!r} numbers no question")
                question = manifest.questions[numbers[-1] - 1]
            parts.append(Part(question, [cell]))
        elif parts:
            parts[-1].cells.append(cell)
        else:
            parts.append(Part(None, [cell]))
    if numbers != list(range(1, len(manifest.questions) + 1)):
        raise ExportError(f"{manifest.id}: question headings are numbered {numbers}; the manifest has "
                          f"{len(manifest.questions)} questions")
    for part in parts:
        solutions = [c for c in part.cells if has_solution(c)]
        if part.question is not None and not solutions:
            raise ExportError(f"{manifest.id}: question {part.question.name} has no solution cell")
        if part.question is None and solutions:
            raise ExportError(f"{manifest.id}: a solution cell lies outside every question")
    return parts


def hidden_tests(assignment: str, student: str, secret: bytes, student_notebook: bytes) -> list[HiddenTest]:
    """deepgrade's hidden tests of the variant, with their questions and shares, read from grading the
    student version (every test runs, and fails)."""
    from autograder.grading import grade_submission

    with tempfile.TemporaryDirectory(prefix="deepgrade-export-") as tmp:
        path = Path(tmp, f"{assignment}.ipynb")
        path.write_bytes(student_notebook)
        result = grade_submission(path, assignment, student, secret)
    if result["error"]:
        raise ExportError(f"{assignment}: could not list the hidden tests: {result['error']}")
    return [HiddenTest(t["name"], t["question"], float(t["max_score"])) for t in result["tests"]]


def build_variant(assignment: str, student: str, secret: bytes) -> Variant:
    """Cells, questions, files, job and hidden tests of ``student``'s variant of ``assignment``."""
    from autograder.generate.bundle import build_bundle
    from autograder.generate.render import render
    from autograder.variants import hidden_seed, variant

    manifest = load_manifest(assignment)
    params = variant(assignment, student, secret)
    cells = parse_percent(render(manifest, params))
    bundle = build_bundle(assignment, student, secret)
    files = {k: v for k, v in bundle.files.items() if k not in (f"{assignment}.ipynb", f"{assignment}.py")}
    hidden = hidden_tests(assignment, student, secret, bundle.files[f"{assignment}.ipynb"])
    return Variant(manifest, student, split_questions(manifest, cells), files,
                   make_job(assignment, student, params, hidden_seed(assignment, student, secret)), hidden)


def marked_lines(source: str) -> list[tuple[str, str, str]]:
    """Each line of a code cell as (kind, indent, text): kind "code", "begin"/"end" (solution markers) or
    "begin_student"/"end_student"."""
    kinds = {BEGIN: "begin", END: "end", BEGIN_STUDENT: "begin_student", END_STUDENT: "end_student"}
    out = []
    for line in source.split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        out.append((kinds.get(line.strip(), "code"), indent, line))
    return out
