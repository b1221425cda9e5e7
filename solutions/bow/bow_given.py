"""Given code of deepgrade's `bow` assignment: helpers your notebook imports.

You may read it; do not edit it. The grader uses its own copy of this file, so a change here
changes nothing in your grade (only in your own self-check)."""

from __future__ import annotations

from collections import Counter
import numpy as np
import scipy.sparse as sp
import re
from dataclasses import dataclass


def _check_token_lists(token_lists):
    if isinstance(token_lists, str) or not hasattr(token_lists, "__iter__"):
        raise ValueError(f"token_lists is a {type(token_lists).__name__}; expected a list of lists of str")
    token_lists = list(token_lists)
    for i, doc in enumerate(token_lists):
        if isinstance(doc, str) or not isinstance(doc, (list, tuple)):
            raise ValueError(f"token_lists[{i}] is a {type(doc).__name__}; expected a list of str")
    return token_lists


def positive_int(name: str, value, minimum: int = 1) -> int:
    """Check an integer >= minimum (bools rejected)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} is {value!r}; expected an integer >= {minimum}")
    if value < minimum:
        raise ValueError(f"{name} is {value}; expected an integer >= {minimum}")
    return int(value)


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


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


def _l1_penalty():
    """The L1-penalty argument of LogisticRegression: ``l1_ratio=1`` from scikit-learn 1.8 on
    (where ``penalty`` is deprecated), ``penalty="l1"`` before."""
    import sklearn

    major, minor = (int(v) for v in re.findall(r"\d+", sklearn.__version__)[:2])
    return {"l1_ratio": 1.0} if (major, minor) >= (1, 8) else {"penalty": "l1"}


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


ADVERBS = ("really", "very", "quite", "so", "truly", "rather", "oddly")


CRITICISM = ("bad", "dull", "boring", "awful", "clumsy", "tedious", "weak", "bland")


NEGATORS = ("not", "never", "hardly")


NOUNS = ("movie", "film", "plot", "acting", "story", "cast", "script", "ending", "music", "scene",
         "director", "pace", "dialogue", "camera", "villain", "soundtrack", "sequel", "budget",
         "cameo", "costumes", "subtitles", "popcorn")


OPENERS = ("i thought", "honestly", "overall", "in the end", "to be fair", "my friends said")


PRAISE = ("good", "great", "fun", "moving", "clever", "funny", "charming", "superb")


def toy_reviews(n_docs=600, seed=0):
    """Synthetic labelled reviews: label 1 is positive, 0 negative (about half each).

    Inputs:
    - n_docs: number of reviews
    - seed: seed of the generator (same seed, same reviews)
    Returns:
    - texts: list of n_docs str
    - labels: (n_docs,) int array of 0/1
    """
    rng = np.random.default_rng(seed)
    noun_p = 1.0 / np.arange(1, len(NOUNS) + 1)  # a few nouns are common, most are rare
    noun_p /= noun_p.sum()
    texts, labels = [], rng.integers(0, 2, size=n_docs)
    for label in labels:
        sentences = []
        for _ in range(rng.integers(2, 5)):
            noun = NOUNS[rng.choice(len(NOUNS), p=noun_p)]
            agree = rng.random() < 0.9  # a sentence that agrees with the label
            positive = bool(label) == agree
            if rng.random() < 0.2:  # a negated adjective of the opposite sign
                adj = rng.choice(CRITICISM if positive else PRAISE)
                sentences.append(f"the {noun} was {rng.choice(NEGATORS)} {adj}")
            else:
                adj = rng.choice(PRAISE if positive else CRITICISM)
                sentences.append(f"{rng.choice(OPENERS)} the {noun} was {rng.choice(ADVERBS)} {adj}")
        texts.append(". ".join(sentences) + ".")
    return texts, labels
