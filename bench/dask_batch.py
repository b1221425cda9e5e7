"""grade-batch on dask.distributed against the local process pool, in one run on one machine.

* **throughput**: the same batch of ``--students`` generated ``rnn`` solution notebooks graded into a
  fresh gradebook by (a) the local pool with 2 workers, (b) a dask ``LocalCluster`` with 1 worker,
  (c) one with 2 workers. Each pool is started and warmed (its sandboxes up) on a small batch first,
  so the figure is steady-state grading; the start-up time is reported apart. Ratios: dask 2 workers
  vs 1 (target >= 1.8x on 2 cores), dask 2 workers vs the local pool's 2 (target <= 1.15x the time).
* **client memory**: ``--rss-students`` submissions graded by the local pool (the baseline) and by the
  2-worker cluster while the client process's RSS is sampled every 5% of the batch (target: flat; the
  client streams submissions with a bounded number of tasks in flight). A LocalCluster's scheduler
  lives in the client process: its bounded logs (transition log, 1,000 entries) fill over the first
  few hundred tasks.

    .venv/bin/python bench/dask_batch.py [--students 200] [--rss-students 1000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# bench/ holds reference.py, which would shadow the `reference` package: drop this folder from sys.path.
sys.path[:] = [d for d in sys.path if Path(d or ".").resolve() != Path(__file__).resolve().parent]
for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


def hardware() -> str:
    """The machine, as bench/grading.py describes it (loaded by path: bench/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_grading", Path(__file__).with_name("grading.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.hardware()


def write_notebooks(folder: Path, students: list[str], secret: bytes) -> None:
    from autograder.generate.bundle import build_bundle

    folder.mkdir(parents=True)
    for s in students:
        (folder / f"{s}.ipynb").write_bytes(build_bundle("rnn", s, secret, solutions=True).solution_files["rnn.ipynb"])


def timed_batch(pool, subs: Path, gradebook: Path, secret: bytes, on_event=None) -> tuple[float, int]:
    from autograder.batch import run_batch

    start = time.perf_counter()
    report = run_batch(subs, gradebook, "rnn", secret, pool=pool, on_event=on_event)
    elapsed = time.perf_counter() - start
    bad = [o for o in report.outcomes if o.status != "graded" or o.score != o.max_score]
    if bad:
        raise SystemExit(f"not every solution earned full marks: {bad[:3]}")
    return elapsed, len(report.outcomes)


def make_pool(kind: str, secret: bytes):
    from autograder.batch import WorkerPool
    from autograder.batch.dask_backend import DaskPool

    return WorkerPool(2, secret) if kind == "local pool, 2 workers" else DaskPool(kind.split()[1], secret)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--rss-students", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1, help="rounds of the three throughput runs, interleaved")
    args = parser.parse_args()

    import psutil

    from autograder.variants import DEMO_SECRET

    secret = DEMO_SECRET
    kinds = ("local pool, 2 workers", "dask local:1", "dask local:2")
    with tempfile.TemporaryDirectory(prefix="deepgrade-bench-dask-") as tmp:
        tmp = Path(tmp)
        write_notebooks(tmp / "warm", [f"warm{i}" for i in range(4)], secret)
        write_notebooks(tmp / "subs", [f"student{i:04d}" for i in range(args.students)], secret)
        times: dict[str, list[float]] = {k: [] for k in kinds}
        starts: dict[str, list[float]] = {k: [] for k in kinds}
        for r in range(args.rounds if args.students else 0):
            for kind in kinds:
                t0 = time.perf_counter()
                with make_pool(kind, secret) as pool:
                    timed_batch(pool, tmp / "warm", tmp / f"warm-{r}-{kind}.sqlite", secret)
                    starts[kind].append(time.perf_counter() - t0)
                    elapsed, n = timed_batch(pool, tmp / "subs", tmp / f"{r}-{kind}.sqlite", secret)
                times[kind].append(elapsed)
                print(f"round {r}: {kind}: {n} submissions in {elapsed:.1f} s ({n / elapsed:.2f}/s); "
                      f"start + warm-up {starts[kind][-1]:.1f} s", flush=True)  # fmt: skip

        med = {k: statistics.median(v) for k, v in times.items() if v}
        if med:
            print(f"\n{args.students} rnn solution notebooks, median of {args.rounds} round(s):")
            for kind in kinds:
                print(f"  {kind:22s} {med[kind]:7.1f} s  {args.students / med[kind]:6.2f} submissions/s")
            print(f"  dask 2 vs 1 worker: {med['dask local:1'] / med['dask local:2']:.2f}x throughput (target >= 1.8x)")
            print(f"  dask 2 workers vs local pool 2: {med['dask local:2'] / med['local pool, 2 workers']:.2f}x the time "
                  "(target <= 1.15x)")  # fmt: skip

        if args.rss_students:
            write_notebooks(tmp / "many", [f"s{i:05d}" for i in range(args.rss_students)], secret)
            me = psutil.Process()
            step = max(1, args.rss_students // 20)
            for kind in ("local pool, 2 workers", "dask local:2"):  # the local pool is the baseline
                curve, done = [], [0]

                def on_event(event, payload, curve=curve, done=done):
                    if event == "outcome":
                        done[0] += 1
                        if done[0] % step == 0:
                            curve.append((done[0], me.memory_info().rss))

                with make_pool(kind, secret) as pool:
                    curve.append((0, me.memory_info().rss))
                    elapsed, n = timed_batch(pool, tmp / "many", tmp / f"many-{kind}.sqlite", secret, on_event)
                print(f"\nclient RSS over {n} submissions, {kind} ({elapsed:.0f} s), MB after every {step} grades:")
                print("  " + " ".join(f"{rss / 2**20:.0f}" for _, rss in curve))
                later = [rss for k, rss in curve if k >= n // 5]
                if later:
                    print(f"  growth from {n // 5} grades to the end: {(later[-1] - later[0]) / 2**20:.1f} MB, "
                          f"{(later[-1] - later[0]) / max(1, n - n // 5) / 1024:.1f} KB per submission (target: flat)")
    print(f"\nhardware: {hardware()}")


if __name__ == "__main__":
    main()
