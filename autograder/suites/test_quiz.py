"""Hidden tests of the ``quiz``: each blank against the key of the student's own variant.

One test per blank, marked with the manifest question that declares it. Numbers pass within
``autograder.quiz_key.ANSWER_ATOL`` (the notebook asks for 4 decimals); concept answers are one
option letter, for the options in the order the student's notebook shows them ("b", "B" and
"(B)" all count as B).
"""

from __future__ import annotations

import pytest

from autograder.grading.compare import Tolerance
from autograder.manifest import load_manifest
from autograder.suites._support import check_answer, get_blank

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
    from autograder.quiz_key import ANSWER_ATOL, quiz_key

    expected = quiz_key(variant)[blank]
    check_answer(blank, get_blank(student, blank), expected, HINTS.get(blank, ""),
                 tol=Tolerance(1e-6, ANSWER_ATOL))
