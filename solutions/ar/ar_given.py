"""Given code of deepgrade's `ar` assignment: helpers your notebook imports.

You may read it; do not edit it. The grader uses its own copy of this file, so a change here
changes nothing in your grade (only in your own self-check)."""

from __future__ import annotations

import numpy as np
import re
from pathlib import Path
import csv
import hashlib


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


NYSE_COLUMNS = ("date", "day_of_week", "DJ_return", "log_volume", "log_volatility")


NYSE_FILE = "nyse.csv"


NYSE_SHA256 = "af7ba7cd0fa90bc772cb11c12bbe3252451df1a5c6bb906c9189e510247f7750"  # of the file, "\n" line ends


def load_nyse(path=None):
    """The NYSE data of ISLP's lab (6,051 trading days, 1962-12-03 to 1986-12-31) from nyse.csv.

    Inputs:
    - path: the CSV file (default: nyse.csv beside this module)
    Returns:
    - nyse: dict of (T,) arrays: "date" (datetime64[D]), "day_of_week" (str: mon ... fri), and the
      float64 series "DJ_return", "log_volume", "log_volatility"
    """
    path = Path(__file__).with_name(NYSE_FILE) if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: keep {NYSE_FILE} beside this notebook (it came in the bundle)")
    data = path.read_bytes().replace(b"\r\n", b"\n")  # a checkout may have turned line ends into CRLF
    if hashlib.sha256(data).hexdigest() != NYSE_SHA256:
        raise ValueError(f"{path} is not the file of the bundle (its SHA-256 differs): copy it again from the bundle")
    rows = list(csv.reader(data.decode("utf-8").splitlines()))
    if tuple(rows[0]) != NYSE_COLUMNS:
        raise ValueError(f"{path} has columns {rows[0]}; expected {list(NYSE_COLUMNS)}")
    columns = list(zip(*rows[1:]))
    nyse = {"date": np.array(columns[0], dtype="datetime64[D]"), "day_of_week": np.array(columns[1], dtype=str)}
    for name, values in zip(NYSE_COLUMNS[2:], columns[2:]):
        nyse[name] = np.array([float(v) for v in values], dtype=np.float64)
    return nyse


NYSE_SERIES = ("DJ_return", "log_volume", "log_volatility")


SPLIT_DATE = np.datetime64("1980-01-01")


TARGET = "log_volume"


WEEKDAYS = ("mon", "tues", "wed", "thur", "fri")


def choice(name: str, value, options) -> str:
    """Check that ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} is {value!r}; expected one of {sorted(options)}")
    return value


def standardize(data, ddof=0):
    """Centre each column and divide by its standard deviation.

    ISLP's lab uses sklearn's StandardScaler, i.e. ddof=0. R^2 does not depend on ddof.

    Inputs:
    - data: (T, p)
    - ddof: 0 or 1, the delta degrees of freedom of the standard deviation
    Returns:
    - out: (T, p) with column means 0 and standard deviations 1
    """
    data = Dims().array("data", data, "T p")
    choice("ddof", ddof, (0, 1))
    sd = data.std(axis=0, ddof=ddof)
    if np.any(sd == 0):
        raise ValueError(f"data has constant columns {np.flatnonzero(sd == 0).tolist()}; expected variation")
    return (data - data.mean(axis=0)) / sd


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
