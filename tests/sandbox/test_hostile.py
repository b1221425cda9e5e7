"""Hostile submissions: each gains nothing, the grader survives, the message is clear, others are unaffected."""

import os
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import autograder
from autograder.sandbox import Handle, StudentError

REPO = Path(autograder.__file__).resolve().parents[1]

PROBES = """
import os

def read(path):
    try:
        with open(path, "rb") as f:
            return f.read(20)
    except OSError as e:
        return type(e).__name__

def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as e:
        return type(e).__name__

def write(path):
    try:
        with open(path, "w") as f:
            f.write("fake results: 100/100")
        return "written"
    except OSError as e:
        return type(e).__name__

def tmpdir():
    return os.environ["TMPDIR"]  # /tmp, or the sandbox's own dir when the venv lives under /tmp

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return line.split()[1:]
"""


@pytest.fixture(scope="module")
def probes(sandbox, tmp_path_factory):
    from autograder.sandbox import load_submission

    path = tmp_path_factory.mktemp("probes") / "probes.py"
    path.write_text(PROBES)
    with sandbox.start(load_submission(path)) as proc:
        yield proc


def needs_bwrap(sandbox):
    if not sandbox.protections["bwrap"]:
        pytest.fail("bubblewrap is required for this test (apt-get install bubblewrap)")


def descendants(pid: int) -> int:
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    stack, n = [pid], 0
    while stack:
        kids = children.get(stack.pop(), [])
        n += len(kids)
        stack.extend(kids)
    return n


def expect(kind, proc, name, *args, **kwargs):
    with pytest.raises(StudentError) as info:
        proc.call(name, *args, **kwargs)
    assert info.value.kind == kind, info.value
    return info.value.message


# -- what the submission can see and touch ---------------------------------------------------


def test_repository_and_its_neighbours_are_hidden(sandbox, probes):
    needs_bwrap(sandbox)
    assert (REPO / "reference" / "rnn.py").exists()
    assert probes.call("read", str(REPO / "reference" / "rnn.py")) in ("FileNotFoundError", "PermissionError")
    assert probes.call("read", str(REPO / "autograder" / "__init__.py")) in ("FileNotFoundError", "PermissionError")
    seen = probes.call("listing", str(REPO))
    assert not {"reference", "autograder", "pyproject.toml", "tests"} & set(seen if isinstance(seen, list) else [])
    if str(REPO.parent) != "/":
        assert set(probes.call("listing", str(REPO.parent))) <= {REPO.name}
    home = os.path.expanduser("~")
    python_dirs = [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix)]
    for name in probes.call("listing", home) if home != "/" else []:
        assert any(d.startswith(os.path.join(home, name) + "/") for d in python_dirs), name


def test_reference_cannot_be_imported(sandbox, script):
    sub = script("try:\n    import reference\n    got = reference.__file__\nexcept ImportError as e:\n    got = repr(e)\n")
    with sandbox.start(sub) as proc:
        assert "ModuleNotFoundError" in proc.get("got")


def test_writes_outside_the_private_tmp_fail(sandbox, probes):
    needs_bwrap(sandbox)
    for path in [REPO / "results.json", "/etc/deepgrade", "/usr/results.json", Path.cwd() / "grade.txt"]:
        assert probes.call("write", str(path)) in ("PermissionError", "OSError", "FileNotFoundError"), path
    assert probes.call("write", probes.call("tmpdir") + "/scratch.txt") == "written"
    assert not (REPO / "results.json").exists()


def test_private_tmp_is_not_shared_between_submissions(sandbox, script, probes):
    tmp = probes.call("tmpdir")
    assert probes.call("write", tmp + "/planted.py") == "written"
    with sandbox.start(script(PROBES, name="next.py")) as other:
        assert other.call("listing", tmp) == []
        assert other.call("write", "/tmp/planted.py") in ("written", "PermissionError")
    with sandbox.start(script(PROBES, name="third.py")) as third:
        assert "planted.py" not in third.call("listing", "/tmp")


def test_no_network(sandbox, script):
    sub = script("""
        import socket
        def connect(host, port):
            try:
                socket.create_connection((host, port), timeout=2).close()
                return "connected"
            except OSError as e:
                return type(e).__name__
    """)
    with sandbox.start(sub) as proc:
        assert proc.call("connect", "1.1.1.1", 53) != "connected"
        assert proc.call("connect", "127.0.0.1", 22) != "connected"


def test_environment_is_scrubbed_and_privileges_dropped(sandbox, script, probes, monkeypatch):
    monkeypatch.setenv("DEEPGRADE_SECRET", "hunter2")
    with sandbox.start(script("import os\nenv = dict(os.environ)\n")) as proc:
        env = proc.get("env")
    assert "DEEPGRADE_SECRET" not in env and env["OMP_NUM_THREADS"] == "1"
    assert probes.call("status", "CapEff") == ["0000000000000000"]
    assert probes.call("status", "NoNewPrivs") == ["1"]
    if os.geteuid() == 0 and sandbox.protections["bwrap"]:
        assert probes.call("status", "Uid")[0] != "0"


def test_monkeypatching_numpy_and_pytest_stays_in_the_child(sandbox, script):
    sub = script("""
        import numpy as np, pytest
        np.allclose = lambda *a, **k: True
        np.testing.assert_allclose = lambda *a, **k: None
        pytest.approx = lambda *a, **k: 0
        def check():
            return np.allclose(1, 2)
    """)
    with sandbox.start(sub) as proc:
        assert proc.call("check") is True
    assert not np.allclose(1, 2)
    with sandbox.start(script("import numpy as np\ndef check():\n    return np.allclose(1, 2)\n", name="b.py")) as p:
        assert p.call("check") is False


# -- dying, hanging, flooding ------------------------------------------------------------------


@pytest.mark.parametrize("exit_call", ["os._exit(3)", "import ctypes; ctypes.string_at(0)"])
def test_exit_at_import_is_recorded_and_the_other_cells_still_run(sandbox, notebook, exit_call):
    sub = notebook(["def f():\n    return 'f'", f"import os\n{exit_call}", "def g():\n    return 'g'"])
    with sandbox.start(sub) as proc:
        assert [r["ok"] for r in proc.cell_results] == [True, False, True]
        assert "exited with status 3" in proc.cell_results[1]["error"] or "SIGSEGV" in proc.cell_results[1]["error"]
        assert proc.call("f") == "f" and proc.call("g") == "g"
    with sandbox.start(notebook(["x = 1"], name="next.ipynb")) as proc:
        assert proc.get("x") == 1


def test_sys_exit_is_a_recorded_crash_not_the_graders_exit(sandbox, script):
    with sandbox.start(script("import sys\nsys.exit(2)\n# %%\nok = True\n# %%\ndef quit_():\n    sys.exit(0)\n")) as proc:
        assert "sys.exit(2)" in proc.cell_results[0]["error"] and proc.get("ok") is True
        assert "sys.exit" in expect("crash", proc, "quit_")


@pytest.mark.parametrize("body", ["while True:\n        pass", "import time\n    time.sleep(60)",
                                  "import signal, time\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                                  "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    time.sleep(60)"])
def test_endless_calls_time_out_and_are_killed(sandbox, script, body):
    with sandbox.start(script(f"def stuck():\n    {body}\n\ndef fine():\n    return 1\n")) as proc:
        start = time.monotonic()
        assert "did not finish within 0.5 s" in expect("timeout", proc, "stuck", timeout=0.5)
        assert time.monotonic() - start < 5
        assert proc.call("fine") == 1


def test_endless_cell_times_out_and_the_rest_still_runs(sandbox, notebook):
    with sandbox.start(notebook(["a = 1", "while True:\n    pass", "b = a + 1"])) as proc:
        assert [r["ok"] for r in proc.cell_results] == [True, False, True]
        assert "did not finish" in proc.cell_results[1]["error"] and proc.get("b") == 2


def test_unbounded_allocation_hits_the_memory_limit(sandbox, script):
    sub = script("import numpy as np\ndef huge():\n    return np.ones(10**11)\n"
                 "def grow():\n    keep = []\n    while True:\n        keep.append(np.ones(10**7))\n")
    with sandbox.start(sub) as proc:
        assert "MemoryError" in expect("exception", proc, "huge")
        with pytest.raises(StudentError) as info:
            proc.call("grow", timeout=20)
        assert info.value.kind in ("exception", "crash") and "Memory" in info.value.message + "SIGKILL"


def test_fork_bomb_is_limited_and_cleaned_up(sandbox, script):
    needs_bwrap(sandbox)
    sub = script("""
        import os, time
        def bomb():
            n = 0
            while True:
                try:
                    if os.fork() == 0:
                        while True:
                            time.sleep(1)
                    n += 1
                except OSError:
                    return n
    """)
    before = descendants(sandbox._proc.pid)
    with sandbox.start(sub) as proc:
        started = proc.call("bomb")
        assert 0 < started < sandbox.config.max_processes
        assert descendants(sandbox._proc.pid) >= before + started
    assert descendants(sandbox._proc.pid) == before


def test_stdout_flood_is_cut_off(sandbox, script):
    with sandbox.start(script("def flood():\n    while True:\n        print('spam' * 1000)\n")) as proc:
        assert "printed more than" in expect("output_limit", proc, "flood")
        assert len(proc.stdout_tail) <= sandbox.config.output_tail + 100


def test_fake_results_printed_by_the_student_are_only_output(sandbox, script):
    with sandbox.start(script('print(\'{"score": 100, "max_score": 100}\')\ndef f():\n    return 0\n')) as proc:
        assert proc.call("f") == 0 and '"score": 100' in proc.stdout_tail


def test_segfault_is_a_recorded_crash(sandbox, script):
    with sandbox.start(script("import ctypes\ndef segv():\n    ctypes.string_at(0)\n\ndef fine():\n    return 2\n")) as proc:
        assert "SIGSEGV" in expect("crash", proc, "segv")
        assert proc.call("fine") == 2


# -- values built to deceive ---------------------------------------------------------------------


TRICKS = """
import os
import numpy as np

class Liar:
    def __eq__(self, other):
        return True
    __hash__ = object.__hash__

class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)

class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /tmp/pwned",))

class FloatLiar(float):
    def __eq__(self, other):
        return True

def liar():
    return Liar()

def lying_array():
    return np.arange(3.0).view(LyingArray)

def evil():
    return Evil(), [Evil()]

def float_liar():
    return FloatLiar(0.5)

def object_array():
    return np.array([1.0, Liar()], dtype=object)

def generator():
    return (i for i in range(3))

def itself():
    loop = []
    loop.append(loop)
    return loop
"""


@pytest.fixture(scope="module")
def tricks(sandbox, tmp_path_factory):
    from autograder.sandbox import load_submission

    path = tmp_path_factory.mktemp("tricks") / "tricks.py"
    path.write_text(TRICKS)
    with sandbox.start(load_submission(path)) as proc:
        yield proc


def test_lying_eq_objects_stay_in_the_child(tricks):
    got = tricks.call("liar")
    assert isinstance(got, Handle) and got.type_name == "Liar" and got != np.zeros(3).tolist()


def test_ndarray_subclass_becomes_a_plain_array_that_compares_honestly(tricks):
    got = tricks.call("lying_array")
    assert type(got) is np.ndarray and not np.array_equal(got, [9.0, 9.0, 9.0])
    assert type(tricks.call("float_liar")) is float and tricks.call("float_liar") != 0.7


def test_objects_built_to_run_code_when_unpickled_are_never_unpickled(tricks):
    one, many = tricks.call("evil")
    assert isinstance(one, Handle) and isinstance(many[0], Handle) and one.type_name == "Evil"
    assert not Path("/tmp/pwned").exists()


def test_object_arrays_are_rejected(tricks):
    assert "dtype object" in expect("bad_value", tricks, "object_array")


def test_generators_and_self_containing_values(tricks):
    assert isinstance(tricks.call("generator"), Handle)
    assert "contains itself" in expect("bad_value", tricks, "itself")


def test_magics_and_shell_lines_never_run(sandbox, notebook):
    sub = notebook(["!echo PWNED1\nfiles = !echo PWNED2\nprint('files:', files)",
                    "%system echo PWNED3\n%time t = 1 + 1", "%%bash\necho PWNED4", "%%capture\ninside = 5"])
    with sandbox.start(sub) as proc:
        assert all(r["ok"] for r in proc.cell_results)
        assert "PWNED" not in proc.stdout_tail and "files: None" in proc.stdout_tail
        assert proc.get("t") == 2 and proc.get("inside") == 5
