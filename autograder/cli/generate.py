"""``deepgrade generate``: write student bundles (and, optionally, their solution versions)."""

from __future__ import annotations

from pathlib import Path

import click

from autograder.manifest import ASSIGNMENT_IDS


def secret_options(f):
    f = click.option("--demo", is_flag=True, help="Use the public demo secret (for trying deepgrade out).")(f)
    return click.option("--secret-file", type=click.Path(dir_okay=False),
                        help="File holding the course secret (else $DEEPGRADE_SECRET).")(f)


def resolve_secret(secret_file: str | None, demo: bool) -> bytes:
    from autograder.variants import load_secret

    try:
        secret = load_secret(secret_file, demo)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if demo:
        click.echo("note: using the public demo secret (--demo); anyone can rebuild these variants", err=True)
    return secret


@click.command("generate")
@click.argument("assignment", metavar="ID")
@click.option("--student", help="One student id: write that student's bundle into --out.")
@click.option("--roster", type=click.Path(dir_okay=False), help="CSV with a student_id column: one folder each.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("--solutions", type=click.Path(file_okay=False), help="Also write the solution versions here.")
@click.option("--force", is_flag=True, help="Overwrite existing, non-empty student folders.")
@secret_options
def command(assignment, student, roster, out, solutions, force, secret_file, demo):
    """Write the bundle of assignment ID (an assignment folder's id) for one student (--student) or a class
    (--roster): ID.ipynb, ID.py and the self-check files."""
    if assignment not in ASSIGNMENT_IDS:
        raise click.BadParameter(f"unknown assignment id {assignment!r}; expected one of: "
                                 f"{', '.join(ASSIGNMENT_IDS)}", param_hint="ID")
    if (student is None) == (roster is None):
        raise click.UsageError("give exactly one of --student S and --roster FILE")
    from autograder.generate.bundle import build_bundle, check_writable, write_files
    from autograder.generate.roster import RosterError, read_roster
    from autograder.variants import check_student_id

    out_dir = Path(out)
    sol_dir = Path(solutions) if solutions else None
    if sol_dir is not None:
        a, b = out_dir.resolve(), sol_dir.resolve()
        if a == b or a in b.parents or b in a.parents:
            raise click.BadParameter(f"{sol_dir} and --out {out_dir} overlap; solution versions must go to a "
                                     "folder apart from the student bundles, or students would receive them",
                                     param_hint="--solutions")
    secret = resolve_secret(secret_file, demo)
    if student is not None:
        try:
            check_student_id(student)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--student") from None
        targets = [(student, out_dir, sol_dir)]
    else:
        try:
            students = read_roster(roster)
        except RosterError as exc:
            raise click.ClickException(str(exc)) from None
        targets = [(s.student_id, out_dir / s.student_id, sol_dir / s.student_id if sol_dir else None)
                   for s in students]
    blocked = []
    for _, folder, sol in targets:
        for f in (folder, sol):
            if f is None:
                continue
            try:
                check_writable(f, force)
            except FileExistsError as exc:
                blocked.append(str(exc))
    if blocked:
        more = f" (and {len(blocked) - 5} more)" if len(blocked) > 5 else ""
        raise click.ClickException("nothing was written:\n  " + "\n  ".join(blocked[:5]) + more)

    def write(sid, folder, sol):
        bundle = build_bundle(assignment, sid, secret, solutions=sol is not None)
        write_files(folder, bundle.files)
        if sol is not None:
            write_files(sol, bundle.solution_files)

    if student is not None:
        write(*targets[0])
        click.echo(f"wrote {assignment} for {student} to {out_dir}" + (f" (solutions: {sol_dir})" if sol_dir else ""))
        return
    from rich.progress import Progress

    with Progress(transient=False) as progress:
        task = progress.add_task(f"generating {assignment}", total=len(targets))
        for target in targets:
            write(*target)
            progress.advance(task)
    click.echo(f"wrote {len(targets)} bundles of {assignment} to {out_dir}"
               + (f" (solutions: {sol_dir})" if sol_dir else ""))
