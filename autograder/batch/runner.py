"""Grade a folder of submissions into the gradebook: scan -> skip what is graded -> grade -> record.

The parent process scans the folder (:mod:`autograder.batch.layout`), hashes every submission,
compares with the gradebook's current grades and hands the rest to a :class:`WorkerPool`. Each
result is recorded in its own committed transaction as soon as it arrives, so killing the batch at
any moment loses only the grades still being computed, and running it again grades just those.

One submission never stops the batch: whatever goes wrong with it -- reading it, grading it,
rendering its feedback, recording it -- becomes that submission's error (or grader-error) and the
next one is graded. Workers grade exactly the bytes the scan hashed (see :mod:`.worker`).
"""

from __future__ import annotations

import hashlib
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.batch import feedback
from autograder.batch.layout import Entry, scan
from autograder.batch.pool import PoolError, WorkerPool
from autograder.gradebook import Gradebook
from autograder.grading.text import clean
from autograder.manifest import check_assignment_id, load_manifest
from autograder.variants import variant


@dataclass(frozen=True)
class Outcome:
    """What happened to one student's submission in this batch (``status``: a gradebook status or
    ``skipped``, already graded from the same bytes)."""

    student: str
    source: str
    status: str
    score: float | None = None
    max_score: float | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None
    duration_s: float | None = None
    flags: tuple[str, ...] = ()  # the batch's own warnings (id mismatch, folder choice): first in warnings


@dataclass
class BatchReport:
    """The batch's outcomes in student order, plus what the folder held that was not graded."""

    assignment: str
    gradebook: Path
    outcomes: list[Outcome] = field(default_factory=list)
    ignored: tuple[str, ...] = ()
    workers: list[dict] = field(default_factory=list)
    crashes: int = 0
    older_version: int = 0  # skipped grades that an older grader version computed
    elapsed_s: float = 0.0
    peak_worker_rss_kb: int = 0

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def grader_version() -> str:
    """``deepgrade <version>+<fingerprint>``: the fingerprint hashes the grading engine and the
    reference, so grades made by a changed grader can be told apart."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        base = version("deepgrade")
    except PackageNotFoundError:
        base = "0+unknown"
    root = Path(__file__).resolve().parents[2]
    h = hashlib.sha256()
    # what decides a grade: the engine, the sandbox, the hidden suites, the reference, the given helpers
    # the grader installs (generate) and the manifests' points and variant spaces (templates)
    from autograder.folders import search_path

    for sub in ("autograder/grading", "autograder/sandbox", "autograder/suites", "autograder/generate",
                "autograder/variants.py", "autograder/manifest.py", "reference", *reversed(search_path())):
        top = root / sub  # the folders are absolute (the packaged copy in a wheel, else the checkout's; a course's)
        for p in sorted(top.rglob("*")) if top.is_dir() else [top]:
            if p.is_file() and p.suffix in (".py", ".toml", ".json") and "__pycache__" not in p.parts:
                h.update(p.relative_to(top.parent).as_posix().encode() + b"\0" + p.read_bytes())
    return f"deepgrade {base}+{h.hexdigest()[:12]}"


def _zero_result(assignment: str, student: str, secret: bytes, error: str) -> dict:
    """The result of a submission nothing could be graded of: every question at 0 points."""
    manifest = load_manifest(assignment)
    return {
        "assignment": assignment,
        "student": student,
        "score": 0.0,
        "max_score": manifest.max_score,
        "tests": [],
        "questions": {q.name: {"score": 0.0, "max_score": q.points} for q in manifest.questions},
        "variant": variant(assignment, student, secret),
        "warnings": [],
        "error": error,
    }


def _record(gb: Gradebook, e: Entry, status: str, result: dict, duration: float | None, *, assignment: str,
            version: str) -> Outcome:
    """Render ``e``'s feedback and record its grade (one transaction); the Outcome to report.
    Student-derived messages are stored cleaned of control characters."""
    result["warnings"] = [clean(w) for w in (*e.warnings, *(result.get("warnings") or []))]
    if result.get("error") is not None:
        result["error"] = clean(result["error"])
    for t in result.get("tests") or ():
        if isinstance(t, dict) and isinstance(t.get("output"), str):
            t["output"] = clean(t["output"])
    text = feedback.render(result, assignment=assignment, student=e.student, source=e.source, status=status)
    gb.record(
        assignment=assignment, student=e.student, content_hash=e.content_hash, source=e.source,
        result=result, status=status, feedback=text, grader_version=version, duration_s=duration,
    )  # fmt: skip
    return Outcome(
        e.student, e.source, status, result.get("score"), result.get("max_score"),
        tuple(result["warnings"]), result.get("error"), duration, e.warnings,
    )  # fmt: skip


def parse_cluster(spec: str) -> tuple[str, str | int]:
    """``("local", N)`` for ``local:N``, ``("scheduler", address)`` for ``tcp://...`` (and other
    dask protocols: ``tls://``, ``ucx://``, ``inproc://``). Raises ValueError otherwise."""
    if spec.startswith("local:"):
        n = spec.split(":", 1)[1]
        if not n.isdigit() or not 1 <= int(n) <= 256:
            raise ValueError(f"--cluster {spec}: expected local:N with N workers, 1 to 256")
        return "local", int(n)
    if "://" in spec:
        return "scheduler", spec
    raise ValueError(f"cluster {spec!r}: expected local:N or a scheduler address tcp://HOST:PORT")


def _dask_pool(cluster: str, secret: bytes, **options):
    """A :class:`~autograder.batch.dask_backend.DaskPool`; PoolError when dask is not installed."""
    try:
        from autograder.batch.dask_backend import DaskPool
    except ImportError as exc:
        raise PoolError(f"grading on dask needs the dask extra: pip install 'deepgrade[dask]' ({exc})") from None
    return DaskPool(cluster, secret, **options)


def run_batch(
    folder: str | Path,
    gradebook: str | Path,
    assignment: str,
    secret: bytes,
    *,
    workers: int = 2,
    regrade: bool = False,
    timeout: float | None = None,
    watchdog_s: float = 600.0,
    on_event: Callable[[str, object], None] | None = None,
    hide: tuple[str | Path, ...] = (),
    engine: str | None = None,
    pool: WorkerPool | None = None,
    cluster: str | None = None,
) -> BatchReport:
    """Grade every submission in ``folder`` for ``assignment`` into the SQLite ``gradebook``.

    ``on_event(kind, payload)`` reports progress: ``("plan", {"total", "to_grade", "skipped"})`` once,
    ``("worker", ready_message)`` per started worker, ``("outcome", Outcome)`` per submission.
    Raises ValueError for an unknown assignment, FileNotFoundError / NotADirectoryError for a bad
    folder, :class:`~autograder.gradebook.GradebookError` for a bad gradebook and
    :class:`~autograder.batch.pool.PoolError` when no worker can start. ``engine`` swaps the
    grading engine (see :func:`~autograder.batch.worker.worker_main`; for tests and benchmarks).
    The students' processes never see ``folder``, the gradebook or the paths in ``hide`` (give
    the secret file there). ``pool`` reuses running workers (whose secret must be ``secret``)
    across several batches; ``workers``, ``timeout``, ``hide``, ``watchdog_s`` and ``engine`` then
    come from the pool. ``cluster`` grades on dask.distributed instead of local processes
    (``"local:N"`` or a scheduler address ``"tcp://host:8786"``, see
    :mod:`~autograder.batch.dask_backend`; ``workers``, ``watchdog_s`` and ``engine`` do not apply);
    it then also emits ``("worker-done", {"address", "pid"})`` per graded submission.
    """
    check_assignment_id(assignment)
    if cluster is not None and engine is not None:
        raise ValueError("engine= replaces the local workers' engine; give a DaskPool(engine=...) as pool=")
    emit = on_event or (lambda kind, payload: None)
    start = time.monotonic()
    gradebook = Path(gradebook)
    layout = scan(folder, exclude=(gradebook,))
    report = BatchReport(assignment, gradebook, ignored=layout.ignored)
    version = grader_version()
    outcomes: dict[str, Outcome] = {}
    with Gradebook(gradebook, create=True) as gb:
        seen = gb.seen(assignment)
        todo: list[Entry] = []
        for e in layout.entries:
            prior = seen.get(e.student)
            if not regrade and prior and prior.content_hash == e.content_hash and prior.status != "grader-error":
                outcomes[e.student] = Outcome(e.student, e.source, "skipped")
                report.older_version += prior.grader_version != version
            else:
                todo.append(e)
        emit("plan", {"total": len(layout.entries), "to_grade": len(todo), "skipped": len(outcomes)})

        def record(e: Entry, status: str, result: dict, duration: float | None) -> None:
            try:
                o = _record(gb, e, status, result, duration, assignment=assignment, version=version)
            except Exception:  # noqa: BLE001 -- this submission's result cannot be stored as is
                why = "the grader could not record this submission:\n" + traceback.format_exc(limit=6)
                try:
                    o = _record(gb, e, "grader-error", _zero_result(assignment, e.student, secret, why), None,
                                assignment=assignment, version=version)
                except Exception:  # noqa: BLE001 -- not even that: reported, not recorded; the next run retries
                    o = Outcome(e.student, e.source, "grader-error", error=why, flags=e.warnings)
            outcomes[e.student] = o
            try:
                emit("outcome", o)
            except Exception:  # noqa: BLE001 -- a display problem loses no grade and stops nothing
                pass

        jobs, by_job = [], {}
        for e in todo:
            if e.error is not None:  # nothing gradeable: the layout already says why
                record(e, "error", _zero_result(assignment, e.student, secret, e.error), None)
                continue
            by_job[len(jobs)] = e
            jobs.append({
                "job": len(jobs), "path": str(e.path), "assignment": assignment, "student": e.student,
                "source": e.source, "root": str(layout.root), "hash": e.content_hash,
            })  # fmt: skip

        def on_worker(info: dict) -> None:
            report.workers.append(info)
            emit("worker", info)

        if jobs:
            own = pool is None
            if own:
                private = (folder, gradebook, *(gradebook.with_name(gradebook.name + s) for s in ("-wal", "-shm")))
                hidden = tuple(str(Path(p).resolve()) for p in (*private, *hide))
                if cluster is not None:
                    pool = _dask_pool(cluster, secret, timeout=timeout, hide=hidden)
                else:
                    pool = WorkerPool(
                        min(workers, len(jobs)), secret, timeout=timeout, watchdog_s=watchdog_s, engine=engine,
                        hide=hidden,
                    )  # fmt: skip
            pool.on_worker, crashes = on_worker, pool.crashes
            try:
                for msg in pool.run(jobs):
                    e = by_job[msg["job"]]
                    result = msg["result"]
                    status = msg["status"]
                    if not isinstance(result, dict):
                        error = msg.get("error") or "the grader returned no result for this submission"
                        status = status if result is None else "grader-error"
                        result = _zero_result(assignment, e.student, secret, error)
                    record(e, status, result, msg["duration_s"])
                    report.peak_worker_rss_kb = max(report.peak_worker_rss_kb, msg.get("maxrss_kb") or 0)
                    if isinstance(msg.get("worker"), dict):
                        try:
                            emit("worker-done", {k: msg["worker"].get(k) for k in ("address", "pid")})
                        except Exception:  # noqa: BLE001 -- a display problem loses no grade and stops nothing
                            pass
            finally:
                report.crashes = pool.crashes - crashes
                if own:
                    pool.close()
    report.outcomes = [outcomes[s] for s in sorted(outcomes)]
    report.elapsed_s = time.monotonic() - start
    return report
