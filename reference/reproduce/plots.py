"""PNG figures of ``deepgrade reproduce`` (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def learning_curve(name, history, path, xlabel="epoch", left_label="train loss"):
    """Two panels: ``history.train_loss`` and ``history.monitor`` against the epoch; the kept epoch marked."""
    plt = _pyplot()
    x = np.arange(1, len(history.monitor) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    ax1.plot(x, history.train_loss, marker=".")
    ax1.set(xlabel=xlabel, ylabel=left_label, title=f"{name}: {left_label}")
    ax2.plot(x, history.monitor, marker=".", color="tab:orange")
    if history.best_epoch:
        ax2.axvline(history.best_epoch, color="gray", ls="--", lw=1, label=f"kept: {history.best_epoch}")
        ax2.legend(loc="best")
    ax2.set(xlabel=xlabel, ylabel=history.monitor_name, title=f"{name}: {history.monitor_name}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def vanishing_gradients(curve, path):
    """Mean ||d o_L / d x_l|| relative to its value at l = L, against l (log scale), RNN and LSTM.

    Norms that underflowed to 0 (even in float64) are left out of the line.
    """
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    l = np.asarray(curve["positions"])
    for name, label in (("imdb-rnn", "simple RNN"), ("imdb-lstm", "LSTM")):
        norms = np.asarray(curve[name], dtype=float)
        rel = np.where(norms > 0, norms / norms[-1], np.nan)
        gone = int(np.sum(norms == 0))
        ax.semilogy(l, rel, label=label + (f" (0 for the first {gone} positions)" if gone else ""))
    ax.set(xlabel=f"position l of the word (L = {l[-1]} is the last)", ylabel="‖∂o_L/∂x_l‖ / ‖∂o_L/∂x_L‖",
           title="Vanishing gradients on IMDb reviews (mean over reviews)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def double_descent(curve, path):
    """Test MSE against the number of random features p (log-log), min-norm LS and ridge; p = n marked."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.loglog(curve["p"], curve["min_norm"], marker=".", label="least squares (min-norm for p ≥ n)")
    ax.loglog(curve["p"], curve["ridge"], marker=".", label="ridge, λ = 1e-3")
    ax.axvline(curve["n"], color="gray", ls="--", lw=1, label=f"interpolation threshold p = n = {curve['n']}")
    ax.set(xlabel="number of random ReLU features p", ylabel="test mean squared error", title="Double descent")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)
