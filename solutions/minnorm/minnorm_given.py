"""Given code of deepgrade's `minnorm` assignment: helpers your notebook imports.

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


def positive_int(name: str, value, minimum: int = 1) -> int:
    """Check an integer >= minimum (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} is {value!r}; expected an integer >= {minimum}")
    if value < minimum:
        raise ValueError(f"{name} is {value}; expected an integer >= {minimum}")
    return int(value)


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


def _check_xy_theta(theta, X, y, binary=False):
    d = Dims()
    X = d.array("X", X, "N q")
    theta = d.array("theta", theta, "q")
    y = d.array("y", y, "N")
    if binary and not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y has values {np.unique(y)[:5].tolist()}; expected labels in {{0, 1}}")
    return theta, X, y


def squared_loss_grad(theta, X, y):
    """Gradient of the squared loss: -X^T (y - X theta) / n.

    Inputs:
    - theta: (q,); X: (N, q); y: (N,)
    Returns:
    - grad: (q,)
    """
    theta, X, y = _check_xy_theta(theta, X, y)
    return -X.T @ (y - X @ theta) / X.shape[0]


FEATURES = ("relu", "tanh", "abs")  # the nonlinearities of the random feature maps


def choice(name: str, value, options) -> str:
    """Check that ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} is {value!r}; expected one of {sorted(options)}")
    return value


def random_features(X, W, feature):
    """Random features phi(X W) / sqrt(p) for a fixed random matrix W.

    Inputs:
    - X: (n, d) inputs
    - W: (d, p) random weights
    - feature: "relu", "tanh" or "abs", the nonlinearity phi
    Returns:
    - F: (n, p) features
    """
    d = Dims()
    X = d.array("X", X, "n d")
    W = d.array("W", W, "d p")
    feature = choice("feature", feature, FEATURES)
    Z = X @ W
    F = np.maximum(Z, 0.0) if feature == "relu" else np.tanh(Z) if feature == "tanh" else np.abs(Z)
    return F / np.sqrt(W.shape[1])


def double_descent_problem(n, d, noise, seed, n_test=1000, p_max=None):
    """A regression problem for the double-descent curve: y = tanh(x_1) + x_2 x_3 / 2 + noise.

    Inputs:
    - n, d: training points and input dimension (d >= 3); noise: the noise's standard deviation
    - seed: the seed of the problem's generator; n_test: test points; p_max: columns of W (default 3 n)
    Returns:
    - X: (n, d), y: (n,), X_test: (n_test, d), y_test: (n_test,), W: (d, p_max) N(0, 1/d) weights
    """
    n = positive_int("n", n, minimum=1)
    d = positive_int("d", d, minimum=3)
    noise = scalar("noise", noise, 0.0, None)
    n_test = positive_int("n_test", n_test, minimum=1)
    p_max = 3 * n if p_max is None else positive_int("p_max", p_max, minimum=1)
    rng = np.random.default_rng(seed)

    def target(X):
        return np.tanh(X[:, 0]) + X[:, 1] * X[:, 2] / 2

    X = rng.normal(size=(n, d))
    X_test = rng.normal(size=(n_test, d))
    y = target(X) + noise * rng.normal(size=n)
    y_test = target(X_test) + noise * rng.normal(size=n_test)
    W = rng.normal(size=(d, p_max)) / np.sqrt(d)
    return X, y, X_test, y_test, W


def feature_counts(n):
    """The numbers of random features of the curve: n / 5, 2 n / 5, ..., 3 n (rounded), n itself among them.

    Inputs:
    - n: the number of training points
    Returns:
    - ps: (k,) increasing integers
    """
    n = positive_int("n", n, minimum=5)
    return np.unique(np.round(np.arange(1, 16) * n / 5).astype(int))
