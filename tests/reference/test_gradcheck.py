"""Do numerical_gradient and rel_error behave, and does `deepgrade gradcheck` pass?"""

import numpy as np
import pytest
from click.testing import CliRunner

from autograder.cli import main
from reference.gradcheck import numerical_gradient, rel_error
from reference.torch_check import run_report


def test_numerical_gradient_of_a_cubic():
    """Is the gradient of sum(x^3 * df) close to 3 x^2 df, and x restored afterwards?"""
    rng = np.random.default_rng(0)
    x, df = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    before = x.copy()
    grad = numerical_gradient(lambda v: v**3, x, df)
    np.testing.assert_array_equal(x, before)
    assert rel_error(grad, 3 * x**2 * df) < 1e-8


def test_numerical_gradient_of_a_scalar_function():
    """With a scalar f and df = 1, is it the plain gradient?"""
    x = np.array([1.0, -2.0, 0.5])
    grad = numerical_gradient(lambda v: np.sum(v**2), x, 1.0)
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-9)


def test_numerical_gradient_rejects_bad_inputs():
    with pytest.raises(ValueError, match="x has dtype int64; expected a float array"):
        numerical_gradient(lambda v: v, np.arange(3, dtype=np.int64), 1.0)
    with pytest.raises(ValueError, match="h is 0.0; expected a positive step"):
        numerical_gradient(lambda v: v, np.zeros(3), 1.0, h=0)


def test_rel_error():
    """Is it the worst entry of |a - b| / (|a| + |b|), floored by eps, and 0 for equal arrays?"""
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert rel_error(np.array([1.0, 3.0]), np.array([1.0, 1.0])) == pytest.approx(0.5)
    assert rel_error(np.array([0.0]), np.array([1e-10])) == pytest.approx(1e-2)
    with pytest.raises(ValueError, match=r"a has shape \(2,\); expected the shape of b, \(3,\)"):
        rel_error(np.zeros(2), np.zeros(3))


def test_report_covers_every_backward_pass_within_tolerance():
    rows = run_report(seed=1)
    names = [name for name, _, _ in rows]
    for expected in ["relu_backward", "tanh_backward", "sigmoid_backward", "rnn_step_backward (tanh)",
                     "rnn_backward (tanh)", "rnn_backward (relu)", "embedding_backward", "readout_backward",
                     "lstm_step_backward", "lstm_backward"]:
        assert expected in names
    assert all(err <= 1e-7 for _, _, err in rows), rows


def test_cli_gradcheck_prints_the_table_and_exits_0():
    result = CliRunner().invoke(main, ["gradcheck", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "lstm_backward" in result.output
    assert "NO" not in result.output
