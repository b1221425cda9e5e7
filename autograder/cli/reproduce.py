"""``deepgrade reproduce``: reproduce ISLP chapter 10's results table on IMDb and NYSE."""

from __future__ import annotations

import click


@click.command("reproduce")
@click.option("--quick", is_flag=True, help="Train on subsets with short schedules (about 2 minutes on 2 cores).")
@click.option("--device", type=click.Choice(["cpu", "cuda"]), default="cpu", show_default=True,
              help="Where the IMDb networks train (the tiny NYSE networks always train on the CPU; with "
                   "cuda the lasso path runs on the CPU beside them).")
@click.option("--only", "only", multiple=True, metavar="TASK",
              help="Run only this task (repeatable or comma-separated); requirements are added.")
@click.option("--out", type=click.Path(file_okay=False), default="reproduce-out", show_default=True,
              help="Folder for results.json and the PNG plots.")
@click.option("--imdb", "imdb", type=click.Path(), default=None,
              help="aclImdb_v1.tar.gz, an extracted aclImdb/ folder or a portable .npz (python -m "
                   "reference.reproduce.portable); default: $DEEPGRADE_IMDB, the cache, "
                   "or a download.")
@click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
              help="Cache of tokenized IMDb arrays (default: $DEEPGRADE_CACHE or ~/.cache/deepgrade).")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of every random generator.")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 256), help="torch CPU threads.")
@click.option("--list", "list_tasks", is_flag=True, help="List the task names and exit.")
def command(quick, device, only, out, imdb, cache_dir, seed, threads, list_tasks):
    """Train the chapter's models, print the table (reference number, ours, runtime, pass/fail)
    and write results.json and PNG plots (learning curves, vanishing gradients, double descent)."""
    from reference.data import DataFormatError, DataNotFoundError
    from reference.reproduce.runner import run_table
    from reference.reproduce.table import TASK_NAMES, select_tasks
    from reference.reproduce.train import resolve_device

    if list_tasks:
        click.echo("\n".join(TASK_NAMES))
        return
    names = [n.strip() for item in only for n in item.split(",") if n.strip()]
    try:
        select_tasks(names)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--only") from e
    try:
        resolve_device(device)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--device") from e
    try:
        results = run_table(names or None, quick=quick, device=device, seed=seed, out=out, imdb_path=imdb,
                            cache_dir=cache_dir, threads=threads)
    except (DataNotFoundError, DataFormatError) as e:
        raise click.ClickException(str(e)) from e
    failed = [r["task"] for r in results["tasks"] if not r["passed"]]
    click.echo(f"wrote {out}/results.json and {sum(r['plot'] is not None for r in results['tasks'])} plots")
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(results['tasks'])} rows missed their target: "
                                   + ", ".join(failed))
