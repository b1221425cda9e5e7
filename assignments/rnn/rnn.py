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
# | activation $g$ | **relu**: $g(z) = \mathrm{ReLU}(z)$ |
# | sizes used in the checks | $N = 7$ sequences, length $L = 7$, $p = 4$ inputs, $K = 8$ hidden units; the embedding check: $V = 7$ words, $m = 5$ dimensions |
#
# Your activation is fixed: `rnn_step_forward` and `rnn_forward` have **no** `activation` argument;
# they always use relu.

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


def _check_dout(dout, out_shape) -> np.ndarray:
    dout = np.asarray(dout)
    spec = " ".join(str(s) for s in out_shape)
    return Dims().array("dout", dout, spec)


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


def _as_array(name: str, x) -> np.ndarray:
    x = np.asarray(x)
    return Dims().array(name, x, " ".join(f"d{i}" for i in range(x.ndim)))


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


def sigmoid_backward(dout, cache):
    """Backward of the sigmoid: sigma'(z) = sigma(z) (1 - sigma(z)).

    Inputs:
    - dout: (same shape as x); cache: sigma(x)
    Returns:
    - dx: (same shape as x)
    """
    out = cache
    dout = _check_dout(dout, out.shape)
    return dout * out * (1.0 - out)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-x)) = (1 + tanh(x / 2)) / 2, any shape.

    The tanh form never overflows and is about ten times faster than masking by sign.
    """
    x = np.asarray(x, dtype=np.float64)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def sigmoid_forward(x):
    """Sigmoid activation sigma(z) = 1 / (1 + e^{-z}).

    Inputs:
    - x: (any shape)
    Returns:
    - out: (same shape), cache: out
    """
    x = _as_array("x", x)
    out = sigmoid(x)
    return out, out


def tanh_backward(dout, cache):
    """Backward of tanh: d tanh(z)/dz = 1 - tanh(z)^2.

    Inputs:
    - dout: (same shape as x); cache: tanh(x)
    Returns:
    - dx: (same shape as x)
    """
    out = cache
    dout = _check_dout(dout, out.shape)
    return dout * (1.0 - out**2)


def tanh_forward(x):
    """tanh activation.

    Inputs:
    - x: (any shape)
    Returns:
    - out: (same shape), cache: out
    """
    x = _as_array("x", x)
    out = np.tanh(x)
    return out, out


ACTIVATIONS = {
    "relu": (relu_forward, relu_backward),
    "tanh": (tanh_forward, tanh_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
}


RNN_ACTIVATIONS = ("tanh", "relu")


def choice(name: str, value, options) -> str:
    """Check that ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} is {value!r}; expected one of {sorted(options)}")
    return value


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

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
    # YOUR CODE HERE
    raise NotImplementedError()

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
# 2. Save, and submit the notebook file `rnn.ipynb` (or `rnn.py` if you
#    worked in the script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder.
