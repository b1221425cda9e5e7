"""``deepgrade export ID --format F --out DIR``: an assignment packaged for a grading platform."""

from __future__ import annotations

import click

from autograder.export.base import exporters


def _format_options(f):
    """One ``--NAME`` option per setting of any format (formats sharing a name share the option)."""
    seen: dict[str, object] = {}
    for exporter in exporters().values():
        for s in exporter.settings:
            seen.setdefault(s.name, s)
    for s in reversed(list(seen.values())):
        f = click.option("--" + s.name.replace("_", "-"), s.name, type=s.type, default=None,
                         help=f"{s.help} [default: {s.default}]")(f)
    return f


@click.command("export")
@click.argument("assignment")
@click.option("--format", "fmt", required=True, type=click.Choice(list(exporters())), help="The platform.")
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False, path_type=str), help="Folder to write.")
@click.option("--force", is_flag=True, help="Write into a folder that is not empty.")
@click.option("--secret-file", type=click.Path(dir_okay=False), help="Course secret (else $DEEPGRADE_SECRET).")
@click.option("--demo", is_flag=True, help="Use the public demo secret (for trying deepgrade out).")
@_format_options
def command(assignment, fmt, out, force, secret_file, demo, **given):
    """Write ASSIGNMENT packaged for the platform --format names into --out.

    Options marked with a format's name apply to that format only.
    """
    from pathlib import Path

    from autograder.export.base import ExportError, ExportJob, prepare_out, settings_for
    from autograder.manifest import check_assignment_id
    from autograder.variants import load_secret

    exporter = exporters()[fmt]
    try:
        check_assignment_id(assignment)
        secret = load_secret(secret_file, demo)
        settings = settings_for(exporter, given)
    except (ValueError, ExportError) as exc:
        raise click.UsageError(str(exc)) from None
    try:
        folder = prepare_out(Path(out), force)
        written = exporter.export(ExportJob(assignment, folder, secret, demo, settings))
    except ExportError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"--out {out}: cannot write {exc.filename or ''} ({exc.strerror})") from None
    if demo:
        click.echo("note: the public demo secret was used; anyone can rebuild these variants", err=True)
    click.echo(f"wrote {len(written)} files of --format {fmt} for {assignment} to {out}", err=True)
    _course_note(exporter, fmt, assignment)


def _course_note(exporter, fmt: str, assignment: str) -> None:
    """Where the files of a course folder's assignment went, or why they did not travel."""
    from autograder.folders import course_dir

    course = course_dir()
    if course is None or not (course / assignment).is_dir() and not any(course.glob("*.py")):
        return
    if getattr(exporter, "ships_course", False):
        click.echo(f"note: {assignment}'s folder and the course's reference modules from {course} are in the "
                   "export, readable by the grader only", err=True)
    else:
        click.echo(f"note: --format {fmt} gives its files to students too, so {course} is not in the export: "
                   f"where it grades, install deepgrade and set DEEPGRADE_COURSE to a copy of that folder", err=True)
