"""One grading worker: a spawned process that owns ONE sandbox and grades submission after submission.

The parent sends jobs and receives results over a ``multiprocessing`` pipe as JSON bytes (no
pickle on the channel). The worker limits torch and BLAS to one thread before anything imports
them (a forked child of a multi-threaded torch process hangs otherwise, and two workers on two
cores should not oversubscribe), starts its :class:`~autograder.sandbox.Sandbox` once and reuses
its fork-server for every submission. It exits on ``stop`` or when the parent's end of the pipe
closes (the parent died), leaving the sandbox through its context manager.

Messages, worker -> parent: ``{"kind": "ready", "pid", "protections", "warnings"}``,
``{"kind": "fatal", "message"}`` (cannot start), ``{"kind": "done", "job", "status", "result",
"error", "duration_s", "maxrss_kb"}``. Parent -> worker: ``{"kind": "grade", "job", "path",
"assignment", "student", "source", "root", "hash"}`` and ``{"kind": "stop"}``.

A job with a ``hash`` is graded from a private copy: the worker reads ``path`` again without following
links (:func:`~autograder.batch.layout.read_regular_file`, below ``root``), checks that the bytes
still have the hash the scan recorded, and writes them to its own scratch folder (hidden from
students), so what is graded is exactly what was hashed, even if the file is swapped for a link
in between. Messages that name the copy name the submission's ``source`` instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")


def send(conn, message: dict) -> None:
    conn.send_bytes(json.dumps(message, default=str).encode("utf-8"))


def recv(conn) -> dict:
    return json.loads(conn.recv_bytes().decode("utf-8"))


def _one_thread() -> None:
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != 1:
        torch.set_num_threads(1)


def _maxrss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


class _Refused(Exception):
    """A job that is not graded: ``status`` and the ``message`` recorded for it."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def _private_copy(job: dict, scratch: str) -> Path:
    """The job's bytes, checked against its hash, in a fresh file under ``scratch``."""
    from autograder.batch.layout import SubmissionFileError, read_regular_file

    source = job.get("source") or Path(job["path"]).name
    try:
        data = read_regular_file(job["path"], under=job.get("root"))
    except SubmissionFileError as exc:
        raise _Refused("error", str(exc)) from None
    except OSError as exc:
        raise _Refused("error", f"cannot read {source} ({exc.strerror or exc})") from None
    if hashlib.sha256(data).hexdigest() != job["hash"]:
        raise _Refused("grader-error", f"{source} changed while the batch ran; the next grade-batch run grades it")
    folder = Path(tempfile.mkdtemp(dir=scratch))
    copy = folder / Path(job["path"]).name
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return copy


def _relabel(result, copy: Path, source: str):
    """``result`` with the private copy's path replaced by the submission's ``source`` in its messages."""
    if not isinstance(result, dict):
        return result
    old, new = str(copy), source

    def fix(x):
        return x.replace(old, new) if isinstance(x, str) else x

    result["error"] = fix(result.get("error"))
    if isinstance(result.get("warnings"), list):
        result["warnings"] = [fix(w) for w in result["warnings"]]
    for t in result.get("tests") or ():
        if isinstance(t, dict):
            t["output"] = fix(t.get("output"))
    return result


def _grade(grade_submission, sandbox, job: dict, secret: bytes, timeout, scratch: str | None = None) -> dict:
    sandbox = None if isinstance(sandbox, contextlib.nullcontext) else sandbox
    kwargs = {"sandbox": sandbox} if timeout is None else {"sandbox": sandbox, "timeout": timeout}
    start = time.perf_counter()
    error, copy = None, None
    try:
        if job.get("hash") is not None and scratch is not None:
            copy = _private_copy(job, scratch)
        path = str(copy) if copy is not None else job["path"]
        result = grade_submission(path, job["assignment"], job["student"], secret, **kwargs)
        if copy is not None:
            result = _relabel(result, copy, job.get("source") or copy.name)
        status = "error" if result.get("error") else "graded"
    except _Refused as refused:
        result, status, error = None, refused.status, refused.message
    except Exception:  # a grader-side failure: the engine never raises for student faults
        result, status = None, "grader-error"
        error = "the grader failed on this submission:\n" + traceback.format_exc(limit=8)
    finally:
        if copy is not None:
            shutil.rmtree(copy.parent, ignore_errors=True)
    duration = time.perf_counter() - start
    _one_thread()  # a hidden suite may have imported torch
    return {
        "kind": "done",
        "job": job["job"],
        "status": status,
        "result": result,
        "error": error,
        "duration_s": duration,
        "maxrss_kb": _maxrss_kb(),
    }


def _send_done(conn, done: dict) -> None:
    """Send a ``done`` message; a result that cannot be encoded becomes that job's grader-error."""
    try:
        data = json.dumps(done, default=str).encode("utf-8")
    except Exception:  # a result JSON cannot hold (circular, surrogates...): the job fails, not the worker
        data = json.dumps({**done, "status": "grader-error", "result": None,
                           "error": "the grader's result could not be sent:\n" + traceback.format_exc(limit=4)},
                          default=str).encode("utf-8", "backslashreplace")  # fmt: skip
    conn.send_bytes(data)


def load_engine(spec: str):
    """The function named by ``"package.module:function"`` or ``"/path/to/file.py:function"``."""
    import importlib
    import importlib.util

    where, _, name = spec.rpartition(":")
    if where.endswith(".py"):
        loader_spec = importlib.util.spec_from_file_location("deepgrade_engine", where)
        module = importlib.util.module_from_spec(loader_spec)
        loader_spec.loader.exec_module(module)
    else:
        module = importlib.import_module(where)
    return getattr(module, name)


def sandbox_config(timeout: float | None, hide: tuple[str, ...]):
    """The worker's :class:`~autograder.sandbox.SandboxConfig`: ``timeout`` bounds each call and
    each cell of student code; ``hide`` adds paths the student's process must not see."""
    from autograder.sandbox import SandboxConfig

    limits = {} if timeout is None else {"call_timeout": timeout, "cell_timeout": timeout}
    return SandboxConfig(hide=tuple(hide), **limits)


def worker_main(
    conn, secret: bytes, timeout: float | None, hide: tuple[str, ...] = (), engine: str | None = None
) -> None:
    """Entry point of a spawned worker (see the module docstring).

    ``engine`` replaces :func:`autograder.grading.grade_submission` (a spec for :func:`load_engine`);
    such an engine gets ``sandbox=None``. Tests and benchmarks use it; grading never does.
    """
    for name in THREAD_ENV:
        os.environ[name] = "1"
    scratch = tempfile.mkdtemp(prefix="deepgrade-worker-")  # private copies of submissions
    hide = (*hide, scratch)
    try:
        if engine is None:
            from autograder.grading import grade_submission
            from autograder.sandbox import Sandbox

            _one_thread()
            sandbox = Sandbox(sandbox_config(timeout, hide))
        else:
            grade_submission, sandbox = load_engine(engine), contextlib.nullcontext()
        sandbox.__enter__()
    except BaseException:
        send(conn, {"kind": "fatal", "message": traceback.format_exc(limit=6)})
        shutil.rmtree(scratch, ignore_errors=True)
        return
    try:
        send(conn, {
            "kind": "ready",
            "pid": os.getpid(),
            "protections": getattr(sandbox, "protections", None),
            "warnings": list(getattr(sandbox, "warnings", None) or []),
        })  # fmt: skip
        while True:
            try:
                job = recv(conn)
            except (EOFError, OSError):
                break  # the parent is gone
            if job.get("kind") != "grade":
                break
            done = _grade(grade_submission, sandbox, job, secret, timeout, scratch)
            if done["status"] == "grader-error" and engine is None:
                # the sandbox may be what broke: the next submission gets a fresh one
                sandbox.__exit__(None, None, None)
                sandbox = Sandbox(sandbox_config(timeout, hide))
                sandbox.__enter__()
            _send_done(conn, done)
    finally:
        sandbox.__exit__(None, None, None)
        shutil.rmtree(scratch, ignore_errors=True)
