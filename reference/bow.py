"""Bag-of-words document classification with the lasso (ISLP section 10.9.5, IMDb reviews).

A review becomes a row of a sparse document-term matrix X: (n_docs, V), one column per word
of a vocabulary of the V most frequent words; entry (i, j) is 1 if word j occurs in review i
(``binary=True``) or its count. Word order is lost: "not good" and "good not" get the same row.

Pipeline::

    tokens = [tokenize(t) for t in texts]                 # list of lists of words
    vocab = build_vocabulary(tokens, max_words=10_000)     # word -> column, most frequent first
    X = bow_encode(tokens, vocab)                          # scipy.sparse CSR (n_docs, V) float64
    lambdas = lambda_grid(X, y, n=50, ratio=1e-4)          # (50,) from lambda_max down
    path = lasso_logistic_path(X, y, lambdas, X_val, y_val)
    path.best_lambda, path.val_accuracy, path.coef         # see LassoPath

The lasso-penalized logistic regression at each lambda minimizes

    sum_i  loss(y_i, b0 + x_i . beta)  +  lambda * ||beta||_1

with the log-loss SUMMED (not averaged) over the n training documents. scikit-learn's
``LogisticRegression(l1_ratio=1, solver="liblinear", C=C)`` minimizes ``||beta||_1 + C * sum_i loss``,
which is the same problem divided by lambda, so ``C = 1 / lambda``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .validate import positive_int, scalar

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A token is a run of letters and apostrophes ([^\W\d_] is "a word character that is not a
# digit or underscore", i.e. a letter, including accented ones).
_TOKEN = re.compile(r"(?:[^\W\d_]|')+")


def tokenize(text):
    """Split a review into lowercase words.

    Steps: lowercase; replace IMDb's line-break tags ``<br />`` (also ``<br>``, ``<br/>``) by
    spaces; keep runs of letters and apostrophes ("don't" stays one word), splitting on
    everything else (spaces, digits, punctuation); strip apostrophes from the ends of a word
    ("'quoted'" -> "quoted") and drop what becomes empty.

    Inputs:
    - text: str
    Returns:
    - tokens: list of str, in reading order
    """
    if not isinstance(text, str):
        raise ValueError(f"text is a {type(text).__name__}; expected a str")
    text = _BR.sub(" ", text.lower())
    words = (w.strip("'") for w in _TOKEN.findall(text))
    return [w for w in words if w]


def _check_token_lists(token_lists):
    if isinstance(token_lists, str) or not hasattr(token_lists, "__iter__"):
        raise ValueError(f"token_lists is a {type(token_lists).__name__}; expected a list of lists of str")
    token_lists = list(token_lists)
    for i, doc in enumerate(token_lists):
        if isinstance(doc, str) or not isinstance(doc, (list, tuple)):
            raise ValueError(f"token_lists[{i}] is a {type(doc).__name__}; expected a list of str")
    return token_lists


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
    token_lists = _check_token_lists(token_lists)
    max_words = positive_int("max_words", max_words)
    counts = Counter()
    for doc in token_lists:
        counts.update(doc)
    ranked = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:max_words]
    return {w: j for j, (w, _) in enumerate(ranked)}


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
    token_lists = _check_token_lists(token_lists)
    if not isinstance(vocab, dict):
        raise ValueError(f"vocab is a {type(vocab).__name__}; expected a dict str -> int")
    V = len(vocab)
    if sorted(vocab.values()) != list(range(V)):
        raise ValueError(f"vocab has {V} words but its indices are not exactly 0..{V - 1}")
    indices, indptr = [], [0]
    for doc in token_lists:
        indices.extend(vocab[w] for w in doc if w in vocab)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    X = sp.csr_matrix((data, np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
                      shape=(len(token_lists), V))
    X.sum_duplicates()   # repeated words -> counts
    if binary:
        X.data[:] = 1.0
    return X


def _check_xy(X, y, xname, yname):
    if not (sp.issparse(X) or isinstance(X, np.ndarray)) or X.ndim != 2:
        shape = getattr(X, "shape", None)
        raise ValueError(f"{xname} has shape {shape}; expected a 2-d (n, V) array or sparse matrix")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"{yname} has shape {y.shape}; expected (n,) = ({X.shape[0]},) to match {xname}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"{yname} has values {np.unique(y)[:5].tolist()}; expected labels in {{0, 1}}")
    return sp.csr_matrix(X, dtype=np.float64), y.astype(np.float64)


def lambda_max(X, y):
    """Smallest lambda at which every lasso coefficient is zero (intercept unpenalized).

    With beta = 0 the best intercept gives p_i = mean(y) for every document, and the
    gradient of the summed log-loss in beta is X^T (mean(y) - y). The subgradient condition of
    the L1 penalty keeps beta = 0 exactly while |X_j^T (y - mean(y))| <= lambda for all j, so

        lambda_max = max_j |X_j^T (y - mean(y))|     (as in ISLP's lab).

    Inputs:
    - X: (n, V) array or sparse matrix
    - y: (n,) labels in {0, 1}
    Returns:
    - lambda_max: float
    """
    X, y = _check_xy(X, y, "X", "y")
    return float(np.max(np.abs(X.T @ (y - y.mean()))))


def lambda_grid(X, y, n=50, ratio=1e-4):
    """n lambdas from lambda_max(X, y) down to lambda_max * ratio, evenly spaced on a log scale.

    Inputs:
    - X: (n_docs, V); y: (n_docs,) labels in {0, 1}
    - n: number of lambdas (>= 2)
    - ratio: smallest / largest lambda, in (0, 1)
    Returns:
    - lambdas: (n,) decreasing, lambdas[0] = lambda_max, lambdas[-1] = lambda_max * ratio
    """
    n = positive_int("n", n, minimum=2)
    ratio = scalar("ratio", ratio, 0.0, 1.0, low_open=True, high_open=True)
    lmax = lambda_max(X, y)
    if lmax == 0.0:
        raise ValueError("y is uncorrelated with every column of X (lambda_max = 0); expected signal to fit")
    return lmax * ratio ** (np.arange(n) / (n - 1))


def _l1_penalty():
    """The L1-penalty argument of LogisticRegression: ``l1_ratio=1`` from scikit-learn 1.8 on
    (where ``penalty`` is deprecated), ``penalty="l1"`` before."""
    import sklearn

    major, minor = (int(v) for v in re.findall(r"\d+", sklearn.__version__)[:2])
    return {"l1_ratio": 1.0} if (major, minor) >= (1, 8) else {"penalty": "l1"}


@dataclass(frozen=True)
class LassoPath:
    """Fits of lasso logistic regression along a grid of lambdas (n_lambda of them).

    - lambdas: (n_lambda,) as given
    - coef: (n_lambda, V) beta at each lambda
    - intercept: (n_lambda,) b0 at each lambda
    - n_nonzero: (n_lambda,) number of nonzero coefficients
    - train_accuracy: (n_lambda,)
    - val_accuracy: (n_lambda,) or None without a validation set
    - best_index, best_lambda: the lambda with the highest validation accuracy (the largest
      such lambda on ties, i.e. the sparsest model); None without a validation set
    """

    lambdas: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    n_nonzero: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray | None
    best_index: int | None
    best_lambda: float | None


def lasso_logistic_path(X_train, y_train, lambdas, X_val=None, y_val=None, tol=1e-4, intercept_scaling=100.0):
    """Fit L1-penalized logistic regression at each lambda (scikit-learn, liblinear, C = 1/lambda).

    liblinear penalizes the intercept too, as the weight of an extra constant feature equal to
    ``intercept_scaling``; its effective penalty is lambda / intercept_scaling * |b0|. The
    default 100 makes it small, so the fits approximate the unpenalized-intercept problem that
    ``lambda_max`` assumes (sklearn's default 1 pins b0 near 0 at large lambda; larger values
    are closer still but slow liblinear down). On IMDb (20,000 x 10,000) the default takes
    about a second per lambda on one core. liblinear visits coordinates in a random order; it
    is seeded with 0 so the path is reproducible.

    Inputs:
    - X_train: (n, V) array or sparse matrix; y_train: (n,) labels in {0, 1}
    - lambdas: (n_lambda,) positive penalties, e.g. from ``lambda_grid``
    - X_val: (n_val, V) and y_val: (n_val,), optional validation set
    - tol: liblinear's stopping tolerance
    - intercept_scaling: value of liblinear's constant feature
    Returns:
    - path: LassoPath
    """
    from sklearn.linear_model import LogisticRegression

    X_train, y_train = _check_xy(X_train, y_train, "X_train", "y_train")
    lambdas = np.asarray(lambdas, dtype=np.float64)
    if lambdas.ndim != 1 or lambdas.size == 0 or not np.all(np.isfinite(lambdas) & (lambdas > 0)):
        raise ValueError(f"lambdas has shape {lambdas.shape}; expected a non-empty 1-d array of positive numbers")
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together; got only one of them")
    if X_val is not None:
        X_val, y_val = _check_xy(X_val, y_val, "X_val", "y_val")
        if X_val.shape[1] != X_train.shape[1]:
            raise ValueError(f"X_val has shape {X_val.shape}; expected (n_val, V) with V = {X_train.shape[1]}")
    tol = scalar("tol", tol, 0.0, None, low_open=True)
    intercept_scaling = scalar("intercept_scaling", intercept_scaling, 0.0, None, low_open=True)

    V = X_train.shape[1]
    coef = np.zeros((lambdas.size, V))
    intercept = np.zeros(lambdas.size)
    train_acc = np.zeros(lambdas.size)
    val_acc = None if X_val is None else np.zeros(lambdas.size)
    for k, lam in enumerate(lambdas):
        model = LogisticRegression(**_l1_penalty(), solver="liblinear", C=1.0 / lam, tol=tol,
                                   intercept_scaling=intercept_scaling, max_iter=1000, random_state=0)
        model.fit(X_train, y_train)
        coef[k] = model.coef_[0]
        intercept[k] = model.intercept_[0]
        train_acc[k] = np.mean(model.predict(X_train) == y_train)
        if val_acc is not None:
            val_acc[k] = np.mean(model.predict(X_val) == y_val)

    best_index = best_lambda = None
    if val_acc is not None:
        best = np.flatnonzero(val_acc == val_acc.max())
        best_index = int(best[np.argmax(lambdas[best])])
        best_lambda = float(lambdas[best_index])
    return LassoPath(lambdas=lambdas, coef=coef, intercept=intercept, n_nonzero=np.count_nonzero(coef, axis=1),
                     train_accuracy=train_acc, val_accuracy=val_acc, best_index=best_index,
                     best_lambda=best_lambda)
