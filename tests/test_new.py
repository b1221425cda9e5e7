"""``deepgrade new``: does a folder written from reference functions grade correctly at once -- full marks for
the solution and for a correct solution in another style, points lost on the right question for subtle
mistakes, nothing for stubs -- and pass ``validate``? Are bad arguments refused with a clear message?"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.docspec import parse

ROOT = Path(__file__).resolve().parents[1]

REFERENCE = '''"""A course's reference: an affine layer and a softplus."""

import numpy as np


def affine_forward(x, w, b):
    """An affine layer.

    Inputs:
    - x: (N, D) inputs
    - w: (D, M) weights; b: (M,) bias
    Returns:
    - out: (N, M)
    - cache: (x, w)
    """
    out = x @ w + b
    cache = (x, w)
    return out, cache


def affine_backward(dout, cache):
    """The affine layer's gradients.

    Inputs:
    - dout: (N, M) upstream gradient
    - cache: from affine_forward
    Returns:
    - dx: (N, D)
    - dw: (D, M)
    - db: (M,)
    """
    x, w = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def softplus(x, beta):
    """Softplus with sharpness beta.

    Inputs:
    - x: (N, D) inputs
    - beta: sharpness > 0
    Returns:
    - out: (N, D), log(1 + exp(beta x)) / beta
    """
    out = np.logaddexp(0.0, beta * x) / beta
    return out
'''


def deepgrade(*args: str, course: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEEPGRADE_COURSE", "DEEPGRADE_SECRET")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["COLUMNS"] = "240"
    head = ["--course", str(course)] if course is not None else []
    return subprocess.run([sys.executable, "-m", "autograder.cli", *head, *args], env=env, capture_output=True,
                          text=True, timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("new") / "course"
    root.mkdir()
    (root / "course_ref.py").write_text(REFERENCE)
    r = deepgrade("new", "layers", "--from", "course_ref:affine_forward,affine_backward,softplus", course=root)
    assert r.returncode == 0, r.stdout + r.stderr
    return root


def test_the_docstring_is_read():
    """Shapes, several names on one line, choices, generators, integer indices and defaults."""
    from reference import dropout, rnn, sgd

    spec = parse(rnn.rnn_step_forward)
    assert [(p.name, p.kind, p.shape) for p in spec.inputs[:3]] == [
        ("x", "array", ("N", "p")), ("h_prev", "array", ("N", "K")), ("W", "array", ("p", "K"))]
    assert spec.inputs[-1].kind == "choice" and spec.inputs[-1].choices == ("tanh", "relu")
    assert spec.result_names() == ("h", "cache")
    assert [(p.name, p.kind) for p in parse(sgd.gd_least_squares).inputs] == [
        ("X", "array"), ("y", "array"), ("rho", "float"), ("steps", "int"), ("theta0", "array")]
    assert parse(sgd.gd_least_squares).inputs[-1].default
    emb = parse(rnn.embedding_forward).inputs[0]
    assert (emb.kind, emb.shape, emb.below) == ("index", ("N", "L"), "V")
    assert parse(dropout.dropout_forward).inputs[2].kind == "rng"
    assert [p.name for p in parse(rnn.rnn_forward).inputs][:5] == ["X", "h0", "W", "U", "b"]
    from reference import lstm

    W = parse(lstm.lstm_step_forward).inputs[3]
    assert (W.shape, W.dims) == (("p", "4K"), ("p", "K"))


def test_the_folder_it_writes(course):
    folder = course / "layers"
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["manifest.toml", "layers.py.j2", "suite.py", "public.py", "demo.py", "misconceptions.py"])
    manifest = (folder / "manifest.toml").read_text()
    assert 'functions = ["affine_forward", "affine_backward"]' in manifest
    assert 'functions = ["softplus"]' in manifest and "beta = { from" in manifest
    suite = (folder / "suite.py").read_text()
    for test in ("test_affine_forward", "test_affine_backward", "test_affine_backward_slopes", "test_softplus"):
        assert f"def {test}(" in suite


def test_it_passes_validate(course):
    r = deepgrade("validate", "layers", "--students", "4", course=course)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "every check passed for 4 students" in r.stdout


def _solution(course: Path, tmp: Path) -> str:
    r = deepgrade("generate", "layers", "--student", "ana", "--out", str(tmp / "ana"), "--solutions",
                  str(tmp / "sol"), "--demo", course=course)
    assert r.returncode == 0, r.stdout + r.stderr
    return (tmp / "sol" / "layers.py").read_text()


def _grade(course: Path, tmp: Path, text: str, name: str) -> dict:
    path = tmp / name / "layers.py"
    path.parent.mkdir()
    path.write_text(text)
    r = deepgrade("grade", str(path), "-a", "layers", "-s", "ana", "--demo", "--json", course=course)
    assert r.returncode == 0, r.stdout + r.stderr
    return {q: (v["score"], v["max_score"]) for q, v in json.loads(r.stdout)["questions"].items()}


# (old line of the solution, new line, the questions that must keep full marks, the ones that must lose points)
CASES = {
    "einsum style": ("dx = dout @ w.T", "dx = np.einsum('nm,dm->nd', dout, w)", ("affine", "softplus"), ()),
    "log1p style": ("out = np.logaddexp(0.0, beta * x) / beta",
                    "out = (np.maximum(beta * x, 0) + np.log1p(np.exp(-np.abs(beta * x)))) / beta",
                    ("affine", "softplus"), ()),
    "db averaged": ("db = dout.sum(axis=0)", "db = dout.mean(axis=0)", ("softplus",), ("affine",)),
    "dw transposed in its use": ("dw = x.T @ dout", "dw = (dout.T @ x).T * 0.5", ("softplus",), ("affine",)),
    "beta ignored": ("out = np.logaddexp(0.0, beta * x) / beta", "out = np.logaddexp(0.0, x)", ("affine",),
                     ("softplus",)),
    "zeros stub": ("dx = dout @ w.T", "return np.zeros_like(dout), 0, 0", ("softplus",), ("affine",)),
}


@pytest.mark.parametrize("case", CASES)
def test_grades_behaviour(course, tmp_path, case):
    """Another correct style keeps full marks; a subtle mistake loses points on its own question only."""
    old, new, full, lose = CASES[case]
    solution = _solution(course, tmp_path)
    assert old in solution
    scores = _grade(course, tmp_path, solution.replace(old, new, 1), "sub")
    for q in full:
        assert scores[q][0] == scores[q][1], (case, scores)
    for q in lose:
        assert scores[q][0] < scores[q][1], (case, scores)


def test_solution_full_and_blank_zero(course, tmp_path):
    """The solution gets full marks, the blank handed in untouched 0."""
    solution = _solution(course, tmp_path)
    blank = (tmp_path / "ana" / "layers.py").read_text()
    scores = _grade(course, tmp_path, blank, "blank")
    assert all(s == 0 for s, _ in scores.values()), scores
    assert _grade(course, tmp_path, solution, "full") == {"affine": (3.0, 3.0), "softplus": (2.0, 2.0)}


def test_built_in_reference_functions(tmp_path):
    """Scaffolding straight from the package's reference: pairs with five inputs and gradients, a choice argument
    with a default, integer indices below a dimension, a scalar input, gate blocks of size 4K, and a function
    of another module's helpers."""
    course = tmp_path / "course"
    course.mkdir()
    r = deepgrade("new", "steps", "--from", "reference.rnn:rnn_step_forward,rnn_step_backward",
                  "--from", "reference.rnn:embedding_forward,embedding_backward,readout_forward,readout_backward",
                  "--from", "reference.lstm:lstm_step_forward,lstm_step_backward", "--from", "reference.sgd:gd_step",
                  course=course)
    assert r.returncode == 0, r.stdout + r.stderr
    r = deepgrade("validate", "steps", "--students", "3", course=course)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("args, message", [
    (["new", "Bad-Id", "--from", "course_ref:softplus"], "assignment id 'Bad-Id'"),
    (["new", "x2", "--from", "nosuchmodule:f"], "cannot import module 'nosuchmodule'"),
    (["new", "x2", "--from", "course_ref:nosuch"], "course_ref has no function 'nosuch'"),
    (["new", "x2", "--from", "course_ref"], "expected MODULE:FUNCTION"),
    (["new", "layers", "--from", "course_ref:softplus"], "exists already"),
])
def test_bad_arguments(course, args, message):
    r = deepgrade(*args, course=course)
    assert r.returncode == 2 and message in r.stderr, r.stdout + r.stderr


def test_it_needs_a_place(tmp_path):
    r = deepgrade("new", "x2", "--from", "reference.sgd:gd_step", cwd=tmp_path)
    assert r.returncode == 2 and "--into DIR" in r.stderr
