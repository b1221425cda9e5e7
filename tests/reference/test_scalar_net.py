"""Tests for reference.scalar_net: the quiz network checked against torch autograd."""

import pytest
import torch

from reference.scalar_net import (
    QUIZ_KEYS,
    scalar_forward,
    scalar_gradients,
    scalar_loss,
    scalar_quiz_answers,
    scalar_step,
)


def _torch_answers(x, y, w, beta, rho):
    w_t = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    b_t = torch.tensor(beta, dtype=torch.float64, requires_grad=True)
    z = w_t * x
    a = torch.relu(z)
    yhat = b_t * a
    R = 0.5 * (y - yhat) ** 2
    R.backward()
    return {
        "z": z.item(), "a": a.item(), "yhat": yhat.item(), "R": R.item(),
        "dR_dbeta": b_t.grad.item(), "dR_dw": w_t.grad.item(),
        "w_new": w - rho * w_t.grad.item(), "beta_new": beta - rho * b_t.grad.item(),
    }


@pytest.mark.parametrize(
    "x, y, w, beta, rho",
    [
        (2.0, 3.0, 0.5, 1.5, 0.1),      # active unit
        (-1.5, 0.7, 0.8, -2.0, 0.05),   # z < 0: dead ReLU, dR/dw = 0
        (0.0, 1.0, 1.3, 0.4, 0.2),      # z = 0: ReLU'(0) taken as 0, like torch
        (1.2, -0.4, -0.3, 0.9, 0.5),    # w < 0 makes z < 0
        (0.7, 2.5, 1.1, 0.0, 0.3),      # beta = 0: no gradient reaches w
    ],
)
def test_quiz_answers_match_torch_autograd(x, y, w, beta, rho):
    """Does every quiz answer equal torch's forward values and gradients?"""
    ours = scalar_quiz_answers(x, y, w, beta, rho)
    ref = _torch_answers(x, y, w, beta, rho)
    assert tuple(ours) == QUIZ_KEYS == ("z", "a", "yhat", "R", "dR_dbeta", "dR_dw", "w_new", "beta_new")
    for key in QUIZ_KEYS:
        assert ours[key] == pytest.approx(ref[key], abs=1e-12), key
        assert isinstance(ours[key], float)


def test_dead_relu_has_zero_weight_gradient_and_w_stays():
    """With z <= 0 is dR/dw exactly 0, so a step leaves w unchanged?"""
    g = scalar_gradients(x=-1.0, y=2.0, w=0.5, beta=3.0)
    assert g["dR_dw"] == 0.0 and g["dR_dbeta"] == 0.0          # a = 0 too
    assert str(g["dR_dw"]) == str(g["dR_dbeta"]) == "0.0"      # no negative zeros in the quiz
    assert scalar_step(-1.0, 2.0, 0.5, 3.0, 0.1) == (0.5, 3.0)


def test_hand_computed_example():
    """Does a small example agree with the arithmetic done by hand?"""
    f = scalar_forward(2.0, 0.5, 1.5)                   # z = 1, a = 1, yhat = 1.5
    assert f == {"z": 1.0, "a": 1.0, "yhat": 1.5}
    assert scalar_loss(3.0, 1.5) == pytest.approx(1.125)   # 1/2 (1.5)^2
    g = scalar_gradients(2.0, 3.0, 0.5, 1.5)             # dR/dyhat = -1.5
    assert g == pytest.approx({"dR_dbeta": -1.5, "dR_dw": -4.5})
    assert scalar_step(2.0, 3.0, 0.5, 1.5, 0.1) == pytest.approx((0.95, 1.65))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: scalar_forward("a", 1.0, 1.0), "x is 'a'"),
        (lambda: scalar_forward(1.0, float("nan"), 1.0), "w is nan"),
        (lambda: scalar_loss(None, 1.0), "y is None"),
        (lambda: scalar_step(1.0, 1.0, 1.0, 1.0, 0.0), "rho is 0.0"),
        (lambda: scalar_quiz_answers(1.0, 1.0, 1.0, [1.0, 2.0], 0.1), "beta is"),
    ],
)
def test_bad_inputs_raise_named_value_errors(call, message):
    """Does each bad input raise a ValueError naming the argument?"""
    with pytest.raises(ValueError, match=message):
        call()
