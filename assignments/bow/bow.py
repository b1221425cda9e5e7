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
# # Bag-of-words features and the lasso path for sentiment
#
# *deepgrade · ISLP chapter 10 (deep learning) · assignment `bow` · student `demo`*
#
# **Needs** Python 3.9 or later and numpy and scipy (`pip install numpy scipy`): `bow_encode` returns a `scipy.sparse` matrix,
# the point of question 2; scikit-learn only for the optional, ungraded lasso-path demonstration; nothing else.
# Keep the files of this folder together: the notebook imports its helpers from them.
#
# ISLP section 10.4 classifies IMDb movie reviews as positive or negative. A review is a sequence of words of
# any length; the simplest way to turn it into a fixed-length feature vector is the *bag of words*: fix a
# vocabulary of the $V$ most frequent words, and score each review by which of them it contains,
#
# $$X_{ij} = \begin{cases} 1 & \text{if word } j \text{ occurs in review } i, \\ 0 & \text{otherwise,} \end{cases}$$
#
# a sparse $n \times V$ matrix (ISLP uses $V = 10{,}000$). A lasso-penalized logistic regression on $X$
# minimizes $-\log\text{likelihood} + \lambda \sum_j |\beta_j|$; as $\lambda$ decreases along a path, more words
# enter the model. ISLP finds that this simple model is hard to beat (about 88% test accuracy).
#
# To run offline in seconds this notebook uses a small synthetic corpus of 600 short reviews
# (`toy_reviews()`, given below) instead of the 50,000 IMDb reviews; the functions you write work for both.
#
# ## Points
#
# | question | what you write | points |
# |---|---|---|
# | Build the vocabulary | `build_vocabulary` | 3 |
# | Encode documents as bag-of-words vectors | `bow_encode` | 3 |
# | Which probe sentences does bag-of-words confuse? | `probes_same_as_a` | 2 |
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
# | vocabulary size $V$ (`max_words`) | **23** |
# | `max_words` of the check on 9 short documents | **3** |
# | probe sentence A | "hardly moving" |
# | probe sentence B | "moving hardly" |
# | probe sentence C | "hardly moving moving" |
# | probe sentence D | "hardly moving script" |

# %% tags=["given"]
# Given code: run this cell, do not change it.
# The helpers below live in bow_given.py beside this notebook; read it if you are curious.
# The grader uses its own copy of bow_given.py: editing yours changes nothing in your grade.
from collections import Counter
import numpy as np
import scipy.sparse as sp
from bow_given import (lambda_grid, lasso_logistic_path, positive_int, tokenize, toy_reviews,
    _check_token_lists)

# %% tags=["skip-grading"]
try:
    from deepgrade_check import check, check_submission  # the self-check of this folder
except ImportError:
    def check(name=None):
        print("self-check unavailable: keep deepgrade_check.py, deepgrade_gradcheck.py and the "
              "*_public.json file beside this notebook, and run it from that folder")
    check_submission = check

# %% [markdown]
# ## 1. The vocabulary (3 points)
#
# Count every word over all documents (a `collections.Counter` helps), rank the words by count, most frequent
# first, breaking ties alphabetically, and keep the first `max_words`. The vocabulary maps each kept word to
# its rank, $0, 1, \dots, V-1$: that is its column in $X$. The given `tokenize(text)` splits a review into
# lowercase words.

# %%
def build_vocabulary(token_lists, max_words):
    """The max_words most frequent words, mapped to column indices 0..V-1.

    Words are ranked by their total count over all documents, most frequent first; ties are
    broken alphabetically. If the corpus has fewer distinct words, V is that number.

    Inputs:
    - token_lists: list of n_docs lists of str (from ``tokenize``)
    - max_words: int >= 1
    Returns:
    - vocab: dict str -> int, with V = min(max_words, #distinct words) entries; vocab[w] is
      w's rank (0 = most frequent)
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("build_vocabulary")

# %% [markdown]
# ## 2. Bag-of-words encoding (3 points)
#
# Row $i$ of $X$ has a 1 in column `vocab[w]` for every vocabulary word `w` of document $i$ (with
# `binary=False`: the number of times it occurs); words outside the vocabulary are ignored. Return a
# `scipy.sparse.csr_matrix` of floats: most entries are zero, and IMDb's $25{,}000 \times 10{,}000$ matrix
# would not fit in memory dense.

# %%
def bow_encode(token_lists, vocab, binary=True):
    """Document-term matrix of the documents over a vocabulary.

    Words not in ``vocab`` are ignored.

    Inputs:
    - token_lists: list of n_docs lists of str
    - vocab: dict str -> int, indices exactly 0..V-1
    - binary: if True, X[i, j] = 1 when word j occurs in document i; else its count
    Returns:
    - X: scipy.sparse.csr_matrix (n_docs, V), float64
    """
    # YOUR CODE HERE
    raise NotImplementedError()

# %% tags=["skip-grading"]
check("bow_encode")

# %% [markdown]
# ## The lasso path on the toy corpus
#
# Not graded. Your vocabulary ($V = 23$) and encoding feed the given `lasso_logistic_path`
# (scikit-learn's liblinear solver with $C = 1/\lambda$) over a grid of $\lambda$ values, from the largest
# (every $\beta_j = 0$) down. Watch the number of words in the model and the validation accuracy.

# %% tags=["skip-grading"]
texts, labels = toy_reviews()
try:
    import sklearn  # only this demonstration needs scikit-learn
except ImportError:
    print("the lasso-path demonstration needs scikit-learn (pip install scikit-learn); it is not graded")
else:
    tokens = [tokenize(t) for t in texts]
    vocab = build_vocabulary(tokens[:400], 23)
    X_train, X_val = bow_encode(tokens[:400], vocab), bow_encode(tokens[400:], vocab)
    y_train, y_val = labels[:400], labels[400:]
    lambdas = lambda_grid(X_train, y_train, n=12, ratio=1e-3)
    path = lasso_logistic_path(X_train, y_train, lambdas, X_val, y_val)
    for lam, k, acc in zip(path.lambdas, path.n_nonzero, path.val_accuracy):
        print(f"lambda {lam:9.4f}: {k:3d} words, validation accuracy {acc:.3f}")
    words = sorted(vocab, key=vocab.get)
    best = path.coef[path.best_index]
    order = np.argsort(best)
    print("most negative:", [words[j] for j in order[:5]])
    print("most positive:", [words[j] for j in order[::-1][:5]])

# %% [markdown]
# ## 3. What bag-of-words cannot see (2 points)
#
# Encode your four probe sentences with **your** vocabulary of the toy corpus ($V = 23$, built from
# all 600 reviews) and `binary=True`:
#
# - A: "hardly moving"
# - B: "moving hardly"
# - C: "hardly moving moving"
# - D: "hardly moving script"
#
# Which of B, C and D get exactly the same row as A? Answer with a list of letters, e.g. `["B"]`, or `[]` if
# none. Then think about why: what does the representation keep, and what does it lose?

# %% tags=["skip-grading"]
vocab_all = build_vocabulary([tokenize(t) for t in texts], 23)
probes = {'A': 'hardly moving', 'B': 'moving hardly', 'C': 'hardly moving moving', 'D': 'hardly moving script'}
rows = bow_encode([tokenize(s) for s in probes.values()], vocab_all).toarray()
for (k, s), row in zip(probes.items(), rows):
    print(k, f"{s!r:32}", "words in the vocabulary:", [w for w in sorted(vocab_all, key=vocab_all.get) if row[vocab_all[w]]])

# %%
# Replace each None by your answer (a value, not a formula of other cells' variables), then delete the raise line.
probes_same_as_a = None  # a list of letters, e.g. ["B"] (or [] for none)
# YOUR CODE HERE
raise NotImplementedError()

# %% tags=["skip-grading"]
check("word_order")

# %% [markdown]
# ## With the real IMDb data
#
# Optional, not graded. Download `aclImdb_v1.tar.gz` (84 MB) from
# <https://ai.stanford.edu/~amaas/data/sentiment/> and extract it. Then, in a new cell:
#
# ```python
# from pathlib import Path
# root = Path("aclImdb/train")
# texts = [p.read_text(encoding="utf-8") for lab in ("neg", "pos") for p in sorted((root / lab).glob("*.txt"))]
# labels = np.repeat([0, 1], 12_500)
# tokens = [tokenize(t) for t in texts]          # handles the <br /> tags of the reviews
# vocab = build_vocabulary(tokens, 10_000)
# X = bow_encode(tokens, vocab)                  # 25,000 x 10,000, about 1% nonzero
# ```
#
# and fit `lasso_logistic_path` on a random subset (say 5,000 reviews) with a few $\lambda$ values: each fit
# takes seconds to a minute.

# %% [markdown]
# ## Submit
#
# 1. *Kernel → Restart & Run All*: every cell runs without an error and every `check(...)` passes.
# 2. Save the notebook, then run the cell below: it reads the saved file as the grader will (its name, that it
#    is yours, every graded function with its arguments, its graded cells run in a fresh process) and says
#    what to fix. From a shell: `python deepgrade_check.py --submit bow.ipynb`.
# 3. Submit the notebook file `bow.ipynb` (or `bow.py` if you worked in the
#    script) the way your course asks. Do not rename it; it belongs to student `demo`.
#
# The grader reads your file; it never needs the other files of this folder (it has its own copy of the given
# helpers).

# %% tags=["skip-grading"]
check_submission()
