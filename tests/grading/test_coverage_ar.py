"""The NYSE answer does not depend on the least-squares solver: the weekday design is made full rank.

With an intercept and all five weekday dummies the design is exactly rank-deficient, and solvers with
different rank cutoffs (``scipy.linalg.lstsq``'s default, the normal equations) then disagree with
``np.linalg.lstsq(rcond=None)`` in the test R^2. The ar notebook drops Friday's dummy for day_of_week
variants (same column space, so ISLP's R^2): every correct least-squares method must then give the key.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
from click.testing import CliRunner

from autograder.answer_key import ANSWER_ATOL, answer_key
from autograder.cli import main
from autograder.variants import DEMO_SECRET, variant

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

pytest.importorskip("ISLP")

SOLVERS = {
    "numpy_lstsq": lambda X, y: np.linalg.lstsq(X, y, rcond=None)[0],
    "scipy_lstsq": lambda X, y: scipy.linalg.lstsq(X, y)[0],
    "normal_equations": lambda X, y: np.linalg.solve(X.T @ X, X.T @ y),
    "pinv": lambda X, y: np.linalg.pinv(X) @ y,
}
# Students with weekday dummies; s9 is one whose full (rank-deficient) design scipy's default cutoff got wrong.
STUDENTS = ("s9", "frank", "bob")


def _notebook_data(student):
    """The training and test sets exactly as the student's notebook builds them (Friday's dummy dropped)."""
    from autograder.folders import assignment_module
    from reference.nyse_variant import nyse_variant_data

    _nyse = assignment_module("ar", "key").nyse
    from reference.ar import ar_design_matrix

    v = variant("ar", student, DEMO_SECRET)
    assert v["day_of_week"], student
    X_tr, y_tr, X_te, y_te = nyse_variant_data(_nyse(), v["L"], v["features"], True, ar_design_matrix)
    return v, X_tr[:, :-1], y_tr, X_te[:, :-1], y_te


@pytest.mark.parametrize("student", STUDENTS)
def test_every_least_squares_solver_gives_the_key(student):
    """Do numpy's and scipy's lstsq, the normal equations and pinv all give the key on the notebook's design?"""
    from reference.ar import r_squared

    v, X_tr, y_tr, X_te, y_te = _notebook_data(student)
    assert np.linalg.matrix_rank(X_tr) == X_tr.shape[1]  # full rank once a dummy is dropped
    key = answer_key(v)["test_r2"]
    for name, solve in SOLVERS.items():
        r2 = r_squared(y_te, X_te @ solve(X_tr, y_tr))
        assert abs(r2 - key) < 1e-9, (name, r2, key)
        assert abs(round(r2, 4) - key) <= ANSWER_ATOL


def test_the_notebook_drops_one_dummy_only_for_weekday_variants(tmp_path):
    """Does a day_of_week student's notebook drop Friday's dummy and say why, and another's not?"""
    (tmp_path / "secret").write_bytes(DEMO_SECRET)
    texts = {}
    for student in ("frank", "alice"):
        out = tmp_path / student
        r = CliRunner().invoke(main, ["generate", "ar", "--student", student, "--out", str(out),
                                      "--secret-file", str(tmp_path / "secret")])
        assert r.exit_code == 0, r.output
        texts[student] = "\n".join(p.read_text() for p in out.rglob("*.ipynb"))
    assert "drop Friday" in texts["frank"] and "full-rank design" in texts["frank"]
    assert "drop Friday" not in texts["alice"]
