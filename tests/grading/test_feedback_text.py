"""Student-derived text in feedback, results files and the terminal (autograder.grading.text).

A student controls exception messages, cell errors and file names. Whatever they write must show as
text: no ANSI escape reaching a TA's terminal, no bidi override, no markdown or HTML rendering.
"""

from __future__ import annotations

import io
import json
import re

from rich.console import Console

from autograder.batch import feedback
from autograder.batch.runner import BatchReport, Outcome
from autograder.batch.view import BatchView
from autograder.cli.grade import _print_report
from autograder.grading import formats
from autograder.grading.feedback import missing_name, student_raised
from autograder.grading.text import clean, md_block, md_inline, rich_text

ESC = "\x1b"
HOSTILE = (
    f"boom {ESC}[31mred{ESC}[0m {ESC}]0;pwned title\x07 {ESC}]8;;http://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\"
    "\r overwritten \x08\x00\x7f\x85\x9b2J \u202eevil\u202c \u2066iso\u2069 \ud800"
    " <script>alert(1)</script> **bold** [link](http://evil.example) ```fence``` :skull: [red]markup[/red]\n"
    "- a list\n# heading\tand a tab"
)
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def test_clean_drops_escapes_controls_and_bidi_but_keeps_newlines_and_tabs():
    """Is every ESC sequence, C0/C1 control (but \\n and \\t), bidi override and surrogate gone?"""
    out = clean(HOSTILE)
    assert not CONTROLS.search(out), repr(out)
    assert "\n" in out and "\t" in out
    assert "pwned title" not in out and "evil.example/" not in out  # OSC payloads (title, hyperlink) dropped
    assert "boom red" in out and "click" in out and "overwritten" in out and "\ufffd" in out
    assert clean(None) == "" and clean(3.5) == "3.5"
    assert clean("plain text: 1 < 2, a_b\n") == "plain text: 1 < 2, a_b\n"


def test_clean_is_linear_on_pathological_input():
    """Does cleaning 1 MB of unterminated escape sequences stay fast (no backtracking blow-up)?"""
    import time

    for junk in (f"{ESC}[" + "1;" * 500_000, (f"{ESC}]" + "x" * 1000) * 1000, (f"{ESC}[0" * 300_000)):
        start = time.perf_counter()
        out = clean(junk)
        assert time.perf_counter() - start < 2.0
        assert ESC not in out


def test_md_inline_renders_literally():
    """Does inline student text lose its markdown and HTML meaning (escaped) but keep its words?"""
    out = md_inline("1. <script>alert(1)</script> **b** [l](u) `c` a_b # h | t")
    assert "\n" not in out
    for raw in ("<script>", "**b**", "[l]", "`c`", "a_b", " # h", " | t"):
        assert raw not in out, raw
    assert out.startswith("1\\.") and "\\<script\\>" in out and "\\*\\*b\\*\\*" in out
    assert md_inline("- item").startswith("\\-")


def test_md_block_fence_cannot_be_closed_from_inside():
    """Is a student's text with ``` in it still one code block?"""
    lines = md_block("x\n```\n# not a heading\n````")
    assert lines[0] == lines[-1] == "`" * 5
    inner = "\n".join(lines[1:-1])
    assert "`" * 5 not in inner
    assert md_block("") == ["```", "(no message)", "```"]


def _result(message: str) -> dict:
    return {
        "assignment": "rnn", "student": "mallory", "score": 1.0, "max_score": 11.0,
        "questions": {"rnn_step": {"score": 1.0, "max_score": 3.0}},
        "tests": [{"name": "test_step_forward", "question": "rnn_step", "score": 0.0, "max_score": 1.5,
                   "status": "failed", "output": student_raised("rnn_step_forward(x: (4, 3))", "exception", message)}],
        "variant": {"activation": "tanh"}, "warnings": [f"cell 3 raised {message}"], "error": None,
    }  # fmt: skip


def test_engine_messages_are_cleaned_at_the_source():
    """Do the engine's feedback messages (a student's exception, a cell error) hold no control character?"""
    assert not CONTROLS.search(student_raised("f()", "exception", "ValueError: " + HOSTILE))
    assert not CONTROLS.search(missing_name("f", "function", 2, HOSTILE))


def test_markdown_feedback_shows_student_text_as_text():
    """In the markdown feedback, does a hostile message sit in a code block or escaped, with no control char?"""
    result = _result("ValueError: " + HOSTILE)
    result["error"] = "cell 1: " + HOSTILE
    text = feedback.render(result, assignment="rnn", student="mallory", source="mallory/<b>x</b>.ipynb")
    assert not CONTROLS.search(text) and ESC not in text
    assert "\\<b\\>x\\</b\\>" in text  # the file name, escaped inline
    warning = next(line for line in text.splitlines() if line.startswith("- cell 3 raised"))
    assert "<script>" not in warning and "\\<script\\>" in warning and "**bold**" not in warning
    # the test output and the error are fenced: the raw text is there, inside a fence longer than any run
    blocks = re.findall(r"^(`{3,})\n(.*?)\n\1$", text, flags=re.S | re.M)
    assert len(blocks) == 2 and all("<script>alert(1)</script>" in body for _, body in blocks)
    assert all(len(fence) > 3 for fence, _ in blocks)  # the message holds ``` itself


def test_results_files_are_plain_text_and_clean():
    """Do Gradescope and PrairieLearn files carry cleaned text, and does Gradescope get told it is text?"""
    result = _result("ValueError: " + HOSTILE)
    gs = formats.to_gradescope(result)
    assert gs["output_format"] == "text" and gs["test_output_format"] == "text"
    assert all(t["output_format"] == "text" for t in gs["tests"])
    pl = formats.to_prairielearn(result)
    result["error"] = HOSTILE
    bad = formats.to_prairielearn(result)
    for data in (gs, pl, bad):
        assert not CONTROLS.search("".join(_strings(data))), data
        assert "<script>" in json.dumps(data)  # kept as text; the platforms show it as text


def _strings(obj):
    stack = [obj]
    while stack:
        x = stack.pop()
        if isinstance(x, str):
            yield x
        elif isinstance(x, dict):
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)


def _console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=200, force_terminal=True, color_system="truecolor", emoji=True), buf


def _visible(ansi: str) -> str:
    """What a terminal shows: the output without rich's own SGR colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", ansi)


def test_batch_view_prints_no_student_escape_or_markup():
    """Does the batch's terminal output hold only rich's own colour codes, with student text as text?"""
    console, buf = _console()
    o = Outcome("mallory", "mallory.py", "error", 0.0, 11.0, ("w",), "cell 1: " + HOSTILE, 0.1,
                (f"flag {ESC}[2J [bold]x[/bold]",))
    BatchView._line(console, o)
    report = BatchReport("rnn", "g.sqlite", outcomes=[o], ignored=(f"x{ESC}[31m.zip: not a submission [red]r[/red]",))
    BatchView("rnn", console).summary(report)
    out = buf.getvalue()
    shown = _visible(out)
    assert ESC not in shown and not CONTROLS.search(shown.replace("\n", "")), repr(shown)
    assert "[bold]x[/bold]" in shown and "[red]r[/red]" in shown  # markup shown as typed, not applied
    assert "boom red" in shown


def test_grade_cli_report_prints_no_student_escape_or_markup():
    """Does `deepgrade grade`'s table and feedback print student text as text?"""
    console, buf = _console()
    result = _result("ValueError: " + HOSTILE)
    _print_report(console, result)
    result["error"] = HOSTILE
    _print_report(console, result)
    shown = _visible(buf.getvalue())
    assert ESC not in shown and "\u202e" not in shown and "\r" not in shown
    assert "[red]markup[/red]" in shown and ":skull:" in shown and "\U0001f480" not in shown


def test_rich_text_is_never_markup():
    """Is rich_text's output exactly the cleaned string (markup and emoji codes untouched)?"""
    assert rich_text("[bold]x[/bold] :skull:").plain == "[bold]x[/bold] :skull:"
