"""Checks that must be independent get independent processes, and a submission has one time budget."""

import time

import pytest

from autograder.sandbox import StudentError
from autograder.sandbox.process import Budget, StudentProcess

REPLAY = """
import numpy as np
_last = {}

def whole(x):
    out = np.random.default_rng().standard_normal(x.shape)
    _last["out"] = out
    return out

def step(x):
    return _last.get("out", np.zeros_like(x))   # replays what whole() returned in this process
"""


def test_a_fresh_copy_never_sees_the_calls_made_before(sandbox, script):
    """Can a step function replay what the sequence function returned, when asked in a fresh copy?"""
    import numpy as np

    x = np.ones((3, 4))
    with StudentProcess(sandbox, script(REPLAY)) as proc:
        out = proc.call("whole", x)
        assert np.array_equal(proc.call("step", x), out)  # same process: the replay works
        other = proc.fresh()
        assert not np.array_equal(other.call("step", x), out)
        assert np.array_equal(other.call("step", x), np.zeros_like(x))
        assert other.restarts == 0 and other.cell_results == proc.cell_results


def test_fresh_copies_are_closed_with_their_submission(sandbox, script):
    proc = StudentProcess(sandbox, script(REPLAY))
    copies = [proc.fresh() for _ in range(3)]
    assert all(c._conn is not None for c in copies)
    proc.close()
    assert all(c._conn is None for c in copies)


SLOW_CELLS = "".join(f"# %%\nimport time\ntime.sleep(0.6)\nx{i} = {i}\n" for i in range(6)) + \
    "# %%\ndef crash():\n    import os\n    os._exit(3)\n"


def test_one_time_budget_bounds_cells_restarts_and_fresh_copies(sandbox, script):
    """A submission whose every call kills its process (so its slow cells run again each time) stops at
    its budget, and the remaining checks fail at once with that reason."""
    budget = Budget(2.5)
    start = time.monotonic()
    with StudentProcess(sandbox, script(SLOW_CELLS), budget=budget) as proc:
        for _ in range(5):
            with pytest.raises(StudentError):
                proc.call("crash")
        with pytest.raises(StudentError) as info:
            proc.fresh().call("crash")
        assert info.value.kind == "timeout" and "total time budget of 2.5 s" in info.value.message
        spent = time.monotonic()
        with pytest.raises(StudentError, match="total time budget"):
            proc.call("crash")
        assert time.monotonic() - spent < 0.1  # fails fast: no process is started
    assert time.monotonic() - start < 2.5 + 1.5


def test_a_call_running_into_the_budget_is_stopped_with_that_reason(sandbox, script):
    budget = Budget(1.0)
    with StudentProcess(sandbox, script("def spin():\n    while True:\n        pass\n"), budget=budget) as proc:
        with pytest.raises(StudentError) as info:
            proc.call("spin", timeout=30)
    assert info.value.kind == "timeout" and "total time budget of 1 s" in info.value.message


def test_budget_must_be_positive():
    with pytest.raises(ValueError, match="time budget"):
        Budget(0)


MEETING = """
import socket

def listen():
    global _server, _tcp
    _server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    _server.bind("\\0deepgrade-replay")
    _server.listen(1)
    _tcp = socket.socket()
    _tcp.bind(("127.0.0.1", 0))
    _tcp.listen(1)
    return _tcp.getsockname()[1]

def reach(port):
    found = []
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect("\\0deepgrade-replay")
        found.append("abstract")
    except OSError:
        pass
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5)
        found.append("tcp")
    except OSError:
        pass
    return found
"""


def test_processes_of_one_submission_cannot_meet(sandbox, script):
    """Can a fresh copy reach the first process through an abstract or loopback socket (a replay channel)?"""
    with StudentProcess(sandbox, script(MEETING)) as proc:
        port = proc.call("listen")
        assert "abstract" in proc.call("reach", port)  # works inside one process (loopback may be down)
        assert proc.fresh().call("reach", port) == []


def test_every_process_seeds_the_global_generators_afresh(sandbox, script):
    """Do two processes of one submission draw different numbers from np.random and random?"""
    source = "import numpy as np, random\ndef draw():\n    return float(np.random.rand()), random.random()\n"
    with StudentProcess(sandbox, script(source)) as proc:
        first, second = proc.call("draw"), proc.fresh().call("draw")
    assert first[0] != second[0] and first[1] != second[1]
