"""``deepgrade demo``: the main job on an embedded default (what ``make demo`` runs)."""

from __future__ import annotations

import click


@click.command("demo")
@click.pass_context
def command(ctx: click.Context) -> None:
    """Run the demo: for now, the reference's gradient-check report against torch."""
    from autograder.cli.gradcheck import command as gradcheck

    ctx.invoke(gradcheck)
