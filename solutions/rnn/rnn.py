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
# # A simple recurrent network, forward and backward
#
# *deepgrade · ISLP chapter 10 (deep learning) · assignment `rnn` · student `demo`*
#
# **Needs** Python 3.9 or later and numpy (`pip install numpy`); nothing else.
# Keep the files of this folder together: the notebook imports its helpers from them.
#
# A recurrent neural network (RNN, ISLP section 10.5) reads a sequence $X = \{X_1, X_2, \dots, X_L\}$
# one element at a time. It keeps a hidden state: a vector of $K$ activations that summarizes what it
# has read so far. ISLP writes the activations at step $\ell$ as
#
# $$A_{\ell k} = g\Big(w_{k0} + \sum_{j=1}^{p} w_{kj} X_{\ell j} + \sum_{s=1}^{K} u_{ks} A_{\ell-1, s}\Big),
# \qquad O_\ell = \beta_0 + \sum_{k=1}^{K} \beta_k A_{\ell k}.$$
#
# In code we work with a batch of $N$ sequences at once and write rows as vectors:
#
# $$h_t = g(x_t W + h_{t-1} U + b), \qquad W: (p, K), \quad U: (K, K), \quad b: (K,),$$
#
# with $h_t: (N, K)$. The same $W$, $U$ and $b$ are used at every step (*weight sharing*), which is
# why an RNN can read sequences of any length. For document classification (IMDb) or forecasting
# (NYSE) only the last output matters: the network is *many-to-one*, $o = \beta_0 + h_L \beta$.
#
# You will write each piece as a forward function that returns `(out, cache)` and a backward function
# that takes the upstream gradient and the cache and returns the gradients of the inputs
# (CS231n's convention). Training any network needs exactly these gradients.
#
# ## Points
#
# | question | what you write | points |
# |---|---|---|
# | One step of the RNN | `rnn_step_forward`, `rnn_step_backward` | 3 |
# | The whole sequence, and backpropagation through time | `rnn_forward`, `rnn_backward` | 4 |
# | The embedding layer | `embedding_forward`, `embedding_backward` | 2 |
# | The linear readout | `readout_forward`, `readout_backward` | 2 |
# | **total** | | **11** |
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
# | activation $g$ | **relu**: $g(z) = \mathrm{ReLU}(z)$ |
# | sizes used in the checks | $N = 7$ sequences, length $L = 7$, $p = 4$ inputs, $K = 8$ hidden units; the embedding check: $V = 7$ words, $m = 5$ dimensions |
#
# Your activation is fixed: `rnn_step_forward` and `rnn_forward` have **no** `activation` argument;
# they always use relu.

# %% tags=["given"]
# Given code: run this cell, do not change it.
# The helpers below live in rnn_given.py beside this notebook; read it if you are curious.
# The grader uses its own copy of rnn_given.py: editing yours changes nothing in your grade.
import numpy as np
from rnn_given import ACTIVATIONS, choice, Dims, RNN_ACTIVATIONS, scalar

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check, check_submission  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")
    check_submission = check

# %% [markdown]
# ## 1. One step of the RNN (3 points)
#
# Forward: $a = x W + h_{\text{prev}} U + b$ and $h = g(a)$, elementwise. Keep in the cache whatever the
# backward pass will need.
#
# Backward: given $\partial R / \partial h$ (`dh`, shape $(N, K)$), the chain rule first goes through $g$:
# $\partial R / \partial a = $ `dh` $\odot\, g'(a)$, where for your variant
# $g'(a) = 1$ where $a > 0$ and $0$ elsewhere: a unit with $a \le 0$ passes no gradient (a "dead" unit).
# Then $a$ is linear in each of $x$, $h_{\text{prev}}$, $W$, $U$, $b$. Check every gradient's shape: it is
# the shape of the thing it is the gradient of.

# %%
def rnn_step_forward(x, h_prev, W, U, b):
    """One step h = g(x W + h_prev U + b).

    Your variant fixes activation = "relu": it is not an argument.

    Inputs:
    - x: (N, p) inputs at this step
    - h_prev: (N, K) previous hidden state
    - W: (p, K) input -> hidden weights
    - U: (K, K) hidden -> hidden weights
    - b: (K,) bias
    Returns:
    - h: (N, K) new hidden state
    - cache: values needed by rnn_step_backward
    """
    activation = "relu"  # fixed by your variant
    choice("activation", activation, RNN_ACTIVATIONS)
    d = Dims()
    W = d.array("W", W, "p K")
    U = d.array("U", U, "K K")
    b = d.array("b", b, "K")
    x = d.array("x", x, "N p")
    h_prev = d.array("h_prev", h_prev, "N K")
    g_forward, _ = ACTIVATIONS[activation]
    h, g_cache = g_forward(x @ W + h_prev @ U + b)
    return h, (x, h_prev, W, U, activation, g_cache)

# %% tags=["skip-grading"]
check("rnn_step_forward")

# %%
def rnn_step_backward(dh, cache):
    """Backward of one RNN step.

    Inputs:
    - dh: (N, K) upstream gradient on h
    - cache: from rnn_step_forward
    Returns:
    - dx: (N, p)
    - dh_prev: (N, K)
    - dW: (p, K)
    - dU: (K, K)
    - db: (K,)
    """
    x, h_prev, W, U, activation, g_cache = cache
    dh = Dims(N=h_prev.shape[0], K=h_prev.shape[1]).array("dh", dh, "N K")
    _, g_backward = ACTIVATIONS[activation]
    da = g_backward(dh, g_cache)  # gradient on the pre-activation a = x W + h_prev U + b
    return da @ W.T, da @ U.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)

# %% tags=["skip-grading"]
check("rnn_step_backward")

# %% [markdown]
# ## 2. The whole sequence, and backpropagation through time (4 points)
#
# `rnn_forward` applies your step $L$ times: $h_1 = g(x_1 W + h_0 U + b)$, then $h_2$ from $h_1$, and so
# on, and returns all hidden states $H: (N, L, K)$.
#
# `rnn_backward` runs the steps in reverse (*backpropagation through time*). The state $h_t$ is used twice:
# by the loss (the upstream `dH[:, t]`) and by step $t+1$ (the `dh_prev` that step returns). Its total
# gradient is the sum of both. Because $W$, $U$, $b$ are shared, their gradients add up over the steps.

# %%
def rnn_forward(X, h0, W, U, b):
    """Run the RNN over a whole sequence, one rnn_step_forward per position.

    Your variant fixes activation = "relu": it is not an argument.

    Inputs:
    - X: (N, L, p) input sequences
    - h0: (N, K) initial hidden state
    - W: (p, K), U: (K, K), b: (K,) as in rnn_step_forward
    Returns:
    - H: (N, L, K) hidden states h_1, ..., h_L
    - cache: the list of step caches
    """
    activation = "relu"  # fixed by your variant
    choice("activation", activation, RNN_ACTIVATIONS)
    d = Dims()
    W = d.array("W", W, "p K")
    U = d.array("U", U, "K K")
    b = d.array("b", b, "K")
    X = d.array("X", X, "N L p")
    h = d.array("h0", h0, "N K")
    N, L, K = X.shape[0], X.shape[1], W.shape[1]
    if L == 0:
        raise ValueError(f"X has shape {X.shape}; expected (N, L, p) with L >= 1")
    H = np.empty((N, L, K))
    steps = []
    for t in range(L):
        h, step_cache = rnn_step_forward(X[:, t, :], h, W, U, b)
        H[:, t, :] = h
        steps.append(step_cache)
    return H, steps

# %% tags=["skip-grading"]
check("rnn_forward")

# %%
def rnn_backward(dH, cache):
    """Backpropagation through time.

    h_t feeds both the loss (upstream dH[:, t]) and the next step, so its total gradient
    is dH[:, t] plus the dh_prev returned by step t + 1.

    Inputs:
    - dH: (N, L, K) upstream gradient on every hidden state
    - cache: from rnn_forward
    Returns:
    - dX: (N, L, p)
    - dh0: (N, K)
    - dW: (p, K)
    - dU: (K, K)
    - db: (K,)
    """
    steps = cache
    x, h_prev, W, U = steps[0][:4]
    N, p, K = x.shape[0], x.shape[1], W.shape[1]
    dH = Dims(N=N, L=len(steps), K=K).array("dH", dH, "N L K")
    dX = np.empty((N, len(steps), p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(K)
    dh_next = np.zeros((N, K))
    for t in reversed(range(len(steps))):
        dX[:, t, :], dh_next, dW_t, dU_t, db_t = rnn_step_backward(dH[:, t, :] + dh_next, steps[t])
        dW += dW_t
        dU += dU_t
        db += db_t
    return dX, dh_next, dW, dU, db

# %% tags=["skip-grading"]
check("rnn_backward")

# %% [markdown]
# ## 3. The embedding layer (2 points)
#
# ISLP section 10.4 turns each word into a vector: a one-hot vector over a vocabulary of $V$ words times an
# embedding matrix $E: (V, m)$, which simply picks row `E[word]`. With word indices `idx: (N, L)` the layer
# returns $X: (N, L, m)$, the input sequences of the RNN. Its backward pass sends each `dX[n, t]` to the row
# of the word at that position; a word that occurs several times collects several gradients.

# %%
def embedding_forward(idx, E):
    """Look up word vectors: X[n, t] = E[idx[n, t]].

    Inputs:
    - idx: (N, L) integer word indices in [0, V)
    - E: (V, m) embedding matrix
    Returns:
    - X: (N, L, m)
    - cache: (idx, V)
    """
    d = Dims()
    E = d.array("E", E, "V m")
    idx = d.int_array("idx", idx, "N L", 0, E.shape[0])
    return E[idx], (idx, E.shape[0])

# %% tags=["skip-grading"]
check("embedding_forward")

# %%
def embedding_backward(dX, cache):
    """Backward of the embedding: each row of E collects the gradients of its uses.

    A word may occur several times, so the sum uses np.add.at (plain fancy-index
    assignment would keep only one of the repeated updates).

    Inputs:
    - dX: (N, L, m) upstream gradient
    - cache: from embedding_forward
    Returns:
    - dE: (V, m)
    """
    idx, V = cache
    dX = Dims(N=idx.shape[0], L=idx.shape[1]).array("dX", dX, "N L m")
    dE = np.zeros((V, dX.shape[2]))
    np.add.at(dE, idx, dX)
    return dE

# %% tags=["skip-grading"]
check("embedding_backward")

# %% [markdown]
# ## 4. The readout (2 points)
#
# The many-to-one output is a linear function of the last hidden state, $o = \beta_0 + h_L \beta$, one number
# per sequence (a logit for IMDb's sentiment, a forecast for NYSE).

# %%
def readout_forward(h, beta, beta0):
    """Linear readout of the last hidden state: o = beta0 + h beta.

    Inputs:
    - h: (N, K) hidden states
    - beta: (K,) readout weights
    - beta0: scalar intercept
    Returns:
    - o: (N,)
    - cache: (h, beta)
    """
    d = Dims()
    beta = d.array("beta", beta, "K")
    h = d.array("h", h, "N K")
    beta0 = scalar("beta0", beta0)
    return beta0 + h @ beta, (h, beta)

# %% tags=["skip-grading"]
check("readout_forward")

# %%
def readout_backward(do, cache):
    """Backward of the readout.

    Inputs:
    - do: (N,) upstream gradient on o
    - cache: from readout_forward
    Returns:
    - dh: (N, K)
    - dbeta: (K,)
    - dbeta0: float
    """
    h, beta = cache
    do = Dims(N=h.shape[0]).array("do", do, "N")
    return np.outer(do, beta), h.T @ do, float(do.sum())

# %% tags=["skip-grading"]
check("readout_backward")

# %% [markdown]
# ## Putting it together: why the simple RNN struggles with long reviews
#
# The cell below (not graded) runs embedding → RNN → readout on random word sequences of length 40 and
# backpropagates from the output only. Look at how the gradient reaching the word at position $t$ shrinks
# as $t$ moves away from the end: each step multiplies it by $U^\top$ and by $g'$. This *vanishing gradient*
# is why a simple RNN learns little from the beginning of a long review, and why ISLP's IMDb RNN uses
# LSTM units.

# %% tags=["skip-grading"]
rng = np.random.default_rng(0)
N, L, V, m, K = 7, 40, 50, 8, 8
idx = rng.integers(0, V, size=(N, L))
E = rng.normal(0, 1, (V, m))
W, U, b = rng.normal(0, 0.3, (m, K)), rng.normal(0, 0.3, (K, K)), np.zeros(K)
beta, beta0 = rng.normal(size=K), 0.0

X, c_emb = embedding_forward(idx, E)
H, c_rnn = rnn_forward(X, np.zeros((N, K)), W, U, b)
o, c_out = readout_forward(H[:, -1, :], beta, beta0)
print("outputs o:", np.round(o, 3))

dh_last, dbeta, dbeta0 = readout_backward(np.ones(N), c_out)
dH = np.zeros_like(H)
dH[:, -1, :] = dh_last
dX, dh0, dW, dU, db = rnn_backward(dH, c_rnn)
for t in (L - 1, L - 5, L - 10, L - 20, 0):
    print(f"position {t + 1:2d}: |dX| = {np.linalg.norm(dX[:, t, :]):.2e}")

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save the notebook, then run the cell below: it reads the saved file as the grader will (its name, that it
#    is yours, every graded function with its arguments, its graded cells run in a fresh process) and says
#    what to fix. From a shell: `python deepgrade_check.py --submit rnn.ipynb`.
# 3. Submit the notebook file `rnn.ipynb` (or `rnn.py` if you worked in the
#    script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder (it has its own copy of the given
# helpers).

# %% tags=["skip-grading"]
check_submission()
