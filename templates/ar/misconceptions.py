"""Known mistakes of the ``ar`` assignment, as wrong variants of the reference functions (trusted; never in a
bundle); see ``autograder.grading.diagnose``.
"""

import numpy as np

from autograder.grading.diagnose import Misconception
from reference.ar import lag_tensor


def lags_newest_first(data, L):
    T = data.shape[0]
    return np.stack([data[L - 1 - i:T - 1 - i] for i in range(L)], axis=1)


def lags_include_target(data, L):
    T = data.shape[0]
    return np.stack([data[i + 1:T - L + i + 1] for i in range(L)], axis=1)


def design_no_intercept(data, L):
    Z = lag_tensor(data, L)
    return Z.reshape(Z.shape[0], -1)


def design_intercept_last(data, L):
    Z = lag_tensor(data, L)
    return np.hstack([Z.reshape(Z.shape[0], -1), np.ones((Z.shape[0], 1))])


def design_series_major(data, L):
    Z = lag_tensor(data, L)
    return np.hstack([np.ones((Z.shape[0], 1)), Z.transpose(0, 2, 1).reshape(Z.shape[0], -1)])


def r2_squared_correlation(y, yhat):
    return float(np.corrcoef(y, yhat)[0, 1] ** 2)


def r2_around_prediction_mean(y, yhat):
    return 1.0 - float(np.sum((y - yhat) ** 2)) / float(np.sum((y - yhat.mean()) ** 2))


def r2_unexplained_share(y, yhat):
    return float(np.sum((y - yhat) ** 2)) / float(np.sum((y - y.mean()) ** 2))


def ols_without_the_first_column(X, y):
    beta, *_ = np.linalg.lstsq(X[:, 1:], y, rcond=None)
    return np.concatenate([[0.0], beta])


MISCONCEPTIONS = [
    Misconception("lags newest first", "Along the lag axis the window runs in time order: position 0 is the "
                  "oldest day of the window, the last position the day before the target",
                  {"lag_tensor": lags_newest_first}),
    Misconception("target leaking into its own lags", "The window of a target row ends the day before it; "
                  "a window that reaches the target's own day lets the model see the answer",
                  {"lag_tensor": lags_include_target}),
    Misconception("no intercept column", "The design matrix starts with a column of ones for the intercept",
                  {"ar_design_matrix": design_no_intercept}),
    Misconception("intercept column last", "The column of ones comes first, before the lagged values",
                  {"ar_design_matrix": design_intercept_last}),
    Misconception("lagged columns grouped by series", "The flattened lags keep the lag tensor's order: all "
                  "series at the oldest lag first, then the next lag", {"ar_design_matrix": design_series_major}),
    Misconception("intercept column dropped from the fit", "Every column of X, the ones column too, gets its "
                  "coefficient from the least-squares fit", {"fit_ols": ols_without_the_first_column}),
    Misconception("R² as a squared correlation", "R² is one minus the residual sum of squares over the total "
                  "sum of squares; it equals a squared correlation only for the fitted least-squares line",
                  {"r_squared": r2_squared_correlation}),
    Misconception("R² around the mean of the predictions", "The total sum of squares measures the spread of "
                  "the observed values around their own mean", {"r_squared": r2_around_prediction_mean}),
    Misconception("R² as the unexplained share", "RSS / TSS is the share of variance left unexplained; R² is "
                  "what remains of 1", {"r_squared": r2_unexplained_share}),
]
