"""``deepgrade generate-defaults``: rewrite ``assignments/`` and ``solutions/`` (the demo variant)."""

from __future__ import annotations

import click


@click.command("generate-defaults")
def command():
    """Regenerate assignments/ and solutions/: every assignment for student 'demo', demo secret."""
    from autograder.generate.defaults import DEFAULT_STUDENT, REPO, write_defaults

    written = write_defaults()
    click.echo(f"wrote {len(written)} files of student {DEFAULT_STUDENT!r} under {REPO}/assignments and "
               f"{REPO}/solutions")
