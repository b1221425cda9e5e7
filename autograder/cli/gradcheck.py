"""``deepgrade gradcheck``: check the reference's backward passes against torch autograd."""

from __future__ import annotations

import click


@click.command("gradcheck")
@click.option("--seed", default=0, show_default=True, help="Seed of the random inputs.")
def command(seed: int) -> None:
    """Report the relative error of every reference backward pass against torch autograd."""
    from rich.console import Console
    from rich.table import Table

    from reference.torch_check import run_report

    table = Table(title="reference backward vs torch autograd (float64)")
    for col in ("function", "shape", "max rel. error", "ok"):
        table.add_column(col)
    worst = 0.0
    for name, shape, err in run_report(seed):
        worst = max(worst, err)
        table.add_row(name, shape, f"{err:.2e}", "yes" if err <= 1e-7 else "NO")
    Console().print(table)
    if worst > 1e-7:
        raise click.ClickException(f"worst relative error {worst:.2e} exceeds 1e-7")
