"""Output floods: past the limit output is dropped (head and tail kept, a warning), not fatal (issue 9, part 3).

Only a cell or call that prints without end (more than ``OUTPUT_HARD_FACTOR`` times the limit) is
stopped, and that costs only its own call or test.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.sandbox import StudentError, StudentProcess
from autograder.sandbox.output import OUTPUT_HARD_FACTOR, Output, output_hard_limit
from autograder.variants import DEMO_SECRET

_spec = importlib.util.spec_from_file_location(
    "_suite_submissions", Path(__file__).parents[1] / "grading" / "_suite_submissions.py")
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

TEN_MB = 10 << 20
FLOOD_AT_IMPORT = f'''
import sys
sys.stdout.write("FIRST" + "a" * ({TEN_MB} - 9) + "LAST")
sys.stdout.flush()
'''
WARNING = "printed 10.0 MB; only the first and last 4 KB were kept"


def test_output_keeps_head_and_tail_in_bounded_memory():
    """Does Output keep the first and last bytes, count the rest, and never hold more than its cap?"""
    out = Output(8192)
    out.add(b"START")
    for _ in range(160):  # 10 MB in pipe-sized chunks
        out.add(b"m" * (64 << 10))
        assert len(out.head) + len(out.tail) <= 8192
    out.add(b"m" * (1 << 20) + b"END")  # one chunk larger than the tail
    assert out.total == 5 + TEN_MB + (1 << 20) + 3
    assert out.dropped == out.total - 8192
    text = out.text()
    assert text.startswith("START") and text.endswith("END")
    assert f"[... {out.dropped} bytes not kept ...]" in text
    assert out.warning(2 << 20).startswith("your code printed 11.0 MB; only the first and last 4 KB were kept")
    assert out.warning(16 << 20) is None


def test_small_output_is_kept_whole():
    out = Output(8192)
    out.add(b"hello\n")
    out.add(b"world\n")
    assert out.text() == "hello\nworld\n" and out.dropped == 0 and out.warning(100) is None


def test_ten_megabytes_at_import_are_dropped_not_fatal(sandbox, script):
    """Does a .py whose import prints 10 MB still define its functions, with a warning?"""
    with sandbox.start(script(FLOOD_AT_IMPORT + "def f(x):\n    return x + 1\n")) as proc:
        assert [r["ok"] for r in proc.cell_results] == [True]
        assert proc.call("f", 1) == 2 and proc.restarts == 0
        assert len(proc.output_warnings) == 1 and WARNING in proc.output_warnings[0]
        assert proc.stdout_tail.startswith("FIRST") and proc.stdout_tail.endswith("LAST")
        assert len(proc.stdout_tail) <= sandbox.config.output_tail + 100


def test_the_same_rule_holds_for_notebooks(sandbox, notebook):
    with sandbox.start(notebook([FLOOD_AT_IMPORT, "def g():\n    return 'g'"])) as proc:
        assert [r["ok"] for r in proc.cell_results] == [True, True]
        assert proc.call("g") == "g"
        assert WARNING in proc.output_warnings[0]


def test_a_function_printing_a_megabyte_per_call_still_returns(sandbox, script):
    with sandbox.start(script("def shout(n):\n    print('x' * (1 << 20))\n    return n * 2\n")) as proc:
        assert proc.output_warnings == []
        assert [proc.call("shout", n) for n in range(5)] == [0, 2, 4, 6, 8]
        assert proc.restarts == 0  # never stopped
        assert "printed 5.0 MB" in proc.output_warnings[0]


def test_endless_printing_is_stopped_with_a_clear_message_and_costs_only_that_call(sandbox, script):
    source = "print('hello')\ndef flood():\n    while True:\n        print('spam' * 1000)\n\ndef fine():\n    return 1\n"
    with sandbox.start(script(source)) as proc:
        with pytest.raises(StudentError) as info:
            proc.call("flood")
        hard = output_hard_limit(sandbox.config)
        assert hard == OUTPUT_HARD_FACTOR * sandbox.config.output_limit
        assert info.value.kind == "output_limit"
        assert f"printed more than {hard / (1 << 20):.1f} MB in one call or cell" in info.value.message
        assert proc.call("fine") == 1  # a fresh child, the cells run again
        assert proc._output.total > hard and len(proc.stdout_tail) <= sandbox.config.output_tail + 100
        assert proc.stdout_tail.startswith("hello")


def test_endless_printing_at_import_costs_only_that_cell(sandbox, notebook):
    sub = notebook(["def f():\n    return 'f'", "while True:\n    print('spam' * 1000)", "def g():\n    return 'g'"])
    with sandbox.start(sub) as proc:
        assert [r["ok"] for r in proc.cell_results] == [True, False, True]
        assert "printed more than" in proc.cell_results[1]["error"]
        assert proc.call("f") == "f" and proc.call("g") == "g"


def _grade(sandbox, tmp_path, source: str, name: str):
    return grade_submission(subs.write(tmp_path, name, source), "rnn", "alice", DEMO_SECRET, sandbox=sandbox)


def test_a_correct_solution_printing_ten_megabytes_at_import_gets_full_marks(sandbox, tmp_path, monkeypatch):
    """Is a correct .py that prints 10 MB at import graded in full, with the warning on its process?"""
    made: list[StudentProcess] = []
    init = StudentProcess.__init__

    def recording_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(StudentProcess, "__init__", recording_init)
    result = _grade(sandbox, tmp_path, FLOOD_AT_IMPORT + subs.solution("rnn", "alice"), "flood_at_import")
    assert result["score"] == result["max_score"] > 0, [t["output"] for t in result["tests"] if t["status"] != "passed"]
    assert WARNING in made[0].output_warnings[0]  # made[0]: the submission's process (the others are fresh copies)


def test_a_function_printing_without_end_costs_only_its_own_question(sandbox, tmp_path):
    source = subs.solution("rnn", "alice") + (
        "\n\ndef readout_forward(h, beta, beta0):\n    while True:\n        print('spam' * 1000)\n")
    result = _grade(sandbox, tmp_path, source, "endless_readout")
    q = result["questions"]
    assert all(q[name]["score"] == q[name]["max_score"] for name in ("rnn_step", "rnn_sequence", "embedding"))
    assert q["readout"]["score"] == 0
    readout = [t for t in result["tests"] if t["question"] == "readout"]
    assert readout and all(t["status"] == "error" and "printed more" in t["output"] for t in readout)


def test_the_graded_result_carries_the_output_warning(tmp_path):
    """Does grade_submission's result tell the student their output was trimmed (a call's output counts)?"""
    from autograder.grading import grade_submission
    from autograder.manifest import load_manifest
    from autograder.variants import DEMO_SECRET

    names = load_manifest("dropout").functions
    source = "print('x' * 3_000_000)\n" + "".join(f"def {n}(*a, **k):\n    raise NotImplementedError\n" for n in names)
    path = tmp_path / "dropout.py"
    path.write_text(source)
    result = grade_submission(path, "dropout", "alice", DEMO_SECRET)
    assert any("printed 2.9 MB" in w and "kept" in w for w in result["warnings"]), result["warnings"]  # MiB
