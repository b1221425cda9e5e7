"""The fast lasso path (reference.reproduce.lasso) against liblinear, and the portable IMDb file."""

import numpy as np
import pytest
import scipy.sparse as sp

from reference.bow import lambda_grid, lasso_logistic_path
from reference.reproduce.lasso import _loss, lasso_logistic_path_fast


def _synthetic(seed=0, n=600, V=60):
    rng = np.random.default_rng(seed)
    X = (rng.random((n, V)) < 0.15).astype(float)
    w = np.zeros(V)
    w[:6] = [2.0, -2.0, 1.5, -1.0, 1.0, -1.5]
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ w - 0.3)))).astype(float)
    return sp.csr_matrix(X), y


def _objective(X, y, lam, coef, b0):
    return _loss(y, X @ coef + b0) + lam * np.abs(coef).sum()


def test_fast_path_reaches_liblinears_objective_and_choice():
    """Is every fit as good as liblinear's (penalized objective within 1e-4 relative), and the chosen lambda the same?"""
    X, y = _synthetic()
    Xv, yv = _synthetic(seed=1)
    lams = lambda_grid(X, y, n=15, ratio=1e-3)
    ref = lasso_logistic_path(X, y, lams, Xv, yv, tol=1e-8, intercept_scaling=1e4)
    ours = lasso_logistic_path_fast(X, y, lams, Xv, yv, tol=1e-8, inner_tol=1e-6)
    for k, lam in enumerate(lams):
        a = _objective(X, y, lam, ref.coef[k], ref.intercept[k])
        b = _objective(X, y, lam, ours.coef[k], ours.intercept[k])
        assert b <= a * (1 + 1e-4), (k, a, b)
    assert ours.n_nonzero[0] == 0 and ours.n_nonzero[-1] > ours.n_nonzero[5] > 0
    assert abs(ours.best_index - ref.best_index) <= 1
    np.testing.assert_allclose(ours.val_accuracy, ref.val_accuracy, atol=0.01)


def test_patience_ends_the_path_after_stale_lambdas():
    """With patience, does the path stop `patience` lambdas past its best, keeping that best?"""
    X, y = _synthetic()
    Xv, yv = _synthetic(seed=1)
    lams = lambda_grid(X, y, n=30, ratio=1e-4)
    full = lasso_logistic_path_fast(X, y, lams, Xv, yv)
    short = lasso_logistic_path_fast(X, y, lams, Xv, yv, patience=3)
    m = short.lambdas.size
    assert m < 30 and m - 1 - short.best_index == 3
    np.testing.assert_array_equal(short.lambdas, lams[:m])
    np.testing.assert_allclose(short.coef, full.coef[:m])
    assert short.best_index == int(np.argmax(full.val_accuracy[:m]))


@pytest.mark.parametrize("kwargs, message", [
    ({"lambdas": [1.0, 2.0]}, "must decrease"),
    ({"lambdas": [-1.0]}, "lambdas has shape"),
    ({"patience": 2}, "patience is 2"),
    ({"tol": 0.0}, "tol is 0.0"),
])
def test_bad_arguments_name_the_problem(kwargs, message):
    """Are increasing lambdas, patience without a validation set and a zero tolerance refused, saying why?"""
    X, y = _synthetic(n=50, V=10)
    args = {"lambdas": [1.0], **kwargs}
    with pytest.raises(ValueError, match=message):
        lasso_logistic_path_fast(X, y, **{k: v for k, v in args.items()})


def test_portable_file_round_trips(tmp_path):
    """Does a portable file read back to the same arrays, and is a foreign .npz recognised as not one?"""
    from reference.data import ImdbData
    from reference.reproduce.portable import is_portable, load_portable, save_portable

    data = ImdbData(vocab=("good", "bad", "film"), ids={"train": np.array([1, 3, 2], np.int32),
                                                        "test": np.array([2], np.int32)},
                    offsets={"train": np.array([0, 2, 3]), "test": np.array([0, 1])},
                    y={"train": np.array([1, 0], np.int8), "test": np.array([0], np.int8)},
                    bow_parts={"train": (np.array([0, 2, 1], np.int32), np.array([0, 2, 3])),
                               "test": (np.array([1], np.int32), np.array([0, 1]))},
                    source="x", cache_file=None, from_cache=False)
    path = save_portable(data, tmp_path / "p.npz")
    back = load_portable(path)
    assert is_portable(path) and back.vocab == data.vocab
    np.testing.assert_array_equal(back.sequences("train", 3), data.sequences("train", 3))
    assert (back.bow("train") != data.bow("train")).nnz == 0
    np.savez(tmp_path / "other.npz", a=np.zeros(2))
    assert not is_portable(tmp_path / "other.npz")
    with pytest.raises(ValueError, match="not a portable"):
        load_portable(tmp_path / "other.npz")
