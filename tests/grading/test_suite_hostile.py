"""Hostile submissions gain nothing at grade level, and the grader survives them.

Lying ``__eq__`` objects and ndarray subclasses, hard-coded public-check outputs, fake printed
results and results files, numpy and pytest monkeypatched in the student's process, a conftest.py
and pytest options planted where the grader runs, an infinite loop and ``os._exit`` in one function.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.grading import grade_submission, runner
from autograder.grading.plugin import GradingContext
from autograder.manifest import load_manifest
from autograder.sandbox import Sandbox, SandboxConfig, load_submission
from autograder.variants import DEMO_SECRET, hidden_seed, variant

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

REPO = Path(__file__).resolve().parents[2]
ARITY = {"rnn_step_forward": 2, "rnn_step_backward": 5, "rnn_forward": 2, "rnn_backward": 5,
         "embedding_forward": 2, "embedding_backward": 1, "readout_backward": 3}
RNN_FUNCTIONS = ("rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward", "embedding_forward",
                 "embedding_backward", "readout_forward", "readout_backward")

ZEROS = '''
import numpy as np

def _z(*args, **kwargs):
    return tuple(np.zeros_like(np.asarray(a, dtype=float)) for a in args[:5])

''' + "\n".join(f"{f} = _z" for f in RNN_FUNCTIONS) + "\n"


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _grade(sandbox, tmp_path, source, student="alice", aid="rnn"):
    path = subs.write(tmp_path, f"{aid}_hostile", source)
    return grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox)


def test_lying_objects_earn_nothing(sandbox, tmp_path):
    """Do objects whose __eq__ always says True, and lying ndarray subclasses, earn no point?"""
    source = '''
import numpy as np

class Liar:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no")

class Sneaky(np.ndarray):
    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)
    def __array_finalize__(self, obj):
        pass

def _liar(n):
    return lambda *args, **kwargs: Liar() if n == 1 else tuple(Liar() for _ in range(n))

def readout_forward(h, beta, beta0):
    return np.zeros(np.shape(h)[0]).view(Sneaky), Liar()

''' + "\n".join(f"{f} = _liar({n})" for f, n in ARITY.items()) + "\n"
    result = _grade(sandbox, tmp_path, source)
    assert result["score"] == 0
    outputs = " ".join(t["output"] for t in result["tests"])
    assert "Liar" in outputs  # the object is named, its __eq__ never consulted


def test_hard_coded_public_check_outputs_earn_nothing(sandbox, tmp_path):
    """Does returning the public checks' expected outputs, hard-coded, earn no point?"""
    public = json.loads((REPO / "assignments" / "rnn" / "rnn_public.json").read_text())
    lines = ["import numpy as np", "_OUT = {}"]
    for fn, checks in public["checks"].items():
        for check in checks:
            if check.get("kind") == "value":
                outs = sorted(check["outputs"], key=lambda o: o.get("index") or 0)
                arrays = [np.array(o["expect"]["array"]).reshape(o["expect"]["shape"]).tolist()
                          if isinstance(o["expect"], dict) and "array" in o["expect"] else o["expect"] for o in outs]
                lines.append(f"_OUT[{fn!r}] = {arrays!r}")
                break
    lines.append("def _const(name):\n    return lambda *a, **k: tuple(np.array(v) for v in _OUT[name]) + (None,)")
    lines += [f"{fn} = _const({fn!r})" for fn in public["checks"] if f"_OUT[{fn!r}]" in "\n".join(lines)]
    result = _grade(sandbox, tmp_path, "\n".join(lines) + "\n", student="demo")
    assert result["score"] == 0, [t["name"] for t in result["tests"] if t["status"] == "passed"]


def test_fake_results_printed_or_written_change_nothing(sandbox, tmp_path, monkeypatch):
    """Do printed fake scores and results files written by the submission leave the real grade alone?"""
    target = tmp_path / "out" / "results.json"
    source = ZEROS + f'''
import json, os
fake = {{"score": 11.0, "max_score": 11.0, "tests": [], "gradable": True}}
print(json.dumps(fake))
for path in ("results.json", "/autograder/results/results.json", {str(target)!r}, "/tmp/results.json"):
    try:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as fh:
            json.dump(fake, fh)
    except OSError:
        pass
'''
    path = subs.write(tmp_path, "rnn", source)
    monkeypatch.setenv("DEEPGRADE_SECRET", "")
    out = CliRunner().invoke(main, ["grade", str(path), "-a", "rnn", "-s", "alice", "--demo", "--json",
                                    "--gradescope", str(target)])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["score"] == 0
    assert json.loads(target.read_text())["score"] == 0


def test_monkeypatching_numpy_in_the_child_changes_nothing(sandbox, tmp_path):
    """Does patching numpy's comparisons (and pytest) inside the student's process leave grading alone?"""
    source = ZEROS + '''
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.abs = lambda x: x * 0
try:
    import pytest
    pytest.approx = lambda *a, **k: object()
except Exception:
    pass
'''
    result = _grade(sandbox, tmp_path, source)
    assert result["score"] == 0
    assert not np.allclose(1.0, 2.0) and np.abs(-1.0) == 1.0


def test_conftest_and_pytest_options_where_the_grader_runs_are_ignored(sandbox, tmp_path, monkeypatch):
    """Is a conftest.py, an ini file, PYTEST_ADDOPTS or PYTEST_PLUGINS in the grader's environment ignored?"""
    evil = tmp_path / "evil"
    evil.mkdir()
    plugin = '''
import pytest

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    report.outcome = "passed"
    report.deepgrade_status = "passed"
'''
    (evil / "conftest.py").write_text(plugin)
    (evil / "evil_plugin.py").write_text(plugin)
    (evil / "pytest.ini").write_text("[pytest]\naddopts = -p evil_plugin\n")
    monkeypatch.chdir(evil)
    monkeypatch.syspath_prepend(str(evil))
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p evil_plugin")
    monkeypatch.setenv("PYTEST_PLUGINS", "evil_plugin")
    runner._close_all()  # configure the suite afresh, in this environment
    try:
        result = _grade(sandbox, tmp_path, ZEROS)
        assert result["score"] == 0
        # the public-API path (one pytest.main per submission) is isolated the same way
        sub = load_submission(subs.write(tmp_path, "zeros", ZEROS))
        with sandbox.start(sub) as proc:
            ctx = GradingContext(proc, variant("rnn", "alice", DEMO_SECRET), hidden_seed("rnn", "alice", DEMO_SECRET),
                                 load_manifest("rnn"))
            outcomes = runner.run_suite_once("rnn", ctx)
        assert outcomes and all(o.status != "passed" for o in outcomes)
    finally:
        runner._close_all()


def test_a_hanging_and_a_crashing_function_cost_only_their_questions(tmp_path):
    """Does an infinite loop (timeout) or os._exit in one function cost only that function's question?"""
    source = subs.solution("rnn", "alice") + '''

def embedding_forward(idx, E):
    while True:
        pass

def readout_forward(h, beta, beta0):
    import os
    os._exit(3)
'''
    with Sandbox(SandboxConfig(call_timeout=0.5)) as sb:
        result = _grade(sb, tmp_path, source)
    q = result["questions"]
    assert q["rnn_step"]["score"] == q["rnn_step"]["max_score"]
    assert q["rnn_sequence"]["score"] == q["rnn_sequence"]["max_score"]
    assert q["embedding"]["score"] == 0 and q["readout"]["score"] == 0
    embedding = [t for t in result["tests"] if t["question"] == "embedding"]
    assert all(t["status"] == "error" and "time limit" in t["output"] for t in embedding)
    readout = [t for t in result["tests"] if t["question"] == "readout"]
    assert all(t["status"] == "error" and "crashed" in t["output"] for t in readout)


def test_a_hostile_submission_does_not_change_the_next_grade(sandbox, tmp_path):
    """Is a correct submission graded the same before and after a hostile one on the same sandbox?"""
    good = subs.solution("rnn", "alice")
    before = _grade(sandbox, tmp_path, good)
    _grade(sandbox, tmp_path, ZEROS + "\nimport numpy\nnumpy.allclose = lambda *a, **k: True\n")
    after = _grade(sandbox, tmp_path, good)
    assert before["score"] == after["score"] == before["max_score"]
    assert [t["status"] for t in before["tests"]] == [t["status"] for t in after["tests"]]
