"""Calling a submission's functions in its own process: values in and out, handles, errors, restarts."""

import math

import numpy as np
import pytest

from autograder.sandbox import Handle, Rng, Sandbox, SandboxConfig, StudentError

LAYERS = """
import numpy as np

def affine_forward(x, w, b):
    out = x @ w + b
    cache = (x, w, b)
    return out, cache

def affine_backward(dout, cache):
    x, w, b = cache
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)

class Box:
    def __init__(self, x):
        self.x = x

def boxed_forward(x):
    return 2 * x, Box(x)

def boxed_backward(dout, box):
    return 2 * dout, box.x.shape

def same_object(a, b):
    return a is b

def dropout_forward(x, phi, rng):
    mask = rng.random(x.shape) >= phi
    return x * mask / (1 - phi), mask

def draws(rng, n):
    return rng.integers(0, 10**9, size=n)

def echo(*args, **kwargs):
    return args, kwargs

def as_float32(x):
    return x.astype(np.float32)

count = 0
def bump():
    global count
    count += 1
    return count

answer = 0.25
"""


@pytest.fixture
def proc(sandbox, script):
    with sandbox.start(script(LAYERS)) as p:
        yield p


def test_cells_ran_and_globals_are_readable(proc):
    assert proc.cell_results == [{"index": 0, "ok": True, "error": None}]
    assert proc.defined("affine_forward") and proc.defined("answer") and not proc.defined("nope")
    assert proc.get("answer") == 0.25


def test_arrays_in_and_out_match_numpy(proc):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    out, cache = proc.call("affine_forward", x, w, b)
    np.testing.assert_allclose(out, x @ w + b)
    assert isinstance(cache, tuple) and all(type(c) is np.ndarray for c in cache)


def test_dtypes_are_preserved_for_the_trusted_side_to_judge(proc):
    x = np.ones((2, 2), dtype=np.float64)
    assert proc.call("as_float32", x).dtype == np.float32
    args, _ = proc.call("echo", np.ones(2, np.int16), np.ones(1, bool))
    assert [a.dtype for a in args] == [np.int16, np.bool_]


def test_plain_values_round_trip_with_tuples_and_dicts(proc):
    value = ([1, (2.5, "s")], {"k": (None, True)}, math.inf)
    args, kwargs = proc.call("echo", *value, flag=(1,))
    assert args == value and kwargs == {"flag": (1,)}


def test_cache_kept_as_handle_reaches_backward_as_the_same_object(proc):
    x, w, b = np.ones((2, 3)), np.ones((3, 4)), np.zeros(4)
    out, cache = proc.call("affine_forward", x, w, b, keep=1)
    assert isinstance(out, np.ndarray) and isinstance(cache, Handle) and cache.type_name == "tuple"
    dx, dw, db = proc.call("affine_backward", np.ones((2, 4)), cache)
    np.testing.assert_allclose(dw, x.T @ np.ones((2, 4)))
    assert proc.call("same_object", cache, cache) is True


def test_opaque_objects_come_back_as_handles_that_work_as_arguments(proc):
    out, box = proc.call("boxed_forward", np.ones(3))
    assert isinstance(box, Handle) and box.type_name == "Box"
    dx, shape = proc.call("boxed_backward", np.ones(3), box)
    assert shape == (3,)
    whole = proc.call("boxed_forward", np.ones(3), keep=True)
    assert isinstance(whole, Handle) and whole.type_name == "tuple"
    plain_out, inner = proc.fetch(whole)
    np.testing.assert_allclose(plain_out, 2 * np.ones(3)) and isinstance(inner, Handle)


def test_keep_needs_a_tuple_long_enough(proc):
    with pytest.raises(StudentError) as info:
        proc.call("as_float32", np.ones(2), keep=1)
    assert info.value.kind == "bad_value" and "tuple" in info.value.message


def test_rng_argument_becomes_a_seeded_generator(proc):
    x = np.ones((50, 20))
    out1, mask1 = proc.call("dropout_forward", x, 0.5, Rng(7))
    out2, mask2 = proc.call("dropout_forward", x, 0.5, Rng(7))
    np.testing.assert_array_equal(mask1, mask2)
    np.testing.assert_array_equal(mask1, np.random.default_rng(7).random(x.shape) >= 0.5)
    assert set(np.unique(out1)) <= {0.0, 2.0}


def test_rng_handle_keeps_its_stream_across_calls(proc):
    rng = proc.rng(3)
    first, second = proc.call("draws", rng, 4), proc.call("draws", rng, 4)
    expected = np.random.default_rng(3).integers(0, 10**9, size=8)
    np.testing.assert_array_equal(np.concatenate([first, second]), expected)


def test_missing_and_non_callable_names(proc):
    with pytest.raises(StudentError) as info:
        proc.call("rnn_forward")
    assert info.value.kind == "missing" and "rnn_forward" in info.value.message
    with pytest.raises(StudentError) as info:
        proc.call("answer")
    assert info.value.kind == "missing" and "not a function" in info.value.message
    with pytest.raises(StudentError, match="missing"):
        proc.get("nothing_here")


def test_student_exception_shows_type_message_and_student_frames_only(proc):
    with pytest.raises(StudentError) as info:
        proc.call("affine_forward", np.ones((2, 3)), np.ones((4, 5)), np.zeros(5))
    err = info.value
    assert err.kind == "exception" and err.message.startswith("ValueError: matmul")
    assert "cell 0, line 5, in affine_forward" in err.message and "out = x @ w + b" in err.message
    assert "child.py" not in err.message and "numpy" not in err.message.split("\n", 1)[1]


def test_crash_costs_one_call_then_a_fresh_child_reruns_the_cells(sandbox, script):
    sub = script(LAYERS + "\ndef die():\n    import os\n    os._exit(7)\n")
    with sandbox.start(sub) as proc:
        assert proc.call("bump") == 1 and proc.call("bump") == 2
        _, cache = proc.call("affine_forward", np.ones((1, 1)), np.ones((1, 1)), np.ones(1), keep=1)
        with pytest.raises(StudentError) as info:
            proc.call("die")
        assert info.value.kind == "crash" and "exited with status 7" in info.value.message
        assert proc.call("bump") == 1  # fresh process: cells ran again, global reset
        with pytest.raises(StudentError) as info:
            proc.call("affine_backward", np.ones((1, 1)), cache)
        assert info.value.kind == "stale_handle"
        assert proc.restarts == 1


def test_handles_do_not_cross_submissions(sandbox, script, proc):
    _, cache = proc.call("affine_forward", np.ones((1, 1)), np.ones((1, 1)), np.ones(1), keep=1)
    with sandbox.start(script(LAYERS, name="other.py")) as other:
        with pytest.raises(StudentError) as info:
            other.call("affine_backward", np.ones((1, 1)), cache)
    assert info.value.kind == "stale_handle"


def test_broken_cell_costs_only_what_it_defines(sandbox, notebook):
    sub = notebook([
        "def f(x):\n    return x + 1",
        "def g(x:\n    return x",
        "raise RuntimeError('plotting failed')\ndef h():\n    return 0",
        "def k():\n    return f(1)",
    ])
    with sandbox.start(sub) as proc:
        ok = [r["ok"] for r in proc.cell_results]
        assert ok == [True, False, False, True]
        assert "SyntaxError" in proc.cell_results[1]["error"] and "cell 1, line 1" in proc.cell_results[1]["error"]
        assert proc.call("k") == 2
        with pytest.raises(StudentError) as info:
            proc.call("g", 1)
        assert info.value.kind == "missing" and "cell 1, which defines it, failed (SyntaxError" in info.value.message


def test_student_output_is_captured_and_capped(sandbox, script):
    sub = script("print('hello from the student')\ndef shout(n):\n    print('x' * n)\n    return n\n")
    with sandbox.start(sub) as proc:
        assert "hello from the student" in proc.stdout_tail
        assert proc.call("shout", 20000) == 20000
        assert len(proc.stdout_tail) < sandbox.config.output_tail + 100 and proc.stdout_tail.rstrip().endswith("x")


def test_numpy_scalars_subclasses_and_containers_become_plain(sandbox, script):
    sub = script("""
        import numpy as np
        from collections import OrderedDict, namedtuple
        class Num(float): pass
        Pair = namedtuple("Pair", "a b")
        def values():
            return (np.float32(1.5), np.int64(3), np.bool_(True), Num(2.0), Pair(1, 2),
                    OrderedDict(a=1), np.matrix([[1.0, 2.0]]), np.ma.masked_array([1, 2], mask=[0, 1]))
    """)
    with sandbox.start(sub) as proc:
        f, i, b, num, pair, od, mat, masked = proc.call("values")
    assert (f, i, b, num, pair, od) == (1.5, 3, True, 2.0, (1, 2), {"a": 1})
    assert [type(v) for v in (f, i, b, num, pair, od)] == [float, int, bool, float, tuple, dict]
    assert type(mat) is np.ndarray and mat.tolist() == [[1.0, 2.0]]
    assert type(masked) is np.ndarray and masked.tolist() == [1, 2]


def test_sets_dataclasses_and_namespaces_become_plain(sandbox, script):
    """Do sets, dataclass instances and SimpleNamespaces cross as lists and dicts, not handles?"""
    sub = script("""
        import numpy as np
        from dataclasses import dataclass
        from types import SimpleNamespace
        @dataclass
        class Result:
            theta: np.ndarray
            epochs: int
        def values():
            return ({"D", "B"}, frozenset({3, 1}), Result(np.ones(2), 4), SimpleNamespace(theta=[1.0], best=2))
    """)
    with sandbox.start(sub) as proc:
        letters, numbers, result, ns = proc.call("values")
    assert letters == ["B", "D"] and numbers == [1, 3]
    assert result["epochs"] == 4 and type(result["theta"]) is np.ndarray and result["theta"].tolist() == [1.0, 1.0]
    assert ns == {"theta": [1.0], "best": 2}


def test_too_large_results_are_refused_in_the_child(sandbox, script):
    sub = script("import numpy as np\ndef big():\n    return np.zeros(2_000_000)\ndef long():\n    return list(range(500_000))\n")
    with Sandbox(SandboxConfig(max_value_bytes=1_000_000, call_timeout=5)) as sb, sb.start(sub) as proc:
        for name in ("big", "long"):
            with pytest.raises(StudentError) as info:
                proc.call(name)
            assert info.value.kind == "bad_value" and "the limit is 1.0 MB" in info.value.message


def test_a_dead_zygote_is_replaced(script):
    import os
    import signal
    import time

    with Sandbox(SandboxConfig(call_timeout=5)) as sb:
        proc = sb.start(script("def f():\n    return 1\n"))
        os.kill(sb._proc.pid, signal.SIGKILL)  # bwrap: the zygote and its children die with it, soon
        sb._proc.wait()
        time.sleep(0.2)
        results = []
        for _ in range(3):  # a call may still reach the dying child: at worst it fails as a crash
            try:
                results.append(proc.call("f"))
            except StudentError as exc:
                results.append(exc.kind)
        assert results[-1] == 1 and set(results) <= {1, "crash"} and proc.restarts >= 1
        with sb.start(script("def g():\n    return 2\n", name="g.py")) as other:
            assert other.call("g") == 2
        proc.close()


def test_grading_gives_up_after_too_many_crashes(script):
    with Sandbox(SandboxConfig(max_restarts=2, call_timeout=5)) as sb:
        with sb.start(script("import os\ndef die():\n    os._exit(1)\n")) as proc:
            for _ in range(3):  # the first child, then two fresh ones
                with pytest.raises(StudentError, match="exited with status 1"):
                    proc.call("die")
            with pytest.raises(StudentError, match="gave up"):
                proc.call("die")
