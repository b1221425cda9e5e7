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
# # Minimum norm, ridge and double descent
#
# *deepgrade · ISLP chapter 10 (deep learning) · assignment `minnorm` · student `demo`*
#
# **Needs** Python 3.9 or later and numpy (`pip install numpy`); nothing else.
# Keep the files of this folder together: the notebook imports its helpers from them.
#
# The last part of ISLP chapter 10 (section 10.8, *interpolation and double descent*) asks why networks with
# more parameters than observations can still predict well. You will see it on the simplest model that shows
# it: least squares on $p$ random features of $n$ observations.
#
# - With $p \ge n$ least squares has **many** solutions that interpolate the training data ($X\beta = y$). The
#   one of smallest Euclidean norm is $\hat\beta = X^{+} y$, with $X^{+}$ the **pseudo-inverse**.
# - **Gradient descent started at zero** finds exactly that one, without being told to: every step
#   $\theta \leftarrow \theta + \rho X^\top (y - X\theta)/n$ adds a combination of the rows of $X$, so
#   $\theta$ never leaves their span, and the only interpolating solution in it is $X^{+}y$
#   (*implicit regularization*).
# - **Ridge regression** $\min_\beta \|y - X\beta\|^2 + \lambda\|\beta\|^2$ tends to the same solution as
#   $\lambda \to 0$.
# - Fitting $\hat\beta = X^{+}y$ on more and more random features, the test error falls, **peaks at the
#   interpolation threshold** $p = n$, and falls again beyond it: **double descent**.
#
# ## Points
#
# | question | what you write | points |
# |---|---|---|
# | The minimum-norm least-squares solution | `min_norm_solution` | 2 |
# | Gradient descent from zero | `gd_least_squares` | 2 |
# | Ridge regression | `ridge_solution` | 2 |
# | The test error curve over random-feature counts | `double_descent_curve` | 3 |
# | Where your curve peaks | `peak_p` | 1 |
# | **total** | | **10** |
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
# | your double-descent problem | $n = 41$ training points in $d = 5$ dimensions, noise sd 0.25, seed 47 |
# | random features | $\phi(XW)/\sqrt{p}$ with $\phi$ = **relu** |
# | ridge penalty of the demonstration | $\lambda = 0.1$ |
#
# `double_descent_curve` uses your feature map (relu) without an argument for it; the other
# functions take their numbers as arguments.

# %% tags=["given"]
# Given code: run this cell, do not change it.
# The helpers below live in minnorm_given.py beside this notebook; read it if you are curious.
# The grader uses its own copy of minnorm_given.py: editing yours changes nothing in your grade.
import numpy as np
from minnorm_given import (Dims, double_descent_problem, feature_counts, positive_int,
    random_features, scalar, squared_loss_grad)

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check, check_submission  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")
    check_submission = check

# %% [markdown]
# ## 1. The minimum-norm least-squares solution (2 points)
#
# Return the least-squares solution of smallest norm, for **every** shape of $X$: tall ($p < n$, one
# solution), square, wide ($p > n$, many) and with dependent columns. `np.linalg.pinv` or
# `np.linalg.lstsq(X, y, rcond=None)` give it; the normal equations $(X^\top X)\beta = X^\top y$ do not when
# $X^\top X$ is singular.

# %%
def min_norm_solution(X, y):
    """The least-squares solution of smallest Euclidean norm, pinv(X) @ y.

    For N < q with full row rank it interpolates (X theta = y) and equals
    lim_{lambda -> 0} (X^T X + lambda I)^{-1} X^T y, the ridge limit.

    Inputs:
    - X: (N, q); y: (N,)
    Returns:
    - theta: (q,)
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("min_norm_solution")

# %% [markdown]
# ## 2. Gradient descent from zero (2 points)
#
# Full-batch gradient descent on $R(\theta) = \frac{1}{2n}\|y - X\theta\|^2$: start from `theta0` (zeros when
# it is `None`) and take `steps` steps $\theta \leftarrow \theta - \rho\,\nabla R(\theta)$. The gradient is
# given as `squared_loss_grad(theta, X, y)`.

# %%
def gd_least_squares(X, y, rho, steps, theta0=None):
    """Full-batch gradient descent on the squared loss 1/(2n) ||y - X theta||^2.

    Converges when rho < 2 n / sigma_max(X)^2. From theta0 = 0 on an underdetermined problem
    (N < q) the limit is ``min_norm_solution(X, y)``.

    Inputs:
    - X: (N, q); y: (N,)
    - rho: learning rate > 0; steps: number of steps
    - theta0: (q,) start (default zeros)
    Returns:
    - theta: (q,) after ``steps`` steps
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("gd_least_squares")

# %% [markdown]
# Not graded: on a wide problem ($p > n$), gradient descent from zero approaches the minimum-norm solution.

# %% tags=["skip-grading"]
rng = np.random.default_rng(47)
X_wide, y_wide = rng.normal(size=(41, 82)), rng.normal(size=41)
rho = X_wide.shape[0] / np.linalg.norm(X_wide, 2) ** 2
for steps in (10, 100, 1000, 5000):
    gap = np.linalg.norm(gd_least_squares(X_wide, y_wide, rho, steps) - min_norm_solution(X_wide, y_wide))
    print(f"{steps:5d} steps: distance to pinv(X) y = {gap:.2e}")

# %% [markdown]
# ## 3. Ridge regression (2 points)
#
# Return $\hat\beta_\lambda = (X^\top X + \lambda I)^{-1} X^\top y$, the minimizer of
# $\|y - X\beta\|^2 + \lambda\|\beta\|^2$ (no intercept, no $1/n$). Use `np.linalg.solve` rather than an
# explicit inverse.

# %%
def ridge_solution(X, y, lam):
    """The ridge regression coefficients: the minimizer of ||y - X beta||^2 + lam ||beta||^2.

    Inputs:
    - X: (n, p) design matrix (no intercept column); y: (n,) responses
    - lam: penalty lambda > 0
    Returns:
    - beta: (p,) = (X^T X + lam I)^{-1} X^T y
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("ridge_solution")

# %% [markdown]
# Not graded: as $\lambda \to 0$ the ridge solution of the wide problem tends to the minimum-norm one.

# %% tags=["skip-grading"]
for lam in (0.1, 1e-2, 1e-4, 1e-6):
    gap = np.linalg.norm(ridge_solution(X_wide, y_wide, lam) - min_norm_solution(X_wide, y_wide))
    print(f"lambda = {lam:g}: distance to pinv(X) y = {gap:.2e}")

# %% [markdown]
# ## 4. The test error curve (3 points)
#
# For each $p$ in `ps`: the features $F = \phi(X W_{:, :p}) / \sqrt{p}$ of the training inputs and $F_{test}$ of
# the test inputs (the given `random_features(X, W[:, :p], "relu")`), the minimum-norm fit
# $\hat\beta = F^{+} y$ (your `min_norm_solution`), and the test mean squared error
# $\frac{1}{m}\sum_i (y_{test,i} - (F_{test}\hat\beta)_i)^2$. Return the errors as an array, one per $p$.

# %%
def double_descent_curve(X, y, X_test, y_test, W, ps):
    """Test error of min-norm least squares on the first p random features, for each p in ps.

    Your variant fixes feature_map = "relu": it is not an argument.

    For each p: the random features of the first p columns of W (``random_features``), the minimum-norm
    least-squares fit to them (``min_norm_solution``) and its mean squared error on the test set.

    Inputs:
    - X: (n, d), y: (n,) training data; X_test: (m, d), y_test: (m,) test data
    - W: (d, P) random weights, P >= max(ps); ps: (k,) numbers of features
    Returns:
    - errors: (k,) test mean squared errors
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("double_descent_curve")

# %% [markdown]
# ## 5. Where does your curve peak? (1 point)
#
# The cell below builds your problem (`double_descent_problem(41, 5, 0.25, 47)`),
# computes your curve over `feature_counts(41)` and prints it. Theory puts the peak at the interpolation
# threshold $p = n = 41$; on one draw of data and features it can sit on a neighbour. Answer what
# **your** curve shows: the $p$ with the largest test error, as the integer `peak_p`.

# %% tags=["skip-grading"]
X, y, X_test, y_test, W = double_descent_problem(41, 5, 0.25, 47)
ps = feature_counts(41)
errors = double_descent_curve(X, y, X_test, y_test, W, ps)
for p, e in zip(ps, errors):
    print(f"p = {p:4d}  test MSE = {e:12.4f}  " + "#" * int(min(60, 8 * np.log10(1 + e / errors.min()))))
print("largest test error at p =", ps[np.argmax(errors)])

# %%
# Replace each None by your answer (a value, not a formula of other cells' variables), then delete the raise line.
peak_p = None  # a number, to at least 4 decimals
# YOUR CODE HERE
raise NotImplementedError()

# %% tags=["skip-grading"]
check("peak")

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save the notebook, then run the cell below: it reads the saved file as the grader will (its name, that it
#    is yours, every graded function with its arguments, its graded cells run in a fresh process) and says
#    what to fix. From a shell: `python deepgrade_check.py --submit minnorm.ipynb`.
# 3. Submit the notebook file `minnorm.ipynb` (or `minnorm.py` if you worked in the
#    script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder (it has its own copy of the given
# helpers).

# %% tags=["skip-grading"]
check_submission()
