"""Do the activations' backward passes match torch autograd and centred differences?"""

import numpy as np
import pytest
import torch

from reference.activations import ACTIVATIONS, relu_backward, relu_forward, sigmoid
from reference.gradcheck import numerical_gradient, rel_error
from reference.torch_check import torch_errors_activation

SHAPES = [(1,), (3, 4), (2, 3, 5), (1, 1)]


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(name, shape):
    """Do forward and backward agree with torch on random inputs?"""
    errors = torch_errors_activation(np.random.default_rng(1), name, shape)
    assert max(errors.values()) <= 1e-12, errors


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("shape", SHAPES)
def test_matches_numerical_gradient(name, shape):
    """Does backward agree with centred differences (ReLU inputs kept off its kink)?"""
    rng = np.random.default_rng(2)
    forward, backward = ACTIVATIONS[name]
    x = rng.normal(size=shape)
    x += np.where(x >= 0, 0.1, -0.1)  # |x| >= 0.1: ReLU is smooth within the step h
    dout = rng.normal(size=shape)
    _, cache = forward(x)
    dx = backward(dout, cache)
    dx_num = numerical_gradient(lambda v: forward(v)[0], x, dout)
    assert rel_error(dx, dx_num) <= 1e-7


def test_relu_kink_gets_zero_gradient_like_torch():
    """At z = 0 ReLU has no derivative; do we pass 0 there, as torch does?"""
    x = np.array([-1.0, 0.0, 2.0])
    dx = relu_backward(np.ones(3), relu_forward(x)[1])
    xt = torch.tensor(x, requires_grad=True)
    torch.relu(xt).sum().backward()
    np.testing.assert_array_equal(dx, [0.0, 0.0, 1.0])
    np.testing.assert_array_equal(dx, xt.grad.numpy())


def test_sigmoid_is_stable_for_large_inputs():
    """Does the sigmoid stay finite and exact at +-1000?"""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(out, [0.0, 0.5, 1.0])


def test_backward_rejects_wrong_dout_shape():
    """Is a dout of the wrong shape named in the error?"""
    _, cache = ACTIVATIONS["tanh"][0](np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"dout has shape \(3, 2\); expected \(2, 3\)"):
        ACTIVATIONS["tanh"][1](np.zeros((3, 2)), cache)
