"""``deepgrade export-grades --gradebook F --format csv``: current grades for an LMS."""

from __future__ import annotations

import click


@click.command("export-grades")
@click.option("--gradebook", "-g", required=True, type=click.Path(path_type=str), help="SQLite gradebook file.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--assignment", "-a", help="Only this assignment (default: every assignment in the gradebook).")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=str), help="Write here (default: stdout).")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=str),
              help="Also write each student's feedback to FEEDBACK/<assignment>/<student>.md.")
def command(gradebook, fmt, assignment, out, feedback):
    """Export one row per student, one column per question, and the total.

    With several assignments, question columns are prefixed with the assignment id and each
    assignment has its own total column. Rows are sorted by student id.
    """
    from pathlib import Path

    from autograder.batch.export import export, write_feedback
    from autograder.gradebook import GradebookError

    try:
        text = export(gradebook, fmt, assignment)
        if feedback:
            n = write_feedback(gradebook, feedback, assignment)
            click.echo(f"wrote {n} feedback files to {feedback}", err=True)
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"--feedback {feedback}: cannot write ({exc.strerror})") from None
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"--out {out}: cannot write it ({exc.strerror})") from None
    click.echo(f"wrote {out}", err=True)
