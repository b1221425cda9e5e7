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
# **Needs** Python 3.9 or later and numpy (`pip install numpy`); nothing else.
# Keep the files of this folder together: the notebook imports its helpers from them.
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
# 4. Passing the public checks is necessary, not sufficient: the grader runs hidden tests on other inputs,
#    so a passing check is not a grade. The grader runs only the given cells and your answer cells, not the
#    `check(...)` or demonstration cells, so do not make your functions depend on variables defined in those.
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
# Given code: run this cell, do not change it.
# The helpers below live in ar_given.py beside this notebook; read it if you are curious.
# The grader uses its own copy of ar_given.py: editing yours changes nothing in your grade.
import numpy as np
from ar_given import Dims, load_nyse, nyse_variant_data, positive_int

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check, check_submission  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")
    check_submission = check

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
    data = Dims().array("data", data, "T p")
    T = data.shape[0]
    L = positive_int("L", L)
    if L >= T:
        raise ValueError(f"L is {L}; expected an integer in [1, T-1] = [1, {T - 1}] for data of shape {data.shape}")
    # Window j starts at row j; stacking the L shifted copies gives axis 1 = lag position.
    return np.stack([data[i:T - L + i] for i in range(L)], axis=1)

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
    Z = lag_tensor(data, L)
    n, L, p = Z.shape
    return np.hstack([np.ones((n, 1)), Z.reshape(n, L * p)])

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
    d = Dims()
    X = d.array("X", X, "N q")
    y = d.array("y", y, "N")
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    return beta

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
    d = Dims()
    y = d.array("y", y, "N")
    yhat = d.array("yhat", yhat, "N")
    tss = float(np.sum((y - y.mean()) ** 2))
    if tss == 0.0:
        raise ValueError(f"y has {y.size} values with zero variance; expected at least two different values")
    return 1.0 - float(np.sum((y - yhat) ** 2)) / tss

# %% tags=["skip-grading"]
check("r_squared")

# %% [markdown]
# ## 3. Your model on the NYSE data (2 points)
#
# The cells below load the data (from `nyse.csv` in this folder: ISLP's `NYSE` table, no package needed), build your
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
test_r2 = 0.362469

# %% tags=["skip-grading"]
check("nyse_r2")

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save the notebook, then run the cell below: it reads the saved file as the grader will (its name, that it
#    is yours, every graded function with its arguments, its graded cells run in a fresh process) and says
#    what to fix. From a shell: `python deepgrade_check.py --submit ar.ipynb`.
# 3. Submit the notebook file `ar.ipynb` (or `ar.py` if you worked in the
#    script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder (it has its own copy of the given
# helpers).

# %% tags=["skip-grading"]
check_submission()
