"""Batch-grade 50 ``rnn`` solution notebooks with 2 sandboxed workers; compare with no isolation.

Measured in one run, on the same 50 generated notebooks (one per student, each its own variant):

* **isolated**: ``run_batch`` with 2 workers (each one sandbox, one fork per submission), into a
  fresh gradebook. Per submission: the worker's time inside ``grade_submission`` (load, fork, run
  the cells, hidden suite through the values-only channel, score); also the batch's wall time / 50.
* **in-process**: the same hidden suite and scoring, called on the same functions executed in
  this process without any isolation (cells ``exec``-ed into a dict; calls made directly).
* **memory**: peak RSS of each worker process (sampled with psutil, and the worker's own
  ``ru_maxrss``), and of each worker together with its sandbox processes (bwrap, zygote, children).

Targets (issue 5): median <= 0.15 s per submission, <= 3x in-process, <= 300 MB per worker.
Stated figures for comparison, measured here before: otter run 3.4-9.5 s per submission,
nbgrader autograde 1.5-4 s.

    .venv/bin/python bench/grading.py [--students 50] [--workers 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

# bench/ holds reference.py, which would shadow the `reference` package: drop this folder from sys.path.
sys.path[:] = [d for d in sys.path if Path(d or ".").resolve() != Path(__file__).resolve().parent]
for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

OTTER = (3.4, 9.5)
NBGRADER = (1.5, 4.0)


class InProcessStudent:
    """The student's functions called directly, in this process: the baseline without isolation.

    It answers the calls a hidden suite makes (``call``, ``get``, ``defined``, ...) like a
    :class:`~autograder.sandbox.StudentProcess`, minus the process, the channel and the limits;
    array arguments are copied, as crossing the channel would.
    """

    def __init__(self, submission):
        import numpy as np

        self._np = np
        self.namespace: dict = {"__name__": "__main__"}
        self.cell_results = []
        for cell in submission.cells:
            try:
                exec(compile(cell.source, f"<cell {cell.index}>", "exec"), self.namespace)
                self.cell_results.append({"index": cell.index, "ok": True, "error": None})
            except Exception as exc:  # a broken cell costs its own functions only
                self.cell_results.append({"index": cell.index, "ok": False, "error": repr(exc)})
        self.stdout_tail = ""

    def _arg(self, value):
        from autograder.sandbox import Rng

        if isinstance(value, Rng):
            return self._np.random.default_rng(value.seed)
        if isinstance(value, self._np.ndarray):
            return value.copy()
        if isinstance(value, (list, dict)):
            return copy.deepcopy(value)
        return value

    def _lookup(self, name):
        from autograder.sandbox import StudentError

        if name not in self.namespace:
            raise StudentError("missing", f"{name} is not defined")
        return self.namespace[name]

    def defined(self, name):
        return name in self.namespace

    def call(self, name, *args, timeout=None, keep=None, **kwargs):
        from autograder.sandbox import StudentError

        fn = self._lookup(name)
        try:
            return fn(*(self._arg(a) for a in args), **{k: self._arg(v) for k, v in kwargs.items()})
        except Exception as exc:
            raise StudentError("exception", f"{type(exc).__name__}: {exc}") from None

    def get(self, name, timeout=None, keep=None):
        return self._lookup(name)

    def fetch(self, handle, timeout=None):
        return handle

    def rng(self, seed):
        return self._np.random.default_rng(seed)

    def close(self):
        pass


def grade_in_process(path, assignment: str, student: str, secret: bytes, *, sandbox=None, timeout=None) -> dict:
    """What ``grade_submission`` does, without the sandbox: load, exec, hidden suite, score.

    Its signature is ``grade_submission``'s, so a batch worker can run it in its place.
    """
    from autograder.grading.plugin import GradingContext
    from autograder.grading.runner import run_suite
    from autograder.grading.score import score
    from autograder.manifest import load_manifest
    from autograder.sandbox import load_submission
    from autograder.variants import hidden_seed, variant

    manifest = load_manifest(assignment)
    student_obj = InProcessStudent(load_submission(Path(path)))
    v = variant(assignment, student, secret)
    context = GradingContext(student_obj, dict(v), hidden_seed(assignment, student, secret), manifest, None)
    result = score(manifest, run_suite(assignment, context))
    return {**result, "assignment": assignment, "student": student, "variant": v, "warnings": [], "error": None}


class MemorySampler(threading.Thread):
    """Peak RSS (bytes) of each worker process, alone and with its descendants, every ``every`` s.

    Needs psutil; without it nothing is sampled and the workers' own ``ru_maxrss`` is reported.
    """

    def __init__(self, every: float = 0.1):
        super().__init__(daemon=True)
        try:
            import psutil
        except ImportError:
            psutil = None
        self.psutil, self.every, self.stop = psutil, every, threading.Event()
        self.alone: dict[int, int] = {}
        self.tree: dict[int, int] = {}

    def run(self):
        if self.psutil is None:
            return
        me = self.psutil.Process()
        while not self.stop.is_set():
            for w in me.children():
                try:
                    rss = w.memory_info().rss
                    tree = rss + sum(c.memory_info().rss for c in w.children(recursive=True))
                except self.psutil.Error:
                    continue
                self.alone[w.pid] = max(self.alone.get(w.pid, 0), rss)
                self.tree[w.pid] = max(self.tree.get(w.pid, 0), tree)
            time.sleep(self.every)


def hardware() -> str:
    name = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages * size / 2**30:.0f} GiB RAM"
    except (ValueError, OSError):
        pass
    load = ", load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    return f"{name} ({platform.machine()}), {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}{load}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of both batches")
    args = parser.parse_args()

    from autograder.batch import run_batch
    from autograder.generate.bundle import build_bundle
    from autograder.gradebook import Gradebook
    from autograder.variants import DEMO_SECRET

    secret, aid = DEMO_SECRET, "rnn"
    students = [f"student{i:03d}" for i in range(args.students)]
    with tempfile.TemporaryDirectory(prefix="deepgrade-bench-") as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        for s in students:
            bundle = build_bundle(aid, s, secret, solutions=True)
            (subs / f"{s}.ipynb").write_bytes(bundle.solution_files[f"{aid}.ipynb"])

        def batch(name: str, engine: str | None):
            gradebook = Path(tmp) / f"{name}.sqlite"
            start = time.perf_counter()
            report = run_batch(subs, gradebook, aid, secret, workers=args.workers, engine=engine)
            wall = time.perf_counter() - start
            with Gradebook(gradebook) as gb:
                grades = {g.student: g for g in gb.current(aid)}
            return report, wall, [grades[s].duration_s for s in students], {s: grades[s].score for s in students}

        # Rounds interleave the two batches so that load from elsewhere affects both alike.
        in_engine = f"{Path(__file__).resolve()}:grade_in_process"  # sandbox replaced by plain calls
        sampler = MemorySampler()
        sampler.start()
        rounds = []
        for r in range(args.rounds):
            iso = batch(f"isolated{r}", None)
            rounds.append((iso, batch(f"in_process{r}", in_engine)))
        sampler.stop.set()
        sampler.join()

    med = statistics.median
    med_iso = med(med(iso[2]) for iso, _ in rounds)
    med_in = med(med(inp[2]) for _, inp in rounds)
    wall, wall_in = med(iso[1] for iso, _ in rounds), med(inp[1] for _, inp in rounds)
    isolated = [d for iso, _ in rounds for d in iso[2]]
    report = rounds[0][0][0]
    same = all(iso[3] == inp[3] for iso, inp in rounds)
    peak_alone = max(sampler.alone.values(), default=0) / 2**20
    peak_tree = max(sampler.tree.values(), default=0) / 2**20
    maxrss = max(iso[0].peak_worker_rss_kb for iso, _ in rounds) / 1024
    n = len(students)
    print(f"hardware: {hardware()}")
    print(f"batch: {n} rnn solution notebooks, {args.workers} workers, {report.count('graded')} graded; "
          f"{args.rounds} rounds, medians over rounds")
    print(f"isolated: median {med_iso:.3f} s per submission in the worker "
          f"(all rounds: p90 {statistics.quantiles(isolated, n=10)[-1]:.3f} s, max {max(isolated):.3f} s)   "
          f"[target <= 0.15 s]; batch wall {wall:.2f} s = {wall / n:.3f} s per submission, worker start included")
    print(f"in-process, no isolation, same batch and workers: median {med_in:.3f} s per submission; "
          f"batch wall {wall_in:.2f} s")
    print(f"ratio isolated / in-process: {med_iso / med_in:.2f}x per submission   [target <= 3x]; "
          f"wall {wall / wall_in:.2f}x, {(wall - wall_in) / n * 1000:.0f} ms more per submission")
    print(f"same scores both ways: {same} (total per round {sum(rounds[0][0][3].values()):g} of {11 * n})")
    print(f"peak memory per worker process: {peak_alone:.0f} MB sampled RSS, {maxrss:.0f} MB ru_maxrss   "
          f"[target <= 300 MB]; with its sandbox processes (RSS summed, shared pages counted twice): "
          f"{peak_tree:.0f} MB")
    lo, hi = OTTER
    print(f"vs otter run ({lo}-{hi} s per submission, stated): {lo / med_iso:.0f}-{hi / med_iso:.0f}x faster")
    lo, hi = NBGRADER
    print(f"vs nbgrader autograde ({lo}-{hi} s, stated): {lo / med_iso:.0f}-{hi / med_iso:.0f}x faster")
    print("(the machine's cores may be shared: compare within one run, not across runs)")


if __name__ == "__main__":  # the workers are spawned: they must not run this again
    main()
