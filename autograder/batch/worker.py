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
"assignment", "student", "source"}`` and ``{"kind": "stop"}``.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import time
import traceback

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


def _grade(grade_submission, sandbox, job: dict, secret: bytes, timeout) -> dict:
    sandbox = None if isinstance(sandbox, contextlib.nullcontext) else sandbox
    kwargs = {"sandbox": sandbox} if timeout is None else {"sandbox": sandbox, "timeout": timeout}
    start = time.perf_counter()
    error = None
    try:
        result = grade_submission(job["path"], job["assignment"], job["student"], secret, **kwargs)
        status = "error" if result.get("error") else "graded"
    except Exception:  # a grader-side failure: the engine never raises for student faults
        result, status = None, "grader-error"
        error = "the grader failed on this submission:\n" + traceback.format_exc(limit=8)
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
            done = _grade(grade_submission, sandbox, job, secret, timeout)
            if done["status"] == "grader-error" and engine is None:
                # the sandbox may be what broke: the next submission gets a fresh one
                sandbox.__exit__(None, None, None)
                sandbox = Sandbox(sandbox_config(timeout, hide))
                sandbox.__enter__()
            send(conn, done)
    finally:
        sandbox.__exit__(None, None, None)
