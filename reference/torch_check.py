"""The reference's backward passes checked against torch autograd (float64).

Torch is the trusted answer: each ``torch_errors_*`` function draws random inputs, runs our
forward and backward passes and the matching torch computation (torch.nn.RNNCell, RNN,
LSTMCell, LSTM, F.embedding, ...) with weights mapped, and returns the relative error of
every output and gradient. ``run_report`` collects the worst error of each.
"""

from __future__ import annotations

import numpy as np
import torch

from reference import activations, lstm, rnn
from reference.gradcheck import rel_error


def _t(a: np.ndarray, grad: bool = True) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def _errors(ours: dict, theirs: dict) -> dict[str, float]:
    """Relative error per name; torch tensors are read as numpy arrays."""
    def as_numpy(v):
        return v.detach().numpy() if isinstance(v, torch.Tensor) else v

    return {k: rel_error(ours[k], as_numpy(theirs[k])) for k in ours}


def _load(module: torch.nn.Module, state: dict) -> torch.nn.Module:
    """Load our mapped numpy weights into a float64 module; cells name them without "_l0"."""
    module = module.double()
    if "weight_ih" in module.state_dict():
        state = {k.removesuffix("_l0"): v for k, v in state.items()}
    module.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    return module


def _weights(rng: np.random.Generator, p: int, K: int, gates: int = 1):
    W = rng.normal(size=(p, gates * K)) / np.sqrt(p)
    U = rng.normal(size=(K, gates * K)) / np.sqrt(K)
    b = rng.normal(size=gates * K) * 0.5
    return W, U, b


def torch_errors_activation(rng: np.random.Generator, name: str, shape=(3, 4)) -> dict[str, float]:
    """Errors of activations.<name>_forward/_backward against torch."""
    forward, backward = activations.ACTIVATIONS[name]
    x, dout = rng.normal(size=shape), rng.normal(size=shape)
    out, cache = forward(x)
    dx = backward(dout, cache)
    xt = _t(x)
    out_t = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid}[name](xt)
    out_t.backward(_t(dout, False))
    return _errors({"out": out, "dx": dx}, {"out": out_t, "dx": xt.grad})


def torch_errors_rnn_step(rng, N: int, p: int, K: int, activation: str = "tanh") -> dict[str, float]:
    """Errors of rnn_step_forward/backward against torch.nn.RNNCell."""
    W, U, b = _weights(rng, p, K)
    x, h_prev, dh = rng.normal(size=(N, p)), rng.normal(size=(N, K)), rng.normal(size=(N, K))
    h, cache = rnn.rnn_step_forward(x, h_prev, W, U, b, activation)
    dx, dh_prev, dW, dU, db = rnn.rnn_step_backward(dh, cache)

    cell = _load(torch.nn.RNNCell(p, K, nonlinearity=activation), rnn.to_torch_rnn_state(W, U, b))
    xt, ht = _t(x), _t(h_prev)
    h_t = cell(xt, ht)
    h_t.backward(_t(dh, False))
    ours = {"h": h, "dx": dx, "dh_prev": dh_prev, "dW": dW, "dU": dU, "db": db}
    theirs = {"h": h_t, "dx": xt.grad, "dh_prev": ht.grad, "dW": cell.weight_ih.grad.T,
              "dU": cell.weight_hh.grad.T, "db": cell.bias_ih.grad}
    return _errors(ours, theirs)


def torch_errors_rnn(rng, N: int, L: int, p: int, K: int, activation: str = "tanh") -> dict[str, float]:
    """Errors of rnn_forward/backward against torch.nn.RNN (batch_first)."""
    W, U, b = _weights(rng, p, K)
    X, h0, dH = rng.normal(size=(N, L, p)), rng.normal(size=(N, K)), rng.normal(size=(N, L, K))
    H, cache = rnn.rnn_forward(X, h0, W, U, b, activation)
    dX, dh0, dW, dU, db = rnn.rnn_backward(dH, cache)

    net = torch.nn.RNN(p, K, nonlinearity=activation, batch_first=True)
    net = _load(net, rnn.to_torch_rnn_state(W, U, b))
    Xt, h0t = _t(X), _t(h0)
    H_t, _ = net(Xt, h0t[None])
    H_t.backward(_t(dH, False))
    ours = {"H": H, "dX": dX, "dh0": dh0, "dW": dW, "dU": dU, "db": db}
    theirs = {"H": H_t, "dX": Xt.grad, "dh0": h0t.grad, "dW": net.weight_ih_l0.grad.T,
              "dU": net.weight_hh_l0.grad.T, "db": net.bias_ih_l0.grad}
    return _errors(ours, theirs)


def torch_errors_embedding(rng, N: int, L: int, V: int, m: int) -> dict[str, float]:
    """Errors of embedding_forward/backward against torch.nn.functional.embedding."""
    E, idx, dX = rng.normal(size=(V, m)), rng.integers(0, V, size=(N, L)), rng.normal(size=(N, L, m))
    X, cache = rnn.embedding_forward(idx, E)
    dE = rnn.embedding_backward(dX, cache)
    Et = _t(E)
    X_t = torch.nn.functional.embedding(torch.from_numpy(idx), Et)
    X_t.backward(_t(dX, False))
    return _errors({"X": X, "dE": dE}, {"X": X_t, "dE": Et.grad})


def torch_errors_readout(rng, N: int, K: int) -> dict[str, float]:
    """Errors of readout_forward/backward against torch."""
    h, beta, beta0, do = rng.normal(size=(N, K)), rng.normal(size=K), float(rng.normal()), rng.normal(size=N)
    o, cache = rnn.readout_forward(h, beta, beta0)
    dh, dbeta, dbeta0 = rnn.readout_backward(do, cache)
    ht, bt, b0t = _t(h), _t(beta), _t(np.array(beta0))
    o_t = b0t + ht @ bt
    o_t.backward(_t(do, False))
    ours = {"o": o, "dh": dh, "dbeta": dbeta, "dbeta0": dbeta0}
    return _errors(ours, {"o": o_t, "dh": ht.grad, "dbeta": bt.grad, "dbeta0": b0t.grad})


def torch_errors_lstm_step(rng, N: int, p: int, K: int) -> dict[str, float]:
    """Errors of lstm_step_forward/backward against torch.nn.LSTMCell."""
    W, U, b = _weights(rng, p, K, gates=4)
    x, h_prev, c_prev = rng.normal(size=(N, p)), rng.normal(size=(N, K)), rng.normal(size=(N, K))
    dh, dc = rng.normal(size=(N, K)), rng.normal(size=(N, K))
    h, c, cache = lstm.lstm_step_forward(x, h_prev, c_prev, W, U, b)
    dx, dh_prev, dc_prev, dW, dU, db = lstm.lstm_step_backward(dh, dc, cache)

    cell = _load(torch.nn.LSTMCell(p, K), lstm.to_torch_lstm_state(W, U, b))
    xt, ht, ct = _t(x), _t(h_prev), _t(c_prev)
    h_t, c_t = cell(xt, (ht, ct))
    torch.autograd.backward([h_t, c_t], [_t(dh, False), _t(dc, False)])
    ours = {"h": h, "c": c, "dx": dx, "dh_prev": dh_prev, "dc_prev": dc_prev, "dW": dW, "dU": dU, "db": db}
    theirs = {"h": h_t, "c": c_t, "dx": xt.grad, "dh_prev": ht.grad, "dc_prev": ct.grad,
              "dW": _ours(cell.weight_ih.grad, K).T, "dU": _ours(cell.weight_hh.grad, K).T,
              "db": _ours(cell.bias_ih.grad, K)}
    return _errors(ours, theirs)


def torch_errors_lstm(rng, N: int, L: int, p: int, K: int) -> dict[str, float]:
    """Errors of lstm_forward/backward against torch.nn.LSTM (batch_first, c0 = 0)."""
    W, U, b = _weights(rng, p, K, gates=4)
    X, h0, dH = rng.normal(size=(N, L, p)), rng.normal(size=(N, K)), rng.normal(size=(N, L, K))
    H, cache = lstm.lstm_forward(X, h0, W, U, b)
    dX, dh0, dW, dU, db = lstm.lstm_backward(dH, cache)

    net = _load(torch.nn.LSTM(p, K, batch_first=True), lstm.to_torch_lstm_state(W, U, b))
    Xt, h0t = _t(X), _t(h0)
    H_t, _ = net(Xt, (h0t[None], torch.zeros(1, N, K, dtype=torch.float64)))
    H_t.backward(_t(dH, False))
    ours = {"H": H, "dX": dX, "dh0": dh0, "dW": dW, "dU": dU, "db": db}
    theirs = {"H": H_t, "dX": Xt.grad, "dh0": h0t.grad, "dW": _ours(net.weight_ih_l0.grad, K).T,
              "dU": _ours(net.weight_hh_l0.grad, K).T, "db": _ours(net.bias_ih_l0.grad, K)}
    return _errors(ours, theirs)


def _ours(grad: torch.Tensor, K: int) -> np.ndarray:
    """A torch gate-blocked gradient (blocks on axis 0) in our block order."""
    return lstm.from_torch_lstm_order(grad.numpy(), K, axis=0)


def run_report(seed: int) -> list[tuple[str, str, float]]:
    """(function, shape description, max relative error vs torch) for every backward pass."""
    rng = np.random.default_rng(seed)
    checks = [
        *((f"{g}_backward", "x: (3, 4)", lambda g=g: torch_errors_activation(rng, g, (3, 4)))
          for g in activations.ACTIVATIONS),
        ("rnn_step_backward (tanh)", "N=3 p=4 K=5", lambda: torch_errors_rnn_step(rng, 3, 4, 5, "tanh")),
        ("rnn_step_backward (relu)", "N=3 p=4 K=5", lambda: torch_errors_rnn_step(rng, 3, 4, 5, "relu")),
        ("rnn_backward (tanh)", "N=2 L=6 p=3 K=4", lambda: torch_errors_rnn(rng, 2, 6, 3, 4, "tanh")),
        ("rnn_backward (relu)", "N=2 L=6 p=3 K=4", lambda: torch_errors_rnn(rng, 2, 6, 3, 4, "relu")),
        ("embedding_backward", "N=3 L=5 V=7 m=4", lambda: torch_errors_embedding(rng, 3, 5, 7, 4)),
        ("readout_backward", "N=5 K=4", lambda: torch_errors_readout(rng, 5, 4)),
        ("lstm_step_backward", "N=3 p=4 K=5", lambda: torch_errors_lstm_step(rng, 3, 4, 5)),
        ("lstm_backward", "N=2 L=6 p=3 K=4", lambda: torch_errors_lstm(rng, 2, 6, 3, 4)),
    ]
    return [(name, shape, max(check().values())) for name, shape, check in checks]
