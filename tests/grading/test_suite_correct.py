"""Correct submissions get full marks: built from the reference, written in other styles, or generated.

Real child processes (the sandbox), real hidden suites. The reference-built submissions bind the
variant's fixed parameters; the other styles use loops, einsum, float32, dict and object caches,
lists instead of arrays, a dense matrix instead of a sparse one, np.where for ReLU, a binomial
dropout mask, normal equations, unrounded or lower-case answers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.manifest import ASSIGNMENT_IDS
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.variants import DEMO_SECRET

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _failures(result: dict) -> str:
    return "\n".join(f"{t['question']}/{t['name']} [{t['status']}]: {t['output']}" for t in result["tests"]
                     if t["status"] != "passed") + (f"\nerror: {result['error']}" if result["error"] else "")


def _assert_full_marks(result: dict) -> None:
    assert result["error"] is None, result["error"]
    assert result["score"] == result["max_score"], _failures(result)
    assert all(q["score"] == q["max_score"] for q in result["questions"].values())


CASES = [(aid, "alice") for aid in ASSIGNMENT_IDS] + [("rnn", "bob")]  # alice's RNN uses tanh, bob's ReLU


@pytest.mark.parametrize("aid, student", CASES)
def test_reference_solution_gets_full_marks(sandbox, tmp_path, aid, student):
    """Does a submission made of the reference's own source get every point?"""
    path = subs.write(tmp_path, aid, subs.solution(aid, student))
    _assert_full_marks(grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox))


@pytest.mark.parametrize("aid, student", CASES)
def test_other_styles_get_full_marks(sandbox, tmp_path, aid, student):
    """Does a correct solution written another way (loops, einsum, float32, other caches) get every point?"""
    path = subs.write(tmp_path, aid, subs.style(aid, student))
    _assert_full_marks(grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox))


def test_a_notebook_submission_gets_full_marks(sandbox, tmp_path):
    """Is a notebook graded like the same code in a .py file?"""
    path = subs.write(tmp_path, "rnn", "# %%\n" + subs.solution("rnn", "bob").replace("\ndef ", "\n# %%\ndef "),
                      notebook=True)
    assert path.suffix == ".ipynb"
    _assert_full_marks(grade_submission(path, "rnn", "bob", DEMO_SECRET, sandbox=sandbox))


@pytest.mark.parametrize("aid", ASSIGNMENT_IDS)
def test_generated_solution_notebook_gets_full_marks(sandbox, aid):
    """Does the solution notebook generated in solutions/ (demo student) get every point?"""
    path = REPO / "solutions" / aid / f"{aid}.ipynb"
    _assert_full_marks(grade_submission(path, aid, "demo", DEMO_SECRET, sandbox=sandbox))


@pytest.mark.parametrize("aid", ASSIGNMENT_IDS)
def test_generated_student_notebook_scores_zero_with_clear_messages(sandbox, aid):
    """Does the untouched student notebook in assignments/ score 0, each test saying what to do?"""
    path = REPO / "assignments" / aid / f"{aid}.ipynb"
    result = grade_submission(path, aid, "demo", DEMO_SECRET, sandbox=sandbox)
    assert result["error"] is None
    assert result["score"] == 0, _failures(result)
    for t in result["tests"]:
        assert t["status"] in ("failed", "error")
        assert "NotImplementedError" in t["output"] or "is not" in t["output"] or "Your answer" in t["output"], t


def test_answers_as_a_set_and_results_as_a_namespace_get_full_marks(sandbox, tmp_path):
    """Do a set of letters (bow) and an SGDResult rebuilt as a SimpleNamespace (sgd) still get every point?"""
    bow = (REPO / "solutions" / "bow" / "bow.py").read_text()
    bow = bow.replace("probes_same_as_a = ['B', 'C', 'D']", "probes_same_as_a = {'D', 'b', 'C'}")
    assert "{'D', 'b', 'C'}" in bow
    sgd = (REPO / "solutions" / "sgd" / "sgd.py").read_text()
    assert "    return SGDResult(" in sgd
    sgd += (
        "\n\n_sgd_as_dataclass = sgd\n\n"
        "def sgd(*args, **kwargs):\n"
        "    import types\n"
        "    return types.SimpleNamespace(**vars(_sgd_as_dataclass(*args, **kwargs)))\n"
    )
    for aid, source in (("bow", bow), ("sgd", sgd)):
        path = tmp_path / f"{aid}.py"
        path.write_text(source)
        _assert_full_marks(grade_submission(path, aid, "demo", DEMO_SECRET, sandbox=sandbox))
