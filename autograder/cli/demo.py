"""``deepgrade demo``: the main job on an embedded default (what ``make demo`` runs)."""

from __future__ import annotations

import click


@click.command("demo")
@click.option("--out", "-o", default="demo-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the class's submissions, gradebook, CSV and feedback.")  # fmt: skip
@click.option("--workers", "-j", default=2, show_default=True, type=click.IntRange(1, 16), help="Worker processes.")
def command(out, workers):
    """Grade a small demo class end to end, on the public demo secret.

    Four students (a solution, a blank, a partly wrong and a hostile submission each) across the
    built-in assignments are generated, graded in a batch into OUT/grades.sqlite, exported to
    OUT/grades.csv, and given feedback in OUT/feedback/<assignment>/<student>.md. Only those
    paths (and OUT/submissions) are replaced in OUT.
    """
    from autograder.batch.pool import PoolError
    from autograder.demo import run_demo

    try:
        run_demo(out, workers=workers)
    except (OSError, PoolError) as exc:
        raise click.ClickException(str(exc)) from None
