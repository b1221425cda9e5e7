"""Tests for reference.dropout: ISLP's phi = drop probability, inverted scaling."""

import numpy as np
import pytest

from reference.dropout import dropout_backward, dropout_forward
from reference.gradcheck import numerical_gradient, rel_error


def test_outputs_are_zero_or_scaled_inputs_and_the_mask_is_the_documented_draw():
    """Is each output 0 or x/(1-phi), kept exactly where rng.random(shape) >= phi?"""
    x = np.random.default_rng(0).normal(size=(50, 40)) + 3.0   # nonzero everywhere
    phi = 0.3
    out, (mask, _, _) = dropout_forward(x, phi, np.random.default_rng(1))
    np.testing.assert_array_equal(mask, np.random.default_rng(1).random(x.shape) >= phi)
    np.testing.assert_allclose(out[mask], x[mask] / (1 - phi))
    np.testing.assert_array_equal(out[~mask], 0.0)


@pytest.mark.parametrize("phi", [0.1, 0.5, 0.9])
def test_empirical_drop_rate_is_phi(phi):
    """Is the fraction of dropped units phi within 4 standard errors?"""
    n = 200_000
    out, _ = dropout_forward(np.ones(n), phi, np.random.default_rng(2))
    rate = np.mean(out == 0)
    assert abs(rate - phi) < 4 * np.sqrt(phi * (1 - phi) / n)
    assert abs(out.mean() - 1.0) < 4 * np.sqrt(phi / (1 - phi) / n)   # E[out] = x


def test_test_mode_is_the_identity():
    """With train=False is the output x itself, and the backward pass dout?"""
    x = np.arange(6.0).reshape(2, 3)
    out, cache = dropout_forward(x, 0.5, None, train=False)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(dropout_backward(np.ones((2, 3)), cache), np.ones((2, 3)))
    out0, _ = dropout_forward(x, 0.0, np.random.default_rng(0))
    np.testing.assert_array_equal(out0, x)                            # phi = 0 keeps all


def test_backward_uses_the_forward_mask():
    """Does the gradient flow only through kept units, scaled by 1/(1-phi)?"""
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 5))
    dout = rng.normal(size=(4, 5))
    _, cache = dropout_forward(x, 0.4, np.random.default_rng(4))
    mask = cache[0]
    np.testing.assert_allclose(dropout_backward(dout, cache), dout * mask / 0.6)


def test_backward_matches_numerical_gradient_with_reseeded_rng():
    """With the same mask on every call (rng re-seeded), does dx match centred differences?"""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 4, 5))
    dout = rng.normal(size=(3, 4, 5))
    phi = 0.25
    _, cache = dropout_forward(x, phi, np.random.default_rng(6))
    dx = dropout_backward(dout, cache)
    num = numerical_gradient(lambda v: dropout_forward(v, phi, np.random.default_rng(6))[0], x, dout)
    assert rel_error(dx, num) < 1e-8


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: dropout_forward(np.ones(3), 1.0, np.random.default_rng()), "phi is 1.0"),
        (lambda: dropout_forward(np.ones(3), -0.1, np.random.default_rng()), "phi is -0.1"),
        (lambda: dropout_forward(np.ones(3), 0.5, 7), "rng is a int"),
        (lambda: dropout_forward(np.array(["a"]), 0.5, np.random.default_rng()), "x has dtype"),
        (lambda: dropout_forward(np.ones(3), 0.5, None, train="no"), "train is 'no'"),
        (lambda: dropout_backward(np.ones(4), dropout_forward(np.ones(3), 0.5, np.random.default_rng())[1]),
         r"dout has shape \(4,\)"),
    ],
)
def test_bad_inputs_raise_named_value_errors(call, message):
    """Does each bad input raise a ValueError naming the argument?"""
    with pytest.raises(ValueError, match=message):
        call()
