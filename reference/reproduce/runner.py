"""Run the table: set up torch, run the selected tasks with progress bars, judge them, write
``results.json`` and the PNG plots, and return the result rows.

    results = run_table(["nyse-ar"], quick=True, out="reproduce-out")
    results["tasks"][0]["value"]       # 0.41289...

``results.json`` holds ``settings`` (quick, device, seed, threads, tasks, imdb, background: the
tasks run beside the others), ``hardware``, ``versions``, ``tasks`` (one row per task: task,
dataset, model, metric, reference, target, value, passed, runtime_s, details, history, plot),
``curves`` (the experiments' data), ``data_seconds`` and ``total_seconds``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from . import plots
from .table import judge, render, select_tasks, target_text


def hardware(device):
    """A short description of the machine: CPU model, cores, GPU name when running on CUDA."""
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info = {"machine": platform.machine(), "cpu": cpu, "cpu_count": os.cpu_count(),
            "system": f"{platform.system()} {platform.release()}", "gpu": None}
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    return info


def _versions():
    import sklearn
    import torch

    return {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__,
            "scikit-learn": sklearn.__version__}


def _jsonable(obj):
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        return None if not np.isfinite(obj) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


class _Bars:
    """One rich progress bar per model, created when its task starts."""

    def __init__(self, progress):
        self.progress = progress

    def __call__(self, name, total):
        if self.progress is None:
            return lambda step, loss, monitor: None
        bar = self.progress.add_task(name, total=total, info="")

        def advance(step, loss, monitor):
            info = f"monitor {monitor:.4f}" if monitor == monitor else ""
            self.progress.update(bar, completed=step, info=info)

        return advance


def _timed(run, ctx):
    """(run(ctx), its wall time in seconds)."""
    t0 = time.perf_counter()
    outcome = run(ctx)
    return outcome, time.perf_counter() - t0


def run_table(names=None, *, quick=False, device="cpu", seed=0, out="reproduce-out", imdb_path=None,
              cache_dir=None, threads=1, console=None, progress=True, download=True, background=None):
    """Run the selected tasks and write ``out/results.json`` and ``out/*.png``.

    Inputs:
    - names: task names (None: the whole table); requirements are added (``table.select_tasks``)
    - quick: subsets and short schedules (about 2 minutes on 2 cores)
    - device: "cpu" or "cuda"; seed: int seeding everything; threads: torch CPU threads
    - out: output folder; imdb_path / cache_dir / download: see ``reference.data.load_imdb``;
      imdb_path may also be a ``portable.save_portable`` file (.npz)
    - console: rich Console for the bars and the table (None: a new one); progress: show bars
    - background: run the tasks marked ``background`` (the lasso) in a thread beside the others;
      None: only with a CUDA device, whose host CPU is otherwise idle while the networks train
    Returns:
    - results: the dict written to results.json
    Raises ValueError for an unknown task or an unavailable device and
    ``reference.data.DataNotFoundError`` when an IMDb task runs and the data cannot be found --
    both before any training starts.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..data import load_imdb, resolve_imdb_path
    from .context import Context
    from .portable import is_portable, load_portable
    from .train import configure_torch, resolve_device

    if console is None:   # a terminal decides its own width; logs and pipes get room for the table
        import sys

        console = Console(width=None if sys.stdout.isatty() else 120)
    tasks = select_tasks(names)
    dev = resolve_device(device)
    seed = int(seed)
    source = None
    portable = imdb_path is not None and is_portable(imdb_path)
    if any(t.needs_imdb for t in tasks):
        source = Path(imdb_path) if portable else resolve_imdb_path(imdb_path, cache_dir=cache_dir,
                                                                     download=download, console=console)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    def imdb_loader():
        if portable:
            return load_portable(source)
        return load_imdb(source, cache_dir=cache_dir, download=False,
                         log=lambda msg: console.log(f"IMDb: {msg}") if progress else None)

    columns = (TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[info]}"))
    bar_display = Progress(*columns, console=console, disable=not progress)
    ctx = Context(quick=quick, device=dev, seed=seed, load_imdb=imdb_loader, progress=_Bars(bar_display))
    rows, values, outcomes = [], {}, {}
    start = time.perf_counter()
    with configure_torch(threads, dev), bar_display, ThreadPoolExecutor(max_workers=1) as pool:
        if source is not None:
            ctx.imdb()                      # load (or build the cache) before timing the rows
        data_seconds = time.perf_counter() - start
        # With a GPU the host's CPU is idle while the networks train: a host-only task marked
        # ``background`` (the lasso path, compiled code that mostly runs without the GIL) runs beside
        # them in a thread. Its row keeps its place in the table and its own wall time.
        if background is None:
            background = dev.type == "cuda"
        beside = {t.name: pool.submit(_timed, t.run, ctx) for t in tasks if t.background and background}
        for task in tasks:
            if task.name not in beside:
                outcomes[task.name] = _timed(task.run, ctx)
        outcomes.update({name: future.result() for name, future in beside.items()})
        for task in tasks:
            outcome, runtime = outcomes[task.name]
            values[task.name] = outcome.value
            row = {"task": task.name, "dataset": task.dataset, "model": task.model,
                   "description": (task.run.__doc__ or "").strip().splitlines()[0], "metric": task.metric,
                   "reference": task.reference, "target": target_text(task, quick), "value": outcome.value,
                   "passed": bool(judge(task, outcome, values, quick)), "runtime_s": round(runtime, 2),
                   "details": outcome.details, "history": None, "plot": None}
            if "lambdas" in outcome.details:
                d, h = outcome.details, outcome.history
                row["history"] = h.to_dict()
                row["plot"] = plots.lasso_path(task.name, d["lambdas"], h.train_monitor, h.monitor, d["best_lambda"],
                                               out / f"{task.name}.png", n_grid=d["n_lambda"]).name
            elif outcome.history is not None:
                row["history"] = outcome.history.to_dict()
                xlabel = outcome.details.pop("curve_x", "epoch")
                left = outcome.details.pop("curve_left", "train loss")
                row["plot"] = plots.learning_curve(task.name, outcome.history, out / f"{task.name}.png",
                                                   xlabel=xlabel, left_label=left).name
            elif task.name in ctx.curves:
                draw = getattr(plots, task.name.replace("-", "_"))
                row["plot"] = draw(ctx.curves[task.name], out / f"{task.name}.png").name
            rows.append(row)
    results = {
        "settings": {"quick": quick, "device": str(dev), "seed": seed, "threads": int(threads),
                     "tasks": [t.name for t in tasks], "imdb": str(source) if source else None,
                     "background": sorted(beside)},
        "hardware": hardware(dev), "versions": _versions(), "tasks": rows, "curves": ctx.curves,
        "data_seconds": round(data_seconds, 2), "total_seconds": round(time.perf_counter() - start, 2),
    }
    with open(out / "results.json", "w") as fh:
        json.dump(_jsonable(results), fh, indent=1)
    mode = "quick" if quick else "full"
    hw = results["hardware"]
    title = (f"ISLP ch. 10 reproduced ({mode} run, {results['total_seconds']:.0f} s"
             f"{f', data {data_seconds:.0f} s' if source else ''})")
    caption = (f"IMDb: test accuracy; NYSE: test R². {dev} · {hw['gpu'] or hw['cpu']} · {hw['cpu_count']} cores"
               f" · {threads} torch thread(s) · seed {seed}")
    console.print(render(rows, title, caption))
    return results
