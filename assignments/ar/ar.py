# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Autoregression on the NYSE data
#
# *deepgrade · ISLP chapter 10 (deep learning) · assignment `ar` · student `demo`*
#
# ISLP section 10.5.2 forecasts the trading volume of the New York Stock Exchange from its own past. The
# `NYSE` data hold 6,051 trading days (1962 to 1986) of three daily series, standardized:
#
# - $r_t$: `DJ_return`, the return of the Dow Jones index,
# - $v_t$: `log_volume`, the log of the trading volume (what we forecast),
# - $z_t$: `log_volatility`, the log of the absolute daily price movement.
#
# An *autoregressive* model of order $L$ predicts $v_t$ from the previous $L$ days:
#
# $$\hat v_t = \beta_0 + \sum_{\ell=1}^{L} \big(\beta_{r\ell}\, r_{t-\ell} + \beta_{v\ell}\, v_{t-\ell} + \beta_{z\ell}\, z_{t-\ell}\big),$$
#
# which is linear regression on a design matrix with a column of ones and $L \cdot p$ lagged values. The same
# lagged data, kept as a sequence of $L$ vectors of length $p$, is the input of ISLP's RNN for this task: the
# *lag tensor* $(T - L, L, p)$. Training days are those before 1980; the test set is 1980 to 1986.
#
# A forecast's quality is its test $R^2 = 1 - \text{RSS}/\text{TSS}$. ISLP's AR(5) model with all three series
# reaches $R^2 \approx 0.41$; adding the day of the week raises it to about $0.46$. Daily trading volume is a
# low signal-to-noise problem: a good feature can matter more than a flexible model.
#
# ## Points
#
# | question | what you write | points |
# |---|---|---|
# | The lag tensor and the design matrix | `lag_tensor`, `ar_design_matrix` | 3 |
# | Least squares and R^2 | `fit_ols`, `r_squared` | 3 |
# | The test R^2 of your variant's model on NYSE | `test_r2` | 2 |
# | **total** | | **8** |
#
# ## How to work
#
# 1. Run the cells from the top. *Kernel → Restart & Run All* runs everything and stops at the first
#    blank you have not filled in yet (it raises `NotImplementedError`).
# 2. Write each function where it says `# YOUR CODE HERE` and delete the `raise NotImplementedError()`
#    line. Keep the function names and arguments: the grader calls your functions by name.
# 3. Run the `check(...)` cell under each function. It calls your function on fixed public inputs and
#    compares with the expected values; for a backward function it also compares your gradients with
#    numerical gradients of *your own* forward function. A failure says what is wrong (a shape, the
#    largest error and where, a NaN) and gives a hint.
# 4. Passing the public checks is a good sign, not a grade: the grader runs hidden tests on other inputs.
#    It runs only the given cells and your answer cells, not the `check(...)` or demonstration cells,
#    so do not make your functions depend on variables defined in those.
#
# The whole notebook can also be checked from a shell in this folder: `python deepgrade_check.py`
# (or `deepgrade check .` where deepgrade is installed).

# %% [markdown]
# ## Your variant
#
# Every student gets their own variant of this assignment. Yours:
#
# | | |
# |---|---|
# | student | `demo` |
# | lag $L$ | **4** |
# | lagged series (features) | **log_volume** |
# | day-of-week dummies of the target day | **no** |
# | sizes used in the checks | toy series $T = 19$ days, $p = 5$ series; OLS on $N = 16$ rows, $q = 4$ columns |
#
# Your functions are general (`lag_tensor(data, L)` works for any $L$); question 3 asks for the test
# $R^2$ of *your* model.

# %% tags=["given"]
# Given code: imports and helpers from deepgrade's reference. Run this cell; do not change it.
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


def load_nyse():
    """ISLP's NYSE data frame: 6,051 trading days from 1962-12-03 to 1986-12-31.

    Returns:
    - NYSE: pandas DataFrame indexed by date (strings 'YYYY-MM-DD') with columns
      day_of_week (categorical), DJ_return, log_volume, log_volatility, train (bool)
    """
    from ISLP import load_data

    return load_data("NYSE")


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
    - nyse: the NYSE data frame (ISLP.load_data("NYSE"))
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
    series = standardize(nyse[list(NYSE_SERIES)].to_numpy(dtype=np.float64))
    chosen = series[:, [NYSE_SERIES.index(f) for f in features]]
    X = np.asarray(design_matrix(chosen, L), dtype=np.float64)
    y = series[L:, NYSE_SERIES.index(TARGET)]
    if day_of_week:
        weekday = np.asarray(nyse["day_of_week"]).astype(str)[L:]
        X = np.hstack([X, (weekday[:, None] == np.array(WEEKDAYS)[None, :]).astype(np.float64)])
    train = np.asarray(nyse.index, dtype="datetime64[D]")[L:] < SPLIT_DATE
    return X[train], y[train], X[~train], y[~train]

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")

# %% [markdown]
# ## 1. The lag tensor and the design matrix (3 points)
#
# `data` is a $(T, p)$ array, one row per day, oldest first. Row $j$ of the lag tensor holds the $L$ rows
# before target row $j + L$, oldest first: `Z[j] = data[j:j+L]`. The design matrix is a column of ones
# followed by each row of the lag tensor flattened (`reshape`), so it has $1 + L p$ columns. Avoid a Python
# loop over the $T$ rows: a loop over the $L$ lags is enough.

# %%
def lag_tensor(data, L):
    """Stack the L rows before each target row: the input sequences of an RNN.

    Inputs:
    - data: (T, p) time series, one row per time step, oldest first
    - L: number of lags, 1 <= L < T
    Returns:
    - Z: (T-L, L, p) with Z[j] = data[j:j+L] (oldest first); the target of Z[j] is data[j+L]
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("lag_tensor")

# %%
def ar_design_matrix(data, L):
    """Design matrix of a linear AR(L) model: an intercept column, then all lagged values.

    Inputs:
    - data: (T, p) time series, oldest first
    - L: number of lags, 1 <= L < T
    Returns:
    - X: (T-L, 1 + L*p); X[j] = [1, data[j], data[j+1], ..., data[j+L-1]] (flattened),
      which predicts data[j+L]
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("ar_design_matrix")

# %% [markdown]
# ## 2. Least squares and $R^2$ (3 points)
#
# `fit_ols` returns $\hat\beta$ minimizing $\lVert y - X\beta \rVert^2$; use `np.linalg.lstsq` (stabler than
# solving the normal equations, and it handles dependent columns). `r_squared` is $1 - \sum_i (y_i - \hat y_i)^2
# / \sum_i (y_i - \bar y)^2$, with $\bar y$ the mean of the `y` it is given.

# %%
def fit_ols(X, y):
    """Least-squares coefficients beta minimizing ||y - X beta||^2 (np.linalg.lstsq).

    When X has dependent columns (e.g. an intercept plus all five weekday dummies) lstsq
    returns the minimum-norm solution; the fitted values X beta are the same for every solution.

    Inputs:
    - X: (N, q) design matrix (include a column of ones for an intercept)
    - y: (N,) response
    Returns:
    - beta: (q,)
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("fit_ols")

# %%
def r_squared(y, yhat):
    """Coefficient of determination R^2 = 1 - RSS/TSS.

    RSS = sum (y - yhat)^2 and TSS = sum (y - mean(y))^2, both over the given rows (so on a
    test set the mean is the test mean, as in sklearn's ``score``).

    Inputs:
    - y: (N,) observed responses, not all equal
    - yhat: (N,) predictions
    Returns:
    - R2: float
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("r_squared")

# %% [markdown]
# ## 3. Your model on the NYSE data (2 points)
#
# The cells below load the data (the `ISLP` package must be installed: `pip install ISLP`), build your
# variant's train and test sets with your `ar_design_matrix`, fit by your `fit_ols` on the training days
# and print the $R^2$ on the test days. Then type that number, to at least 4 decimals, as `test_r2`.

# %% tags=["skip-grading"]
NYSE = load_nyse()
X_train, y_train, X_test, y_test = nyse_variant_data(
    NYSE, L=4, features=['log_volume'], day_of_week=False, design_matrix=ar_design_matrix)
beta = fit_ols(X_train, y_train)
print(f"{X_train.shape[0]} training days, {X_test.shape[0]} test days, {X_train.shape[1]} columns")
print(f"test R^2 = {r_squared(y_test, X_test @ beta):.6f}")

# %%
# Replace each None by your answer (a value, not a formula of other cells' variables), then delete the raise line.
test_r2 = None  # a number, to at least 4 decimals
# YOUR CODE HERE
raise NotImplementedError()

# %% tags=["skip-grading"]
check("nyse_r2")

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save, and submit the notebook file `ar.ipynb` (or `ar.py` if you
#    worked in the script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder.
