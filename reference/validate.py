"""Input validation shared by the reference: shapes named in ISLP's letters.

    dims = Dims()
    x = dims.array("x", x, "N p")
    h_prev = dims.array("h_prev", h_prev, "N K")   # N now bound by x
    W = dims.array("W", W, "p 4K")                 # a multiple of a letter

A mismatch raises ``ValueError`` naming the argument, its shape and the expected shape,
e.g. ``h_prev has shape (3, 5); expected (N, K) = (3, 4)``.
"""

from __future__ import annotations

import re

import numpy as np

_TOKEN = re.compile(r"^(\d*)([A-Za-z]\w*)$|^(\d+)$")


class Dims:
    """Binds dimension letters (N, L, p, K, ...) to sizes as arrays are checked."""

    def __init__(self, **known: int):
        self.sizes: dict[str, int] = dict(known)

    def array(self, name: str, a, spec: str, dtype=np.float64) -> np.ndarray:
        """Return ``a`` as an ndarray of ``dtype`` after checking its shape against ``spec``.

        ``spec`` is a space-separated list of tokens: a letter (bound on first use), a
        multiple of a letter (``4K``) or a literal size (``1``). ``dtype=None`` keeps it.
        """
        arr = _as_numeric(name, a) if dtype is not None else np.asarray(a)
        tokens = spec.split()
        if arr.ndim != len(tokens):
            raise ValueError(
                f"{name} has shape {arr.shape}; expected ({', '.join(tokens)}), "
                f"a {len(tokens)}-d array"
            )
        # First bind letters that appear alone, then check every token.
        for tok, size in zip(tokens, arr.shape):
            mult, letter = _parse(tok)
            if letter is not None and letter not in self.sizes:
                if size % mult:
                    raise ValueError(
                        f"{name} has shape {arr.shape}; expected ({', '.join(tokens)}) "
                        f"with dimension {tok} a multiple of {mult}"
                    )
                self.sizes[letter] = size // mult
        expected = tuple(self._size(tok) for tok in tokens)
        if tuple(arr.shape) != expected:
            exp = ", ".join(str(e) for e in expected)
            raise ValueError(
                f"{name} has shape {arr.shape}; expected ({', '.join(tokens)}) = ({exp})"
            )
        if dtype is not None:
            arr = arr.astype(dtype, copy=False)
        return arr

    def int_array(self, name: str, a, spec: str, low: int, high: int) -> np.ndarray:
        """Check an integer index array of shape ``spec`` with values in [low, high)."""
        arr = np.asarray(a)
        if not np.issubdtype(arr.dtype, np.integer):
            raise ValueError(f"{name} has dtype {arr.dtype}; expected an integer dtype")
        arr = self.array(name, arr, spec, dtype=None)
        if arr.size and (arr.min() < low or arr.max() >= high):
            raise ValueError(
                f"{name} has values in [{arr.min()}, {arr.max()}]; expected integers in [{low}, {high})"
            )
        return arr

    def _size(self, tok: str) -> int:
        mult, letter = _parse(tok)
        return mult if letter is None else mult * self.sizes[letter]


def _parse(tok: str) -> tuple[int, str | None]:
    m = _TOKEN.match(tok)
    if m is None:
        raise ValueError(f"bad dimension token {tok!r}")
    if m.group(3) is not None:
        return int(m.group(3)), None
    return int(m.group(1) or 1), m.group(2)


def _as_numeric(name: str, a) -> np.ndarray:
    arr = np.asarray(a)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise ValueError(f"{name} has dtype {arr.dtype}; expected a numeric array")
    return arr


def scalar(name: str, value, low: float | None = None, high: float | None = None,
           low_open: bool = False, high_open: bool = False) -> float:
    """Check a real scalar within bounds; raise ValueError naming it otherwise."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} is {value!r}; expected a real number") from None
    if not np.isfinite(v):
        raise ValueError(f"{name} is {v}; expected a finite number")
    lo_ok = low is None or (v > low if low_open else v >= low)
    hi_ok = high is None or (v < high if high_open else v <= high)
    if not (lo_ok and hi_ok):
        lb = "(" if low_open else "["
        hb = ")" if high_open else "]"
        raise ValueError(f"{name} is {v}; expected a value in {lb}{low}, {high}{hb}")
    return v


def positive_int(name: str, value, minimum: int = 1) -> int:
    """Check an integer >= minimum (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} is {value!r}; expected an integer >= {minimum}")
    if value < minimum:
        raise ValueError(f"{name} is {value}; expected an integer >= {minimum}")
    return int(value)


def choice(name: str, value, options) -> str:
    """Check that ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} is {value!r}; expected one of {sorted(options)}")
    return value
