"""Tests for reference.bow: tokenizer, vocabulary, sparse encoding and the lasso path."""

import numpy as np
import pytest
import scipy.sparse as sp

from reference.bow import (
    bow_encode,
    build_vocabulary,
    lambda_grid,
    lambda_max,
    lasso_logistic_path,
    tokenize,
)


def test_tokenizer_lowercases_and_removes_br_tags():
    """Are <br /> tags and punctuation split away and apostrophes kept inside words?"""
    text = "Great movie!<br /><br />I DIDN'T like the 2nd half...<br>'Really' bad.<BR/>Café"
    assert tokenize(text) == ["great", "movie", "i", "didn't", "like", "the", "nd", "half",
                              "really", "bad", "café"]
    assert tokenize("") == [] and tokenize("123 -- '' !") == []


def test_vocabulary_orders_by_count_then_alphabetically():
    """Are words ranked by total count with ties broken alphabetically, and truncated?"""
    docs = [["b", "a", "c", "c"], ["a", "d", "b"], ["e", "c"]]
    # counts: c 3, a 2, b 2, d 1, e 1
    assert build_vocabulary(docs, 10) == {"c": 0, "a": 1, "b": 2, "d": 3, "e": 4}
    assert build_vocabulary(docs, 4) == {"c": 0, "a": 1, "b": 2, "d": 3}
    assert build_vocabulary([[]], 3) == {}


def test_bow_encode_matches_a_hand_example():
    """Does the CSR matrix hold 0/1 indicators (or counts) and ignore unknown words?"""
    vocab = {"good": 0, "bad": 1, "movie": 2}
    docs = [["good", "good", "movie"], ["bad", "plot"], []]
    X = bow_encode(docs, vocab)
    assert sp.isspmatrix_csr(X) and X.dtype == np.float64 and X.shape == (3, 3)
    np.testing.assert_array_equal(X.toarray(), [[1, 0, 1], [0, 1, 0], [0, 0, 0]])
    C = bow_encode(docs, vocab, binary=False)
    np.testing.assert_array_equal(C.toarray(), [[2, 0, 1], [0, 1, 0], [0, 0, 0]])


def test_word_order_is_lost():
    """Do 'not good' and 'good not' get the same bag-of-words row?"""
    docs = [tokenize("not good"), tokenize("good not")]
    X = bow_encode(docs, build_vocabulary(docs, 10))
    np.testing.assert_array_equal(X[0].toarray(), X[1].toarray())


def _synthetic(seed=0, n=200, V=20):
    rng = np.random.default_rng(seed)
    X = (rng.random((n, V)) < 0.3).astype(float)
    w = np.zeros(V)
    w[:4] = [2.0, -2.0, 1.5, -1.0]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w - 0.8)))).astype(float)
    return sp.csr_matrix(X), y


def test_lambda_grid_is_geometric_from_lambda_max():
    """Does the grid run geometrically from max|X^T(y - ybar)| down by the given ratio?"""
    X, y = _synthetic()
    lams = lambda_grid(X, y, n=50, ratio=1e-4)
    lmax = np.max(np.abs(X.toarray().T @ (y - y.mean())))
    assert lams.shape == (50,)
    assert lams[0] == pytest.approx(lmax) and lams[-1] == pytest.approx(lmax * 1e-4)
    np.testing.assert_allclose(lams[1:] / lams[:-1], 1e-4 ** (1 / 49))


def test_lasso_path_gets_denser_as_lambda_decreases():
    """Is lambda_max the edge of the all-zero solution, and do nonzeros grow down the path?"""
    X, y = _synthetic()
    Xv, yv = _synthetic(seed=1)
    lmax = lambda_max(X, y)
    lams = np.r_[lmax * 1.01, lambda_grid(X, y, n=12, ratio=1e-3)]
    path = lasso_logistic_path(X, y, lams, Xv, yv, tol=1e-8, intercept_scaling=1e3)
    assert path.coef.shape == (13, 20) and path.intercept.shape == (13,)
    assert path.n_nonzero[0] == 0                          # just above lambda_max: all zero
    assert np.abs(path.coef[1]).max() < 1e-2               # at lambda_max: zero up to tolerance
    assert path.n_nonzero[-1] > path.n_nonzero[4] > path.n_nonzero[0]
    assert np.all(np.diff(path.n_nonzero[1:]) >= -1)       # (lasso paths are nearly monotone)
    # With all-zero coefficients the intercept is the log-odds of the training labels.
    assert path.intercept[0] == pytest.approx(np.log(y.mean() / (1 - y.mean())), abs=1e-3)
    assert path.best_lambda == lams[path.best_index]
    assert path.val_accuracy[path.best_index] == path.val_accuracy.max() > 0.7
    assert set(np.flatnonzero(path.coef[2])) <= set(range(4))   # true signals enter first


def test_lasso_path_uses_c_equal_one_over_lambda():
    """Does one path entry equal sklearn's fit at C = 1/lambda?"""
    from sklearn.linear_model import LogisticRegression

    from reference.bow import _l1_penalty

    X, y = _synthetic()
    lam = lambda_max(X, y) / 20
    path = lasso_logistic_path(X, y, [lam])
    ref = LogisticRegression(**_l1_penalty(), solver="liblinear", C=1 / lam, intercept_scaling=100.0,
                             random_state=0).fit(X, y)
    np.testing.assert_allclose(path.coef[0], ref.coef_[0])
    assert path.val_accuracy is None and path.best_lambda is None


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: tokenize(["a"]), "text is a list"),
        (lambda: build_vocabulary("abc", 3), "token_lists is a str"),
        (lambda: build_vocabulary([["a"], "b"], 3), r"token_lists\[1\] is a str"),
        (lambda: build_vocabulary([["a"]], 0), "max_words is 0"),
        (lambda: bow_encode([["a"]], {"a": 1}), "indices are not exactly 0..0"),
        (lambda: lambda_grid(np.eye(3), [0, 1, 2]), "y has values"),
        (lambda: lambda_grid(np.eye(3), [0, 1]), r"y has shape \(2,\)"),
        (lambda: lambda_grid(np.eye(3), [0, 1, 1], ratio=2), "ratio is 2.0"),
        (lambda: lasso_logistic_path(np.eye(3), [0, 1, 1], [-1.0]), "lambdas has shape"),
        (lambda: lasso_logistic_path(np.eye(3), [0, 1, 1], [1.0], X_val=np.eye(3)), "X_val and y_val"),
        (lambda: lasso_logistic_path(np.eye(3), [0, 1, 1], [1.0], np.eye(2), [0, 1]), r"X_val has shape \(2, 2\)"),
    ],
)
def test_bad_inputs_raise_named_value_errors(call, message):
    """Does each bad input raise a ValueError naming the argument?"""
    with pytest.raises(ValueError, match=message):
        call()
