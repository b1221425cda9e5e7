"""The ar assignment's model on ISLP's NYSE data: a variant's lags, series and weekday dummies.

Copied into ``ar_given.py`` (it reads the bundle's nyse.csv through ``nyse_file.load_nyse``) (students pass their own ``ar_design_matrix``), and used by
the ar folder's answer key with the reference's, so the notebook and the answer key build one model.
"""

from __future__ import annotations

import numpy as np

from reference.ar import NYSE_SERIES, SPLIT_DATE, TARGET, WEEKDAYS, standardize


def nyse_variant_data(nyse, L, features, day_of_week, design_matrix):
    """Train/test design matrices of the AR(L) model on the chosen series of the NYSE frame.

    The three series are standardized over all days (as in ISLP's lab); the target is the
    standardized log_volume of day t; the inputs are the L previous days of ``features``,
    plus the 5 weekday dummies of day t when ``day_of_week`` is True. Training days are those
    before 1980-01-01.

    Inputs:
    - nyse: the NYSE data: the dict of arrays of load_nyse() (or ISLP's data frame, dated by its index)
    - L: number of lags
    - features: list of series names among DJ_return, log_volume, log_volatility
    - day_of_week: bool
    - design_matrix: a function (data, L) -> (T-L, 1 + L*p), i.e. ar_design_matrix
    Returns:
    - X_train: (N_train, q); y_train: (N_train,); X_test: (N_test, q); y_test: (N_test,)
    """
    unknown = [f for f in features if f not in NYSE_SERIES]
    if unknown:
        raise ValueError(f"features has {unknown}; expected names among {list(NYSE_SERIES)}")
    series = standardize(np.column_stack([np.asarray(nyse[s], dtype=np.float64) for s in NYSE_SERIES]))
    chosen = series[:, [NYSE_SERIES.index(f) for f in features]]
    X = np.asarray(design_matrix(chosen, L), dtype=np.float64)
    y = series[L:, NYSE_SERIES.index(TARGET)]
    if day_of_week:
        weekday = np.asarray(nyse["day_of_week"]).astype(str)[L:]
        X = np.hstack([X, (weekday[:, None] == np.array(WEEKDAYS)[None, :]).astype(np.float64)])
    dates = nyse["date"] if "date" in nyse else nyse.index
    train = np.asarray(dates, dtype="datetime64[D]")[L:] < SPLIT_DATE
    return X[train], y[train], X[~train], y[~train]
