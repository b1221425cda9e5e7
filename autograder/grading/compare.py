"""Trusted comparisons of a student's returned values with the reference's.

Everything here runs in the grader on plain data that came back through the values-only channel
(numpy arrays, numbers, lists); nothing a student wrote is ever called, so an object with a lying
``__eq__`` cannot reach this module. A comparison returns a :class:`Comparison` whose ``problem``
and ``hint`` describe what differs -- shapes and the order of magnitude of the relative error -- and never
an expected value, an index or a second number: feedback on a failing output states at most one number
(``magnitude``), so that resubmitting cannot map a hidden answer entry by entry.

Tolerances (``tolerance_for``): an entry passes when

    |got - expected| <= rtol * (|expected| + max|expected|) + atol

so each entry is judged relative to its own size and, for entries near zero, to the array's scale.
float64 results get rtol 1e-7 (as CS231n's checks); a result returned as float32 (or float16) gets
rtol 1e-4, so float32 code that is otherwise right still passes. A float32 scalar or ``.tolist()``
crosses the channel as Python floats, so float64 values that are all exactly float32 numbers count as
float32 too (``tolerance_for``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """Relative and absolute tolerance of one check (see the module docstring)."""

    rtol: float
    atol: float


FLOAT64 = Tolerance(rtol=1e-7, atol=1e-10)
FLOAT32 = Tolerance(rtol=1e-4, atol=1e-6)


@dataclass(frozen=True)
class Comparison:
    """Outcome of one comparison. ``problem`` is empty when ``ok``; nothing here is an expected value."""

    ok: bool
    problem: str = ""
    hint: str = ""
    max_abs: float = 0.0
    max_rel: float = 0.0
    where: tuple[int, ...] | None = None
    tolerance: Tolerance | None = None


def _float32_values(a: np.ndarray) -> bool:
    """Whether a float64 array holds only float32 values (not all integers): float32 results that
    crossed the channel as Python floats (``np.float32(...)`` scalars, ``.tolist()``). A float64
    computation lands exactly on a float32 number with probability about 2**-29 per entry."""
    if a.dtype != np.float64 or a.size == 0:
        return False
    finite = a[np.isfinite(a)]
    if finite.size == 0 or np.all(finite == np.round(finite)):
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.all(finite.astype(np.float32).astype(np.float64) == finite))


def tolerance_for(got, base: Tolerance = FLOAT64) -> Tolerance:
    """``base`` for float64 (or non-float) results; ``FLOAT32`` when ``got`` is a lower-precision float,
    or float64 whose every value is a float32 number (a float32 result converted on the way)."""
    dtype = getattr(got, "dtype", None)
    low = dtype is not None and np.issubdtype(dtype, np.floating) and dtype.itemsize < 8
    if low or (isinstance(got, np.ndarray) and _float32_values(got)):
        return Tolerance(max(base.rtol, FLOAT32.rtol), max(base.atol, FLOAT32.atol))
    return base


def type_name(value) -> str:
    """A short description of a value's type, for messages (``a dict``, ``a Handle to a Foo``)."""
    described = getattr(value, "type_name", None) or getattr(value, "typename", None)
    if isinstance(described, str):
        return f"an object of type {described}"
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def as_numeric(value, name: str) -> tuple[np.ndarray | None, str]:
    """``value`` as a numeric ndarray, or ``(None, problem)`` saying why it is not one."""
    if value is None:
        return None, (f"{name} is None -- did you assign it? (the template starts outputs at None)")
    if not isinstance(value, (np.ndarray, np.generic, list, tuple, int, float, bool)):
        return None, f"{name} is {type_name(value)}; expected a numeric array"
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):
        return None, f"{name} cannot be read as an array (nested lists of different lengths?)"
    if arr.dtype.kind not in "biuf":
        what = {"c": "complex numbers", "O": "mixed objects", "U": "strings", "S": "bytes"}.get(
            arr.dtype.kind, f"dtype {arr.dtype}"
        )
        return None, f"{name} holds {what}; expected real numbers"
    return arr, ""


def _fmt_shape(shape) -> str:
    return str(tuple(int(s) for s in shape))


def _shape_hint(got_shape, want_shape) -> str:
    if len(got_shape) == len(want_shape) and tuple(got_shape) == tuple(want_shape)[::-1]:
        return "the axes look reversed: did you transpose a matrix product?"
    squeeze_g = tuple(s for s in got_shape if s != 1)
    squeeze_w = tuple(s for s in want_shape if s != 1)
    if squeeze_g == squeeze_w:
        return "only axes of length 1 differ: check for an extra or missing axis (keepdims, reshape)"
    if sorted(got_shape) == sorted(want_shape):
        return "the same sizes in another order: check the order of the axes"
    return ""


def magnitude(x: float) -> str:
    """The order of magnitude of a non-negative error, the one number a failing output's feedback shows:
    ``about 1e-03``; ``more than 1e+06`` above a million; no mantissa, so it pins down no expected value."""
    x = float(x)
    if not np.isfinite(x) or x >= 1e6:
        return "more than 1e+06"
    if x <= 0:
        return "0"
    return f"about 1e{int(np.floor(np.log10(x) + 0.5)):+03d}"


def _value_hint(g: np.ndarray, e: np.ndarray, bad: np.ndarray) -> str:
    """What a mismatch looks like, in words that reveal no expected value and hold no number."""
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    if scale > 0 and not np.any(g):
        return "your result is all zeros"
    if scale > 0 and np.allclose(g, -e, rtol=1e-6, atol=1e-9 * scale):
        return "your result has the opposite sign"
    ee = float(np.sum(e * e))
    if ee > 0:
        c = float(np.sum(g * e)) / ee
        if abs(c - 1.0) > 1e-3 and np.allclose(g, c * e, rtol=1e-6, atol=1e-9 * scale):
            return "your result is a constant multiple of the expected one: a missing or extra factor?"
    if e.ndim == 2 and e.shape[0] == e.shape[1] and np.allclose(g, e.T, rtol=1e-6, atol=1e-9 * scale):
        return "your result is the transpose of the expected one"
    if np.count_nonzero(bad) < bad.size:
        return "only some entries differ; the others match"
    return ""


def compare_arrays(got, expected, name: str, tol: Tolerance | None = None, shape_spec: str = "") -> Comparison:
    """Compare a returned array-like ``got`` with the reference's ``expected`` array.

    ``shape_spec`` (e.g. ``"(N, K)"``) only improves the message about a wrong shape. Lists and
    integer arrays of the right shape are accepted; the tolerance follows ``got``'s dtype.
    """
    g, problem = as_numeric(got, name)
    if g is None:
        return Comparison(False, problem)
    e = np.asarray(expected, dtype=np.float64)
    tol = tolerance_for(g, tol or FLOAT64)
    if g.shape != e.shape:
        spec = f"{shape_spec} = " if shape_spec else ""
        return Comparison(
            False,
            f"{name} has shape {_fmt_shape(g.shape)}; expected {spec}{_fmt_shape(e.shape)}",
            _shape_hint(g.shape, e.shape),
        )
    g = g.astype(np.float64)
    finite = np.isfinite(g)
    if not np.all(finite[np.isfinite(e)]):
        bad = ~finite & np.isfinite(e)
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        kinds = "NaN" if np.all(np.isnan(g[bad])) else "NaN/inf" if np.any(np.isnan(g[bad])) else "inf"
        return Comparison(
            False,
            f"{name} has {kinds} entries where a finite number is expected",
            "look for an overflow (exp of a large number), a division by zero or an uninitialized array",
            where=first,
        )
    if g.size == 0:
        return Comparison(True, tolerance=tol)
    err = np.abs(g - e)
    err[~np.isfinite(e) & (g == e)] = 0.0  # the same inf on both sides
    scale = float(np.max(np.abs(e[np.isfinite(e)]), initial=0.0))
    denom = np.abs(e) + scale
    allowed = tol.rtol * denom + tol.atol
    ratio = err / allowed
    bad = ratio > 1.0
    worst = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
    where = tuple(int(i) for i in worst)
    max_abs = float(np.max(err))
    max_rel = float(np.max(err / np.maximum(denom, 1e-300)))
    if not np.any(bad):
        return Comparison(True, max_abs=max_abs, max_rel=max_rel, where=where, tolerance=tol)
    if scale > 0:  # one number: the worst relative error, as an order of magnitude, with no index
        problem = f"{name} differs: relative error {magnitude(max_rel)}"
    else:  # nothing to be relative to: the largest entry of the student's own result, all that differs
        problem = f"{name} differs: it should be all zeros, and its largest entry is {magnitude(max_abs)} in size"
    return Comparison(False, problem, _value_hint(g, e, bad), max_abs, max_rel, where, tol)


def compare_scalar(got, expected: float, name: str, tol: Tolerance | None = None) -> Comparison:
    """Compare a returned number (a float, or an array/list holding one) with ``expected``."""
    g, problem = as_numeric(got, name)
    if g is None:
        return Comparison(False, problem)
    if g.size != 1:
        return Comparison(False, f"{name} has shape {_fmt_shape(g.shape)}; expected a single number")
    tol = tolerance_for(g, tol or FLOAT64)
    value = float(g.reshape(()))
    e = float(expected)
    if not np.isfinite(value) and np.isfinite(e):
        return Comparison(False, f"{name} is {value}", "look for a division by zero or an overflow")
    err = abs(value - e) if np.isfinite(e) or value != e else 0.0
    rel = err / max(abs(e), 1e-300)
    ok = err <= tol.rtol * abs(e) + tol.atol
    if ok:
        return Comparison(True, max_abs=err, max_rel=rel, tolerance=tol)
    hint = ""
    if e != 0 and abs(value + e) <= tol.rtol * abs(e) + tol.atol:
        hint = "your value has the opposite sign"
    elif value == 0 and e != 0:
        hint = "your value is zero"
    # One number, an order of magnitude, and relative: the absolute error of a zero answer is the key itself.
    size = f"relative error {magnitude(rel)}" if e != 0 else f"it should be 0 and is {magnitude(err)} in size"
    return Comparison(False, f"{name} is not right ({size})", hint, err, rel, None, tol)


def compare_exact(got, expected, name: str) -> Comparison:
    """Exact equality of plain data (str, int, dict, list) that came through the channel."""
    if type(got) is not type(expected) and not (
        isinstance(got, (list, tuple)) and isinstance(expected, (list, tuple))
    ):
        return Comparison(False, f"{name} is {type_name(got)}; expected {type_name(expected)}")
    return Comparison(True) if got == expected else Comparison(False, f"{name} has the wrong value")
