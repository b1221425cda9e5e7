"""NYSE rows of the table: forecasting standardized log trading volume (ISLP section 10.9.6).

The set-up (lags, standardization, the 1980 split) is ``reference.ar.nyse_setup``; the linear
AR fits are the numpy reference's OLS (``fit_ols``/``r_squared``), cross-checked here against
``torch.linalg.lstsq``; the two networks are trained with torch. Every task returns an
``Outcome`` whose value is the test R^2.

ISLP's lab monitors the *test* R^2 while training the networks (it has no validation set for
NYSE); we record that curve for the learning-curve plot but never select on it: the reported
R^2 is that of the last epoch.

The two networks (193 and 705 parameters, 13,400 and 6,700 RMSprop steps) train on the CPU
whatever ``--device`` says: each step is a few dozen tiny kernels, so on a GPU it is bound by
launches and waits (measured on an H200: 30.8 s and 10.5 s; on one core of a 2-core Xeon:
13.8 s and 3.3 s), and on the CPU the results repeat exactly for a seed.

The data come from ISLP's ``load_data("NYSE")`` where ISLP is installed; elsewhere (a GPU
machine without it) from the ``ar`` assignment's ``nyse.csv``, ISLP's table written with
every float's ``repr`` and read back only after its SHA-256 matches (``nyse_frame``).
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import torch

from ..ar import fit_ols, nyse_setup, r_squared
from .context import Outcome
from .models import NonlinearAR, NyseRNN
from .train import fit, predict, seeded

L_LAGS = 5
DEVICE = torch.device("cpu")     # where the NYSE networks train (see the module docstring)
NYSE_CSV = Path(__file__).resolve().parents[2] / "assignments" / "ar" / "nyse.csv"


@functools.lru_cache(maxsize=1)
def nyse_frame():
    """ISLP's NYSE frame: from ISLP if importable, else from the checksummed ``NYSE_CSV``."""
    try:
        from ..ar import load_nyse

        return load_nyse()
    except ImportError:
        import pandas as pd

        from autograder.generate.nyse_file import load_nyse as load_csv

        d = load_csv(NYSE_CSV)
        frame = pd.DataFrame({k: d[k] for k in ("day_of_week", "DJ_return", "log_volume", "log_volatility")},
                             index=d["date"].astype(str))
        return frame


def _setup(day_of_week):
    return nyse_setup(L_LAGS, day_of_week=day_of_week, data=nyse_frame())


def _ar(day_of_week):
    s = _setup(day_of_week)
    beta = fit_ols(s.X_train, s.y_train)
    r2 = r_squared(s.y_test, s.X_test @ beta)
    # Cross-check the numpy reference with torch's least squares (float64).
    beta_t = torch.linalg.lstsq(torch.from_numpy(s.X_train), torch.from_numpy(s.y_train[:, None]),
                                driver="gelsd").solution[:, 0].numpy()
    r2_torch = r_squared(s.y_test, s.X_test @ beta_t)
    details = {"columns": len(s.columns), "n_train": int(s.y_train.size), "n_test": int(s.y_test.size),
               "r2_torch_lstsq": r2_torch, "cross_check_abs_diff": abs(r2 - r2_torch)}
    return Outcome(r2, details)


def ar5(ctx):
    """AR(5): OLS on an intercept and 5 lags of DJ_return, log_volume, log_volatility (16 columns)."""
    return _ar(False)


def ar5_day_of_week(ctx):
    """AR(5) plus the 5 weekday dummies of the target day (21 columns, rank 20)."""
    return _ar(True)


def _network(ctx, name, model_fn, inputs, batch_size, epochs):
    s = _setup(True)
    X_train = torch.tensor(getattr(s, f"{inputs}_train"), dtype=torch.float32)
    X_test = torch.tensor(getattr(s, f"{inputs}_test"), dtype=torch.float32)
    rng = np.random.default_rng(ctx.seed)
    with seeded(ctx.seed, DEVICE):
        model = model_fn()

        def monitor(m):
            return r_squared(s.y_test, predict(m, X_test, DEVICE))

        history = fit(model, X_train, s.y_train, loss="mse", epochs=epochs, batch_size=batch_size, lr=1e-3,
                      rng=rng, device=DEVICE, monitor=monitor, monitor_name="test R² (monitor only)",
                      on_epoch=ctx.epoch_callback(name, epochs))
    r2 = r_squared(s.y_test, predict(model, X_test, DEVICE))
    details = {"device": str(DEVICE), "epochs": epochs, "batch_size": batch_size, "lr": 1e-3, "optimizer": "RMSprop",
               "n_train": int(s.y_train.size), "n_test": int(s.y_test.size)}
    return Outcome(r2, details, history)


def rnn(ctx):
    """RNN(3 -> 12) over the 5 lags, dropout 0.1 on h_L, Linear(12, 1); RMSprop 1e-3, batch 64, 200 epochs."""
    return _network(ctx, "nyse-rnn", lambda: NyseRNN(p=3, K=12, phi=0.1), "Z", 64, 40 if ctx.quick else 200)


def nonlinear_ar(ctx):
    """Nonlinear AR: 15 lags + 5 weekday dummies -> 32 ReLU -> Dropout(0.5) -> 1; batch 32, 50 epochs."""
    return _network(ctx, "nyse-nlar", lambda: NonlinearAR(q=20, K=32, phi=0.5), "F", 32, 15 if ctx.quick else 50)
