"""``deepgrade new ID --from MODULE:FN,...``: write an assignment folder from reference functions."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("new")
@click.argument("assignment", metavar="ID")
@click.option("--from", "sources", multiple=True, required=True, metavar="MODULE:FN[,FN...]",
              help="Reference functions the students write (repeatable): x_forward with x_backward make one "
                   "question with a gradient check, every other function a question of its own.")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path),
              help="The folder of assignment folders to write into (default: the course folder, --course).")
@click.option("--title", help="The assignment's title (default: from its id).")
@click.option("--force", is_flag=True, help="Overwrite the files of an existing folder.")
def command(assignment, sources, into, title, force):
    """Write the folder of a new assignment ID: manifest, student text, hidden suite, public checks and
    demo, from the reference functions' signatures and docstrings. It grades correctly at once; edit it,
    then run `deepgrade validate ID`."""
    from autograder.folders import course_dir
    from autograder.scaffold import scaffold

    target = into or course_dir()
    if target is None:
        raise click.UsageError("say where to write the folder: --into DIR, or --course DIR before `new`")
    try:
        written = scaffold(assignment, list(sources), Path(target), title=title, force=force)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"wrote {written[0].parent}/")
    for path in written:
        click.echo(f"  {path.name}")
    course = course_dir()
    prefix = f"deepgrade --course {course} " if course else "deepgrade "
    click.echo(f"next: edit them, then `{prefix}validate {assignment}`")
