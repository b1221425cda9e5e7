"""Results files for learning platforms, from the dict ``grade_submission`` returns.

- Gradescope (autograder ``results.json``, https://gradescope-autograders.readthedocs.io/en/latest/specs/):
  top-level ``score`` and ``output``; one entry in ``tests`` per hidden test with ``name``,
  ``score``, ``max_score``, ``status`` ("passed" or "failed": Gradescope knows no third status, so
  our "error" becomes "failed"), ``output`` and ``visibility``. The total and the per-question
  summary are ``visible`` at once; each hidden test's details are shown ``after_published`` (when the
  instructor publishes grades) unless the caller picks another of ``GRADESCOPE_VISIBILITIES``. The
  grader's own log (``stdout_visibility``) is for course staff only.
- PrairieLearn (external grader ``results.json``,
  https://prairielearn.readthedocs.io/en/latest/externalGrading/#grading-results): ``gradable``,
  ``score`` as a fraction in [0, 1], ``message``, ``output`` and ``tests`` with ``name``,
  ``points``, ``max_points``, ``message``, ``output``. A submission that could not be loaded at all
  is ``gradable: false`` with ``format_errors``, so the student is not charged an attempt.

Every text a student could have shaped (error, warnings, test outputs) is cleaned of control
characters (:func:`autograder.grading.text.clean`), and Gradescope is told to show it as plain text
(``output_format: text``), so no markdown or HTML in an exception message renders there.

Files are written atomically (a temporary file renamed into place), so a reader never sees half
a file and whatever stood at that path before -- a student's fake results file, say -- is replaced.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from autograder.grading.text import clean


def summary(result: dict) -> str:
    """A few lines for the whole submission: total, per-question scores, error and warnings."""
    lines = [f"{clean(result['assignment'])}: {_num(result['score'])} / {_num(result['max_score'])} points"]
    for name, q in result.get("questions", {}).items():
        lines.append(f"  {clean(name)}: {_num(q['score'])} / {_num(q['max_score'])}")
    if result.get("error"):
        lines.append(f"Your submission could not be graded: {clean(result['error'])}")
    for w in result.get("warnings") or ():
        lines.append(f"Warning: {clean(w)}")
    return "\n".join(lines)


def _num(x: float) -> str:
    return f"{x:.4g}" if isinstance(x, float) and not float(x).is_integer() else str(int(x))


def _test_name(test: dict) -> str:
    return clean(f"{test['question']}: {test['name']}")


GRADESCOPE_VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")  # Gradescope's, strictest first


def to_gradescope(result: dict, visibility: str = "visible", test_visibility: str = "after_published",
                  output: str | None = None) -> dict:
    """Gradescope's results.json for one graded submission.

    ``visibility`` applies to the whole result (score and summary), ``test_visibility`` to each hidden
    test's entry (its name, points and feedback); ``output`` replaces the summary text when given.
    """
    for name, value in (("visibility", visibility), ("test_visibility", test_visibility)):
        if value not in GRADESCOPE_VISIBILITIES:
            raise ValueError(f"{name} is {value!r}; Gradescope knows {', '.join(GRADESCOPE_VISIBILITIES)}")
    results = {
        "score": result["score"],
        "output": summary(result) if output is None else output,
        "output_format": "text",
        "test_output_format": "text",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": _test_name(t),
                "score": t["score"],
                "max_score": t["max_score"],
                "status": "passed" if t["status"] == "passed" else "failed",
                "output": clean(t["output"]),
                "output_format": "text",
                "visibility": test_visibility,
            }
            for t in result["tests"]
        ],
        "extra_data": {"assignment": result["assignment"], "student": result["student"],
                       "max_score": result["max_score"]},
    }
    if result.get("duration_s") is not None:
        results["execution_time"] = max(1, round(float(result["duration_s"])))  # whole seconds
    return results


def to_prairielearn(result: dict) -> dict:
    """PrairieLearn's external-grader results.json for one graded submission."""
    if result.get("error"):
        return {"gradable": False, "format_errors": [clean(result["error"])], "message": summary(result)}
    max_score = result["max_score"]
    return {
        "gradable": True,
        "score": min(1.0, max(0.0, result["score"] / max_score)) if max_score else 0.0,
        "message": summary(result),
        "output": "\n".join(clean(w) for w in result.get("warnings") or ()),
        "tests": [
            {
                "name": _test_name(t),
                "points": t["score"],
                "max_points": t["max_score"],
                "message": clean(t["output"]).splitlines()[0] if clean(t["output"]) else t["status"],
                "output": clean(t["output"]),
            }
            for t in result["tests"]
        ],
    }


def write_json(path, data: dict) -> Path:
    """Write ``data`` as JSON at ``path`` atomically; returns the path."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; expected a file path for the results")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return path


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
