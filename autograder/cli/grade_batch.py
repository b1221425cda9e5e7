"""``deepgrade grade-batch DIR --assignment ID --gradebook grades.sqlite``: grade a folder of submissions."""

from __future__ import annotations

import click

from autograder.cli._require import require_option


@click.command("grade-batch")
@click.argument("folder", type=click.Path(file_okay=False, path_type=str))
@click.option("--assignment", "-a", required=True, help="Assignment id: the name of its folder (a wrong one lists the known ids).")
@click.option("--gradebook", "-g", required=True, type=click.Path(dir_okay=False), help="SQLite gradebook file.")
@click.option("--workers", "-j", default=2, show_default=True, type=click.IntRange(1, 64), help="Worker processes.")
@click.option("--regrade", is_flag=True, help="Grade again submissions the gradebook already holds.")
@click.option("--secret-file", type=click.Path(dir_okay=False), help="Course secret (else $DEEPGRADE_SECRET).")
@click.option("--demo", is_flag=True, help="Use the public demo secret (for trying deepgrade out).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
              help="Seconds each cell and each call of student code may run (default: the sandbox's).")
@click.option("--scheduler", metavar="tcp://HOST:PORT",
              help="Grade on a running dask.distributed cluster (needs deepgrade[dask]); the secret stays here.")
@click.option("--cluster", metavar="local:N", help="Grade on a dask LocalCluster of N worker processes.")
@require_option
def command(folder, assignment, gradebook, workers, regrade, secret_file, demo, timeout, scheduler, cluster):
    """Grade every student's submission in FOLDER into the gradebook.

    FOLDER holds S.ipynb or S.py, or a folder S/ with exactly one notebook (or, failing any
    notebook, one script), per student id S. Grades already in the gradebook for the same bytes
    are skipped unless --regrade; the batch can be killed and started again at any time.

    By default a pool of --workers local processes grades; --scheduler or --cluster grade on dask
    workers instead (each keeps one warm sandbox; only this process reads the secret and writes
    the gradebook).
    """
    from autograder.batch.pool import PoolError
    from autograder.batch.view import BatchView
    from autograder.gradebook import GradebookError
    from autograder.manifest import check_assignment_id
    from autograder.variants import load_secret

    try:
        check_assignment_id(assignment)
        secret = load_secret(secret_file, demo)
        if scheduler and cluster:
            raise ValueError("--scheduler and --cluster exclude each other; give one")
        if cluster is not None and not cluster.startswith("local:"):
            raise ValueError(f"--cluster {cluster}: expected local:N (for a running cluster, --scheduler)")
        if scheduler is not None and "://" not in scheduler:
            raise ValueError(f"--scheduler {scheduler}: expected a scheduler address such as tcp://HOST:8786")
        where = scheduler or cluster
        if where is not None:
            from autograder.batch.runner import parse_cluster

            parse_cluster(where)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    options = {}
    if where is not None:
        from autograder.batch.cluster_view import ClusterBatchView

        view, options = ClusterBatchView(assignment), {"cluster": where}
    else:
        view = BatchView(assignment)
    if demo:
        view.console.print("[yellow]Using the public demo secret: these grades are for trying deepgrade out.")
    try:
        report = view.run(
            folder, gradebook, secret, workers=workers, regrade=regrade, timeout=timeout,
            hide=(secret_file,) if secret_file else (), **options,
        )  # fmt: skip
    except (FileNotFoundError, NotADirectoryError, GradebookError, PoolError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # the folder itself cannot be listed (one submission's trouble never gets here)
        raise click.ClickException(f"{folder}: {exc.strerror or exc}") from None
    view.summary(report)
