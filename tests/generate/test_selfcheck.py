"""Do the public self-checks pass right code and explain what is wrong with wrong code?"""

from __future__ import annotations

import functools
import io
import json

import numpy as np
import pytest

from autograder.selfcheck.deepgrade_check import run_checks
from reference import dropout, rnn, sgd


@pytest.fixture(scope="module")
def rnn_public(bundles):
    return json.loads(bundles["rnn"].files["rnn_public.json"])


def _namespace(activation: str, **overrides) -> dict:
    ns = {name: getattr(rnn, name) for name in ("rnn_step_backward", "rnn_backward", "embedding_forward",
                                                 "embedding_backward", "readout_forward", "readout_backward")}
    ns["rnn_step_forward"] = functools.partial(rnn.rnn_step_forward, activation=activation)
    ns["rnn_forward"] = functools.partial(rnn.rnn_forward, activation=activation)
    ns.update(overrides)
    return ns


def _run(names, ns, public) -> tuple[int, int, str]:
    out = io.StringIO()
    passed, total = run_checks(names, ns, public, out)
    return passed, total, out.getvalue()


@pytest.fixture(scope="module")
def activation(course):
    from autograder.variants import variant

    secret, student = course
    return variant("rnn", student, secret)["activation"]


def test_reference_passes(rnn_public, activation):
    """Does the reference, with the variant's activation, pass every rnn check?"""
    passed, total, out = _run(list(rnn_public["checks"]), _namespace(activation), rnn_public)
    assert passed == total == 12, out


def test_wrong_activation_fails(rnn_public, activation):
    """Does a step with the other activation fail with the largest error, where, and a hint?"""
    other = "relu" if activation == "tanh" else "tanh"
    ns = _namespace(activation, rnn_step_forward=functools.partial(rnn.rnn_step_forward, activation=other))
    passed, total, out = _run(["rnn_step_forward"], ns, rnn_public)
    assert passed == 0
    assert "h differs from the expected values" in out and "max abs error" in out and " at (" in out
    assert f"hint: h = g(x W + h_prev U + b) with your variant's g = {activation}" in out


def test_wrong_shape(rnn_public, activation):
    """Is a transposed result reported by its shape?"""
    def step(x, h_prev, W, U, b):
        h, cache = rnn.rnn_step_forward(x, h_prev, W, U, b, activation)
        return np.zeros((h.shape[1], h.shape[0] + 1)), cache
    _, _, out = _run(["rnn_step_forward"], _namespace(activation, rnn_step_forward=step), rnn_public)
    assert "h has shape" in out and "; expected (" in out


def test_nan_is_located(rnn_public, activation):
    """Is a NaN reported with its position?"""
    def step(x, h_prev, W, U, b):
        h, cache = rnn.rnn_step_forward(x, h_prev, W, U, b, activation)
        h = h.copy()
        h[0, 1] = np.nan
        return h, cache
    _, _, out = _run(["rnn_step_forward"], _namespace(activation, rnn_step_forward=step), rnn_public)
    assert "h has nan at (0, 1)" in out


def test_wrong_backward_fails_the_gradient_check(rnn_public, activation):
    """Does a backward with a wrong dW fail both its value check and the numerical gradient check?"""
    def backward(dh, cache):
        dx, dh_prev, dW, dU, db = rnn.rnn_step_backward(dh, cache)
        return dx, dh_prev, 2 * dW, dU, db
    passed, total, out = _run(["rnn_step_backward"], _namespace(activation, rnn_step_backward=backward),
                              rnn_public)
    assert passed == 0 and total == 2
    assert "dW differs" in out
    assert "dW from rnn_step_backward disagrees with the numerical gradient of your rnn_step_forward" in out


def test_embedding_without_add_at(rnn_public, activation):
    """Does an embedding backward that drops repeated words fail (the public idx repeats a word)?"""
    def backward(dX, cache):
        idx, V = cache
        dE = np.zeros((V, dX.shape[2]))
        dE[idx] += dX
        return dE
    passed, _, out = _run(["embedding_backward"], _namespace(activation, embedding_backward=backward), rnn_public)
    assert passed == 0 and "np.add.at" in out


def test_exception_in_student_code_is_reported(rnn_public, activation):
    """Is an exception from the student's function reported with its type, not raised?"""
    def step(x, h_prev, W, U, b):
        return x @ U, None
    _, _, out = _run(["rnn_step_forward"], _namespace(activation, rnn_step_forward=step), rnn_public)
    assert "raised ValueError" in out and "line" in out


def test_not_implemented_propagates(rnn_public, activation):
    """Does a stub stop the run with NotImplementedError naming the function?"""
    def step(*args):
        raise NotImplementedError()
    with pytest.raises(NotImplementedError, match="rnn_step_forward is not written yet"):
        _run(["rnn_step_forward"], _namespace(activation, rnn_step_forward=step), rnn_public)


def test_dropout_properties(bundles):
    """Does any valid mask pass, and a wrong scale or keep-probability fail with a clear message?"""
    public = json.loads(bundles["dropout"].files["dropout_public.json"])
    ns = {"dropout_forward": dropout.dropout_forward, "dropout_backward": dropout.dropout_backward}
    assert _run(["dropout_forward", "dropout_backward"], ns, public)[0] == 2

    def other_mask(x, phi, rng, train=True):  # a different but valid draw
        if not train:
            return x, None
        keep = rng.random(x.shape) < 1 - phi
        return np.where(keep, x / (1 - phi), 0.0), keep
    def other_backward(dout, cache):
        return dout if cache is None else dout * cache / (1 - public["checks"]["dropout_forward"][0]["rate"])
    ns2 = {"dropout_forward": other_mask, "dropout_backward": other_backward}
    assert _run(["dropout_forward", "dropout_backward"], ns2, public)[0] == 2

    def keep_prob(x, phi, rng, train=True):  # phi used as the keep probability
        return dropout.dropout_forward(x, 1 - phi, rng, train)
    _, _, out = _run(["dropout_forward"], {"dropout_forward": keep_prob}, public)
    assert "expected 0 or x / (1 - phi)" in out or "you dropped" in out


def test_minibatch_properties(bundles):
    """Are unshuffled or overlapping minibatches rejected, and the reference accepted?"""
    public = json.loads(bundles["sgd"].files["sgd_public.json"])
    assert _run(["minibatch_indices"], {"minibatch_indices": sgd.minibatch_indices}, public)[0] == 1

    def unshuffled(n, batch_size, rng):
        idx = np.arange(n)
        return [idx[i:i + batch_size] for i in range(0, n, batch_size)]
    assert "shuffle them" in _run(["minibatch_indices"], {"minibatch_indices": unshuffled}, public)[2]

    def repeats(n, batch_size, rng):
        return [rng.integers(0, n, size=len(b)) for b in unshuffled(n, batch_size, rng)]
    assert "exactly once" in _run(["minibatch_indices"], {"minibatch_indices": repeats}, public)[2]
