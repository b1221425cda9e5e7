"""``deepgrade variant``: print one student's variant of an assignment (instructors, graders, tests)."""

from __future__ import annotations

import json

import click

from autograder.cli.generate import resolve_secret, secret_options
from autograder.manifest import ASSIGNMENT_IDS


@click.command("variant")
@click.argument("assignment", metavar="ID")
@click.option("--student", required=True, help="Student id.")
@click.option("--json", "as_json", is_flag=True, help="Print the parameters as JSON.")
@secret_options
def command(assignment, student, as_json, secret_file, demo):
    """Print the parameters of STUDENT's variant of assignment ID (trusted: drawn option orders too)."""
    if assignment not in ASSIGNMENT_IDS:
        raise click.BadParameter(f"unknown assignment id {assignment!r}; expected one of: "
                                 f"{', '.join(ASSIGNMENT_IDS)}", param_hint="ID")
    from autograder.variants import variant

    secret = resolve_secret(secret_file, demo)
    try:
        v = variant(assignment, student, secret)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--student") from None
    if as_json:
        click.echo(json.dumps(v, indent=2))
        return
    width = max(len(k) for k in v)
    for k, value in v.items():
        click.echo(f"{k:<{width}}  {json.dumps(value)}")
