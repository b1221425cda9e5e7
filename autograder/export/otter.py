"""``--format otter``: an otter-grader master notebook for one variant, graded by deepgrade's hidden suite.

otter-grader's master notebook (otter assign, notebook format v1):

- a raw ``# ASSIGNMENT CONFIG`` cell (YAML): the assignment's name, the ``files`` every student and the
  autograder get (the given module, the public checks, the self-check), the ``requirements`` of the
  autograder image (deepgrade), OK-format tests;
- per manifest question, raw cells ``# BEGIN QUESTION`` (``name``, ``points``) ... ``# END QUESTION``
  around its cells; each answer cell between raw ``# BEGIN SOLUTION`` / ``# END SOLUTION`` cells, its
  solution code between ``# BEGIN SOLUTION`` / ``# END SOLUTION`` lines (from reference/, as ``deepgrade
  generate`` renders it); students get otter's ``...`` in its place;
- per question, a ``# BEGIN TESTS`` block: one public test (the question's self-check, 0 points) and one
  hidden test per deepgrade hidden test of that question, worth that test's share of the question's points.
  A hidden test asks deepgrade (:mod:`autograder.export.kernel_grade`) whether its test passed; deepgrade
  grades the submission once, in its own process and sandbox.

``otter assign <id>.ipynb dist`` in the exported folder makes ``dist/student`` and ``dist/autograder``
(with the autograder zip). What otter's model gives up: its tests run in the student's kernel, after the
student's code, so that code can read the hidden tests (and the variant and hidden seed they carry) and
replace the functions the tests call; deepgrade's own grader never runs a test beside student code.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograder.export.base import ExportJob, Setting, write
from autograder.export.notebook_parts import Part, Variant, build_variant, has_solution, marked_lines
from autograder.generate.cells import Cell
from autograder.generate.notebook import KERNELSPEC, dumps

DEFAULT_STUDENT = "demo"


def _raw(source: str) -> dict:
    return {"cell_type": "raw", "metadata": {}, "source": source}


def _code(source: str, metadata: dict | None = None, output: str | None = None) -> dict:
    outputs = []
    if output is not None:  # an otter test's expected output is its cell's output in the master
        outputs = [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                    "data": {"text/plain": output}}]
    return {"cell_type": "code", "metadata": metadata or {}, "source": source,
            "execution_count": 1 if outputs else None, "outputs": outputs}


def _cell(cell: Cell) -> dict:
    if cell.cell_type == "markdown":
        return {"cell_type": "markdown", "metadata": dict(cell.metadata), "source": cell.source}
    return _code(cell.source, dict(cell.metadata))


def solution_source(source: str) -> str:
    """deepgrade's solution markers as otter's: a solution after a student region (a placeholder the student
    replaces, e.g. ``z = None``) is ``# BEGIN SOLUTION NO PROMPT``; any other is ``# YOUR CODE HERE`` +
    ``# BEGIN SOLUTION`` (otter leaves ``...`` there for students)."""
    out: list[str] = []
    after_student = False
    for kind, indent, line in marked_lines(source):
        if kind == "begin":
            out += [f"{indent}# BEGIN SOLUTION NO PROMPT"] if after_student else [
                f"{indent}# YOUR CODE HERE", f"{indent}# BEGIN SOLUTION"]
        elif kind == "end":
            out.append(f"{indent}# END SOLUTION")
            after_student = False
        elif kind == "end_student":
            after_student = True
        elif kind == "code":
            out.append(line)
            after_student = after_student and not line.strip()
    return "\n".join(out)


def _test(config: dict, body: str) -> dict:
    header = '""" # BEGIN TEST CONFIG\n' + "".join(f"{k}: {v}\n" for k, v in config.items()) + '""" # END TEST CONFIG\n'
    return _code(header + body, output="True")


def public_test(question: str) -> dict:
    """The question's self-check, run quietly: public, worth no points (deepgrade's points are hidden)."""
    return _test({"points": 0}, (
        "import contextlib, io\n"
        "from deepgrade_check import check as _deepgrade_check\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    _deepgrade_ok = _deepgrade_check({question!r}, globals())\n"
        "_deepgrade_ok"))


def hidden_test(job: dict, name: str, points: float | None) -> dict:
    """One deepgrade hidden test; ``points`` None takes the rest of the question's points (otter splits a
    question's points among cases without one), so the cases add up to the manifest's points exactly."""
    config = {"hidden": "true"} | ({} if points is None else {"points": repr(points)})
    return _test(config, (
        "from autograder.export.kernel_grade import passed as _deepgrade_passed\n"
        f"_deepgrade_passed({job!r}, {name!r})"))


def question_cells(part: Part, v: Variant) -> list[dict]:
    q = part.question
    cells = [_raw(f"# BEGIN QUESTION\nname: {q.name}\npoints: {q.points:g}")]
    for cell in part.cells:
        if has_solution(cell):
            cells += [_raw("# BEGIN SOLUTION"), _code(solution_source(cell.source), dict(cell.metadata)),
                      _raw("# END SOLUTION")]
        else:
            cells.append(_cell(cell))
    tests = [public_test(q.name)]
    hidden = v.hidden_of(q.name)
    tests += [hidden_test(v.job, t.name, t.share if i < len(hidden) - 1 else None) for i, t in enumerate(hidden)]
    return [*cells, _raw("# BEGIN TESTS"), *tests, _raw("# END TESTS"), _raw("# END QUESTION")]


def assignment_config(v: Variant) -> dict:
    return {
        "name": v.manifest.id,
        "requirements": "requirements.txt",
        "files": sorted(v.files),
        "init_cell": True,
        "check_all_cell": False,
        "export_cell": False,
        "run_tests": False,  # the tests need deepgrade's grader; run them with `otter run` instead
        "tests": {"files": False, "ok_format": True},
    }


def master_notebook(v: Variant) -> dict:
    config = "# ASSIGNMENT CONFIG\n" + json.dumps(assignment_config(v), indent=2)  # JSON is YAML
    cells = [_raw(config)]
    for part in v.parts:
        if part.question is None:
            cells += [_cell(c) for c in part.cells]
        else:
            cells += question_cells(part, v)
    for i, cell in enumerate(cells):
        cell["id"] = f"{v.manifest.id}-otter-{i:03d}"
    meta = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"},
            "deepgrade": {"assignment": v.manifest.id, "student": v.student, "version": "otter-master"}}
    return {"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}


def requirements(requirement: str) -> str:
    return ("# The autograder image needs deepgrade: replace the line below by a wheel of it\n"
            "# (e.g. ./deepgrade-0.1.0-py3-none-any.whl) if it is not on your package index.\n"
            f"{requirement}\n")


class OtterExporter:
    name = "otter"
    ships_course = False  # otter gives its files to students too: a course folder stays out
    summary = "an otter-grader master notebook (otter assign) whose hidden tests call deepgrade"
    settings = (
        Setting("student", str, DEFAULT_STUDENT, "otter, nbgrader: whose variant to export"),
        Setting("requirement", str, "deepgrade", "otter: the pip requirement that installs deepgrade in the autograder"),
    )

    def export(self, job: ExportJob) -> list[Path]:
        v = build_variant(job.assignment, str(job.settings["student"]), job.secret)
        out = job.out
        written = [write(out / f"{job.assignment}.ipynb", dumps(master_notebook(v))),
                   write(out / "requirements.txt", requirements(str(job.settings["requirement"])))]
        written += [write(out / name, data) for name, data in sorted(v.files.items())]
        return written


EXPORTER = OtterExporter()
