"""``deepgrade grade SUBMISSION --assignment ID --student S``: grade one submission."""

from __future__ import annotations

import click

from autograder.cli._require import require_option


@click.command("grade")
@click.argument("submission", type=click.Path(exists=True, path_type=str))
@click.option("--assignment", "-a", required=True, help="Assignment id: the name of its folder (a wrong one lists the known ids).")
@click.option("--student", "-s", required=True, help="Student id: the variant and hidden inputs derive from it.")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON instead of a table.")
@click.option("--gradescope", type=click.Path(dir_okay=False), help="Also write Gradescope's results.json here.")
@click.option("--prairielearn", type=click.Path(dir_okay=False), help="Also write PrairieLearn's results.json here.")
@click.option("--html", "html", type=click.Path(dir_okay=False), help="Also write the student's HTML feedback page here.")
@click.option("--secret-file", type=click.Path(dir_okay=False), help="Course secret (else $DEEPGRADE_SECRET).")
@click.option("--demo", is_flag=True, help="Use the public demo secret (for trying deepgrade out).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), help="Seconds per call of a student function.")
@require_option
def command(submission, assignment, student, as_json, gradescope, prairielearn, html, secret_file, demo,
            timeout):
    """Grade SUBMISSION (.ipynb or .py) for STUDENT's variant of ASSIGNMENT.

    Prints the score per question and the feedback of every test that did not pass. The exit
    status is 0 whenever grading ran, whatever the score (a submission that cannot be read scores 0
    and says why); it is non-zero only when the grader itself cannot run (bad options, no secret).
    """
    import json

    from rich.console import Console

    from autograder.grading import grade_submission
    from autograder.grading.formats import to_gradescope, to_prairielearn, write_json
    from autograder.manifest import check_assignment_id
    from autograder.variants import check_student_id, load_secret

    try:
        check_assignment_id(assignment)
        check_student_id(student)
        secret = load_secret(secret_file, demo)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    notices = Console(stderr=True)
    if demo:
        notices.print("[yellow]Using the public demo secret: these grades are for trying deepgrade out.")
    result = grade_submission(submission, assignment, student, secret, timeout=timeout)
    for path, data in ((gradescope, to_gradescope), (prairielearn, to_prairielearn)):
        if path:
            try:
                write_json(path, data(result))
            except (OSError, ValueError) as exc:
                raise click.ClickException(f"cannot write {path}: {exc}") from None
    if html:
        _write_html(html, result, submission)
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        _print_report(Console(), result)


def _write_html(path: str, result: dict, submission: str) -> None:
    from pathlib import Path

    from autograder.reports.feedback_html import page
    from autograder.reports.render import write_page

    text = page(result, assignment=result["assignment"], student=result["student"], source=Path(submission).name)
    try:
        write_page(path, text)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None


def _print_report(console, result: dict) -> None:
    """The score table, then errors, warnings and feedback; student-derived text is printed as
    cleaned rich ``Text`` (no markup, no terminal escapes)."""
    from rich.table import Table
    from rich.text import Text

    from autograder.grading.text import rich_text

    table = Table(title=rich_text(f"{result['assignment']} -- student {result['student']}"))
    for col, justify in (("question", "left"), ("title", "left"), ("score", "right"), ("tests passed", "right")):
        table.add_column(col, justify=justify)
    for name, q in result["questions"].items():
        tests = [t for t in result["tests"] if t["question"] == name]
        passed = sum(t["status"] == "passed" for t in tests)
        style = "green" if q["score"] == q["max_score"] else ("red" if q["score"] == 0 else "yellow")
        table.add_row(rich_text(name), rich_text(q.get("title", "")), f"[{style}]{q['score']:g} / {q['max_score']:g}",
                      f"{passed} / {len(tests)}")
    table.add_section()
    table.add_row("total", "", f"[bold]{result['score']:g} / {result['max_score']:g}", "")
    console.print(table)
    if result.get("error"):
        console.print(Text.assemble(("Your submission could not be graded:", "red"), " ", rich_text(result["error"])))
    warnings = list(result.get("warnings") or ())
    skipped = [w for w in warnings if "skip-grading" in w]
    if skipped:  # one line for the cells a notebook marks as not graded (self-checks, long training runs)
        console.print(f"{len(skipped)} cell(s) tagged skip-grading were not run, as intended.", highlight=False)
    for warning in (w for w in warnings if w not in skipped):
        console.print(Text.assemble(("warning:", "yellow"), " ", rich_text(warning)), highlight=False)
    failed = [t for t in result["tests"] if t["status"] != "passed"]
    if failed and not result.get("error"):
        console.print(f"\n[bold]Feedback on the {len(failed)} test(s) that did not pass:[/bold]")
        for t in failed:
            head = Text.assemble("\n", rich_text(f"{t['question']}: {t['name']}", "bold"),
                                 rich_text(f" ({t['status']}, 0 / {t['max_score']:g})"))
            console.print(head, highlight=False)
            console.print(rich_text(t["output"]), highlight=False)
