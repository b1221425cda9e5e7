"""The results table: which tasks exist, what each must reach, and how the table is printed.

A row passes when its value meets its target: ``min`` (value >= threshold), ``exact`` (value
rounded to 4 decimals equals the textbook's), ``below`` (the simple RNN must be worse than the
LSTM of the same run) or ``verdict`` (the experiment judges itself, see ``experiments``).
``--quick`` trains on subsets, so its ``min`` thresholds are lower; each states its margin
above chance (0.5 for IMDb accuracy, 0 for R^2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from . import experiments, imdb_tasks, nyse_tasks


@dataclass(frozen=True)
class Task:
    """One row: ``run(ctx) -> Outcome``; ``kind`` and the thresholds say when it passes."""

    name: str
    dataset: str
    model: str
    metric: str
    reference: str
    run: Callable
    kind: str                        # "min", "exact", "below" or "verdict"
    threshold: float | None = None   # full run
    quick_threshold: float | None = None
    requires: tuple = ()
    needs_imdb: bool = False
    background: bool = False         # host-only: runs beside the GPU tasks with --device cuda


TASKS = (
    Task("imdb-lasso", "IMDb", "lasso logistic path", "test acc.", "≈ 0.88", imdb_tasks.lasso, "min", 0.87, 0.75,
         needs_imdb=True, background=True),
    Task("imdb-nn", "IMDb", "MLP 10000-16-16-1", "test acc.", "0.845", imdb_tasks.two_layer_nn, "min", 0.84, 0.75,
         needs_imdb=True),
    Task("imdb-lstm", "IMDb", "embedding + LSTM(32)", "test acc.", "0.840-0.853", imdb_tasks.lstm, "min", 0.87, 0.60,
         needs_imdb=True),
    Task("imdb-rnn", "IMDb", "embedding + RNN(32)", "test acc.", "≈ 0.76", imdb_tasks.simple_rnn, "min", 0.76, 0.55,
         needs_imdb=True),
    Task("nyse-ar", "NYSE", "AR(5), OLS", "test R²", "0.4129", nyse_tasks.ar5, "exact", 0.4129, 0.4129),
    Task("nyse-ar-dow", "NYSE", "AR(5) + day_of_week", "test R²", "0.4596", nyse_tasks.ar5_day_of_week, "exact",
         0.4596, 0.4596),
    Task("nyse-rnn", "NYSE", "RNN(3→12) on lags", "test R²", "0.415", nyse_tasks.rnn, "min", 0.41, 0.38),
    Task("nyse-nlar", "NYSE", "nonlinear AR 20-32-1", "test R²", "0.466", nyse_tasks.nonlinear_ar, "min", 0.45,
         0.43),
    Task("vanishing-gradients", "IMDb", "RNN vs LSTM ‖∂o/∂x_l‖", "log10 ratio", "RNN decays faster",
         experiments.vanishing_gradients, "verdict", requires=("imdb-rnn", "imdb-lstm"), needs_imdb=True),
    Task("double-descent", "simulated", "min-norm LS vs ridge", "peak p", "peak at p = n",
         experiments.double_descent, "verdict"),
)
TASK_NAMES = tuple(t.name for t in TASKS)
_BY_NAME = {t.name: t for t in TASKS}


def select_tasks(names=None):
    """The tasks to run, in table order: ``names`` (None: all) plus what they require.

    Raises ValueError naming an unknown task and listing the known ones.
    """
    if not names:
        return list(TASKS)
    unknown = [n for n in names if n not in _BY_NAME]
    if unknown:
        raise ValueError(f"unknown task {', '.join(map(repr, unknown))}; expected one of: {', '.join(TASK_NAMES)}")
    wanted = set()

    def add(name):
        if name not in wanted:
            wanted.add(name)
            for dep in _BY_NAME[name].requires:
                add(dep)

    for n in names:
        add(n)
    return [t for t in TASKS if t.name in wanted]


def target_text(task, quick):
    """The target as shown in the table, e.g. '≥ 0.87', '= 0.4129', '< imdb-lstm'."""
    if task.kind == "min":
        return f"≥ {task.quick_threshold if quick else task.threshold:g}"
    if task.kind == "exact":
        return f"= {task.threshold:.4f}"
    if task.kind == "below":
        return "< " + ", ".join(task.requires)
    return "verdict"


def judge(task, outcome, values, quick):
    """Whether ``outcome`` meets ``task``'s target; ``values``: name -> value of the run so far."""
    if task.kind == "min":
        return outcome.value >= (task.quick_threshold if quick else task.threshold)
    if task.kind == "exact":
        return round(outcome.value, 4) == round(task.threshold, 4)
    if task.kind == "below":
        return all(outcome.value < values[dep] for dep in task.requires) and outcome.value > 0.5
    return bool(outcome.passed)


def render(rows, title, caption=None):
    """A rich Table of result rows (dicts as written to results.json)."""
    from rich.table import Table

    table = Table(title=title, caption=caption)
    fixed = {"no_wrap": True}
    for col, kw in (("task", fixed), ("model", {}), ("reference", {}), ("ours", {"justify": "right"}),
                    ("target", {}), ("time", {"justify": "right", **fixed}), ("pass", fixed)):
        table.add_column(col, **kw)
    for r in rows:
        ours = r["details"].get("display") or f"{r['value']:.4f}"
        verdict = "[green]pass[/]" if r["passed"] else "[red]FAIL[/]"
        table.add_row(r["task"], r["model"], r["reference"], ours, r["target"],
                      f"{r['runtime_s']:.0f} s", verdict)
    return table
