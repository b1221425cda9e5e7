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
    """Two panels: the training loss, and the monitored metric on the training minibatches and on
    the monitored set, on the same axes, against the epoch; the kept epoch marked."""
    plt = _pyplot()
    x = np.arange(1, len(history.monitor) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    ax1.plot(x, history.train_loss, marker=".")
    ax1.set(xlabel=xlabel, ylabel=left_label, title=f"{name}: {left_label}")
    if len(history.train_monitor) == len(x):
        ax2.plot(x, history.train_monitor, marker=".", label="train")
    ax2.plot(x, history.monitor, marker=".", label=history.monitor_name)
    if history.best_epoch:
        ax2.axvline(history.best_epoch, color="gray", ls="--", lw=1, label=f"kept: {history.best_epoch}")
    ax2.legend(loc="best", fontsize=8)
    metric = history.monitor_name.split(" ")[-1] if " " in history.monitor_name else history.monitor_name
    ax2.set(xlabel=xlabel, ylabel=metric, title=f"{name}: train and {history.monitor_name}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return Path(path)


def lasso_path(name, lambdas, train_accuracy, val_accuracy, best_lambda, path, n_grid=None):
    """Train and validation accuracy against lambda (log axis, decreasing to the right as ISLP's
    -log lambda), the chosen lambda marked; ``n_grid``: size of the grid when the path ended early."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    ax.semilogx(lambdas, train_accuracy, marker=".", label="train")
    ax.semilogx(lambdas, val_accuracy, marker=".", label="validation")
    ax.axvline(best_lambda, color="gray", ls="--", lw=1, label=f"chosen λ = {best_lambda:.3g}")
    ax.invert_xaxis()
    note = f" (first {len(lambdas)} of {n_grid} λ: ended early)" if n_grid and n_grid > len(lambdas) else ""
    ax.set(xlabel="λ (log scale, decreasing)", ylabel="accuracy", title=f"{name}: lasso path{note}")
    ax.legend(loc="best", fontsize=8)
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
