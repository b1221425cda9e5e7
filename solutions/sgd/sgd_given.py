"""Given code of deepgrade's `sgd` assignment: helpers your notebook imports.

You may read it; do not edit it. The grader uses its own copy of this file, so a change here
changes nothing in your grade (only in your own self-check)."""

from __future__ import annotations

import numpy as np
import re
from dataclasses import dataclass


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


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng is a {type(rng).__name__}; expected a np.random.Generator")


def positive_int(name: str, value, minimum: int = 1) -> int:
    """Check an integer >= minimum (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} is {value!r}; expected an integer >= {minimum}")
    if value < minimum:
        raise ValueError(f"{name} is {value}; expected an integer >= {minimum}")
    return int(value)


def _check_xy_theta(theta, X, y, binary=False):
    d = Dims()
    X = d.array("X", X, "N q")
    theta = d.array("theta", theta, "q")
    y = d.array("y", y, "N")
    if binary and not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y has values {np.unique(y)[:5].tolist()}; expected labels in {{0, 1}}")
    return theta, X, y


def logistic_loss(theta, X, y):
    """Average negative log-likelihood of logistic regression, labels y in {0, 1}.

    R(theta) = 1/n sum_i [log(1 + exp(eta_i)) - y_i eta_i] with eta = X theta
    (np.logaddexp(0, eta) computes log(1 + e^eta) without overflow).

    Inputs:
    - theta: (q,); X: (N, q); y: (N,) in {0, 1}
    Returns:
    - R: float
    """
    theta, X, y = _check_xy_theta(theta, X, y, binary=True)
    eta = X @ theta
    return float(np.mean(np.logaddexp(0.0, eta) - y * eta))


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2, any shape.

    The tanh form never overflows and is about ten times faster than masking by sign.
    """
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def logistic_loss_grad(theta, X, y):
    """Gradient of the logistic loss: X^T (sigmoid(X theta) - y) / n.

    Inputs:
    - theta: (q,); X: (N, q); y: (N,) in {0, 1}
    Returns:
    - grad: (q,)
    """
    theta, X, y = _check_xy_theta(theta, X, y, binary=True)
    return X.T @ (sigmoid(X @ theta) - y) / X.shape[0]


def squared_loss(theta, X, y):
    """Least-squares risk R(theta) = 1/(2n) sum_i (y_i - x_i . theta)^2.

    Inputs:
    - theta: (q,) coefficients; X: (N, q) rows x_i; y: (N,) responses
    Returns:
    - R: float
    """
    theta, X, y = _check_xy_theta(theta, X, y)
    r = y - X @ theta
    return float(r @ r) / (2 * X.shape[0])


def squared_loss_grad(theta, X, y):
    """Gradient of the squared loss: -X^T (y - X theta) / n.

    Inputs:
    - theta: (q,); X: (N, q); y: (N,)
    Returns:
    - grad: (q,)
    """
    theta, X, y = _check_xy_theta(theta, X, y)
    return -X.T @ (y - X @ theta) / X.shape[0]


LOSSES = {
    "squared": (squared_loss, squared_loss_grad),
    "logistic": (logistic_loss, logistic_loss_grad),
}


@dataclass(frozen=True)
class SGDResult:
    """What ``sgd`` returns (E = epochs run, q = number of parameters).

    - theta: (q,) the parameters to use: those with the lowest validation loss when a
      validation set is given (over epochs 0..E, epoch 0 being theta0), else the last iterate
    - theta_last: (q,) the parameters after the last step
    - history: (E+1, q) parameters at the end of each epoch; row 0 is theta0
    - train_loss: (E+1,) loss on the whole training set at the end of each epoch (row 0: theta0)
    - val_loss: (E+1,) the same on the validation set, or None
    - best_epoch: epoch whose parameters are ``theta`` (E without a validation set)
    - epochs_run: E; stopped_early: True if early stopping ended training before ``epochs``
    """

    theta: np.ndarray
    theta_last: np.ndarray
    history: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray | None
    best_epoch: int
    epochs_run: int
    stopped_early: bool


def choice(name: str, value, options) -> str:
    """Check that ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} is {value!r}; expected one of {sorted(options)}")
    return value
