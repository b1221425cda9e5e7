"""One hung function costs one timeout (issue 9, part 2).

After a function timed out once in a submission (its fresh copies included), its later calls fail at
once with the same message; functions that merely call it still get their own chance. Each call's
limit scales with the reference's own time on the same input (at least ``TIMEOUT_FLOOR_S``). The
tests count the calls that really waited for a timeout (``_Conn.exchange`` raising one) against those
refused at once, never wall time.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.grading.plugin import TIMEOUT_FACTOR, TIMEOUT_FLOOR_S, GradingContext
from autograder.manifest import load_manifest
from autograder.sandbox import Handle, Sandbox, SandboxConfig, StudentError, load_submission, process
from autograder.sandbox.budget import TIMEOUT_MEMORY_ENV
from autograder.sandbox.process import StudentProcess
from autograder.variants import DEMO_SECRET, variant

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

LOOPS = {
    "busy": "    while True:\n        pass\n",
    "ignores_signals": ("    import signal\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                        "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n        pass\n"),
}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:  # the default 10 s call timeout
        yield sb


@pytest.fixture
def timeouts(monkeypatch):
    """Counts of timeout StudentErrors: ``waited`` (a request ran into its deadline) and ``refused``
    (a call that failed with a timeout without waiting for one)."""
    counts = {"waited": 0, "refused": 0}
    exchange, call = process._Conn.exchange, StudentProcess.call

    def counting_exchange(self, *args, **kwargs):
        try:
            return exchange(self, *args, **kwargs)
        except StudentError as exc:
            counts["waited"] += exc.kind == "timeout"
            raise

    def counting_call(self, *args, **kwargs):
        before = counts["waited"]
        try:
            return call(self, *args, **kwargs)
        except StudentError as exc:
            counts["refused"] += exc.kind == "timeout" and counts["waited"] == before
            raise

    monkeypatch.setattr(process._Conn, "exchange", counting_exchange)
    monkeypatch.setattr(StudentProcess, "call", counting_call)
    return counts


def _hung_step(loop: str) -> str:
    # the solution's rnn_forward calls rnn_step_forward with the variant's activation: keep the parameter
    return subs.solution("rnn", "alice") + f'\n\ndef rnn_step_forward(x, h_prev, W, U, b, activation="tanh"):\n{loop}'


@pytest.mark.parametrize("loop", sorted(LOOPS))
def test_a_hung_step_function_costs_one_timeout(sandbox, tmp_path, timeouts, loop):
    """Does a submission whose rnn_step_forward never returns wait for one timeout per hung function only?"""
    result = grade_submission(subs.write(tmp_path, f"hung_{loop}", _hung_step(LOOPS[loop])), "rnn", "alice",
                              DEMO_SECRET, sandbox=sandbox)
    q = result["questions"]
    assert q["embedding"]["score"] == q["embedding"]["max_score"] > 0  # the other functions: full marks
    assert q["readout"]["score"] == q["readout"]["max_score"] > 0
    assert q["rnn_step"]["score"] == 0 and q["rnn_sequence"]["score"] == 0
    hung = [t for t in result["tests"] if t["question"] in ("rnn_step", "rnn_sequence")]
    assert hung and all(t["status"] == "error" and "time limit" in t["output"] for t in hung)
    # Waited: rnn_step_forward once, and rnn_forward (which calls it) once -- not once per test.
    assert timeouts["waited"] == 2
    assert timeouts["refused"] >= len(hung) - 2
    # The limit came from the reference's time (microseconds here), so the floor, not the 10 s call timeout.
    assert all(f"did not finish within {TIMEOUT_FLOOR_S:g} s" in t["output"] for t in hung)


def test_forgetting_timeouts_waits_for_every_test(sandbox, tmp_path, timeouts, monkeypatch):
    """With the memory switched off (the benchmark's "before"), does every test of the function wait again?"""
    monkeypatch.setenv(TIMEOUT_MEMORY_ENV, "0")
    with Sandbox(SandboxConfig(call_timeout=0.3)) as sb:
        result = grade_submission(subs.write(tmp_path, "hung", _hung_step(LOOPS["busy"])), "rnn", "alice",
                                  DEMO_SECRET, sandbox=sb)
    hung = [t for t in result["tests"] if t["question"] in ("rnn_step", "rnn_sequence")]
    assert timeouts["refused"] == 0 and timeouts["waited"] >= len(hung)


SCRIPT = f'''
def stuck():
{LOOPS["busy"]}
def uses(flag):
    if flag:
        stuck()
    return 1
'''


def test_a_fresh_copy_sees_the_same_memory_and_dependants_get_their_own_chance(sandbox, tmp_path, timeouts):
    path = tmp_path / "stuck.py"
    path.write_text(SCRIPT)
    with sandbox.start(load_submission(path)) as proc:
        early = proc.fresh()  # made before the timeout: shares the submission's memory all the same
        with pytest.raises(StudentError) as first:
            proc.call("stuck", timeout=0.3)
        assert first.value.kind == "timeout" and timeouts["waited"] == 1
        for copy in (proc, early, proc.fresh()):
            start = time.monotonic()
            with pytest.raises(StudentError) as again:
                copy.call("stuck", timeout=5)
            assert again.value.kind == "timeout" and first.value.message in again.value.message
            assert "was not called again" in again.value.message
            assert time.monotonic() - start < 1  # refused at once: no process was even asked
        assert timeouts["waited"] == 1 and timeouts["refused"] == 3
        assert proc.timeouts.waited == 1 and proc.timeouts.failed_fast == 3
        assert proc.call("uses", False) == 1  # a function that calls it is still called
        with pytest.raises(StudentError) as dependant:
            proc.call("uses", True, timeout=0.3)  # ... and waits for its own timeout
        assert dependant.value.kind == "timeout" and timeouts["waited"] == 2
    with sandbox.start(load_submission(path)) as other:  # another submission starts with a clean slate
        with pytest.raises(StudentError):
            other.call("stuck", timeout=0.3)
        assert timeouts["waited"] == 3


def _context(student="alice") -> GradingContext:
    return GradingContext(None, variant("rnn", student, DEMO_SECRET), 1, load_manifest("rnn"))


def test_call_limit_scales_with_the_reference_time(monkeypatch):
    """Is the limit 50x the reference's time on the same input, never under the floor, never over the cap?"""
    import numpy as np

    from autograder.grading import plugin

    context = _context()
    rng = np.random.default_rng(0)
    x, h, W, U, b = (rng.standard_normal(s) for s in ((4, 3), (4, 5), (3, 5), (5, 5), (5,)))
    assert context.call_limit("rnn_step_forward", (x, h, W, U, b), {}, cap=10.0) == TIMEOUT_FLOOR_S
    assert context.call_limit("rnn_step_forward", (x, h, W, U, b), {}, cap=1.0) == 1.0
    assert context.call_limit("rnn_step_backward", (h, Handle(1, "tuple")), {}, cap=10.0) is None  # a cache
    assert context.call_limit("no_such_function", (x,), {}, cap=10.0) is None
    assert context.call_limit("rnn_step_forward", (x,), {}, cap=10.0) is None  # does not bind

    seen = {}

    def slow_reference(x, h_prev, W, U, b, activation="tanh"):
        seen["activation"] = activation
        time.sleep(0.1)

    monkeypatch.setattr(plugin, "_reference_function", lambda modules, name: slow_reference)
    limit = context.call_limit("rnn_step_forward", (x, h, W, U, b), {}, cap=60.0)
    assert TIMEOUT_FACTOR * 0.1 <= limit < 60.0
    assert seen["activation"] == context.variant["activation"]  # the variant's fixed parameter is passed
    assert context.call_limit("rnn_step_forward", (x, h, W, U, b), {}, cap=4.0) == 4.0
    monkeypatch.setenv(plugin.REFERENCE_TIMEOUTS_ENV, "0")
    assert context.call_limit("rnn_step_forward", (x, h, W, U, b), {}, cap=60.0) is None


def test_a_slow_but_correct_solution_is_not_cut_off(sandbox, tmp_path, timeouts):
    """Does a step function hundreds of times slower than the reference still earn full marks?"""
    source = subs.solution("rnn", "alice") + """
import time as _time
_fast_step = rnn_step_forward

def rnn_step_forward(*args, **kwargs):  # about 0.02 s a call: hundreds of times the reference's time
    _time.sleep(0.02)
    return _fast_step(*args, **kwargs)
"""
    result = grade_submission(subs.write(tmp_path, "slow", source), "rnn", "alice", DEMO_SECRET, sandbox=sandbox)
    assert result["score"] == result["max_score"], [t["output"] for t in result["tests"] if t["status"] != "passed"]
    assert timeouts["waited"] == 0 and timeouts["refused"] == 0
