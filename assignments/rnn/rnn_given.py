"""Given code of deepgrade's `rnn` assignment: helpers your notebook imports.

You may read it; do not edit it. The grader uses its own copy of this file, so a change here
changes nothing in your grade (only in your own self-check)."""

from __future__ import annotations

import numpy as np
import re


def _as_numeric(name: str, a) -> np.ndarray:
    arr = np.asarray(a)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise ValueError(f"{name} has dtype {arr.dtype}; expected a numeric array")
    return arr


_TOKEN = re.compile(r"^(\d*)([A-Za-z]\w*)$|^(\d+)$")


def _parse(tok: str) -> tuple[int, str | None]:
    m = _TOKEN.match(tok)
    if m is None:
        raise ValueError(f"bad dimension token {tok!r}")
    if m.group(3) is not None:
        return int(m.group(3)), None
    return int(m.group(1) or 1), m.group(2)


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


def _check_dout(dout, out_shape) -> np.ndarray:
    dout = np.asarray(dout)
    spec = " ".join(str(s) for s in out_shape)
    return Dims().array("dout", dout, spec)


def relu_backward(dout, cache):
    """Backward of ReLU: the gradient flows only where z > 0 (none at z <= 0).

    Inputs:
    - dout: (same shape as x) upstream gradient
    - cache: x from relu_forward
    Returns:
    - dx: (same shape as x)
    """
    x = cache
    dout = _check_dout(dout, x.shape)
    return dout * (x > 0)


def _as_array(name: str, x) -> np.ndarray:
    x = np.asarray(x)
    return Dims().array(name, x, " ".join(f"d{i}" for i in range(x.ndim)))


def relu_forward(x):
    """ReLU g(z) = max(0, z).

    Inputs:
    - x: (any shape) pre-activations z
    Returns:
    - out: (same shape as x)
    - cache: x
    """
    x = _as_array("x", x)
    return np.maximum(x, 0.0), x


def sigmoid_backward(dout, cache):
    """Backward of the sigmoid: sigma'(z) = sigma(z) (1 - sigma(z)).

    Inputs:
    - dout: (same shape as x); cache: sigma(x)
    Returns:
    - dx: (same shape as x)
    """
    out = cache
    dout = _check_dout(dout, out.shape)
    return dout * out * (1.0 - out)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2, any shape.

    The tanh form never overflows and is about ten times faster than masking by sign.
    """
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def sigmoid_forward(x):
    """Sigmoid activation sigma(z) = 1 / (1 + e^{-z}).

    Inputs:
    - x: (any shape)
    Returns:
    - out: (same shape), cache: out
    """
    x = _as_array("x", x)
    out = sigmoid(x)
    return out, out


def tanh_backward(dout, cache):
    """Backward of tanh: d tanh(z)/dz = 1 - tanh(z)^2.

    Inputs:
    - dout: (same shape as x); cache: tanh(x)
    Returns:
    - dx: (same shape as x)
    """
    out = cache
    dout = _check_dout(dout, out.shape)
    return dout * (1.0 - out**2)


def tanh_forward(x):
    """tanh activation.

    Inputs:
    - x: (any shape)
    Returns:
    - out: (same shape), cache: out
    """
    x = _as_array("x", x)
    out = np.tanh(x)
    return out, out


ACTIVATIONS = {
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
}


RNN_ACTIVATIONS = ("tanh", "relu")


def choice(name: str, value, options) -> str:
    """Check that ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} is {value!r}; expected one of {sorted(options)}")
    return value


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
