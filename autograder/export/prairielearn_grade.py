"""The grading job of an exported PrairieLearn question: ``python3 -m autograder.export.prairielearn_grade``.

PrairieLearn's external grader lays out ``/grade`` (docs: externalGrading, "The Grading Process"):
``data/data.json`` (the question's data: ``params`` from ``server.py``), ``student/`` (the uploaded files),
``tests/`` (the question's tests folder) and expects ``results/results.json``, which it does not create.

This job reads the course secret from ``tests/deepgrade.key`` and deletes the file before any student code
runs, finds the variant in ``data.json``'s ``params.deepgrade_variant``, grades ``student/<upload>`` as that
variant's student and writes PrairieLearn's results (``gradable``, ``score`` in [0, 1], one test per hidden
test with its points). An upload that is missing or cannot be read is ``gradable: false``: PrairieLearn then
charges no attempt. ``$DEEPGRADE_PL_ROOT`` replaces ``/grade``, for tests only.
"""

from __future__ import annotations

import os
import stat
import sys
import traceback
from pathlib import Path

from autograder.export import job_files
from autograder.export.prairielearn import CONFIG_FILE, KEY_FILE, variant_student
from autograder.grading.formats import summary, to_prairielearn, write_json

ROOT_ENV = "DEEPGRADE_PL_ROOT"
MAX_DATA_BYTES = 64 << 20  # data.json holds the uploads, base64 (PrairieLearn caps them at 5 MB)


class NotGradable(Exception):
    """The submission cannot be graded; the message is shown to the student as a format error."""


def _secret(tests: Path) -> bytes:
    return job_files.read_secret(tests / KEY_FILE, delete=True)


def _variant(data: dict, variants: int) -> int:
    k = (data.get("params") or {}).get("deepgrade_variant")
    if not isinstance(k, int) or isinstance(k, bool) or not 0 <= k < variants:
        raise RuntimeError(f"data.json: params.deepgrade_variant is {k!r}; expected an integer in [0, {variants})"
                           " set by server.py's generate()")
    return k


def _upload(student: Path, name: str) -> Path:
    path = student / name
    try:
        st = os.lstat(path)
    except OSError:
        present = sorted(p.name for p in student.iterdir()) if student.is_dir() else []
        raise NotGradable(f"no file named {name} was uploaded (found: {', '.join(present) or 'nothing'})") from None
    if not stat.S_ISREG(st.st_mode):
        raise NotGradable(f"{name} is not a regular file")
    if not os.access(path, os.R_OK):
        raise NotGradable(f"{name} cannot be read")
    return path


def grade(root: Path) -> dict:
    """Grade the job laid out under ``root``; return PrairieLearn's results object."""
    tests = root / "tests"
    from autograder.export.course_files import activate

    activate(tests)  # an assignment of a course folder: the export shipped its files in tests/course
    config = job_files.read_json_object(tests / CONFIG_FILE, 1 << 16, "question config")
    secret = _secret(tests)
    data = job_files.read_json_object(root / "data" / "data.json", MAX_DATA_BYTES, "PrairieLearn data")
    k = _variant(data, int(config["variants"]))
    try:
        path = _upload(root / "student", str(config["upload"]))
    except NotGradable as exc:
        return {"gradable": False, "format_errors": [str(exc)], "message": f"Not graded: {exc}"}
    from autograder.grading import grade_submission

    result = grade_submission(path, str(config["assignment"]), variant_student(k), secret)
    out = to_prairielearn(result)
    out.setdefault("message", summary(result))
    return out


def main() -> int:
    root = Path(os.environ.get(ROOT_ENV) or "/grade")
    try:
        results, status = grade(root), 0
    except Exception as exc:  # a broken question or grader: say so, never leave PrairieLearn without results
        traceback.print_exc()
        results = {"gradable": False, "format_errors": [f"the grader failed: {exc}"],
                   "message": "The grader failed; your attempt was not counted. Tell your course staff."}
        status = 1
    write_json(root / "results" / "results.json", results)
    return status


if __name__ == "__main__":
    sys.exit(main())
