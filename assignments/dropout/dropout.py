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
# **Needs** Python 3.9 or later and numpy (`pip install numpy`); nothing else.
# Keep the files of this folder together: the notebook imports its helpers from them.
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
# | dropout probability $\phi$ | **0.34**: in training, about 34% of the units are dropped and the others scaled by $1/(1 - 0.34) \approx 1.5152$ |
# | sizes | the checks use an input $x: (180, 20)$; the demonstration 7 units |
#
# Your functions keep $\phi$ as an argument (`dropout_forward(x, phi, rng, train=True)`); the checks and
# the demonstration use your $\phi$.

# %% tags=["given"]
# Given code: run this cell, do not change it.
# The helpers below live in dropout_given.py beside this notebook; read it if you are curious.
# The grader uses its own copy of dropout_given.py: editing yours changes nothing in your grade.
import numpy as np
from dropout_given import Dims, scalar, _as_array, _check_dout

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check, check_submission  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")
    check_submission = check

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
# 2. Save the notebook, then run the cell below: it reads the saved file as the grader will (its name, that it
#    is yours, every graded function with its arguments, its graded cells run in a fresh process) and says
#    what to fix. From a shell: `python deepgrade_check.py --submit dropout.ipynb`.
# 3. Submit the notebook file `dropout.ipynb` (or `dropout.py` if you worked in the
#    script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder (it has its own copy of the given
# helpers).

# %% tags=["skip-grading"]
check_submission()
