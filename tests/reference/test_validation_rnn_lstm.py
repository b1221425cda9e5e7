"""Do the RNN and LSTM functions reject bad inputs with errors naming the argument and shape?"""

import re

import numpy as np
import pytest

from reference import lstm, rnn


def raises(message):
    return pytest.raises(ValueError, match=re.escape(message))


def rnn_args(N=3, p=2, K=4):
    z = np.zeros
    return dict(x=z((N, p)), h_prev=z((N, K)), W=z((p, K)), U=z((K, K)), b=z(K))


@pytest.mark.parametrize("name, shape, message", [
    ("h_prev", (3, 5), "h_prev has shape (3, 5); expected (N, K) = (3, 4)"),
    ("x", (3, 7), "x has shape (3, 7); expected (N, p) = (3, 2)"),
    ("U", (4, 5), "U has shape (4, 5); expected (K, K) = (4, 4)"),
    ("b", (5,), "b has shape (5,); expected (K) = (4)"),
    ("x", (3,), "x has shape (3,); expected (N, p), a 2-d array"),
])
def test_rnn_step_forward_names_bad_shapes(name, shape, message):
    args = rnn_args()
    args[name] = np.zeros(shape)
    with raises(message):
        rnn.rnn_step_forward(**args)


def test_rnn_rejects_unknown_activation_and_non_numeric_input():
    with raises("activation is 'sigmoid'; expected one of ['relu', 'tanh']"):
        rnn.rnn_step_forward(**rnn_args(), activation="sigmoid")
    with raises("x has dtype <U1; expected a numeric array"):
        rnn.rnn_step_forward(**{**rnn_args(N=1, p=1), "x": np.array([["a"]])})


def test_rnn_backward_passes_check_upstream_gradients():
    _, cache = rnn.rnn_step_forward(**rnn_args())
    with raises("dh has shape (3, 3); expected (N, K) = (3, 4)"):
        rnn.rnn_step_backward(np.zeros((3, 3)), cache)
    _, cache = rnn.rnn_forward(np.zeros((3, 5, 2)), np.zeros((3, 4)), np.zeros((2, 4)), np.zeros((4, 4)), np.zeros(4))
    with raises("dH has shape (3, 4, 4); expected (N, L, K) = (3, 5, 4)"):
        rnn.rnn_backward(np.zeros((3, 4, 4)), cache)


def test_rnn_forward_names_bad_shapes():
    W, U, b = np.zeros((2, 4)), np.zeros((4, 4)), np.zeros(4)
    with raises("X has shape (3, 2); expected (N, L, p), a 3-d array"):
        rnn.rnn_forward(np.zeros((3, 2)), np.zeros((3, 4)), W, U, b)
    with raises("h0 has shape (2, 4); expected (N, K) = (3, 4)"):
        rnn.rnn_forward(np.zeros((3, 5, 2)), np.zeros((2, 4)), W, U, b)
    with raises("X has shape (3, 0, 2); expected (N, L, p) with L >= 1"):
        rnn.rnn_forward(np.zeros((3, 0, 2)), np.zeros((3, 4)), W, U, b)


def test_embedding_checks_indices():
    E = np.zeros((7, 3))
    with raises("idx has dtype float64; expected an integer dtype"):
        rnn.embedding_forward(np.zeros((2, 4)), E)
    with raises("idx has values in [0, 7]; expected integers in [0, 7)"):
        rnn.embedding_forward(np.array([[0, 7]]), E)
    with raises("idx has values in [-1, 2]; expected integers in [0, 7)"):
        rnn.embedding_forward(np.array([[-1, 2]]), E)
    with raises("idx has shape (4,); expected (N, L), a 2-d array"):
        rnn.embedding_forward(np.arange(4), E)
    _, cache = rnn.embedding_forward(np.zeros((2, 4), dtype=np.int32), E)
    with raises("dX has shape (2, 3, 3); expected (N, L, m) = (2, 4, 3)"):
        rnn.embedding_backward(np.zeros((2, 3, 3)), cache)


def test_readout_checks_shapes_and_intercept():
    with raises("h has shape (5, 3); expected (N, K) = (5, 4)"):
        rnn.readout_forward(np.zeros((5, 3)), np.zeros(4), 0.0)
    with raises("beta0 is 'a'; expected a real number"):
        rnn.readout_forward(np.zeros((5, 4)), np.zeros(4), "a")
    _, cache = rnn.readout_forward(np.zeros((5, 4)), np.zeros(4), 0.0)
    with raises("do has shape (4,); expected (N) = (5)"):
        rnn.readout_backward(np.zeros(4), cache)


def lstm_args(N=2, p=3, K=5):
    z = np.zeros
    return dict(x=z((N, p)), h_prev=z((N, K)), c_prev=z((N, K)), W=z((p, 4 * K)), U=z((K, 4 * K)), b=z(4 * K))


@pytest.mark.parametrize("name, shape, message", [
    ("c_prev", (2, 3), "c_prev has shape (2, 3); expected (N, K) = (2, 5)"),
    ("h_prev", (1, 5), "h_prev has shape (1, 5); expected (N, K) = (2, 5)"),
    ("W", (3, 10), "W has shape (3, 10); expected (p, 4K) with dimension 4K a multiple of 4"),
    ("U", (5, 16), "U has shape (5, 16); expected (K, 4K) = (5, 20)"),
    ("b", (5,), "b has shape (5,); expected (4K) = (20)"),
])
def test_lstm_step_forward_names_bad_shapes(name, shape, message):
    args = lstm_args()
    args[name] = np.zeros(shape)
    with raises(message):
        lstm.lstm_step_forward(**args)


def test_lstm_backward_passes_check_upstream_gradients():
    *_, cache = lstm.lstm_step_forward(**lstm_args())
    with raises("dc has shape (2, 4); expected (N, K) = (2, 5)"):
        lstm.lstm_step_backward(np.zeros((2, 5)), np.zeros((2, 4)), cache)
    _, cache = lstm.lstm_forward(np.zeros((2, 6, 3)), np.zeros((2, 5)), np.zeros((3, 20)), np.zeros((5, 20)),
                                 np.zeros(20))
    with raises("dH has shape (2, 6, 4); expected (N, L, K) = (2, 6, 5)"):
        lstm.lstm_backward(np.zeros((2, 6, 4)), cache)
    with raises("h0 has shape (2, 4); expected (N, K) = (2, 5)"):
        lstm.lstm_forward(np.zeros((2, 6, 3)), np.zeros((2, 4)), np.zeros((3, 20)), np.zeros((5, 20)), np.zeros(20))


def test_torch_mappings_check_shapes():
    with raises("U has shape (3, 3); expected (K, K) = (4, 4)"):
        rnn.to_torch_rnn_state(np.zeros((2, 4)), np.zeros((3, 3)), np.zeros(4))
    with raises("a has shape (3, 8); expected axis -1 of length 4K = 12"):
        lstm.from_torch_lstm_order(np.zeros((3, 8)), 3)
