"""Grade a batch on a dask.distributed cluster: the client keeps the secret, workers keep a sandbox.

:class:`DaskPool` has the interface of :class:`~autograder.batch.pool.WorkerPool` that
:func:`~autograder.batch.runner.run_batch` uses (``run(jobs)`` yields ``done`` messages, ``on_worker``,
``crashes``, ``close``), so the batch's scan, skip and record steps are the same: results come back
as plain data and only the client writes the gradebook, one transaction per submission.

* **Where**: ``"tcp://host:8786"`` joins a running scheduler; ``"local:N"`` starts a ``LocalCluster``
  of N single-threaded worker processes (non-daemonic, so they may start sandboxes).
* **Secret**: the client reads each submission (without following links, checking the scan's hash)
  just before it sends it, and sends a task from :func:`~autograder.grading.remote.make_task`: the
  bytes, the variant and the hidden seed. No task and no plugin carries the secret.
* **Warm sandboxes**: :class:`SandboxPlugin` gives each worker one sandbox (fork server), started on
  its first task and kept for its life; a grader-error replaces it. Tasks on one worker take turns.
* **Same grader**: a grade computed by a worker whose :func:`~autograder.batch.runner.grader_version`
  differs from the client's is refused (that submission's ``grader-error``), never recorded.
* **Streaming**: at most ``max_in_flight`` tasks (so as many submissions' bytes) are out at once, and
  dask's low-level logs, which would keep the last 1,000 messages of each connection (each with a
  submission's bytes), keep :data:`LOG_LENGTH` while the pool runs.
* **Faults**: a worker that dies mid-task has the task rescheduled by dask on another worker; a task
  that has killed ``tries`` workers is given up (dask's ``KilledWorker``) and yields a
  ``grader-error`` for that submission; the batch goes on. A grading that raised is tried once more.
  For ``local:N`` this module sets the scheduler's ``allowed-failures`` to ``tries - 1`` and its
  ``worker-saturation`` to 1.0 (a worker holds only the task it runs, so an innocent task queued
  behind a killer is not blamed); a running scheduler uses its own settings (see the README).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator

from distributed.diagnostics.plugin import WorkerPlugin

from autograder.batch.layout import SubmissionFileError, read_regular_file
from autograder.batch.pool import MAX_TRIES, PoolError
from autograder.batch.runner import grader_version, parse_cluster
from autograder.batch.worker import THREAD_ENV, _Refused, load_engine, sandbox_config
from autograder.grading import remote

PLUGIN = "deepgrade-sandbox"
LOG_LENGTH = 20  # dask's low-level logs (recent messages per connection, transitions) while a pool runs


class SandboxPlugin(WorkerPlugin):
    """The worker side: one warm sandbox per dask worker, created on its first task and kept until
    teardown. Only ``timeout``, ``hide`` and ``engine`` travel to the workers (no secret)."""

    name = PLUGIN

    def __init__(self, timeout: float | None = None, hide: tuple[str, ...] = (), engine: str | None = None):
        self.timeout, self.hide, self.engine = timeout, tuple(hide), engine

    def setup(self, worker=None) -> None:
        for name in THREAD_ENV:
            os.environ[name] = "1"
        self._lock = threading.Lock()
        self._sandbox = None
        self._engine = load_engine(self.engine) if self.engine else None
        self.version = grader_version()  # the client refuses grades from another grader
        self.scratch = tempfile.mkdtemp(prefix="deepgrade-dask-")

    def teardown(self, worker=None) -> None:
        with self._lock:
            self._close()
            shutil.rmtree(self.scratch, ignore_errors=True)

    def _close(self) -> None:
        if self._sandbox is not None:
            sandbox, self._sandbox = self._sandbox, None
            sandbox.__exit__(None, None, None)

    def _warm(self):
        if self._sandbox is None and self._engine is None:
            from autograder.batch.worker import _one_thread
            from autograder.sandbox import Sandbox

            _one_thread()
            self._sandbox = Sandbox(sandbox_config(self.timeout, (*self.hide, self.scratch)))
            self._sandbox.__enter__()
        return self._sandbox

    def grade(self, task: dict) -> dict:
        with self._lock:  # one sandbox: the tasks of a multi-threaded worker take turns
            try:
                sandbox = self._warm()
            except Exception as exc:  # noqa: BLE001 -- this worker cannot grade: the task fails
                raise RuntimeError(f"the sandbox could not start on this worker: {exc}") from exc
            done = remote.grade_task(task, sandbox=sandbox, timeout=self.timeout, scratch=self.scratch,
                                     engine=self._engine)  # fmt: skip
            done["worker"] = {"pid": os.getpid(), "version": self.version,
                              "protections": getattr(sandbox, "protections", None),
                              "warnings": list(getattr(sandbox, "warnings", None) or [])}  # fmt: skip
            if done["status"] == "grader-error":
                self._close()  # the sandbox may be what broke: the next task gets a fresh one
            return done


def grade_on_worker(task: dict) -> dict:
    """The function every dask task runs: grade ``task`` with this worker's sandbox."""
    from distributed import get_worker

    worker = get_worker()
    sandbox_plugin = worker.plugins.get(PLUGIN)
    if sandbox_plugin is None:
        raise RuntimeError(f"worker {worker.address} has no {PLUGIN} plugin")
    done = sandbox_plugin.grade(task)
    done["worker"]["address"] = worker.address
    return done


class DaskPool:
    """Grade batch jobs on a dask cluster (see the module docstring). A context manager.

    ``cluster`` is ``local:N`` or a scheduler address; ``tries`` bounds how many workers one
    submission may kill (``local:N`` only); ``max_in_flight`` bounds the tasks out at once (default:
    twice the workers' threads, at least 4); ``engine`` replaces the grading engine (a
    :func:`~autograder.batch.worker.load_engine` spec of a ``grade_derived``-like function; tests).
    A scheduler is waited for ``connect_timeout`` seconds (default: dask's ``distributed.comm.timeouts.connect``)
    and its first worker ``worker_timeout`` seconds; then :class:`PoolError`.
    """

    def __init__(self, cluster: str, secret: bytes, *, timeout: float | None = None, hide: tuple[str, ...] = (),
                 tries: int = MAX_TRIES, max_in_flight: int | None = None, engine: str | None = None,
                 on_worker: Callable[[dict], None] | None = None, connect_timeout: float | None = None,
                 worker_timeout: float = 300.0):  # fmt: skip
        import dask
        from distributed import Client, LocalCluster

        kind, where = parse_cluster(cluster)
        if tries < 1:
            raise ValueError(f"tries must be at least 1; got {tries}")
        self.secret, self.max_in_flight = secret, max_in_flight
        self.on_worker = on_worker or (lambda info: None)
        self.crashes = 0
        self.version = grader_version()
        self._seen_workers: set[str] = set()
        self._lost: deque = deque()
        self._cluster = None
        # dask keeps the last messages of every connection for debugging (1,000 by default): here each
        # holds a submission's bytes, so the client's memory would grow with them. Kept few while we run.
        self._quiet = dask.config.set({"distributed.admin.low-level-log-length": LOG_LENGTH})
        self._quiet.__enter__()
        try:
            if kind == "local":
                with dask.config.set({"distributed.worker.daemon": False,  # workers start sandboxes
                                      "distributed.scheduler.allowed-failures": tries - 1,
                                      # one task per worker at a time: a dead worker's task is the culprit
                                      "distributed.scheduler.worker-saturation": 1.0}):  # fmt: skip
                    self._cluster = LocalCluster(
                        n_workers=where, threads_per_worker=1, processes=True, dashboard_address=":0",
                        silence_logs=logging.ERROR, env={name: "1" for name in THREAD_ENV},
                    )  # fmt: skip
                self.client = Client(self._cluster)
            else:
                wait = {} if connect_timeout is None else {"timeout": connect_timeout}
                self.client = Client(where, **wait)  # default: distributed.comm.timeouts.connect
                self.client.wait_for_workers(1, timeout=worker_timeout)
            self.client.register_plugin(SandboxPlugin(timeout, hide, engine), name=PLUGIN)
            self.client.subscribe_topic("all", self._on_event)
        except Exception as exc:
            self.close()
            if isinstance(exc, PoolError):
                raise
            raise PoolError(f"cannot use the dask cluster {cluster}: {type(exc).__name__}: {exc}") from exc

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _on_event(self, event) -> None:
        """Scheduler events (on the client's event loop): count workers lost while processing tasks."""
        _, msg = event
        if isinstance(msg, dict) and msg.get("action") == "remove-worker" and msg.get("processing-tasks"):
            if not msg.get("expected"):
                self._lost.append(msg.get("worker"))

    def _in_flight_limit(self) -> int:
        if self.max_in_flight:
            return self.max_in_flight
        threads = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
        return max(4, 2 * threads)

    def _submit(self, job: dict, attempt: int):
        try:
            data = read_regular_file(job["path"], under=job.get("root"))
        except SubmissionFileError as exc:
            raise _Refused("error", str(exc)) from None
        except OSError as exc:
            raise _Refused("error", f"cannot read {job['source']} ({exc.strerror or exc})") from None
        if hashlib.sha256(data).hexdigest() != job["hash"]:
            raise _Refused("grader-error", f"{job['source']} changed while the batch ran; the next grade-batch "
                                           "run grades it")  # fmt: skip
        task = remote.make_task(job, data, self.secret)
        key = f"deepgrade-{job['assignment']}-{job['student']}-{job['hash'][:12]}-{attempt}-{os.urandom(4).hex()}"
        return self.client.submit(grade_on_worker, task, key=key, pure=False, retries=0)

    def run(self, jobs: list[dict]) -> Iterator[dict]:
        """Grade ``jobs`` (run_batch's dicts: ``job, path, root, hash, assignment, student, source``);
        yield each ``done`` message as it arrives. Jobs are read one by one as room frees up."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        todo = iter(jobs)
        again: deque = deque()
        in_flight: dict = {}
        finished = as_completed()
        limit = self._in_flight_limit()
        try:
            while True:
                while len(in_flight) < limit:
                    job, attempt = again.popleft() if again else (next(todo, None), 1)
                    if job is None:
                        break
                    try:
                        future = self._submit(job, attempt)
                    except _Refused as refused:
                        yield _done(job, refused.status, refused.message)
                        continue
                    in_flight[future] = (job, attempt)
                    finished.add(future)
                if not in_flight:
                    break
                future = next(finished)
                job, attempt = in_flight.pop(future)
                self._count_lost()
                retry = attempt < MAX_TRIES
                try:
                    done = future.result()
                except KilledWorker as exc:  # dask already tried it on `tries` workers
                    retry = False
                    done = _done(job, "grader-error", (
                        f"grading this submission killed {exc.allowed_failures + 1} grading workers; it is "
                        "not the student's fault and the next grade-batch run grades it again"))  # fmt: skip
                except Exception as exc:  # noqa: BLE001 -- a worker-side failure outside the engine
                    done = _done(job, "grader-error", f"the grading task failed: {type(exc).__name__}: {exc}")
                finally:
                    future.release()
                theirs = (done.get("worker") or {}).get("version", self.version)
                if theirs != self.version:  # its grade would be recorded as this grader's: refused
                    retry = False
                    done = _done(job, "grader-error", (
                        f"worker {done['worker'].get('address')} runs {theirs}, not {self.version} as this "
                        "client does; install the same deepgrade on every worker"))  # fmt: skip
                if done.get("status") == "grader-error" and retry:
                    again.append((job, attempt + 1))  # a grading that raised: once more
                    continue
                self._note_worker(done)
                done["job"] = job["job"]
                yield done
        finally:
            self._count_lost()
            for future in in_flight:
                future.cancel()

    def _count_lost(self) -> None:
        while self._lost:
            self._lost.popleft()
            self.crashes += 1

    def _note_worker(self, done: dict) -> None:
        info = done.get("worker")
        if not isinstance(info, dict) or info.get("address") in self._seen_workers:
            return
        self._seen_workers.add(info.get("address"))
        try:
            self.on_worker({"kind": "ready", **info})
        except Exception:  # noqa: BLE001 -- a display problem loses no grade
            pass

    def worker_pids(self) -> dict[str, int]:
        """``{address: pid}`` of the cluster's workers (for tests and diagnostics)."""
        return self.client.run(os.getpid)

    def close(self) -> None:
        client, cluster = getattr(self, "client", None), self._cluster
        self.client, self._cluster = None, None
        if client is not None:
            try:
                client.unsubscribe_topic("all")  # else the scheduler reports our leaving to a closed client
                client.close()
            except Exception:  # noqa: BLE001 -- closing a cluster that is gone
                pass
        if cluster is not None:
            try:
                cluster.close()
            except Exception:  # noqa: BLE001
                pass
        quiet, self._quiet = getattr(self, "_quiet", None), None
        if quiet is not None:
            quiet.__exit__(None, None, None)


def _done(job: dict, status: str, error: str) -> dict:
    return {"kind": "done", "job": job["job"], "status": status, "result": None, "error": error,
            "duration_s": None, "maxrss_kb": None}  # fmt: skip
