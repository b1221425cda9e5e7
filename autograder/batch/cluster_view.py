"""How a batch on a dask cluster looks in the terminal: the batch's bar, then one line per worker.

Same as :class:`~autograder.batch.view.BatchView` (lines for what needs a look, the summary table),
plus a row per dask worker counting the submissions it graded, added when the worker first reports.
"""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from autograder.batch.runner import BatchReport, run_batch
from autograder.batch.view import BatchView
from autograder.grading.text import clean


class ClusterBatchView(BatchView):
    """Runs :func:`run_batch` on a cluster behind a progress display with per-worker rows."""

    def run(self, folder, gradebook, secret: bytes, **options) -> BatchReport:
        progress = Progress(
            TextColumn("{task.fields[label]}", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}", markup=False),
            console=self.console,
            transient=False,
        )
        batch, rows = None, {}

        def on_event(kind: str, payload) -> None:
            nonlocal batch
            if kind == "plan":
                batch = progress.add_task("", total=payload["to_grade"], label=self.assignment)
                if payload["skipped"]:
                    progress.console.print(
                        f"{payload['skipped']} of {payload['total']} submissions already graded from the "
                        "same bytes: skipped (--regrade grades them again)"
                    )
            elif kind == "worker":
                off = [k for k, on in (payload.get("protections") or {}).items() if not on]
                if off and not getattr(self, "_warned", False):
                    self._warned = True
                    progress.console.print(f"[yellow]sandbox protections off: {', '.join(off)}")
            elif kind == "worker-done":
                address = str(payload.get("address"))
                if address not in rows:
                    label = f"  {address} (pid {payload.get('pid')})"
                    rows[address] = progress.add_task("", total=None, label=label)
                progress.update(rows[address], advance=1)
            elif kind == "outcome":
                progress.update(batch, advance=1, description=clean(payload.student))
                self._line(progress.console, payload)

        with progress:
            return run_batch(folder, gradebook, self.assignment, secret, on_event=on_event, **options)
