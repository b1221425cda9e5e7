"""Numerical gradients by centred differences, and CS231n's relative error."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, df, h: float = 1e-5):
    """Centred-difference gradient of sum(f(x) * df) with respect to x.

    ``f`` is evaluated with ``x`` changed in place, one entry at a time, and restored.

    Inputs:
    - f: function of x returning an array (any shape S) or a scalar
    - x: (any shape) float array, perturbed in place
    - df: (S) upstream gradient, or a scalar
    - h: step size
    Returns:
    - grad: (same shape as x)
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"x has dtype {x.dtype}; expected a float array (perturbed in place)")
    h = float(h)
    if not h > 0:
        raise ValueError(f"h is {h}; expected a positive step")
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        pos = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old - h
        neg = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2.0 * h)
        it.iternext()
    return grad


def rel_error(a, b, eps: float = 1e-8, floor: float = 0.0) -> float:
    """Max relative error max |a - b| / max(eps, |a| + |b|) over entries (CS231n).

    With ``floor`` > 0 the denominator is at least ``floor`` times the largest entry of either array: an entry
    far smaller than the gradient's scale is then judged by its absolute difference, so the rounding noise of
    a centred difference (about 1e-10) on an entry of 1e-5 does not count as a relative error of 1e-5.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a has shape {a.shape}; expected the shape of b, {b.shape}")
    if a.size == 0:
        return 0.0
    low = max(eps, floor * float(max(np.max(np.abs(a)), np.max(np.abs(b))))) if floor > 0 else eps
    return float(np.max(np.abs(a - b) / np.maximum(low, np.abs(a) + np.abs(b))))
