"""``deepgrade feedback --gradebook G --out DIR``: each student's feedback as an HTML (or markdown) page."""

from __future__ import annotations

import click


@click.command("feedback")
@click.option("--gradebook", "-g", required=True, type=click.Path(path_type=str), help="SQLite gradebook file.")
@click.option("--assignment", "-a", help="Only this assignment (default: every assignment in the gradebook).")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Folder: pages go to OUT/<assignment>/<student>.html (or .md).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True)
def command(gradebook, assignment, out, fmt):
    """Write one feedback page per student and assignment, from the gradebook's current grades.

    An HTML page is self-contained (no network, opens from disk, prints cleanly): the score per
    question as a bar, each test that lost points with its message and hint, the variant and the
    warnings. ``--format md`` writes the markdown feedback the batch recorded.
    """
    from autograder.gradebook import GradebookError

    try:
        if fmt == "md":
            from autograder.batch.export import write_feedback

            n = write_feedback(gradebook, out, assignment)
        else:
            from autograder.reports.feedback_html import write_all

            n = len(write_all(gradebook, out, assignment))
    except GradebookError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"--out {out}: cannot write ({exc.strerror})") from None
    click.echo(f"wrote {n} feedback pages to {out}/<assignment>/<student>.{fmt}")
