"""Autoregression on ISLP's NYSE data: lagged inputs, the AR design matrix and OLS.

ISLP section 10.5.2 forecasts today's log trading volume v_t from the previous L days of
three series, r (DJ_return), v (log_volume) and z (log_volatility). The same lagged data feed
two kinds of model, so this module builds both layouts from one (T, p) array:

- ``lag_tensor(data, L)``: (T-L, L, p), the sequence an RNN reads. Entry j is
  ``data[j:j+L]``, oldest day first; its target is row ``j+L`` of the data.
- ``ar_design_matrix(data, L)``: (T-L, 1 + L*p), a column of ones followed by
  ``lag_tensor(data, L).reshape(T-L, L*p)`` -- i.e. lag L of every series first, lag 1 last.
  A linear AR(L) model is ordinary least squares on this matrix.

Column order does not change an OLS fit's predictions or its R^2, so our order (oldest lag
first) gives the same numbers as ISLP's lab (lag 1 first).

NYSE set-up used by ``deepgrade reproduce`` (stable API)::

    s = nyse_setup(L=5, day_of_week=False, data=None, ddof=0)   # -> NYSESetup
    beta = fit_ols(s.X_train, s.y_train)
    r_squared(s.y_test, s.X_test @ beta)         # 0.4128912938562521 (with day_of_week: 0.45956)

``NYSESetup`` fields (N = N_train or N_test; T = 6051 days, N_train + N_test = T - L):

- ``Z_train``, ``Z_test``: (N, L, p=3) lag tensors (RNN inputs), oldest day first, series in
  the order of ``NYSE_SERIES``.
- ``F_train``, ``F_test``: (N, L*p) flattened lags, plus the 5 weekday dummies of the
  target day when ``day_of_week=True`` (N, L*p + 5); no intercept. This is the input of the
  nonlinear AR network (20 columns for L=5 with day_of_week).
- ``X_train``, ``X_test``: (N, 1 + F's columns), the OLS design: ones, then F.
- ``y_train``, ``y_test``: (N,) standardized log_volume on the target day.
- ``day_train``, ``day_test``: (N, 5) float 0/1 weekday dummies of the target day
  (mon, tues, wed, thur, fri), present whether or not ``day_of_week`` is set.
- ``dates_train``, ``dates_test``: (N,) ``datetime64[D]`` target dates.
- ``columns``: names of X's columns, e.g. ``("intercept", "DJ_return_5", ..., "log_volatility_1")``.
- ``L``, ``day_of_week``: the arguments used.

The split is by target date: training targets fall before 1980-01-01 (this is exactly ISLP's
``train`` column). The three series are standardized over all 6,051 days, as in the lab.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validate import Dims, choice, positive_int

NYSE_SERIES = ("DJ_return", "log_volume", "log_volatility")
TARGET = "log_volume"
WEEKDAYS = ("mon", "tues", "wed", "thur", "fri")
SPLIT_DATE = np.datetime64("1980-01-01")


def load_nyse():
    """ISLP's NYSE data frame: 6,051 trading days from 1962-12-03 to 1986-12-31.

    Returns:
    - NYSE: pandas DataFrame indexed by date (strings 'YYYY-MM-DD') with columns
      day_of_week (categorical), DJ_return, log_volume, log_volatility, train (bool)
    """
    from ISLP import load_data

    return load_data("NYSE")


def lag_tensor(data, L):
    """Stack the L rows before each target row: the input sequences of an RNN.

    Inputs:
    - data: (T, p) time series, one row per time step, oldest first
    - L: number of lags, 1 <= L < T
    Returns:
    - Z: (T-L, L, p) with Z[j] = data[j:j+L] (oldest first); the target of Z[j] is data[j+L]
    """
    data = Dims().array("data", data, "T p")
    T = data.shape[0]
    L = positive_int("L", L)
    if L >= T:
        raise ValueError(f"L is {L}; expected an integer in [1, T-1] = [1, {T - 1}] for data of shape {data.shape}")
    # Window j starts at row j; stacking the L shifted copies gives axis 1 = lag position.
    return np.stack([data[i:T - L + i] for i in range(L)], axis=1)


def ar_design_matrix(data, L):
    """Design matrix of a linear AR(L) model: an intercept column, then all lagged values.

    Inputs:
    - data: (T, p) time series, oldest first
    - L: number of lags, 1 <= L < T
    Returns:
    - X: (T-L, 1 + L*p); X[j] = [1, data[j], data[j+1], ..., data[j+L-1]] (flattened),
      which predicts data[j+L]
    """
    Z = lag_tensor(data, L)
    n, L, p = Z.shape
    return np.hstack([np.ones((n, 1)), Z.reshape(n, L * p)])


def lag_names(series, L):
    """Column names matching ``lag_tensor(...).reshape(N, L*p)``: '<series>_<lag>', lag L first.

    Inputs:
    - series: sequence of p series names
    - L: number of lags
    Returns:
    - names: list of L*p strings, e.g. ['r_2', 'v_2', 'r_1', 'v_1'] for series (r, v), L=2
    """
    L = positive_int("L", L)
    return [f"{name}_{lag}" for lag in range(L, 0, -1) for name in series]


def fit_ols(X, y):
    """Least-squares coefficients beta minimizing ||y - X beta||^2 (np.linalg.lstsq).

    When X has dependent columns (e.g. an intercept plus all five weekday dummies) lstsq
    returns the minimum-norm solution; the fitted values X beta are the same for every solution.

    Inputs:
    - X: (N, q) design matrix (include a column of ones for an intercept)
    - y: (N,) response
    Returns:
    - beta: (q,)
    """
    d = Dims()
    X = d.array("X", X, "N q")
    y = d.array("y", y, "N")
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    return beta


def r_squared(y, yhat):
    """Coefficient of determination R^2 = 1 - RSS/TSS.

    RSS = sum (y - yhat)^2 and TSS = sum (y - mean(y))^2, both over the given rows (so on a
    test set the mean is the test mean, as in sklearn's ``score``).

    Inputs:
    - y: (N,) observed responses, not all equal
    - yhat: (N,) predictions
    Returns:
    - R2: float
    """
    d = Dims()
    y = d.array("y", y, "N")
    yhat = d.array("yhat", yhat, "N")
    tss = float(np.sum((y - y.mean()) ** 2))
    if tss == 0.0:
        raise ValueError(f"y has {y.size} values with zero variance; expected at least two different values")
    return 1.0 - float(np.sum((y - yhat) ** 2)) / tss


@dataclass(frozen=True)
class NYSESetup:
    """Train/test arrays for ISLP's NYSE forecasting task (see the module docstring)."""

    Z_train: np.ndarray
    Z_test: np.ndarray
    F_train: np.ndarray
    F_test: np.ndarray
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    day_train: np.ndarray
    day_test: np.ndarray
    dates_train: np.ndarray
    dates_test: np.ndarray
    columns: tuple
    L: int
    day_of_week: bool


def standardize(data, ddof=0):
    """Centre each column and divide by its standard deviation.

    ISLP's lab uses sklearn's StandardScaler, i.e. ddof=0. R^2 does not depend on ddof.

    Inputs:
    - data: (T, p)
    - ddof: 0 or 1, the delta degrees of freedom of the standard deviation
    Returns:
    - out: (T, p) with column means 0 and standard deviations 1
    """
    data = Dims().array("data", data, "T p")
    choice("ddof", ddof, (0, 1))
    sd = data.std(axis=0, ddof=ddof)
    if np.any(sd == 0):
        raise ValueError(f"data has constant columns {np.flatnonzero(sd == 0).tolist()}; expected variation")
    return (data - data.mean(axis=0)) / sd


def nyse_setup(L=5, day_of_week=False, data=None, ddof=0):
    """ISLP's NYSE autoregression set-up: standardized series, lags 1..L, split at 1980.

    Inputs:
    - L: number of lags (ISLP uses 5)
    - day_of_week: if True, append the 5 weekday dummies of the target day to F and X
    - data: a frame like ``load_nyse()`` (default: loaded from ISLP)
    - ddof: degrees of freedom of the standardizing standard deviation (0 = ISLP's lab)
    Returns:
    - setup: NYSESetup (fields and shapes in the module docstring)
    """
    L = positive_int("L", L)
    if not isinstance(day_of_week, (bool, np.bool_)):
        raise ValueError(f"day_of_week is {day_of_week!r}; expected True or False")
    if data is None:
        data = load_nyse()
    missing = [c for c in (*NYSE_SERIES, "day_of_week") if c not in getattr(data, "columns", ())]
    if missing:
        raise ValueError(f"data lacks columns {missing}; expected a frame like ISLP.load_data('NYSE')")

    series = standardize(data[list(NYSE_SERIES)].to_numpy(dtype=np.float64), ddof=ddof)
    T = series.shape[0]
    Z = lag_tensor(series, L)
    y = series[L:, NYSE_SERIES.index(TARGET)]
    dates = np.asarray(data.index, dtype="datetime64[D]")[L:]
    weekday = np.asarray(data["day_of_week"]).astype(str)[L:]
    unknown = sorted(set(weekday) - set(WEEKDAYS))
    if unknown:
        raise ValueError(f"data['day_of_week'] has values {unknown}; expected only {list(WEEKDAYS)}")
    day = (weekday[:, None] == np.array(WEEKDAYS)[None, :]).astype(np.float64)

    F = Z.reshape(T - L, L * len(NYSE_SERIES))
    names = ["intercept", *lag_names(NYSE_SERIES, L)]
    if day_of_week:
        F = np.hstack([F, day])
        names += list(WEEKDAYS)
    X = np.hstack([np.ones((T - L, 1)), F])

    tr = dates < SPLIT_DATE
    te = ~tr
    return NYSESetup(
        Z_train=Z[tr], Z_test=Z[te], F_train=F[tr], F_test=F[te], X_train=X[tr], X_test=X[te],
        y_train=y[tr], y_test=y[te], day_train=day[tr], day_test=day[te],
        dates_train=dates[tr], dates_test=dates[te], columns=tuple(names), L=L, day_of_week=bool(day_of_week),
    )
