"""Grade where the course secret is not: a task the client derives, and the worker's side of it.

The client (which holds the secret) turns one submission into a *task*: plain data with the
submission's bytes, the student's variant and hidden seed -- what
:func:`~autograder.grading.engine.grade_submission` would derive from the secret -- and nothing that
lets anyone derive another student's. A worker on another machine grades the task with
:func:`~autograder.grading.engine.grade_derived`, from a private copy of the bytes in its own scratch
folder (no shared filesystem), and returns a ``done`` message shaped like a local pool worker's
(:mod:`autograder.batch.worker`). The secret is never in a task, so it never reaches a worker.

Task: ``{"job", "assignment", "student", "source", "suffix", "hash", "data", "variant", "seed"}``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
import traceback
from pathlib import Path

from autograder.grading.engine import grade_derived
from autograder.variants import hidden_seed, variant

TASK_KEYS = frozenset({"job", "assignment", "student", "source", "suffix", "hash", "data", "variant", "seed"})


def make_task(job: dict, data: bytes, secret: bytes) -> dict:
    """The task of batch ``job`` (``job, assignment, student, source, hash`` and the ``path`` it was
    read from) whose bytes are ``data``. Client side: the only place ``secret`` is used."""
    assignment, student = job["assignment"], job["student"]
    suffix = Path(job.get("path") or job.get("source") or "").suffix
    return {
        "job": job["job"],
        "assignment": assignment,
        "student": student,
        "source": job.get("source") or f"{student}{suffix}",
        "suffix": suffix if suffix in (".ipynb", ".py") else ".py",
        "hash": job["hash"],
        "data": bytes(data),
        "variant": variant(assignment, student, secret),
        "seed": hidden_seed(assignment, student, secret),
    }


def _private_copy(task: dict, scratch: str) -> Path:
    """The task's bytes in a fresh file under ``scratch``, named by the suffix alone (a student's file
    name never becomes a path on the worker)."""
    folder = Path(tempfile.mkdtemp(dir=scratch))
    copy = folder / f"submission{task['suffix']}"
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(task["data"])
    return copy


def grade_task(task: dict, *, sandbox=None, timeout: float | None = None, scratch: str, engine=None) -> dict:
    """Grade ``task`` in ``sandbox`` (worker side); the ``done`` message: ``job, status, result, error,
    duration_s, maxrss_kb``. Never raises for a grader fault: it becomes a ``grader-error``.

    ``engine`` replaces :func:`~autograder.grading.engine.grade_derived` (same signature; tests).
    """
    from autograder.batch.worker import _maxrss_kb, _one_thread, _relabel

    engine = engine or grade_derived
    kwargs = {"sandbox": sandbox} if timeout is None else {"sandbox": sandbox, "timeout": timeout}
    start = time.perf_counter()
    result, error, copy = None, None, None
    try:
        if set(task) != TASK_KEYS:
            raise ValueError(f"not a deepgrade task: keys {sorted(task)}")
        if hashlib.sha256(task["data"]).hexdigest() != task["hash"]:
            raise ValueError(f"{task['source']}: the bytes received do not have the hash the client sent")
        copy = _private_copy(task, scratch)
        result = engine(str(copy), task["assignment"], task["student"], dict(task["variant"]), int(task["seed"]),
                        **kwargs)  # fmt: skip
        result = _relabel(result, copy, task["source"])
        status = "error" if result.get("error") else "graded"
    except Exception:  # a grader-side failure: the engine never raises for student faults
        result, status = None, "grader-error"
        error = "the grader failed on this submission:\n" + traceback.format_exc(limit=8)
    finally:
        if copy is not None:
            shutil.rmtree(copy.parent, ignore_errors=True)
    _one_thread()  # a hidden suite may have imported torch
    return {
        "kind": "done",
        "job": task.get("job"),
        "status": status,
        "result": result,
        "error": error,
        "duration_s": time.perf_counter() - start,
        "maxrss_kb": _maxrss_kb(),
    }
