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
# | learning rate $\rho$ | **0.026** |
# | minibatch size | **18** |
# | patience (early stopping) | **5** epochs |
# | the least-squares problem of the `sgd` check | $N = 160$ observations, $q = 5$ parameters |
#
# Your functions keep these as arguments; the checks and the demonstrations use your values.

# %% tags=["given"]
# Given code: imports and helpers from deepgrade's reference. Run this cell; do not change it.
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

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")

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
# 2. Save, and submit the notebook file `sgd.ipynb` (or `sgd.py` if you
#    worked in the script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder.
