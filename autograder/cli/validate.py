"""``deepgrade validate ID``: the instructor's confidence check before releasing an assignment."""

from __future__ import annotations

import click

from autograder.cli.generate import resolve_secret


@click.command("validate")
@click.argument("assignment", metavar="ID")
@click.option("--students", "n_students", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many made-up students (validate-000, ...) to try.")
@click.option("--secret-file", type=click.Path(dir_okay=False),
              help="File holding the course secret (else $DEEPGRADE_SECRET, else the public demo secret).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds per call of a student function.")
def command(assignment, n_students, secret_file, timeout):
    """Check assignment ID before release: for each student the solution gets full marks, the blank 0, the
    demo's partly wrong submission loses points on its own question only, the bundle passes the leak scan
    and the public checks pass with the solution; the demo's hostile submission earns nothing; and no two
    students share a variant.

    Prints a table of the checks and what failed; the exit status is 1 when anything failed.
    """
    import os

    from rich.console import Console

    from autograder.manifest import check_assignment_id
    from autograder.validate import CHECKS, CLASS_CHECKS, validate
    from autograder.variants import DEMO_SECRET, SECRET_ENV

    try:
        check_assignment_id(assignment)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    demo = not secret_file and not os.environ.get(SECRET_ENV, "").strip()
    secret = DEMO_SECRET if demo else resolve_secret(secret_file, False)
    console = Console()
    with console.status(f"validating {assignment}") as status:
        report = validate(assignment, secret, n_students, timeout=timeout,
                          progress=lambda text: status.update(f"validating {text}"))
    console.print(_table(report, CHECKS, CLASS_CHECKS))
    if report.ok:
        console.print(f"[green]{assignment}: every check passed for {n_students} students "
                      f"({'demo secret' if demo else 'course secret'}).[/]")
        return
    console.print(f"[red]{assignment}: {len(report.failures)} check(s) failed; see above.[/]")
    raise SystemExit(1)


def _table(report, checks, class_checks):
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"deepgrade validate {report.assignment} ({len(report.students)} students)",
                  title_justify="left")
    table.add_column("check")
    table.add_column("result")
    table.add_column("what failed (first students)")
    for check in checks:
        failed = report.failed(check)
        if check in class_checks:
            result = "[red]FAIL[/]" if failed else "[green]ok[/]"
        else:
            bad = len({f.student for f in failed})
            result = (f"[red]FAIL {bad}/{len(report.students)}[/]" if failed
                      else f"[green]ok {len(report.students)}/{len(report.students)}[/]")
        detail = Text("\n".join(f"{f.student}: {f.detail}" if f.student else f.detail for f in failed[:3]))
        if len(failed) > 3:
            detail.append(f"\n... and {len(failed) - 3} more")
        table.add_row(check, result, detail)
    return table
