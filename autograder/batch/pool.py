"""A pool of grading workers that streams results back as they finish.

Each worker is a ``spawn``-ed process (:mod:`autograder.batch.worker`) holding one job at a time,
so when a worker dies the pool knows exactly which submission it was grading. That submission is
retried once on a fresh worker; if the second try dies too, the pool yields a ``grader-error``
result for it and the batch goes on. A worker busy on one job for longer than ``watchdog_s`` is
killed and counts as died. A grading that raised (a grader-side failure, reported by the worker,
which then starts a fresh sandbox) is also tried once more. Workers that cannot start at all stop the batch with :class:`PoolError`.
"""

from __future__ import annotations

import multiprocessing as mp
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from autograder.batch.worker import recv, send, worker_main

MAX_TRIES = 2  # a submission whose worker dies is tried once more


class PoolError(RuntimeError):
    """The workers cannot run at all (e.g. the grading engine fails to import)."""


@dataclass
class _Worker:
    proc: mp.process.BaseProcess
    conn: object
    ready: bool = False
    job: dict | None = None
    busy_since: float = 0.0
    info: dict = field(default_factory=dict)


class WorkerPool:
    """``n`` workers grading with ``secret``. Use it as a context manager; :meth:`run` may be
    called several times (for several assignments) and the workers, with their sandboxes, stay.

    ``timeout`` bounds each cell and call of student code (the sandbox's defaults otherwise);
    ``hide`` names paths the students' processes must not see (the submissions, the gradebook,
    the secret file), beyond what the sandbox always hides.
    """

    def __init__(
        self,
        n: int,
        secret: bytes,
        *,
        timeout: float | None = None,
        hide: tuple[str, ...] = (),
        watchdog_s: float = 600.0,
        on_worker: Callable[[dict], None] | None = None,
        engine: str | None = None,
    ):
        if n < 1:
            raise ValueError(f"workers must be at least 1; got {n}")
        self.n, self.secret, self.timeout, self.hide = n, secret, timeout, tuple(str(p) for p in hide)
        self.watchdog_s, self.engine = watchdog_s, engine
        self.on_worker = on_worker or (lambda info: None)
        self._ctx = mp.get_context("spawn")
        self._workers: list[_Worker] = []
        self._startup_failures = 0
        self.crashes = 0

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=worker_main,
            args=(child, self.secret, self.timeout, self.hide, self.engine),
            name="deepgrade-worker",
        )
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        self._workers.append(w)
        return w

    def run(self, jobs: list[dict]) -> Iterator[dict]:
        """Grade ``jobs`` (dicts with ``job, path, assignment, student, source``); yield each ``done``
        message as it arrives. A job whose worker died twice yields a ``grader-error`` message.
        """
        pending = deque((dict(j), 1) for j in jobs)
        tries: dict[object, int] = {}
        outstanding = len(pending)
        try:
            while len(self._workers) < min(self.n, outstanding):
                self._start()
            while outstanding:
                for w in self._workers:
                    if w.ready and w.job is None and pending:
                        job, attempt = pending.popleft()
                        tries[job["job"]] = attempt
                        w.job, w.busy_since = job, time.monotonic()
                        try:
                            send(w.conn, {"kind": "grade", **job})
                        except OSError:
                            pass  # the worker just died: _poll sees it and the job is tried again
                objs = [w.conn for w in self._workers] + [w.proc.sentinel for w in self._workers]
                wait(objs, timeout=1.0)
                for w in list(self._workers):
                    dead, message = self._poll(w)
                    if message is not None and message["kind"] == "done" and w.job is not None:
                        if message["job"] != w.job["job"]:
                            continue  # not the job this worker holds: cannot happen; never trust it
                        job, w.job = w.job, None
                        if message["status"] == "grader-error" and tries[job["job"]] < MAX_TRIES:
                            pending.appendleft((job, tries[job["job"]] + 1))  # once more
                        else:
                            outstanding -= 1
                            yield message
                    if not dead:
                        continue
                    self._workers.remove(w)
                    self._reap(w)
                    if not w.ready:
                        self._startup_failures += 1
                        if self._startup_failures >= 3:
                            raise PoolError(
                                f"grading workers die at start (exit code {w.proc.exitcode}); their "
                                "errors are above. Workers are spawned: a script that starts a batch "
                                "needs `if __name__ == '__main__':` around it"
                            )
                    if w.job is not None:
                        self.crashes += 1
                        job, attempt = w.job, tries[w.job["job"]]
                        if attempt < MAX_TRIES:
                            pending.appendleft((job, attempt + 1))
                        else:
                            outstanding -= 1
                            yield self._crashed(job, w)
                    if len(self._workers) < min(self.n, outstanding):
                        self._start()
        finally:
            # a run left early (the consumer raised or stopped) leaves workers busy on its jobs
            for w in [w for w in self._workers if w.job is not None]:
                self._workers.remove(w)
                w.proc.kill()
                self._reap(w)

    def _poll(self, w: _Worker) -> tuple[bool, dict | None]:
        """(whether ``w`` is dead, the message it sent if any). Handles ready/fatal/watchdog."""
        try:
            if w.conn.poll():
                message = recv(w.conn)
                if message["kind"] == "ready":
                    w.ready, w.info = True, message
                    self.on_worker(message)
                    return False, None
                if message["kind"] == "fatal":
                    raise PoolError("a grading worker could not start:\n" + message["message"])
                return False, message
        except (EOFError, OSError):
            return True, None
        if not w.proc.is_alive():
            return True, None
        if w.job is not None and time.monotonic() - w.busy_since > self.watchdog_s:
            w.proc.kill()
            w.info["watchdog"] = True
            return True, None
        return False, None

    @staticmethod
    def _reap(w: _Worker) -> None:
        w.proc.join(timeout=5)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join(timeout=5)
        w.conn.close()

    def _crashed(self, job: dict, w: _Worker) -> dict:
        why = (
            f"ran longer than {self.watchdog_s:g} s"
            if w.info.get("watchdog")
            else f"died (exit code {w.proc.exitcode})"
        )
        return {
            "kind": "done",
            "job": job["job"],
            "status": "grader-error",
            "result": None,
            "error": (
                f"the grading worker {why} on this submission, twice; it is not the student's fault "
                "and the next grade-batch run grades it again"
            ),
            "duration_s": None,
            "maxrss_kb": None,
        }

    def close(self) -> None:
        """Stop every worker: ask politely, then kill what is still running."""
        for w in self._workers:
            try:
                send(w.conn, {"kind": "stop"})
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 10
        for w in self._workers:
            w.proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=5)
            w.conn.close()
        self._workers.clear()
