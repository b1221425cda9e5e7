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
# # Long short-term memory, forward and backward
#
# *deepgrade · ISLP chapter 10 (deep learning) · assignment `lstm` · student `demo`*
#
# **Needs** Python 3.9 or later and numpy (`pip install numpy`); nothing else.
# Keep the files of this folder together: the notebook imports its helpers from them.
#
# A simple RNN multiplies its gradient by $U^\top$ and $g'$ at every step, so gradients from far back
# vanish. ISLP's IMDb recurrent network therefore uses *long short-term memory* (LSTM) units
# (section 10.5.1): besides the hidden state $h_t$ each unit keeps a *cell state* $c_t$ that is changed
# only by elementwise gates, so information (and gradient) can flow across many steps.
#
# One step computes four gate pre-activations from one affine map, split into blocks of $K$ columns in
# the order **input, forget, output, candidate** $(i, f, o, g)$:
#
# $$a = x_t W + h_{t-1} U + b, \qquad W: (p, 4K), \quad U: (K, 4K), \quad b: (4K,),$$
#
# $$i = \sigma(a_i), \quad f = \sigma(a_f), \quad o = \sigma(a_o), \quad g = \tanh(a_g),$$
#
# $$c_t = f \odot c_{t-1} + i \odot g, \qquad h_t = o \odot \tanh(c_t).$$
#
# The forget gate $f$ decides how much of the old cell state to keep; the input gate $i$ how much of the
# candidate $g$ to write; the output gate $o$ how much of the cell to show as $h_t$. When $f \approx 1$ the
# gradient on $c_{t-1}$ is about the gradient on $c_t$: no repeated shrinking.
#
# (PyTorch orders its gate blocks $i, f, g, o$; ours are $i, f, o, g$. The grader uses ours.)
#
# ## Points
#
# | question | what you write | points |
# |---|---|---|
# | One step of the LSTM | `lstm_step_forward`, `lstm_step_backward` | 5 |
# | The whole sequence | `lstm_forward`, `lstm_backward` | 4 |
# | **total** | | **9** |
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
# | sizes used in the checks | $N = 5$ sequences, length $L = 9$, $p = 3$ inputs, $K = 8$ hidden units, so $W: (3, 32)$ and $U: (8, 32)$ |
# | the long-sequence demonstration | length $L = 45$, forget-gate bias $\pm 2.75$ |

# %% tags=["given"]
# Given code: run this cell, do not change it.
# The helpers below live in lstm_given.py beside this notebook; read it if you are curious.
# The grader uses its own copy of lstm_given.py: editing yours changes nothing in your grade.
import numpy as np
from lstm_given import Dims, sigmoid

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check, check_submission  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")
    check_submission = check

# %% [markdown]
# ## 1. One step of the LSTM (5 points)
#
# Forward: compute $a$, slice it into the four blocks, apply the gates, return `h, c, cache`. The
# sigmoid $\sigma$ is given above as `sigmoid(x)` (numerically stable).
#
# Backward: the step receives `dh` and `dc` (the gradient reaching $c_t$ directly from the next step).
# The cell state also reaches the loss through $h_t = o \odot \tanh(c_t)$, so its total gradient is
# `dc + dh * o * (1 - tanh(c)**2)`. From there: $\partial c_t/\partial f = c_{t-1}$,
# $\partial c_t/\partial i = g$, $\partial c_t/\partial g = i$, $\partial h_t/\partial o = \tanh(c_t)$, and
# $\sigma'(a) = \sigma(a)(1 - \sigma(a))$, $\tanh'(a) = 1 - \tanh^2(a)$. Stack the four block gradients
# back in the order $i, f, o, g$ to get the gradient on $a$; then proceed as for any affine map.

# %%
def lstm_step_forward(x, h_prev, c_prev, W, U, b):
    """One LSTM step.

    Inputs:
    - x: (N, p) inputs at this step
    - h_prev: (N, K) previous hidden state
    - c_prev: (N, K) previous cell state
    - W: (p, 4K) input -> gates weights, blocks (i, f, o, g)
    - U: (K, 4K) hidden -> gates weights, blocks (i, f, o, g)
    - b: (4K,) gate biases
    Returns:
    - h: (N, K) new hidden state
    - c: (N, K) new cell state
    - cache: values needed by lstm_step_backward
    """
    d = Dims()
    W = d.array("W", W, "p 4K")
    U = d.array("U", U, "K 4K")
    b = d.array("b", b, "4K")
    x = d.array("x", x, "N p")
    h_prev = d.array("h_prev", h_prev, "N K")
    c_prev = d.array("c_prev", c_prev, "N K")
    K = h_prev.shape[1]
    a = x @ W + h_prev @ U + b
    gates = sigmoid(a[:, :3 * K])  # i, f, o in one call
    i, f, o = gates[:, :K], gates[:, K:2 * K], gates[:, 2 * K:]
    g = np.tanh(a[:, 3 * K:])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return h, c, (x, h_prev, c_prev, W, U, i, f, o, g, tanh_c)

# %% tags=["skip-grading"]
check("lstm_step_forward")

# %%
def lstm_step_backward(dh, dc, cache):
    """Backward of one LSTM step.

    c_t reaches the loss directly (upstream dc) and through h_t = o * tanh(c_t).

    Inputs:
    - dh: (N, K) upstream gradient on h
    - dc: (N, K) upstream gradient on c
    - cache: from lstm_step_forward
    Returns:
    - dx: (N, p)
    - dh_prev: (N, K)
    - dc_prev: (N, K)
    - dW: (p, 4K)
    - dU: (K, 4K)
    - db: (4K,)
    """
    x, h_prev, c_prev, W, U, i, f, o, g, tanh_c = cache
    d = Dims(N=h_prev.shape[0], K=h_prev.shape[1])
    dh = d.array("dh", dh, "N K")
    dc = d.array("dc", dc, "N K")
    dc = dc + dh * o * (1.0 - tanh_c**2)  # total gradient on c_t
    da = np.concatenate(
        [
            dc * g * i * (1.0 - i),  # input gate
            dc * c_prev * f * (1.0 - f),  # forget gate
            dh * tanh_c * o * (1.0 - o),  # output gate
            dc * i * (1.0 - g**2),  # candidate
        ],
        axis=1,
    )
    return da @ W.T, da @ U.T, dc * f, x.T @ da, h_prev.T @ da, da.sum(axis=0)

# %% tags=["skip-grading"]
check("lstm_step_backward")

# %% [markdown]
# ## 2. The whole sequence (4 points)
#
# `lstm_forward` starts from the given $h_0$ and $c_0 = 0$ and applies your step $L$ times, returning all
# hidden states $H: (N, L, K)$. `lstm_backward` walks back through the steps, carrying both `dh` (plus
# the upstream `dH[:, t]`) and `dc`; the weight gradients add up over the steps.

# %%
def lstm_forward(X, h0, W, U, b):
    """Run the LSTM over a whole sequence from c0 = 0, one lstm_step_forward per position.

    Inputs:
    - X: (N, L, p) input sequences
    - h0: (N, K) initial hidden state
    - W: (p, 4K), U: (K, 4K), b: (4K,) as in lstm_step_forward
    Returns:
    - H: (N, L, K) hidden states h_1, ..., h_L
    - cache: the list of step caches
    """
    d = Dims()
    W = d.array("W", W, "p 4K")
    U = d.array("U", U, "K 4K")
    b = d.array("b", b, "4K")
    X = d.array("X", X, "N L p")
    h = d.array("h0", h0, "N K")
    N, L, K = X.shape[0], X.shape[1], h.shape[1]
    if L == 0:
        raise ValueError(f"X has shape {X.shape}; expected (N, L, p) with L >= 1")
    c = np.zeros((N, K))
    H = np.empty((N, L, K))
    steps = []
    for t in range(L):
        h, c, step_cache = lstm_step_forward(X[:, t, :], h, c, W, U, b)
        H[:, t, :] = h
        steps.append(step_cache)
    return H, steps

# %% tags=["skip-grading"]
check("lstm_forward")

# %%
def lstm_backward(dH, cache):
    """Backpropagation through time for the LSTM.

    Inputs:
    - dH: (N, L, K) upstream gradient on every hidden state
    - cache: from lstm_forward
    Returns:
    - dX: (N, L, p)
    - dh0: (N, K)
    - dW: (p, 4K)
    - dU: (K, 4K)
    - db: (4K,)
    """
    steps = cache
    x, h_prev, _, W, U = steps[0][:5]
    N, p, K, L = x.shape[0], x.shape[1], h_prev.shape[1], len(steps)
    dH = Dims(N=N, L=L, K=K).array("dH", dH, "N L K")
    dX = np.empty((N, L, p))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros(4 * K)
    dh_next, dc_next = np.zeros((N, K)), np.zeros((N, K))
    for t in reversed(range(L)):
        dX[:, t, :], dh_next, dc_next, dW_t, dU_t, db_t = lstm_step_backward(
            dH[:, t, :] + dh_next, dc_next, steps[t]
        )
        dW += dW_t
        dU += dU_t
        db += db_t
    return dX, dh_next, dW, dU, db

# %% tags=["skip-grading"]
check("lstm_backward")

# %% [markdown]
# ## The gradient over long sequences
#
# Not graded. Backpropagate from the last hidden state of a sequence of length 45 and compare how
# much gradient reaches early positions when the forget gate is open (bias of $f$ set to $+2.75$,
# so $f \approx 0.94$) and when it is mostly closed (bias
# $-2.75$). With $f \approx 1$ the cell state carries the gradient far back.

# %% tags=["skip-grading"]
rng = np.random.default_rng(0)
N, L, p, K = 5, 45, 3, 8
X = rng.normal(size=(N, L, p))
W, U = rng.normal(0, 0.3, (p, 4 * K)), rng.normal(0, 0.3, (K, 4 * K))
for forget_bias in (2.75, -2.75):
    b = np.zeros(4 * K)
    b[K:2 * K] = forget_bias
    H, cache = lstm_forward(X, np.zeros((N, K)), W, U, b)
    dH = np.zeros_like(H)
    dH[:, -1, :] = 1.0
    dX, dh0, dW, dU, db = lstm_backward(dH, cache)
    positions = (L - 1, (3 * L) // 4 - 1, L // 2 - 1, 0)
    print(f"forget bias {forget_bias:+.2f}: |dX| at positions {', '.join(str(t + 1) for t in positions)}:",
          " ".join(f"{np.linalg.norm(dX[:, t, :]):.1e}" for t in positions))

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save the notebook, then run the cell below: it reads the saved file as the grader will (its name, that it
#    is yours, every graded function with its arguments, its graded cells run in a fresh process) and says
#    what to fix. From a shell: `python deepgrade_check.py --submit lstm.ipynb`.
# 3. Submit the notebook file `lstm.ipynb` (or `lstm.py` if you worked in the
#    script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder (it has its own copy of the given
# helpers).

# %% tags=["skip-grading"]
check_submission()
