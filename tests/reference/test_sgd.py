"""Tests for reference.sgd: gradients, minibatches, early stopping and the min-norm limit."""

import numpy as np
import pytest

from reference.gradcheck import numerical_gradient, rel_error
from reference.sgd import (
    gd_least_squares,
    gd_step,
    logistic_loss,
    logistic_loss_grad,
    min_norm_solution,
    minibatch_indices,
    sgd,
    squared_loss,
    squared_loss_grad,
)


def test_gd_from_zero_reaches_the_minimum_norm_solution():
    """Does full-batch GD from 0 on an underdetermined problem converge to pinv(X) y?"""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 30))
    y = rng.normal(size=10)
    rho = X.shape[0] / np.linalg.norm(X, 2) ** 2           # 1 / Lipschitz constant
    theta = gd_least_squares(X, y, rho, steps=3000)
    target = np.linalg.pinv(X) @ y
    np.testing.assert_allclose(theta, target, atol=1e-10)
    np.testing.assert_allclose(min_norm_solution(X, y), target)
    np.testing.assert_allclose(X @ theta, y, atol=1e-10)    # it interpolates
    # The same point is the lambda -> 0 limit of ridge regression, written in its dual form
    # (X^T X + lam I)^{-1} X^T y = X^T (X X^T + lam I)^{-1} y to stay well conditioned.
    ridge = X.T @ np.linalg.solve(X @ X.T + 1e-9 * np.eye(10), y)
    np.testing.assert_allclose(ridge, target, atol=1e-6)
    # Starting elsewhere lands on a different interpolating solution.
    other = gd_least_squares(X, y, rho, steps=3000, theta0=np.ones(30))
    np.testing.assert_allclose(X @ other, y, atol=1e-8)
    assert np.linalg.norm(other) > np.linalg.norm(target) + 1e-3


def test_minibatch_indices_partition_one_permutation():
    """Are the batches one rng.permutation(n), cut in order, with a short last batch?"""
    batches = minibatch_indices(23, 5, np.random.default_rng(7))
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    np.testing.assert_array_equal(np.concatenate(batches), np.random.default_rng(7).permutation(23))
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(23))
    assert len(minibatch_indices(4, 10, np.random.default_rng(0))) == 1


@pytest.mark.parametrize("loss, grad", [(squared_loss, squared_loss_grad), (logistic_loss, logistic_loss_grad)])
def test_loss_gradients_match_numerical_gradients(loss, grad):
    """Do the analytic gradients agree with centred differences?"""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(15, 4))
    y = (rng.random(15) < 0.5).astype(float)
    theta = rng.normal(size=4)
    num = numerical_gradient(lambda t: loss(t, X, y), theta.copy(), 1.0)
    assert rel_error(grad(theta, X, y), num) < 1e-7


def test_losses_match_their_formulas():
    """Is the squared loss 1/(2n) RSS and the logistic loss the mean negative log-likelihood?"""
    X = np.array([[1.0, 2.0], [1.0, -1.0], [1.0, 0.5]])
    y = np.array([1.0, 0.0, 1.0])
    theta = np.array([0.3, -0.2])
    assert squared_loss(theta, X, y) == pytest.approx(np.sum((y - X @ theta) ** 2) / 6)
    p = 1 / (1 + np.exp(-X @ theta))
    assert logistic_loss(theta, X, y) == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    np.testing.assert_allclose(gd_step(theta, np.array([1.0, 2.0]), 0.1), [0.2, -0.4])


def test_sgd_fits_a_linear_model_and_records_per_epoch_history():
    """Does SGD drive the training loss down, with one history row per epoch plus theta0?"""
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.01 * rng.normal(size=200)
    res = sgd(X, y, rho=0.05, epochs=30, batch_size=16, rng=np.random.default_rng(3))
    assert res.history.shape == (31, 3) and res.train_loss.shape == (31,) and res.val_loss is None
    np.testing.assert_array_equal(res.history[0], np.zeros(3))
    np.testing.assert_array_equal(res.theta, res.history[-1])
    np.testing.assert_allclose(res.theta, [1.0, -2.0, 0.5], atol=0.02)
    assert res.train_loss[-1] < 1e-3 < res.train_loss[0]
    # Same seed, same run: all randomness comes from rng.
    again = sgd(X, y, rho=0.05, epochs=30, batch_size=16, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(again.history, res.history)


def test_sgd_logistic_separates_classes():
    """Does SGD on the logistic loss classify a clearly separable problem?"""
    rng = np.random.default_rng(4)
    X = np.c_[np.ones(300), rng.normal(size=(300, 2))]
    y = (X[:, 1] + X[:, 2] > 0).astype(float)
    res = sgd(X, y, loss="logistic", rho=0.5, epochs=20, batch_size=32, rng=rng)
    assert np.mean((X @ res.theta > 0) == y) > 0.95
    assert res.train_loss[-1] < res.train_loss[0]


def test_early_stopping_stops_and_returns_best_parameters():
    """With a validation set that SGD overfits, does training stop and return the best epoch?"""
    rng = np.random.default_rng(5)
    X = rng.normal(size=(20, 40))                        # underdetermined: training can interpolate
    theta_true = np.zeros(40)
    theta_true[:3] = [2.0, -1.0, 1.0]
    y = X @ theta_true + 1.0 * rng.normal(size=20)
    Xv = rng.normal(size=(200, 40))
    yv = Xv @ theta_true + 1.0 * rng.normal(size=200)
    res = sgd(X, y, rho=0.05, epochs=500, batch_size=5, rng=np.random.default_rng(6),
              X_val=Xv, y_val=yv, patience=10)
    assert res.stopped_early and res.epochs_run < 500
    assert res.epochs_run == res.best_epoch + 10
    assert res.val_loss[res.best_epoch] == res.val_loss.min()
    assert np.all(res.val_loss[res.best_epoch + 1:] >= res.val_loss[res.best_epoch])
    np.testing.assert_array_equal(res.theta, res.history[res.best_epoch])
    np.testing.assert_array_equal(res.theta_last, res.history[-1])
    assert not np.array_equal(res.theta, res.theta_last)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: squared_loss(np.zeros(3), np.zeros((4, 2)), np.zeros(4)), r"theta has shape \(3,\)"),
        (lambda: logistic_loss(np.zeros(2), np.zeros((3, 2)), [0, 1, 2]), "y has values"),
        (lambda: gd_step(np.zeros(2), np.zeros(2), 0.0), "rho is 0.0"),
        (lambda: minibatch_indices(10, 0, np.random.default_rng()), "batch_size is 0"),
        (lambda: minibatch_indices(10, 3, 42), "rng is a int"),
        (lambda: sgd(np.zeros((4, 2)), np.zeros(4), loss="hinge", rho=0.1, epochs=1, batch_size=2,
                     rng=np.random.default_rng()), "loss is 'hinge'"),
        (lambda: sgd(np.zeros((4, 2)), np.zeros(4), rho=0.1, epochs=1, batch_size=2,
                     rng=np.random.default_rng(), patience=3), "patience is 3 but X_val is None"),
        (lambda: sgd(np.zeros((4, 2)), np.zeros(4), rho=0.1, epochs=1, batch_size=2,
                     rng=np.random.default_rng(), X_val=np.zeros((3, 3)), y_val=np.zeros(3)),
         r"X_val has shape \(3, 3\)"),
        (lambda: gd_least_squares(np.zeros((4, 2)), np.zeros(5), 0.1, 10), r"y has shape \(5,\)"),
    ],
)
def test_bad_inputs_raise_named_value_errors(call, message):
    """Does each bad input raise a ValueError naming the argument?"""
    with pytest.raises(ValueError, match=message):
        call()
