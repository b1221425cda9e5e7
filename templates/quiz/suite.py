"""Hidden tests of the ``quiz``: each blank against the key of the student's own variant.

One test per blank, marked with the manifest question that declares it. Numbers pass within
``autograder.answer_key.ANSWER_ATOL`` (the notebook asks for 4 decimals); concept answers are one
option letter, for the options in the order the student's notebook shows them ("b", "B" and
"(B)" all count as B).

0 is what an unanswered or stubbed numeric blank looks like, and it is the right answer to a, yhat and
the gradients when the ReLU unit is dead (z < 0). So a blank whose key is 0 earns its point only
together with a right z -- the non-zero answer that shows why it is 0; otherwise it gets the same
message as any wrong answer (which does not tell whether 0 was right).
"""

from __future__ import annotations

import pytest

from autograder.grading.compare import Tolerance
from autograder.manifest import load_manifest
from autograder.suites._support import GradingFailure, StudentCodeError, check_answer, fail, get_blank

HINTS = {
    "z": "z = w x",
    "a": "a = ReLU(z) = max(0, z)",
    "yhat": "yhat = beta a",
    "R": "R = (y - yhat)^2 / 2",
    "dR_dbeta": "dR/dbeta = (yhat - y) a",
    "dR_dw": "dR/dw = (yhat - y) beta g'(z) x, and g'(z) = 0 when z <= 0",
    "w_new": "w - rho dR/dw, with the gradient at the old weights",
    "beta_new": "beta - rho dR/dbeta, with the gradient at the old weights",
}

_MANIFEST = load_manifest("quiz")
BLANKS = [pytest.param(b, marks=pytest.mark.question(q.name, title=f"your answer {b}"), id=b)
          for q in _MANIFEST.questions for b in q.blanks]


@pytest.mark.parametrize("blank", BLANKS)
def test_blank(student, variant, blank):
    """One blank, for the variant's numbers and option order."""
    from autograder.answer_key import ANSWER_ATOL, answer_key

    key = answer_key(variant)
    expected = key[blank]
    tol = Tolerance(1e-6, ANSWER_ATOL)
    check_answer(blank, get_blank(student, blank), expected, HINTS.get(blank, ""), tol=tol)
    if isinstance(expected, float) and expected == 0.0 and blank != "z":
        try:
            check_answer("z", get_blank(student, "z"), key["z"], tol=tol)
        except (GradingFailure, StudentCodeError):  # worded as check_answer words any wrong number
            fail(f"Your answer {blank} is not right (it must be within {tol.atol:.0e} of the right value)",
                 HINTS.get(blank, ""))
