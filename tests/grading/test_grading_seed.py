"""Hidden inputs are drawn per student AND per code: what feedback shows is useless to the next submission."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.grading.engine import code_digest, grading_seed
from autograder.sandbox import Cell, Sandbox, SandboxConfig, Submission
from autograder.variants import DEMO_SECRET

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

# A submission that prints its hidden input into feedback, the way a student fishing for it would.
LEAKY = '''
import numpy as np

def rnn_step_forward(x, h_prev, W, U, b):
    raise ValueError("INPUT " + " ".join(f"{v:.12f}" for v in np.ravel(x)[:4]))
'''


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def leaked(result) -> list[str]:
    """The random inputs the feedback shows (a test of all-zero inputs shows the same zeros to everyone)."""
    found = re.findall(r"INPUT [-0-9. ]+", "\n".join(t["output"] for t in result["tests"]))
    return sorted({f.strip() for f in found if re.search(r"[1-9]", f)})


def test_same_code_grades_the_same_and_changed_code_draws_new_inputs(sandbox, tmp_path):
    """Does an input printed in feedback come back when the same code is submitted, and never after a change?"""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = subs.write(tmp_path / "a", "rnn", LEAKY)
    a = grade_submission(first, "rnn", "alice", DEMO_SECRET, sandbox=sandbox)
    again = grade_submission(first, "rnn", "alice", DEMO_SECRET, sandbox=sandbox)
    assert leaked(a) and leaked(a) == leaked(again)
    assert [t["output"] for t in a["tests"]] == [t["output"] for t in again["tests"]]
    # the student "hard-codes" what they saw: any change of code draws other inputs
    edited = subs.write(tmp_path / "b", "rnn", LEAKY + "\nSEEN = " + repr(leaked(a)) + "\n")
    b = grade_submission(edited, "rnn", "alice", DEMO_SECRET, sandbox=sandbox)
    assert leaked(b) and not set(leaked(a)) & set(leaked(b))
    # another student with the same code gets other inputs too
    bob = grade_submission(first, "rnn", "bob", DEMO_SECRET, sandbox=sandbox)
    assert leaked(bob) and not set(leaked(a)) & set(leaked(bob))


def test_the_digest_covers_code_not_outputs():
    """Is the digest a function of the cells' positions and sources only?"""
    sub = Submission(Path("x.ipynb"), [Cell(0, "a = 1"), Cell(2, "b = 2")])
    same = Submission(Path("elsewhere.ipynb"), [Cell(0, "a = 1"), Cell(2, "b = 2")], {"other": "metadata"},
                      ["another warning"])
    moved = Submission(Path("x.ipynb"), [Cell(1, "a = 1"), Cell(2, "b = 2")])
    joined = Submission(Path("x.ipynb"), [Cell(0, "a = 1b = 2")])
    assert code_digest(sub) == code_digest(same)
    assert len({code_digest(sub), code_digest(moved), code_digest(joined)}) == 3
    assert grading_seed(1, sub) != grading_seed(2, sub) and 0 <= grading_seed(1, sub) < 2**63
