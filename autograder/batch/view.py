"""How a batch looks in the terminal: a rich progress bar while grading, then a summary table.

Student-derived text (ids, file names, error messages, warnings) is cleaned of control characters
and printed as rich ``Text`` (:func:`autograder.grading.text.rich_text`) wherever it appears: it
shows as text, never as markup, an emoji code or a terminal escape sequence.
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from autograder.batch.feedback import fmt_points
from autograder.batch.runner import BatchReport, Outcome, run_batch
from autograder.grading.text import clean, rich_text

# The loader's note on cells a notebook tags skip-grading (self-checks, demonstrations): expected, not a
# warning, so it is said once per batch instead of counted on every row.
_SKIP_NOTE = re.compile(r"cells? [0-9, ]+: tagged skip-grading, not run")
_STYLE = {"graded": "green", "error": "red", "grader-error": "magenta", "skipped": "dim"}


class BatchView:
    """Runs :func:`run_batch` behind a progress bar and prints what happened."""

    def __init__(self, assignment: str, console: Console | None = None):
        self.assignment = assignment
        self.console = console or Console()

    def run(self, folder, gradebook, secret: bytes, **options) -> BatchReport:
        progress = Progress(
            TextColumn(f"[bold]{self.assignment}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}", markup=False),
            console=self.console,
            transient=False,
        )
        task = None

        def on_event(kind: str, payload) -> None:
            nonlocal task
            if kind == "plan":
                task = progress.add_task("", total=payload["to_grade"])
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
            elif kind == "outcome":
                progress.update(task, advance=1, description=clean(payload.student))
                self._line(progress.console, payload)

        with progress:
            return run_batch(folder, gradebook, self.assignment, secret, on_event=on_event, **options)

    @staticmethod
    def _line(console: Console, o: Outcome) -> None:
        """A line for what needs a look: errors, and the batch's own warnings (the engine's
        warnings are counted in the summary and listed in the feedback)."""
        if o.status == "graded" and not o.flags:
            return
        style = _STYLE.get(o.status, "")
        score = f"{fmt_points(o.score)}/{fmt_points(o.max_score)}"
        console.print(rich_text(f"{o.student}: {o.status} {score}", style))
        if o.error:
            lines = clean(o.error).strip().splitlines()
            shown = lines[:1] + (lines[-1:] if o.status == "grader-error" and len(lines) > 1 else [])
            for line in shown:
                console.print(rich_text("  " + line))
        for w in o.flags:
            console.print(Text.assemble("  ", ("warning:", "yellow"), " ", rich_text(w)))

    def summary(self, report: BatchReport) -> None:
        """The per-student table and the batch's counts."""
        rows, skipped_cells = [], 0
        for o in report.outcomes:
            score = "" if o.status == "skipped" else f"{fmt_points(o.score)} / {fmt_points(o.max_score)}"
            lines = clean(o.error).strip().splitlines()
            note = lines[0] if lines else ""
            warnings = [w for w in o.warnings if not _SKIP_NOTE.fullmatch(w)]
            skipped_cells += len(warnings) < len(o.warnings)
            if warnings:
                note = (note + "; " if note else "") + f"{len(warnings)} warning(s)"
            rows.append((clean(o.student), o.status, score, clean(o.source), note))
        table = Table(title=f"{report.assignment}: {len(report.outcomes)} students", title_justify="left")
        used = 16  # borders and padding of five columns
        for i, col in enumerate(("student", "status", "score", "source")):
            width = max([len(col), *(len(r[i]) for r in rows)])
            used += width
            table.add_column(col, justify="right" if col == "score" else "left", no_wrap=True, min_width=width)
        table.add_column("note", overflow="ellipsis", no_wrap=True, max_width=max(12, self.console.width - used))
        for student, status, score, source, note in rows:
            table.add_row(rich_text(student), rich_text(status, _STYLE.get(status, "")), score, rich_text(source),
                          rich_text(note))  # fmt: skip
        self.console.print(table)
        for line in report.ignored:
            self.console.print(Text.assemble(("not graded:", "yellow"), " ", rich_text(line)))
        if skipped_cells:
            self.console.print(f"note: {skipped_cells} submission(s) have cells tagged skip-grading (self-checks, "
                               "demonstrations); they were not run, as intended", highlight=False)
        counts = ", ".join(
            f"{report.count(s)} {s}" for s in ("graded", "error", "grader-error", "skipped") if report.count(s)
        )
        self.console.print(f"{counts or 'nothing to grade'} in {report.elapsed_s:.1f} s -> {Path(report.gradebook)}")
        if report.crashes:
            self.console.print(
                f"[magenta]{report.crashes} worker crash(es); a submission whose worker died is graded again elsewhere (at most a set number of tries)"
            )
        if report.older_version:
            self.console.print(
                f"[yellow]{report.older_version} skipped grade(s) were made by another grader version; "
                "--regrade grades them with this one"
            )
