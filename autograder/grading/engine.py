"""Grade one submission, top-down: load -> run isolated -> hidden suite -> score.

``grade_submission`` never raises for a student's fault: an unreadable or corrupt submission, a
missing function, an exception, a crash or a timeout all become failed tests with a message. It
raises ``ValueError`` for grader-side misuse (unknown assignment id, invalid student id, empty
secret) and lets grader faults (a hidden suite that does not load) propagate.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from pathlib import Path

from autograder.grading.plugin import GradingContext
from autograder.grading.runner import run_suite
from autograder.grading.score import all_failed, score
from autograder.grading.text import clean
from autograder.manifest import load_manifest
from autograder.variants import check_student_id, hidden_seed, variant


class _TimedStudent:
    """A StudentProcess whose calls use at most one time limit (when the sandbox was made elsewhere); a
    suite's shorter, reference-scaled limit still applies."""

    takes_call_limit = True

    def __init__(self, proc, timeout: float):
        self._proc = proc
        self._timeout = timeout

    def call(self, name, *args, **kwargs):
        limit = kwargs.pop("timeout", None)
        limit = self._timeout if limit is None else min(limit, self._timeout)
        return self._proc.call(name, *args, timeout=limit, **kwargs)

    def fresh(self):
        return _TimedStudent(self._proc.fresh(), self._timeout)

    def __getattr__(self, name):
        return getattr(self._proc, name)


def _cell_warnings(proc) -> list[str]:
    """One line per cell of the submission that raised while it ran."""
    out = []
    for i, r in enumerate(getattr(proc, "cell_results", None) or ()):
        error = r.get("error") if isinstance(r, dict) else getattr(r, "error", None)
        if error:
            index = (r.get("index") if isinstance(r, dict) else getattr(r, "index", None))
            index = i if index is None else index
            last = str(error).strip().splitlines()[0] if str(error).strip() else "an error"
            out.append(f"cell {index} raised {last[:300]}")
    return out


def code_digest(submission) -> bytes:
    """sha256 of the code the submission runs (its cells' positions and sources; outputs and markdown
    do not count), so re-saving a notebook keeps its grade and any change of code draws new inputs."""
    h = hashlib.sha256(b"deepgrade/code/v1")
    for cell in submission.cells:
        source = cell.source.encode("utf-8", "surrogatepass")
        h.update(f"{cell.index}:{len(source)}:".encode() + source)
    return h.digest()


def grading_seed(student_seed: int, submission) -> int:
    """The seed of one grading's hidden inputs: the student's hidden seed (from the course secret) mixed
    with the submission's code, so an input printed in feedback is useless to the next submission."""
    digest = hashlib.sha256(student_seed.to_bytes(32, "big") + code_digest(submission)).digest()
    return int.from_bytes(digest[:8], "big") >> 1


GIVEN_CELL_INDEX = -1  # the grader's cell runs before the notebook's first cell (index 0)


def with_grader_given(submission, assignment_id: str):
    """``submission`` with a first cell that installs the grader's copy of the assignment's given module
    (``<id>_given``) in ``sys.modules``: ``import <id>_given`` in the student's cells gets it, never a file
    of theirs. The module's text is read here, on the trusted side, from deepgrade's own sources."""
    import dataclasses

    from autograder.generate.given import grader_cell
    from autograder.sandbox import Cell

    source = grader_cell(assignment_id)
    if source is None:
        return submission
    return dataclasses.replace(submission, cells=[Cell(GIVEN_CELL_INDEX, source), *submission.cells])


def _sandbox_warnings(sandbox) -> list[str]:
    return [str(w) for w in (getattr(sandbox, "warnings", None) or ())]


def grade_submission(path, assignment_id: str, student_id: str, secret: bytes, *, sandbox=None,
                     timeout: float | None = None) -> dict:
    """Grade the submission at ``path`` for ``student_id``'s variant of ``assignment_id``.

    Inputs:
    - path: a ``.ipynb`` or ``.py`` submission
    - assignment_id: one of ``autograder.manifest.ASSIGNMENT_IDS``
    - student_id: the id the variant and the hidden seed are derived from
    - secret: the course secret (bytes)
    - sandbox: an entered :class:`~autograder.sandbox.Sandbox` to reuse (a batch worker's); when
      None a fresh one is created and closed here
    - timeout: seconds allowed per call of a student function (default: the sandbox's)
    Returns:
    - dict with ``assignment``, ``student``, ``score``, ``max_score``, ``tests`` (list of {name,
      question, score, max_score, status, output}), ``questions`` ({name: {title, score,
      max_score}}), ``variant``, ``warnings`` (list of str), ``error`` (None or why nothing could be
      graded) and ``duration_s``
    """
    load_manifest(assignment_id)
    check_student_id(student_id)
    if not isinstance(secret, bytes) or not secret:
        raise ValueError("secret must be the course secret as non-empty bytes")
    return grade_derived(path, assignment_id, student_id, variant(assignment_id, student_id, secret),
                         hidden_seed(assignment_id, student_id, secret), sandbox=sandbox, timeout=timeout)


def grade_derived(path, assignment_id: str, student_id: str, variant_params: dict, student_seed: int, *,
                  sandbox=None, timeout: float | None = None) -> dict:
    """:func:`grade_submission` from what the course secret derives, for a grader that must not hold
    the secret (a cluster worker): ``variant_params`` is ``variant(assignment_id, student_id, secret)``
    and ``student_seed`` is ``hidden_seed(assignment_id, student_id, secret)``; the rest as there.
    """
    manifest = load_manifest(assignment_id)
    check_student_id(student_id)
    if timeout is not None and not timeout > 0:
        raise ValueError(f"timeout is {timeout!r}; expected a positive number of seconds")
    start = time.perf_counter()
    result = {
        "assignment": assignment_id,
        "student": student_id,
        "variant": variant_params,
        "warnings": [],
        "error": None,
    }

    from autograder import sandbox as sb

    def unloadable(message: str) -> dict:
        message = clean(message)
        result.update(all_failed(manifest, f"Your submission could not be graded: {message}"))
        result["error"] = message
        result["duration_s"] = round(time.perf_counter() - start, 4)
        return result

    with contextlib.ExitStack() as stack:
        if sandbox is None:
            config = sb.SandboxConfig() if timeout is None else sb.SandboxConfig(call_timeout=timeout)
            sandbox = stack.enter_context(sb.Sandbox(config))
            timed = False
        else:
            timed = timeout is not None
        try:
            submission = sb.load_submission(Path(path), sandbox=sandbox)
        except sb.SubmissionError as exc:
            return unloadable(str(exc))
        result["warnings"] += [clean(w) for w in (getattr(submission, "warnings", None) or ())]
        result["warnings"] += _sandbox_warnings(sandbox)
        try:
            proc = sandbox.start(with_grader_given(submission, assignment_id))
        except (sb.SubmissionError, sb.StudentError) as exc:
            return unloadable(getattr(exc, "message", None) or str(exc))
        stack.callback(proc.close)
        result["warnings"] += [clean(w) for w in _cell_warnings(proc)]
        student = _TimedStudent(proc, timeout) if timed else proc
        seed = grading_seed(student_seed, submission)
        context = GradingContext(student, dict(result["variant"]), seed, manifest, timeout)
        outcomes = run_suite(assignment_id, context)
        result["warnings"] += [clean(w) for w in getattr(proc, "output_warnings", ())]  # calls print too
    result.update(score(manifest, outcomes))
    result["duration_s"] = round(time.perf_counter() - start, 4)
    return result
