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
# # Gradient descent, minibatches and early stopping
#
# *deepgrade · ISLP chapter 10 (deep learning) · assignment `sgd` · student `demo`*
#
# **Needs** Python 3.9 or later and numpy (`pip install numpy`); nothing else.
# Keep the files of this folder together: the notebook imports its helpers from them.
#
# Networks are fit by *gradient descent* (ISLP section 10.7): starting from some $\theta^{(0)}$, repeat
#
# $$\theta^{(m+1)} = \theta^{(m)} - \rho\, \nabla R(\theta^{(m)}),$$
#
# where $R$ is the training loss and $\rho$ the *learning rate*. When $R$ is a sum over $n$ observations,
# *stochastic* gradient descent (SGD) estimates $\nabla R$ on a small random *minibatch* at each step; one
# *epoch* is a pass over all $n$ observations, in minibatches cut from one random permutation. The noise of
# the minibatch gradient costs little and helps to get past flat regions and saddle points.
#
# Two kinds of regularization come with the fitting method itself:
#
# - **Early stopping** (section 10.7.2): watch the loss on a validation set and stop when it has not improved
#   for a while (the *patience*), keeping the best parameters seen.
# - **Implicit regularization** (section 10.8): on an underdetermined least-squares problem (more parameters
#   than observations) gradient descent started at $\theta = 0$ converges to the interpolating solution of
#   **minimum norm**, $X^{+} y$ (the pseudo-inverse), which is also the limit of ridge regression as
#   $\lambda \to 0$. This is part of the story of *double descent*.
#
# Here the model is linear, $\eta = X\theta$, with the squared loss
# $R(\theta) = \frac{1}{2n}\sum_i (y_i - x_i^\top \theta)^2$ (given below as `squared_loss` and its gradient
# `squared_loss_grad`) or the logistic loss.
#
# ## Points
#
# | question | what you write | points |
# |---|---|---|
# | One gradient step | `gd_step` | 1 |
# | Minibatch indices | `minibatch_indices` | 2 |
# | Stochastic gradient descent with early stopping | `sgd` | 4 |
# | **total** | | **7** |
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
# | learning rate $\rho$ | **0.026** |
# | minibatch size | **18** |
# | patience (early stopping) | **5** epochs |
# | the least-squares problem of the `sgd` check | $N = 160$ observations, $q = 5$ parameters |
#
# Your functions keep these as arguments; the checks and the demonstrations use your values.

# %% tags=["given"]
# Given code: run this cell, do not change it.
# The helpers below live in sgd_given.py beside this notebook; read it if you are curious.
# The grader uses its own copy of sgd_given.py: editing yours changes nothing in your grade.
import numpy as np
from sgd_given import (choice, Dims, LOSSES, positive_int, scalar, SGDResult, squared_loss,
    squared_loss_grad, _check_rng)

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check, check_submission  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")
    check_submission = check

# %% [markdown]
# ## 1. One gradient step (1 point)

# %%
def gd_step(theta, grad, rho):
    """One gradient-descent step theta - rho * grad.

    Inputs:
    - theta: (q,) current parameters; grad: (q,) gradient of R at theta
    - rho: learning rate > 0
    Returns:
    - theta_new: (q,)
    """
    d = Dims()
    theta = d.array("theta", theta, "q")
    grad = d.array("grad", grad, "q")
    rho = scalar("rho", rho, 0.0, None, low_open=True)
    return theta - rho * grad

# %% tags=["skip-grading"]
check("gd_step")

# %% [markdown]
# ## 2. Minibatch indices (2 points)
#
# One epoch's minibatches: shuffle the indices $0, \dots, n-1$ with **one** call `rng.permutation(n)`, then
# cut the permutation into consecutive pieces of `batch_size`; the last piece holds what is left. Use only
# the generator you are given, so the same seed gives the same epochs.

# %%
def minibatch_indices(n, batch_size, rng):
    """Minibatches for one epoch: one permutation of range(n) cut into consecutive pieces.

    Inputs:
    - n: number of observations
    - batch_size: observations per batch; the last batch holds the remaining n % batch_size
      when that is not 0
    - rng: np.random.Generator; exactly one call, rng.permutation(n)
    Returns:
    - batches: list of ceil(n / batch_size) integer arrays that partition range(n)
    """
    n = positive_int("n", n)
    batch_size = positive_int("batch_size", batch_size)
    _check_rng(rng)
    perm = rng.permutation(n)
    return [perm[i:i + batch_size] for i in range(0, n, batch_size)]

# %% tags=["skip-grading"]
check("minibatch_indices")

# %% [markdown]
# ## 3. SGD with early stopping (4 points)
#
# Each epoch: draw `minibatch_indices(N, batch_size, rng)` and take one `gd_step` per batch, with the
# gradient of the loss on that batch (`LOSSES[loss]` gives the loss and its gradient). After each epoch
# record the parameters and the training loss (and the validation loss, if there is a validation set). With
# `patience`, stop once the validation loss has not improved (strictly) for `patience` epochs in a row and
# return the parameters of the best epoch. Return an `SGDResult` (given above; its docstring lists the fields).

# %%
def sgd(X, y, *, loss="squared", rho, epochs, batch_size, rng, theta0=None, X_val=None, y_val=None,
        patience=None):
    """Minibatch SGD on a linear model, with optional early stopping.

    Each epoch draws ``minibatch_indices(N, batch_size, rng)`` and takes one ``gd_step`` per
    batch with the loss gradient averaged over that batch. With ``patience``, training stops
    once the validation loss has not improved (strictly) for ``patience`` consecutive epochs,
    and ``theta`` holds the best-validation parameters.

    Inputs:
    - X: (N, q); y: (N,) (labels in {0, 1} for the logistic loss)
    - loss: "squared" or "logistic"
    - rho: learning rate > 0; epochs: maximum number of epochs; batch_size: minibatch size
    - rng: np.random.Generator for the minibatch permutations
    - theta0: (q,) starting parameters (default zeros)
    - X_val: (N_val, q), y_val: (N_val,) optional validation set (required with patience)
    - patience: epochs without validation improvement before stopping, or None (never stop)
    Returns:
    - result: SGDResult
    """
    loss = choice("loss", loss, LOSSES)
    loss_fn, grad_fn = LOSSES[loss]
    d = Dims()
    X = d.array("X", X, "N q")
    y = d.array("y", y, "N")
    theta = np.zeros(d.sizes["q"]) if theta0 is None else d.array("theta0", theta0, "q").copy()
    rho = scalar("rho", rho, 0.0, None, low_open=True)
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    _check_rng(rng)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together; got only one of them")
    if X_val is not None:
        dv = Dims(q=d.sizes["q"])
        X_val = dv.array("X_val", X_val, "N_val q")
        y_val = dv.array("y_val", y_val, "N_val")
    if patience is not None:
        patience = positive_int("patience", patience)
        if X_val is None:
            raise ValueError(f"patience is {patience} but X_val is None; early stopping needs a validation set")
    loss_fn(theta, X, y)   # validates labels for the logistic loss before training

    history = [theta.copy()]
    train_loss = [loss_fn(theta, X, y)]
    val_loss = None if X_val is None else [loss_fn(theta, X_val, y_val)]
    best_epoch, best_theta = 0, theta.copy()
    stopped_early = False
    for epoch in range(1, epochs + 1):
        for idx in minibatch_indices(X.shape[0], batch_size, rng):
            theta = gd_step(theta, grad_fn(theta, X[idx], y[idx]), rho)
        history.append(theta.copy())
        train_loss.append(loss_fn(theta, X, y))
        if val_loss is not None:
            val_loss.append(loss_fn(theta, X_val, y_val))
            if val_loss[-1] < val_loss[best_epoch]:
                best_epoch, best_theta = epoch, theta.copy()
            if patience is not None and epoch - best_epoch >= patience:
                stopped_early = epoch < epochs
                break
    epochs_run = len(history) - 1
    if val_loss is None:
        best_epoch, best_theta = epochs_run, theta.copy()
    return SGDResult(
        theta=best_theta, theta_last=theta, history=np.array(history), train_loss=np.array(train_loss),
        val_loss=None if val_loss is None else np.array(val_loss), best_epoch=best_epoch,
        epochs_run=epochs_run, stopped_early=stopped_early,
    )

# %% tags=["skip-grading"]
check("sgd")

# %% [markdown]
# ## Gradient descent from zero finds the minimum-norm solution
#
# Not graded. Twenty observations, fifty parameters: infinitely many $\theta$ fit the data exactly.
# Full-batch gradient descent from $\theta = 0$ (with a learning rate small enough to converge) ends at the
# one of smallest norm, `np.linalg.pinv(X) @ y`. Started elsewhere, it interpolates too, but with a larger norm.

# %% tags=["skip-grading"]
rng = np.random.default_rng(0)
X = rng.normal(size=(20, 50))
y = rng.normal(size=20)
rho_safe = X.shape[0] / np.linalg.norm(X, 2) ** 2  # below 2 n / sigma_max^2: converges
for start in ("zero", "random"):
    theta = np.zeros(50) if start == "zero" else rng.normal(size=50)
    for _ in range(3000):
        theta = gd_step(theta, squared_loss_grad(theta, X, y), rho_safe)
    print(f"start {start:6s}: training loss {squared_loss(theta, X, y):.1e}, norm {np.linalg.norm(theta):.4f}, "
          f"distance to pinv(X) y {np.linalg.norm(theta - np.linalg.pinv(X) @ y):.1e}")

# %% [markdown]
# ## Early stopping with your variant
#
# Not graded. A noisy regression with few observations and many features, fit by your `sgd` with your
# $\rho = 0.026$, batch size 18 and patience 5.

# %% tags=["skip-grading"]
rng = np.random.default_rng(1)
X = rng.normal(size=(150, 30))
theta_true = np.r_[rng.normal(size=5), np.zeros(25)]
y = X @ theta_true + rng.normal(0, 2.0, size=150)
X_tr, y_tr, X_val, y_val = X[:100], y[:100], X[100:], y[100:]
res = sgd(X_tr, y_tr, rho=0.026, epochs=200, batch_size=18, rng=rng,
          X_val=X_val, y_val=y_val, patience=5)
print(f"ran {res.epochs_run} epochs (stopped early: {res.stopped_early}); best epoch {res.best_epoch}")
print(f"validation loss: start {res.val_loss[0]:.3f}, best {res.val_loss[res.best_epoch]:.3f}, "
      f"last {res.val_loss[-1]:.3f}")

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save the notebook, then run the cell below: it reads the saved file as the grader will (its name, that it
#    is yours, every graded function with its arguments, its graded cells run in a fresh process) and says
#    what to fix. From a shell: `python deepgrade_check.py --submit sgd.ipynb`.
# 3. Submit the notebook file `sgd.ipynb` (or `sgd.py` if you worked in the
#    script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder (it has its own copy of the given
# helpers).

# %% tags=["skip-grading"]
check_submission()
