"""``deepgrade check``: run a bundle's public self-checks on a student's notebook (their own machine)."""

from __future__ import annotations

import sys

import click


@click.command("check")
@click.argument("path", metavar="BUNDLE_OR_FILE", type=click.Path(exists=True))
@click.option("--submit", is_flag=True, help="Pre-submit check of the FILE: what the grader will see in it.")
def command(path, submit):
    """Run the public checks of a student bundle folder, or of one notebook (.ipynb) or script (.py) in it.

    The code cells run in this process (cells tagged skip-grading are skipped); the checks compare with
    the values stored in the bundle's *_public.json. Exit status 1 when a check fails. With --submit, the
    saved FILE is read as the grader reads it and its graded cells run in a fresh process.
    """
    from pathlib import Path

    from autograder.selfcheck.deepgrade_check import load_public, run_file

    try:
        if submit:
            from autograder.selfcheck.deepgrade_submit import check_submission_file

            target = Path(path)
            folder = target.resolve().parent
            ok = check_submission_file(target, load_public(folder, assignment=target.stem), folder)
        else:
            ok = run_file(path)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(0 if ok else 1)
