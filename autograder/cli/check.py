"""``deepgrade check``: run a bundle's public self-checks on a student's notebook (their own machine)."""

from __future__ import annotations

import sys

import click


@click.command("check")
@click.argument("path", metavar="BUNDLE_OR_FILE", type=click.Path(exists=True))
def command(path):
    """Run the public checks of a student bundle folder, or of one notebook (.ipynb) or script (.py) in it.

    The code cells run in this process (cells tagged skip-grading are skipped); the checks compare with
    the values stored in the bundle's *_public.json. Exit status 1 when a check fails.
    """
    from autograder.selfcheck.deepgrade_check import run_file

    try:
        ok = run_file(path)
    except (FileNotFoundError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(0 if ok else 1)
