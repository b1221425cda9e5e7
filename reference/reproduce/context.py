"""What a task of ``deepgrade reproduce`` receives (``Context``) and returns (``Outcome``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import torch


@dataclass
class Outcome:
    """A task's result.

    - value: the number in the table's "ours" column (test accuracy, test R^2, ...)
    - details: JSON-serializable facts for results.json (``display`` overrides the shown value)
    - history: a ``train.History`` for the learning-curve plot, or None
    - passed: the task's own verdict (experiments); None lets the table apply its threshold
    """

    value: float
    details: dict = field(default_factory=dict)
    history: Any = None
    passed: bool | None = None


@dataclass
class Context:
    """Shared state of one run: settings, lazily loaded data, trained models, progress hooks.

    - quick: train on subsets with short schedules
    - device: torch.device
    - seed: seeds every generator of every task (numpy Generators and torch via ``train.seeded``)
    - load_imdb: callable() -> ``reference.data.ImdbData`` (called at most once)
    - models: trained torch models by task name (the vanishing-gradient plot reuses them)
    - curves: extra curves by name (experiments), written to results.json and plotted
    - progress: callable(task_name, total) -> callable(step, loss, monitor) advancing a bar
    """

    quick: bool
    device: torch.device
    seed: int
    load_imdb: Callable[[], Any]
    progress: Callable[[str, int], Callable] | None = None
    models: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)
    _imdb: Any = None

    def imdb(self):
        """Train/validation/test splits of the IMDb data (``imdb_tasks.ImdbSplits``), built once."""
        if self._imdb is None:
            from .imdb_tasks import make_splits

            self._imdb = make_splits(self.load_imdb(), self.seed, self.quick)
        return self._imdb

    def epoch_callback(self, name, total):
        """A callable(step, loss, monitor) that advances ``name``'s progress bar to ``step`` of ``total``."""
        if self.progress is None:
            return lambda step, loss, monitor: None
        return self.progress(name, total)

    def log_curve(self, name, curve):
        """Keep an experiment's curve (dict of arrays/numbers) for the plots and results.json."""
        self.curves[name] = curve
