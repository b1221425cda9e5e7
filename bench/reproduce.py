"""Benchmark of ``deepgrade reproduce``: the whole table's runtime, plus the speed-ups behind it.

    python bench/reproduce.py                  # full table (target: <= 10 min on 2 CPU cores; --threads 2)
    python bench/reproduce.py --quick          # quick table (target: about 2 min)
    python bench/reproduce.py --micro-only     # only the same-run ratios below (about a minute)
    python bench/reproduce.py --lasso          # only the lasso path: liblinear vs ours, same run (~6 min)

Prints the hardware, then two same-run ratios (median of repeats; no timed asserts):

1. many-to-one ``nn.LSTM`` / ``nn.RNN``, forward + backward at N=128, L=500, m=K=32, with
   denormal floats computed (torch's default) against flushed to zero (``configure_torch``);
2. one RMSprop step of the 10000-16-16-1 MLP on a batch of 512 bag-of-words rows: dense batch
   (CSR -> ``toarray``) against the sparse (indices, offsets) first layer;

then runs the table with ``reference.reproduce.runner.run_table`` and prints each row's time and the
total against the target. Results go to ``<out>/bench.json`` as well.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _median_time(fn, repeats):
    fn()                                   # warm-up (allocations, lazy init)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def micro(threads, repeats=3):
    import numpy as np
    import scipy.sparse as sp
    import torch
    from torch import nn

    from reference.reproduce.models import BowMLP
    from reference.reproduce.train import SparseRows, configure_torch

    out = {}
    with configure_torch(threads):
        torch.manual_seed(0)
        for cell in (nn.LSTM, nn.RNN):
            module = cell(32, 32, batch_first=True)
            x = torch.randn(128, 500, 32, requires_grad=True)

            def step(module=module, x=x):
                module(x)[0][:, -1].sum().backward()

            torch.set_flush_denormal(False)
            t_slow = _median_time(step, repeats)
            torch.set_flush_denormal(True)
            t_fast = _median_time(step, repeats)
            out[cell.__name__] = {"baseline_s": t_slow, "ours_s": t_fast, "speedup": t_slow / t_fast}

        rng = np.random.default_rng(0)
        X = sp.random(512, 10_000, density=0.013, format="csr", random_state=0)   # ~130 words a review
        X.data[:] = 1.0
        y = torch.tensor(rng.integers(0, 2, 512), dtype=torch.float32)
        model = BowMLP()
        opt = torch.optim.RMSprop(model.parameters(), lr=1e-3)
        loss = nn.BCEWithLogitsLoss()
        rows = SparseRows(X, torch.device("cpu"))
        idx = np.arange(512)

        def step(batch):
            opt.zero_grad()
            loss(model(batch()), y).backward()
            opt.step()

        t_dense = _median_time(lambda: step(lambda: torch.from_numpy(X[idx].toarray().astype(np.float32))),
                               repeats * 5)
        t_sparse = _median_time(lambda: step(lambda: rows.take(idx)), repeats * 5)
        out["MLP step"] = {"baseline_s": t_dense, "ours_s": t_sparse, "speedup": t_dense / t_sparse}
    return out


def lasso_bench(imdb, seed, cache_dir=None):
    """The IMDb lasso path (50 lambdas, full splits of ``seed``) three ways, one after the other:
    liblinear from scratch at each lambda (``reference.bow.lasso_logistic_path``, the table before),
    ours over the whole grid, and ours ending after ``LASSO_PATIENCE`` stale lambdas (the table now)."""
    import numpy as np

    from reference.bow import lambda_grid, lasso_logistic_path
    from reference.data import load_imdb
    from reference.reproduce.imdb_tasks import LASSO_PATIENCE, accuracy, make_splits
    from reference.reproduce.lasso import lasso_logistic_path_fast
    from reference.reproduce.portable import is_portable, load_portable

    data = load_portable(imdb) if is_portable(imdb) else load_imdb(imdb, cache_dir=cache_dir, download=False)
    s = make_splits(data, seed, False)
    X, y, Xv, yv = s.bow["train"], s.y["train"], s.bow["val"], s.y["val"]
    lambdas = lambda_grid(X, y, n=50, ratio=1e-4)
    runs = {"liblinear": lambda: lasso_logistic_path(X, y, lambdas, Xv, yv),
            "ours, whole grid": lambda: lasso_logistic_path_fast(X, y, lambdas, Xv, yv),
            f"ours, patience {LASSO_PATIENCE}": lambda: lasso_logistic_path_fast(X, y, lambdas, Xv, yv,
                                                                                 patience=LASSO_PATIENCE)}
    out = {}
    for name, run in runs.items():
        t = time.perf_counter()
        path = run()
        seconds = time.perf_counter() - t
        k = path.best_index
        out[name] = {"seconds": seconds, "best_index": k, "best_lambda": path.best_lambda,
                     "fitted": int(path.lambdas.size),
                     "test_accuracy": accuracy(s.y["test"], s.bow["test"] @ path.coef[k] + path.intercept[k]),
                     "val_accuracy": [float(v) for v in path.val_accuracy]}
        base = out["liblinear"]
        print(f"  {name:18s} {seconds:7.1f} s  speed-up {base['seconds'] / seconds:5.1f}x  best index {k} "
              f"(λ {path.best_lambda:.4g}, {path.lambdas.size} fitted)  test accuracy {out[name]['test_accuracy']:.4f}"
              f"  max |Δ val acc| vs liblinear "
              f"{np.max(np.abs(np.subtract(base['val_accuracy'][:path.lambdas.size], path.val_accuracy))):.4f}",
              flush=True)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="reproduce-bench")
    parser.add_argument("--imdb", default=os.environ.get("DEEPGRADE_IMDB") or str(ROOT.parent / "shared" / "data"
                                                                                  / "aclImdb_v1.tar.gz"))
    parser.add_argument("--cache-dir", default=None)
    parser.add_argument("--micro-only", action="store_true")
    parser.add_argument("--lasso", action="store_true", help="only the lasso-path comparison")
    args = parser.parse_args()

    import torch

    from reference.reproduce.runner import hardware

    hw = hardware(torch.device(args.device))
    print(f"hardware: {hw['machine']}, {hw['cpu']}, {hw['cpu_count']} cores, GPU {hw['gpu']}; "
          f"torch {torch.__version__}, {args.threads} thread(s)")
    report = {"hardware": hw, "threads": args.threads}
    if args.lasso:
        print(f"lasso path, IMDb full splits, seed {args.seed}, 50 lambdas:")
        report["lasso"] = lasso_bench(args.imdb, args.seed, args.cache_dir)
        Path(args.out).mkdir(parents=True, exist_ok=True)
        (Path(args.out) / "bench-lasso.json").write_text(json.dumps(report, indent=1))
        return
    report["micro"] = micro(args.threads)
    print("same-run ratios (median of repeats):")
    for name, r in report["micro"].items():
        base = "dense batch" if name == "MLP step" else "denormals"
        ours = "sparse batch" if name == "MLP step" else "flushed"
        print(f"  {name:9s} {base}: {r['baseline_s'] * 1e3:8.1f} ms   {ours}: {r['ours_s'] * 1e3:8.1f} ms"
              f"   speed-up {r['speedup']:.1f}x")
    if not args.micro_only:
        from reference.reproduce.runner import run_table

        target = 120 if args.quick else 10 * 60
        results = run_table(None, quick=args.quick, device=args.device, seed=args.seed, out=args.out,
                            imdb_path=args.imdb, cache_dir=args.cache_dir, threads=args.threads)
        report["table"] = [{k: r[k] for k in ("task", "value", "passed", "runtime_s")} for r in results["tasks"]]
        report["total_seconds"] = results["total_seconds"]
        report["data_seconds"] = results["data_seconds"]
        print(f"total {results['total_seconds']:.0f} s (data {results['data_seconds']:.0f} s) against a target of "
              f"{target} s: ratio {results['total_seconds'] / target:.2f}")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    with open(Path(args.out) / "bench.json", "w") as fh:
        json.dump(report, fh, indent=1)


if __name__ == "__main__":
    main()
