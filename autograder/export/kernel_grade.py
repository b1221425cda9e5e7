"""deepgrade's grading, called from a hidden test that runs in the student's notebook kernel.

otter-grader and nbgrader run their tests inside the kernel that ran the student's notebook. The hidden tests
of ``--format otter`` and ``--format nbgrader`` call :func:`passed` (one deepgrade test) or
:func:`question_score` (one question's points) with a *job*: the assignment, the student, the variant
and the student's hidden seed, all derived from the course secret at export time (the secret itself is never
written into an export).

The first call of a kernel grades the submission once and keeps the result for the other tests. Grading
runs in a fresh ``python -m autograder.export.kernel_grade`` process started in an empty folder, through
deepgrade's engine and sandbox exactly as ``deepgrade grade`` does, on the notebook file that the platform
executed (``DEEPGRADE_SUBMISSION``, else ``<assignment>.ipynb`` or the only ``.ipynb`` of the working
folder). So the points are deepgrade's: same hidden inputs (they depend on the code of the submission, not
on where it runs), same checks, same credit per test.

This module imports only the standard library at load time: it is imported inside the student's kernel.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SUBMISSION_ENV = "DEEPGRADE_SUBMISSION"
TIMEOUT_S = 600  # one whole grading; deepgrade's own budget per submission is shorter

_results: dict[tuple, dict] = {}


class GradingFailed(RuntimeError):
    """deepgrade could not grade the submission (a grader-side fault); the test shows why."""


def job(assignment: str, student: str, variant: dict, seed: int) -> dict:
    """The data a hidden test passes in: what the course secret derives for one student."""
    return {"assignment": assignment, "student": student, "variant": variant, "seed": int(seed)}


def find_submission(assignment: str, folder: Path | None = None) -> Path:
    """The notebook to grade: ``$DEEPGRADE_SUBMISSION``, else ``<assignment>.ipynb`` in ``folder`` (the
    working folder), else the only ``.ipynb`` there."""
    if os.environ.get(SUBMISSION_ENV):
        return Path(os.environ[SUBMISSION_ENV]).resolve()
    folder = Path.cwd() if folder is None else folder
    named = folder / f"{assignment}.ipynb"
    if named.is_file():
        return named.resolve()
    found = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    if len(found) != 1:
        raise GradingFailed(f"cannot tell which notebook to grade in {folder}: {len(found)} .ipynb files "
                            f"and no {named.name}; set {SUBMISSION_ENV}")
    return found[0].resolve()


def grade(job: dict, path: Path | None = None) -> dict:
    """deepgrade's result for the submission (cached per kernel): {"tests": {name: status}, "questions":
    {name: score}, "error": None or why}."""
    path = find_submission(job["assignment"]) if path is None else Path(path)
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size, json.dumps(job, sort_keys=True))
    if key not in _results:
        with tempfile.TemporaryDirectory(prefix="deepgrade-kernel-") as empty:
            # an empty working folder: nothing of the submission's folder shadows a module of the grader
            proc = subprocess.run([sys.executable, "-m", __name__, str(path)], input=json.dumps(job),
                                  capture_output=True, text=True, cwd=empty, timeout=TIMEOUT_S)
        if proc.returncode != 0:
            raise GradingFailed(f"deepgrade exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
        _results[key] = json.loads(proc.stdout.strip().splitlines()[-1])
    return _results[key]


def passed(job: dict, test: str) -> bool:
    """Whether deepgrade's hidden test ``test`` passed for the submission."""
    return grade(job)["tests"].get(test) == "passed"


def question_score(job: dict, question: str) -> float:
    """deepgrade's points for ``question`` (0 when the submission could not be graded)."""
    return float(grade(job)["questions"].get(question, 0.0))


def main(argv: list[str] | None = None) -> int:
    """``python -m autograder.export.kernel_grade NOTEBOOK`` with the job as JSON on stdin: grade, print
    one JSON line."""
    import logging
    import warnings

    warnings.simplefilter("ignore")  # nbgrader counts anything on a grade cell's stderr as an error
    logging.disable(logging.WARNING)
    from autograder.grading.engine import grade_derived

    (path,) = argv if argv is not None else sys.argv[1:]
    data = json.loads(sys.stdin.read())
    result = grade_derived(path, data["assignment"], data["student"], data["variant"], int(data["seed"]))
    print(json.dumps({
        "tests": {t["name"]: t["status"] for t in result["tests"]},
        "questions": {name: q["score"] for name, q in result["questions"].items()},
        "error": result["error"],
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
