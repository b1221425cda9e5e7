"""``deepgrade dashboard --gradebook G --out dashboard.html``: the TAs' page for a whole gradebook."""

from __future__ import annotations

import click


@click.command("dashboard")
@click.option("--gradebook", "-g", required=True, type=click.Path(path_type=str), help="SQLite gradebook file.")
@click.option("--out", "-o", default="dashboard.html", show_default=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--submissions", type=click.Path(file_okay=False, exists=True, path_type=str),
              help="Folder with a submissions folder per assignment (SUBMISSIONS/<assignment>/): adds similar pairs.")
def command(gradebook, out, submissions):
    """Write one self-contained HTML page for every assignment in the gradebook.

    Score distributions (total and per question), the hardest tests with their most common feedback
    line, submissions that errored, timed out or crashed, grading times, regrades, and with
    --submissions the pairs of submissions whose code looks copied.
    """
    from pathlib import Path

    from autograder.gradebook import Gradebook, GradebookError
    from autograder.reports import dashboard

    try:
        pairs = None
        if submissions:
            from autograder.reports.similarity import compare_folder
            from autograder.sandbox import Sandbox, SandboxConfig

            with Gradebook(gradebook) as gb:
                held = gb.assignments()
            with Sandbox(SandboxConfig()) as sandbox:
                pairs = {a: compare_folder(Path(submissions) / a, a, sandbox=sandbox).pairs
                         for a in held if (Path(submissions) / a).is_dir()}
        path = dashboard.write(gradebook, out, pairs)
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or out}: {exc.strerror or exc}") from None
    click.echo(f"wrote {path}")
