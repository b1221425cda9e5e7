"""``deepgrade export-grades --gradebook F --format csv|json|canvas|moodle|blackboard``: grades for an LMS."""

from __future__ import annotations

import click


@click.command("export-grades")
@click.option("--gradebook", "-g", required=True, type=click.Path(path_type=str), help="SQLite gradebook file.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "canvas", "moodle", "blackboard"]), default="csv",
              show_default=True, help="canvas/moodle/blackboard: the LMS's grade import CSV (needs --roster).")
@click.option("--roster", type=click.Path(dir_okay=False, path_type=str),
              help="canvas/moodle/blackboard: CSV mapping student_id to the LMS's ids (Canvas: Student, ID, SIS "
                   "User ID, SIS Login ID, Section; Moodle: Email address, ID number or Username; Blackboard: "
                   "Username, and Last Name, First Name, Student ID if you like).")
@click.option("--assignment", "-a", help="Only this assignment (default: every assignment in the gradebook).")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=str), help="Write here (default: stdout).")
@click.option("--feedback", type=click.Path(file_okay=False, path_type=str),
              help="Also write each student's feedback to FEEDBACK/<assignment>/<student>.md.")
def command(gradebook, fmt, roster, assignment, out, feedback):
    """Export one row per student, one column per question, and the total.

    With several assignments, question columns are prefixed with the assignment id and each
    assignment has its own total column. Rows are sorted by student id.

    canvas, moodle and blackboard: one row per roster student, one column per assignment's total. Graded students
    the roster lacks are listed on stderr (they are not in the file).
    """
    from pathlib import Path

    from autograder.batch.export import LMS_FORMATS, RosterError, export, export_lms, write_feedback
    from autograder.gradebook import GradebookError

    if (fmt in LMS_FORMATS) != (roster is not None):
        raise click.UsageError(f"--roster goes with --format {' or '.join(LMS_FORMATS)}, and they need it")
    lms = None
    try:
        if fmt in LMS_FORMATS:
            lms = export_lms(gradebook, fmt, roster, assignment)
            text = lms.text
        else:
            text = export(gradebook, fmt, assignment)
        if feedback:
            n = write_feedback(gradebook, feedback, assignment)
            click.echo(f"wrote {n} feedback files to {feedback}", err=True)
    except (GradebookError, RosterError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"--feedback {feedback}: cannot write ({exc.strerror})") from None
    if lms is not None and lms.unmatched:
        click.echo(f"warning: {len(lms.unmatched)} graded student(s) are not in --roster {roster} and are NOT in "
                   f"the export: {', '.join(lms.unmatched)}", err=True)
    if lms is not None and lms.ungraded:
        click.echo(f"note: {len(lms.ungraded)} roster student(s) have no grade (empty cells): "
                   f"{', '.join(lms.ungraded)}", err=True)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"--out {out}: cannot write it ({exc.strerror})") from None
    click.echo(f"wrote {out}", err=True)
