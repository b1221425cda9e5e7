"""Run the demo: generate, submit, grade in a batch, write feedback, print the gradebook."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from autograder.batch.export import export, write_feedback
from autograder.batch.feedback import fmt_points
from autograder.batch.pool import WorkerPool
from autograder.batch.runner import BatchReport
from autograder.batch.view import BatchView
from autograder.demo import submissions
from autograder.gradebook import Gradebook
from autograder.manifest import ASSIGNMENT_IDS, load_manifest
from autograder.variants import DEMO_SECRET

# student id -> the role their submissions play (the same role in every assignment)
CLASS = {"ada": "solution", "ben": "blank", "cleo": "partly wrong", "dev": "hostile"}
DEMO_TIMEOUT = 5.0  # seconds per cell and per call of student code (a hostile loop costs this much)
_OURS = ("submissions", "feedback", "grades.sqlite", "grades.sqlite-wal", "grades.sqlite-shm", "grades.csv",
         "dashboard.html", "similarity")


@dataclass
class DemoReport:
    out: Path
    reports: list[BatchReport] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def gradebook(self) -> Path:
        return self.out / "grades.sqlite"


def _clear(out: Path) -> None:
    """Remove what an earlier demo wrote in ``out`` (only those names; nothing else is touched)."""
    for name in _OURS:
        p = out / name
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        elif p.exists() or p.is_symlink():
            p.unlink()


def write_submissions(out: Path, assignments=ASSIGNMENT_IDS, students=CLASS) -> None:
    """Generate every student's notebook and write what they hand in to ``out/submissions/<id>/``."""
    from autograder.generate.bundle import build_bundle

    for aid in assignments:
        manifest = load_manifest(aid)
        folder = out / "submissions" / aid
        folder.mkdir(parents=True, exist_ok=True)
        for student, role in students.items():
            bundle = build_bundle(aid, student, DEMO_SECRET, solutions=True)
            nb = f"{aid}.ipynb"
            data = submissions.make(role, bundle.solution_files[nb], bundle.files[nb], manifest)
            (folder / f"{student}.ipynb").write_bytes(data)


def summary_table(gradebook: Path, students=CLASS) -> Table:
    """Students (with their role) by assignments, ``score / max`` each, and the total."""
    with Gradebook(gradebook) as gb:
        grades = {(g.student, g.assignment): g for g in gb.current()}
    assignments = [a for a in ASSIGNMENT_IDS if any(k[1] == a for k in grades)]
    table = Table(title="The demo class's gradebook", title_justify="left")
    table.add_column("student")
    table.add_column("role")
    for aid in assignments:
        table.add_column(aid, justify="right")
    table.add_column("total", justify="right", style="bold")
    for student in sorted({s for s, _ in grades}):
        cells, total, top = [], 0.0, 0.0
        for aid in assignments:
            g = grades.get((student, aid))
            if g is None:
                cells.append("")
                continue
            total, top = total + g.score, top + g.max_score
            style = {"error": "red", "grader-error": "magenta"}.get(g.status, "")
            text = f"{fmt_points(g.score)}/{fmt_points(g.max_score)}"
            cells.append(f"[{style}]{text}[/]" if style else text)
        role = students.get(student, "")
        table.add_row(escape(student), role, *cells, f"{fmt_points(total)}/{fmt_points(top)}")
    return table


def write_reports(out: Path, gradebook: Path, assignments=ASSIGNMENT_IDS) -> tuple[int, Path, list[Path]]:
    """The HTML reports: feedback pages beside the markdown, one similarity report per assignment and
    the dashboard (with the similar pairs). Returns (feedback pages, dashboard, similarity reports)."""
    from autograder.reports import dashboard, similarity
    from autograder.reports.feedback_html import write_all
    from autograder.reports.render import write_page
    from autograder.sandbox import Sandbox, SandboxConfig

    pages = write_all(gradebook, out / "feedback")
    pairs, reports = {}, []
    with Sandbox(SandboxConfig(hide=(str(out.resolve()),))) as sandbox:  # reads notebooks, sees no file
        for aid in assignments:
            result = similarity.compare_folder(out / "submissions" / aid, aid, sandbox=sandbox)
            pairs[aid] = result.pairs
            reports.append(write_page(out / "similarity" / f"{aid}.html", similarity.page(result)))
    board = dashboard.write(gradebook, out / "dashboard.html", pairs)
    return len(pages), board, reports


def run_demo(
    out: str | Path = "demo-out",
    *,
    workers: int = 2,
    assignments=ASSIGNMENT_IDS,
    console: Console | None = None,
    timeout: float = DEMO_TIMEOUT,
) -> DemoReport:
    """Generate, submit, grade and report the demo class into ``out`` (see the package docstring)."""
    console = console or Console()
    start = time.monotonic()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _clear(out)
    console.print(
        "[yellow]deepgrade demo uses the PUBLIC demo secret: anyone can rebuild these variants. "
        "Never use it for a real course (give --secret-file or $DEEPGRADE_SECRET).[/]"
    )
    roles = ", ".join(f"{s} ({r})" for s, r in CLASS.items())
    console.print(f"Class: {roles}; assignments: {', '.join(assignments)}")
    attacks = ", ".join(f"{a}: {submissions.attack_for(load_manifest(a))}" for a in assignments)
    console.print(f"The hostile submissions attack the grader in a different way per assignment ({attacks})")
    with console.status("generating notebooks and submissions"):
        write_submissions(out, assignments)
    console.print(f"wrote {len(assignments) * len(CLASS)} submissions to {out / 'submissions'}")
    report = DemoReport(out)
    gradebook = out / "grades.sqlite"
    hide = (str(out.resolve()),)  # no student process sees the class's files or the gradebook
    with WorkerPool(workers, DEMO_SECRET, timeout=timeout, hide=hide) as pool:
        for aid in assignments:
            view = BatchView(aid, console)
            report.reports.append(view.run(out / "submissions" / aid, gradebook, DEMO_SECRET, pool=pool))
    n = write_feedback(gradebook, out / "feedback")
    (out / "grades.csv").write_text(export(gradebook, "csv"), encoding="utf-8")
    with console.status("writing the HTML reports"):
        n_html, board, _ = write_reports(out, gradebook, assignments)
    console.print(summary_table(gradebook))
    report.elapsed_s = time.monotonic() - start
    console.print(f"gradebook: {gradebook}  (deepgrade export-grades --gradebook {gradebook})")
    console.print(f"grades for the LMS: {out / 'grades.csv'}")
    console.print(f"feedback for each student ({n} files): {out / 'feedback'}/<assignment>/<student>.md")
    console.print(f"the same as web pages ({n_html} files): {out / 'feedback'}/<assignment>/<student>.html")
    console.print(f"the TA dashboard: {board}")
    console.print(f"similar submissions: {out / 'similarity'}/<assignment>.html")
    console.print(f"demo finished in {report.elapsed_s:.1f} s")
    return report
