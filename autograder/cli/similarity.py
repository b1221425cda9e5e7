"""``deepgrade similarity DIR --assignment ID --out report.html``: pairs of submissions that look copied."""

from __future__ import annotations

import click


@click.command("similarity")
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=str))
@click.option("--assignment", "-a", required=True, help="Assignment id: its template's code is not counted.")
@click.option("--out", "-o", default="similarity.html", show_default=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=str), help="Also write the pairs as CSV here.")
def command(folder, assignment, out, csv_path):
    """Rank the pairs of submissions in FOLDER (laid out as for grade-batch) by shared code.

    Comments, docstrings, whitespace and names are normalized away and the template's own code is
    left out, then winnowed token fingerprints are compared (as MOSS does). The HTML report lists the
    pairs and shows the most similar side by side with the matching lines highlighted.
    """
    from pathlib import Path

    from autograder.manifest import check_assignment_id
    from autograder.reports.render import write_page
    from autograder.reports.similarity import FLAG_SCORE, compare_folder, page, to_csv
    from autograder.sandbox import Sandbox, SandboxConfig

    try:
        check_assignment_id(assignment)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        with Sandbox(SandboxConfig()) as sandbox:
            result = compare_folder(folder, assignment, sandbox=sandbox)
        write_page(out, page(result))
        if csv_path:
            Path(csv_path).write_text(to_csv(result), encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or out}: {exc.strerror or exc}") from None
    flagged = sum(p.flagged for p in result.pairs)
    click.echo(f"{len(result.documents)} submissions, {len(result.pairs)} pairs listed, "
               f"{flagged} flagged (>= {FLAG_SCORE:.0%} shared): wrote {out}" + (f" and {csv_path}" if csv_path else ""))
