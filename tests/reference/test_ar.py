"""Tests for reference.ar: lag layout, the AR design matrix and ISLP's NYSE R^2 values."""

import numpy as np
import pytest

from reference.ar import (
    NYSE_SERIES,
    WEEKDAYS,
    ar_design_matrix,
    fit_ols,
    lag_names,
    lag_tensor,
    load_nyse,
    nyse_setup,
    r_squared,
    standardize,
)


@pytest.fixture(scope="module")
def nyse():
    return load_nyse()


def test_lag_tensor_layout_on_a_hand_example():
    """Is entry j the L rows before target row j+L, oldest first?"""
    data = np.array([[1, 10], [2, 20], [3, 30], [4, 40], [5, 50]], dtype=float)
    Z = lag_tensor(data, 2)
    expected = np.array([
        [[1, 10], [2, 20]],   # predicts row 2 = [3, 30]
        [[2, 20], [3, 30]],   # predicts row 3
        [[3, 30], [4, 40]],   # predicts row 4
    ], dtype=float)
    assert Z.shape == (3, 2, 2)
    np.testing.assert_array_equal(Z, expected)


def test_design_matrix_is_intercept_plus_reshaped_lags():
    """Does the design matrix equal [1, lag_tensor.reshape(N, L*p)]?"""
    rng = np.random.default_rng(0)
    data = rng.normal(size=(12, 3))
    X = ar_design_matrix(data, 4)
    Z = lag_tensor(data, 4)
    assert X.shape == (8, 13)
    np.testing.assert_array_equal(X[:, 0], np.ones(8))
    np.testing.assert_array_equal(X[:, 1:], Z.reshape(8, 12))
    assert lag_names(["r", "v"], 2) == ["r_2", "v_2", "r_1", "v_1"]


def test_fit_ols_recovers_an_exact_ar_model():
    """Does OLS on the design matrix recover the coefficients of a noiseless AR(2)?"""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 1))
    y = 0.5 + 0.3 * x[:-2, 0] - 0.2 * x[1:-1, 0]
    beta = fit_ols(ar_design_matrix(x, 2), y)
    np.testing.assert_allclose(beta, [0.5, 0.3, -0.2], atol=1e-12)
    assert r_squared(y, ar_design_matrix(x, 2) @ beta) == pytest.approx(1.0)
    assert r_squared(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])) == pytest.approx(0.0)


def test_nyse_ar5_test_r2_matches_islp(nyse):
    """Does AR(5) on standardized NYSE data give ISLP's test R^2 of 0.41289?"""
    s = nyse_setup(L=5, day_of_week=False, data=nyse)
    beta = fit_ols(s.X_train, s.y_train)
    assert abs(r_squared(s.y_test, s.X_test @ beta) - 0.4128912938562521) < 5e-5


def test_nyse_ar5_with_day_of_week_matches_islp(nyse):
    """Do the weekday dummies raise the test R^2 to ISLP's 0.45956?"""
    s = nyse_setup(L=5, day_of_week=True, data=nyse)
    beta = fit_ols(s.X_train, s.y_train)
    assert abs(r_squared(s.y_test, s.X_test @ beta) - 0.4595563133053273) < 5e-5


def test_nyse_setup_shapes_split_and_consistency(nyse):
    """Do the set-up's arrays agree with each other and with ISLP's train column?"""
    s = nyse_setup(L=5, day_of_week=True, data=nyse)
    assert s.Z_train.shape == (4276, 5, 3) and s.Z_test.shape == (1770, 5, 3)
    assert s.F_train.shape == (4276, 20) and s.X_test.shape == (1770, 21)
    assert len(s.columns) == 21 and s.columns[0] == "intercept" and s.columns[-5:] == WEEKDAYS
    np.testing.assert_array_equal(s.F_train[:, :15], s.Z_train.reshape(4276, 15))
    np.testing.assert_array_equal(s.F_test[:, 15:], s.day_test)
    np.testing.assert_array_equal(s.X_train[:, 1:], s.F_train)
    # The split reproduces ISLP's train column on the target rows.
    np.testing.assert_array_equal(nyse["train"].to_numpy()[5:], np.r_[np.ones(4276, bool), np.zeros(1770, bool)])
    assert s.dates_train.max() < np.datetime64("1980-01-01") <= s.dates_test.min()
    # The target is the standardized log_volume, and lag 1 of it is the target of the day before.
    v = standardize(nyse[list(NYSE_SERIES)].to_numpy())[:, 1]
    np.testing.assert_allclose(s.y_train, v[5:4281])
    np.testing.assert_allclose(s.Z_train[1:, -1, 1], s.y_train[:-1])
    np.testing.assert_array_equal(s.day_train.sum(axis=1), 1.0)
    assert nyse_setup(L=5, data=nyse).F_train.shape == (4276, 15)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: lag_tensor(np.zeros((5, 2)), 5), "L is 5"),
        (lambda: lag_tensor(np.zeros(5), 2), "data has shape (5,)"),
        (lambda: lag_tensor(np.zeros((5, 2)), 0), "L is 0"),
        (lambda: fit_ols(np.zeros((4, 2)), np.zeros(3)), "y has shape (3,)"),
        (lambda: r_squared(np.ones(3), np.ones(3)), "y has 3 values"),
        (lambda: r_squared(np.arange(3.0), np.ones(4)), "yhat has shape (4,)"),
        (lambda: nyse_setup(L=5, data=np.zeros((3, 3))), "data lacks columns"),
        (lambda: nyse_setup(L=5, day_of_week="yes"), "day_of_week is 'yes'"),
        (lambda: standardize(np.zeros((3, 2)) + 1.0), "constant columns"),
    ],
)
def test_bad_inputs_raise_named_value_errors(call, name):
    """Does each bad input raise a ValueError naming the argument?"""
    with pytest.raises(ValueError, match=name.replace("(", r"\(").replace(")", r"\)")):
        call()
