"""Hidden tests of the ``dropout`` assignment: dropout and ReLU layers.

Dropout is graded by its properties, not by one way of drawing the mask: every output entry is 0
or x / (1 - phi); the fraction dropped is phi within sampling error (checked at the variant's phi
and at a second phi, so that neither a hard-coded phi nor the keep-probability convention passes);
the same seed gives the same mask and another seed another mask; ``train=False`` is the identity;
and the backward pass agrees with the student's *own* mask, read off their forward output.

Every property first proves that the code did something: a mask counts only when it keeps some units
and drops others, and the tests whose right answer is the identity (``train=False``, ``phi = 0``) give
credit only when the same functions also drop units at training time. Messages give no index and at
most one number.
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.grading.compare import FLOAT64, tolerance_for
from autograder.suites._support import Arg, call, fresh, rng_arg
from reference import activations as ref

SECOND_PHIS = (0.2, 0.25, 0.3, 0.7, 0.75)


def _x(rng, shape):
    """Values bounded away from 0, so a dropped unit (exactly 0) is never confused with a kept one."""
    return rng.choice((-1.0, 1.0), size=shape) * rng.uniform(0.1, 2.0, size=shape)


def _forward(student, x, phi, seed, train=True):
    r = call(student, "dropout_forward", _keep=1, x=x, phi=phi, rng=Arg(rng_arg(seed), "np.random.Generator"),
             train=train)
    out, cache = r.parts("out", "cache")
    return r, r.numeric("out", out), cache


def _kept(r, out, x, phi):
    """The student's keep-mask read off their output; fails unless every entry is 0 or x / (1 - phi)."""
    if out.shape != x.shape:
        r.fail(f"out has shape {out.shape}; expected the shape of x, {x.shape}")
    tol = tolerance_for(out, FLOAT64)
    scaled = x / (1.0 - phi)
    dropped = np.abs(out) <= tol.atol
    kept = np.abs(out - scaled) <= tol.rtol * np.abs(scaled) + tol.atol
    bad = ~(dropped | kept)
    if np.any(bad):
        unscaled = np.abs(out - x) <= tol.rtol * np.abs(x) + tol.atol
        hint = ("kept units must be divided by 1 - phi (inverted dropout), so that E[out] = x"
                if np.all(dropped | unscaled) else "every entry must be 0 (dropped) or x / (1 - phi) (kept)")
        r.fail("some entries of out are neither 0 nor x / (1 - phi)", hint)
    return kept


def _kept_and_dropped(r, out, x, phi):
    """``_kept``, and proof that the mask is one: on a large input some units are kept and some dropped."""
    kept = _kept(r, out, x, phi)
    if not np.any(kept):
        r.fail("every unit was dropped (out is all zeros)", "keep each unit with probability 1 - phi")
    if np.all(kept):
        r.fail("no unit was dropped", "drop each unit independently with probability phi when train=True")
    return kept


def _drops_at_training_time(student, phi, rng):
    """Fail unless dropout_forward with train=True returns a real mask: 0 or x / (1 - phi), some of each. The
    tests whose right answer is the identity earn credit only with it (returning x is no dropout layer)."""
    x = _x(rng, (int(rng.integers(30, 40)), int(rng.integers(30, 40))))
    r, out, cache = _forward(student, x, phi, int(rng.integers(2**31)))
    if out.shape != x.shape:
        r.fail(f"out has shape {out.shape}; expected the shape of x, {x.shape}")
    return x, out, _kept_and_dropped(r, out, x, phi), cache


def _check_backward_train(student, phi, rng):
    """dropout_backward after a training forward: the gradient of the units that forward kept, scaled."""
    x, out, kept, cache = _drops_at_training_time(student, phi, rng)
    dout = rng.standard_normal(x.shape)
    rb = call(student, "dropout_backward", dout=dout, cache=Arg(cache, "the cache from your dropout_forward"))
    rb.at_precision_of(out)
    rb.check("dx", rb.value, np.where(kept, dout / (1.0 - phi), 0.0),
             "the gradient flows only through the units your forward kept, scaled like them", "(same shape as x)")


def _check_rate(r, kept, phi, yours: bool):
    n = kept.size
    rate = 1.0 - kept.mean()
    allowed = 4.5 * np.sqrt(phi * (1.0 - phi) / n) + 1.0 / n
    if abs(rate - phi) > allowed:
        which = "your variant's phi" if yours else "the phi of this call (not your variant's)"
        hint = ("phi is the probability of DROPPING a unit (ISLP's convention)" if abs(rate - (1 - phi)) <= allowed
                else "drop each unit independently with probability phi")
        r.fail(f"on a large input with {which}, the fraction dropped is {'above' if rate > phi else 'below'} phi "
               "by more than sampling error allows", hint)


@pytest.mark.question("dropout")
def test_forward_values(student, variant, hidden_rng):
    """dropout_forward: every output is 0 or x / (1 - phi), at your phi and at another one"""
    for phi in (variant["phi"], float(hidden_rng.choice(SECOND_PHIS))):
        x = _x(hidden_rng, (int(hidden_rng.integers(40, 60)), int(hidden_rng.integers(40, 60))))
        r, out, _ = _forward(student, x, phi, int(hidden_rng.integers(2**31)))
        _kept_and_dropped(r, out, x, phi)


@pytest.mark.question("dropout")
def test_forward_drop_rate(student, variant, hidden_rng):
    """dropout_forward drops a fraction phi of a large input, at your phi and at another one"""
    for yours, phi in ((True, variant["phi"]), (False, float(hidden_rng.choice(SECOND_PHIS)))):
        x = _x(hidden_rng, (int(hidden_rng.integers(100, 140)), int(hidden_rng.integers(100, 140))))
        r, out, _ = _forward(student, x, phi, int(hidden_rng.integers(2**31)))
        if out.shape != x.shape:
            r.fail(f"out has shape {out.shape}; expected the shape of x, {x.shape}")
        _check_rate(r, np.abs(out) > 0, phi, yours)


@pytest.mark.question("dropout")
def test_forward_uses_its_rng(student, variant, hidden_rng):
    """dropout_forward draws its mask from the rng it is given: same seed, same mask; new seed, new mask"""
    x = _x(hidden_rng, (int(hidden_rng.integers(20, 30)), int(hidden_rng.integers(20, 30))))
    seed = int(hidden_rng.integers(2**31))
    _, out3, _ = _forward(student, x, variant["phi"], seed + 1)
    r, out1, _ = _forward(student, x, variant["phi"], seed)
    _, out2, _ = _forward(student, x, variant["phi"], seed)
    # Once more in a fresh process: a mask drawn from np.random and remembered for a repeated call (globals)
    # matches itself in one process, but not a process whose np.random was not advanced by the first call.
    _, out4, _ = _forward(fresh(student), x, variant["phi"], seed)
    if out1.shape != out2.shape or not np.array_equal(out1 != 0, out2 != 0) or (
            out4.shape != out1.shape or not np.array_equal(out1 != 0, out4 != 0)):
        r.fail("two calls with generators seeded alike dropped different units",
               "draw the mask from the rng argument (e.g. rng.random(x.shape)), not from np.random")
    if out1.shape == out3.shape and np.array_equal(out1 != 0, out3 != 0):
        r.fail("generators with different seeds dropped exactly the same units", "draw a new mask on every call")


@pytest.mark.question("dropout")
def test_forward_test_time(student, variant, hidden_rng):
    """dropout_forward with train=False returns x unchanged (and drops units with train=True)"""
    _drops_at_training_time(student, variant["phi"], hidden_rng)
    x = _x(hidden_rng, (int(hidden_rng.integers(3, 8)), int(hidden_rng.integers(3, 8))))
    r, out, _ = _forward(student, x, variant["phi"], int(hidden_rng.integers(2**31)), train=False)
    r.check("out", out, x, "at test time nothing is dropped and nothing is scaled", "(same shape as x)")


@pytest.mark.question("dropout")
def test_forward_phi_zero(student, variant, hidden_rng):
    """dropout_forward with phi = 0 keeps every unit unchanged (and drops units at your phi)"""
    _drops_at_training_time(student, variant["phi"], hidden_rng)
    x = _x(hidden_rng, (int(hidden_rng.integers(3, 8)), int(hidden_rng.integers(3, 8))))
    r, out, _ = _forward(student, x, 0.0, int(hidden_rng.integers(2**31)))
    r.check("out", out, x, "with phi = 0 no unit is dropped and 1 / (1 - phi) = 1", "(same shape as x)")


@pytest.mark.question("dropout")
def test_backward(student, variant, hidden_rng):
    """dropout_backward passes the gradient through your own kept units, scaled by 1 / (1 - phi)"""
    _check_backward_train(student, variant["phi"], hidden_rng)


@pytest.mark.question("dropout")
def test_backward_test_time(student, variant, hidden_rng):
    """dropout_backward after a forward with train=False returns dout unchanged (and masks it after train=True)"""
    _check_backward_train(student, variant["phi"], hidden_rng)
    x = _x(hidden_rng, (int(hidden_rng.integers(3, 8)), int(hidden_rng.integers(3, 8))))
    _, _, cache = _forward(student, x, variant["phi"], int(hidden_rng.integers(2**31)), train=False)
    dout = hidden_rng.standard_normal(x.shape)
    rb = call(student, "dropout_backward", dout=dout, cache=Arg(cache, "the cache from your dropout_forward"))
    rb.check("dx", rb.value, dout, "at test time dropout is the identity, so is its backward", "(same shape as x)")


# -- ReLU ------------------------------------------------------------------------------------

def _relu_input(rng, shape):
    x = rng.standard_normal(shape)
    x.flat[rng.choice(x.size, size=max(1, x.size // 5), replace=False)] = 0.0  # the z = 0 edge
    return x


@pytest.mark.question("relu")
def test_relu_forward(student, hidden_rng):
    """relu_forward on a 3-d array with negative, zero and positive entries"""
    x = _relu_input(hidden_rng, tuple(int(s) for s in hidden_rng.integers(2, 5, size=3)))
    r = call(student, "relu_forward", _keep=1, x=x)
    out, _ = r.parts("out", "cache")
    r.check("out", out, ref.relu_forward(x)[0], "max(0, z), elementwise, for an array of any shape",
            "(same shape as x)")


@pytest.mark.question("relu")
def test_relu_backward(student, hidden_rng):
    """relu_backward: the gradient flows where z > 0 only (none at z <= 0)"""
    x = _relu_input(hidden_rng, tuple(int(s) for s in hidden_rng.integers(2, 5, size=3)))
    r = call(student, "relu_forward", _keep=1, x=x)
    out, cache = r.parts("out", "cache")
    dout = hidden_rng.standard_normal(x.shape)
    rb = call(student, "relu_backward", dout=dout, cache=Arg(cache, "the cache from your relu_forward"))
    rb.at_precision_of(out)
    rb.check("dx", rb.value, ref.relu_backward(dout, x), "the derivative of max(0, z) is 1 for z > 0 and 0 for z <= 0",
             "(same shape as x)")


@pytest.mark.question("relu")
def test_relu_vector(student, hidden_rng):
    """relu forward and backward on a 1-d array"""
    x = _relu_input(hidden_rng, (int(hidden_rng.integers(5, 12)),))
    r = call(student, "relu_forward", _keep=1, x=x)
    out, cache = r.parts("out", "cache")
    r.check("out", out, ref.relu_forward(x)[0], "", "(same shape as x)")
    dout = hidden_rng.standard_normal(x.shape)
    rb = call(student, "relu_backward", dout=dout, cache=Arg(cache, "the cache from your relu_forward"))
    rb.at_precision_of(out)
    rb.check("dx", rb.value, ref.relu_backward(dout, x), "", "(same shape as x)")
