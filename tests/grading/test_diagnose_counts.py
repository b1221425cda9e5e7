"""The class view of known mistakes: counts per question in ``export-grades --format json`` and the dashboard."""

import json

from click.testing import CliRunner

from autograder.cli import main
from autograder.gradebook import Gradebook
from autograder.grading.diagnose import catalogue
from autograder.reports import dashboard

RNN = catalogue("rnn").misconceptions
BPTT = next(m for m in RNN if m.name == "truncated backpropagation through time")
BIAS = next(m for m in RNN if m.name == "missing bias")


def _test(name, question, status, output):
    return {"name": name, "question": question, "score": 0.0, "max_score": 1.0, "status": status, "output": output}


def put(gb, student, tests, h="h"):
    gb.record(
        assignment="rnn", student=student, content_hash=h, source=f"{student}.py",
        result={"score": 0.0, "max_score": 11.0, "tests": tests, "questions": {}, "variant": {}, "warnings": [],
                "error": None},
        status="graded", feedback="", grader_version="v",
    )  # fmt: skip


def _gradebook(tmp_path):
    path = tmp_path / "g.sqlite"
    failing = "Called rnn_backward(dH: (3, 4, 5), cache: the cache from your rnn_forward).\ndX differs."
    with Gradebook(path, create=True) as gb:
        # two tests of one question name BPTT: one student counts once
        put(gb, "ann", [_test("test_backward", "rnn_sequence", "failed", f"{failing}\n{BPTT.sentence()}"),
                        _test("test_backward_last", "rnn_sequence", "failed", f"{failing}\n{BPTT.sentence()}")])
        put(gb, "bob", [_test("test_backward", "rnn_sequence", "failed", f"{failing}\n{BPTT.sentence()}"),
                        _test("test_step_forward", "rnn_step", "failed", f"h differs.\n{BIAS.sentence()}")])
        # not counted: an error's text (the student's own exception), a name that is not the catalogue's
        # sentence, a sentence that is not the last line, and an older grade replaced by a newer one
        put(gb, "cat", [_test("test_backward", "rnn_sequence", "error", f"ValueError: x\n{BPTT.sentence()}"),
                        _test("test_step_forward", "rnn_step", "failed", "h differs.\nThis matches a known mistake: "
                              "missing bias. Look it up"),
                        _test("test_forward", "rnn_sequence", "failed", f"{BIAS.sentence()}\nHint: x.")])
        put(gb, "dan", [_test("test_step_forward", "rnn_step", "failed", f"h differs.\n{BIAS.sentence()}")])
        put(gb, "dan", [_test("test_step_forward", "rnn_step", "passed", "")], h="newer")
    return path


def test_json_export_counts_each_known_mistake_per_question(tmp_path):
    """Does the JSON export count each named mistake once per student and question, and nothing else?"""
    res = CliRunner().invoke(main, ["export-grades", "--gradebook", str(_gradebook(tmp_path)), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["misconceptions"] == {"rnn": {"rnn_sequence": {BPTT.name: 2}, "rnn_step": {BIAS.name: 1}}}


def test_dashboard_lists_known_mistakes(tmp_path):
    """Does the dashboard show a table of known mistakes with the number of students per question?"""
    html = dashboard.page(_gradebook(tmp_path))
    assert "Known mistakes" in html
    row = html.split('class="sortable misconceptions"', 1)[1].split("</table>", 1)[0]
    assert row.count("<tr>") == 3  # header + two rows
    assert BPTT.name in row and "<td class=\"num\">2</td>" in row and BIAS.name in row
