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
# # Dropout and ReLU layers
#
# *deepgrade · ISLP chapter 10 (deep learning) · assignment `dropout` · student `demo`*
#
# Two layers that every network of ISLP chapter 10 uses.
#
# **ReLU** (section 10.1): $g(z) = (z)_+ = \max(0, z)$, the activation of most hidden layers. It is cheap, and
# its gradient is 1 wherever the unit is active, so it does not saturate like the sigmoid.
#
# **Dropout** (section 10.7.3) is a regularization method: during training each unit is removed, i.e.
# set to zero, with probability $\phi$, independently each time; the surviving units are scaled up by
# $1/(1-\phi)$ so that every unit keeps its expected value:
#
# $$\text{out}_j = \begin{cases} 0 & \text{with probability } \phi \\ x_j / (1 - \phi) & \text{with probability } 1 - \phi \end{cases}
# \qquad \mathbb{E}[\text{out}_j] = x_j.$$
#
# At test time nothing is dropped or scaled. ISLP compares dropout to ridge regularization: a unit
# cannot rely on any single other unit, so the weights spread out. Note that $\phi$ is the probability of
# **dropping** a unit (some libraries use the probability of keeping it).
#
# ## Points
#
# | question | what you write | points |
# |---|---|---|
# | Dropout, forward and backward | `dropout_forward`, `dropout_backward` | 4 |
# | ReLU, forward and backward | `relu_forward`, `relu_backward` | 2 |
# | **total** | | **6** |
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
# | dropout probability $\phi$ | **0.34**: in training, about 34% of the units are dropped and the others scaled by $1/(1 - 0.34) \approx 1.5152$ |
# | sizes | the checks use an input $x: (180, 20)$; the demonstration 7 units |
#
# Your functions keep $\phi$ as an argument (`dropout_forward(x, phi, rng, train=True)`); the checks and
# the demonstration use your $\phi$.

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


def _as_array(name: str, x) -> np.ndarray:
    x = np.asarray(x)
    return Dims().array(name, x, " ".join(f"d{i}" for i in range(x.ndim)))


def _check_dout(dout, out_shape) -> np.ndarray:
    dout = np.asarray(dout)
    spec = " ".join(str(s) for s in out_shape)
    return Dims().array("dout", dout, spec)

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")

# %% [markdown]
# ## 1. Dropout, forward and backward (4 points)
#
# Draw the random numbers from the generator you are given (`rng`), never from `np.random` directly: the
# same generator state must drop the same units. Keep a unit where `rng.random(x.shape) >= phi`. With
# `train=False` return `x` unchanged (and make the backward pass the identity).
#
# Backward: the layer is linear in `x` once the mask is fixed, so the gradient flows through the kept units,
# scaled by the same $1/(1-\phi)$, and is zero for dropped ones. Keep the mask in the cache.
#
# The check tests properties (each output is 0 or $x/(1-\phi)$, the fraction dropped is close to $\phi$,
# the backward matches your own mask, `train=False`), not one particular random draw.

# %%
def dropout_forward(x, phi, rng, train=True):
    """Inverted dropout with drop probability phi.

    Inputs:
    - x: (any shape) activations
    - phi: probability of dropping each unit, 0 <= phi < 1
    - rng: np.random.Generator (may be None when train=False)
    - train: if False, return x unchanged
    Returns:
    - out: (same shape as x); each entry is 0 or x / (1 - phi) in training, x at test time
    - cache: (mask, phi, train), mask: (same shape as x) bool, True where the unit is kept
    """
    x = np.asarray(x)
    x = Dims().array("x", x, " ".join(f"d{i}" for i in range(x.ndim)))
    phi = scalar("phi", phi, 0.0, 1.0, high_open=True)
    if not isinstance(train, (bool, np.bool_)):
        raise ValueError(f"train is {train!r}; expected True or False")
    if not train:
        return x.copy(), (None, phi, False)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng is a {type(rng).__name__}; expected a np.random.Generator in training")
    mask = rng.random(x.shape) >= phi
    out = np.where(mask, x / (1.0 - phi), 0.0)
    return out, (mask, phi, True)

# %% tags=["skip-grading"]
check("dropout_forward")

# %%
def dropout_backward(dout, cache):
    """Backward of dropout: gradient flows only through kept units, scaled by 1/(1 - phi).

    Inputs:
    - dout: (same shape as x) upstream gradient
    - cache: (mask, phi, train) from dropout_forward
    Returns:
    - dx: (same shape as x)
    """
    mask, phi, train = cache
    dout = np.asarray(dout)
    if not train:
        return Dims().array("dout", dout, " ".join(f"d{i}" for i in range(dout.ndim))).copy()
    dout = Dims().array("dout", dout, " ".join(str(s) for s in mask.shape))
    return np.where(mask, dout / (1.0 - phi), 0.0)

# %% tags=["skip-grading"]
check("dropout_backward")

# %% [markdown]
# ## 2. ReLU, forward and backward (2 points)
#
# $\text{out} = \max(0, x)$ elementwise; its derivative is 1 where $x > 0$ and 0 where $x \le 0$ (we take 0
# at the kink). A unit whose input is $\le 0$ for every example passes no gradient at all: a "dead" ReLU.

# %%
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

# %% tags=["skip-grading"]
check("relu_forward")

# %%
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

# %% tags=["skip-grading"]
check("relu_backward")

# %% [markdown]
# ## Dropout keeps the expected value
#
# Not graded. Average many dropout draws of the same input: the mean approaches the input, and the
# fraction of zeros approaches $\phi = 0.34$.

# %% tags=["skip-grading"]
rng = np.random.default_rng(0)
x = np.linspace(0.5, 2.5, 7)
draws = np.stack([dropout_forward(x, 0.34, rng)[0] for _ in range(20000)])
print("x              :", x)
print("mean of outputs:", np.round(draws.mean(axis=0), 3))
print("fraction zero  :", round(float((draws == 0).mean()), 3))
h, _ = relu_forward(dropout_forward(x, 0.34, rng, train=False)[0])
print("relu at test time:", h)

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save, and submit the notebook file `dropout.ipynb` (or `dropout.py` if you
#    worked in the script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder.
