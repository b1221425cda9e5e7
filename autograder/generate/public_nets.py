"""Public checks of the network layers: rnn, lstm, dropout (and relu)."""

from __future__ import annotations

import numpy as np

from autograder.generate.public import call, enc, grad_check, out, rng_for, value_check

STEP_GRADS = ("dx", "dh_prev", "dW", "dU", "db")
SEQ_GRADS = ("dX", "dh0", "dW", "dU", "db")


def _grads(names) -> list[tuple[int, str, int]]:
    return [(i, n, i) for i, n in enumerate(names)]


def _pair(fn_fwd: str, fn_bwd: str, args: dict, outs: list[str], n_out: int, douts: list, ref_fwd, ref_bwd,
          grads: list[str], ref_kwargs: dict, hints: tuple[str, str], sizes: str) -> dict:
    """Value checks of a forward/backward pair, and a gradient check of the backward."""
    names, values = list(args), list(args.values())
    ref_out = ref_fwd(*values, **ref_kwargs)
    ref_grads = ref_bwd(*douts, ref_out[-1])
    if not isinstance(ref_grads, tuple):
        ref_grads = (ref_grads,)
    fwd_call = call(fn_fwd, *values)
    forward = [value_check(f"{fn_fwd}: {', '.join(outs)} on public inputs ({sizes})", fwd_call,
                           [out(n, ref_out[i], index=i) for i, n in enumerate(outs)], hints[0], n_out=n_out)]
    single = len(grads) == 1
    bwd_call = call(fn_bwd, *douts, {"from_setup": n_out - 1})
    backward = [
        value_check(f"{fn_bwd}: {', '.join(grads)} on public inputs (cache from your {fn_fwd})", bwd_call,
                    [out(n, ref_grads[i], index=None if single else i) for i, n in enumerate(grads)],
                    hints[1], setup=fwd_call, n_out=None if single else len(grads)),
        grad_check(f"{fn_bwd}: agrees with numerical gradients of your {fn_fwd}", fwd_call, names,
                   list(range(len(outs))), n_out, n_out - 1, fn_bwd, douts,
                   [(None if single else i, n, names.index(w)) for i, (n, w) in enumerate(zip(grads, _wrt(grads)))],
                   hints[1], n_grads=None if single else len(grads)),
    ]
    return {fn_fwd: forward, fn_bwd: backward}


def _wrt(grads: list[str]) -> list[str]:
    """The forward argument each gradient is for: dW -> W, dh_prev -> h_prev, dbeta0 -> beta0."""
    return [g[1:] for g in grads]


def rnn_checks(variant: dict) -> dict:
    from reference import rnn

    g = variant["activation"]
    N, L, p, K = (variant[k] for k in ("N", "L", "p", "K"))
    sizes = f"N={N}, L={L}, p={p}, K={K}"
    rng = rng_for("rnn", 0)
    W, U = rng.normal(0, 0.6, (p, K)), rng.normal(0, 0.4, (K, K))
    b, h0 = rng.normal(0, 0.3, K), rng.normal(0, 0.5, (N, K))
    x, X = rng.normal(size=(N, p)), rng.normal(size=(N, L, p))
    V, m = variant["V"], variant["m"]
    idx = rng.integers(0, V, size=(N, L))
    idx[0, 0] = idx[-1, -1]  # a repeated word: its gradients must add up
    E = rng.normal(size=(V, m))
    beta, beta0, hK = rng.normal(size=K), np.float64(rng.normal()), rng.normal(size=(N, K))
    checks = {}
    checks |= _pair("rnn_step_forward", "rnn_step_backward", {"x": x, "h_prev": h0, "W": W, "U": U, "b": b},
                    ["h"], 2, [rng.normal(size=(N, K))], rnn.rnn_step_forward, rnn.rnn_step_backward,
                    list(STEP_GRADS), {"activation": g},
                    (f"h = g(x W + h_prev U + b) with your variant's g = {g}",
                     f"the gradient on the pre-activation is dh times g'(.), here g = {g}; then dW = x^T da, "
                     "dU = h_prev^T da, db sums da over the batch"), sizes)
    checks |= _pair("rnn_forward", "rnn_backward", {"X": X, "h0": h0, "W": W, "U": U, "b": b},
                    ["H"], 2, [rng.normal(size=(N, L, K))], rnn.rnn_forward, rnn.rnn_backward,
                    list(SEQ_GRADS), {"activation": g},
                    ("call rnn_step_forward once per position t, feeding each h into the next step",
                     "walk t backwards; the gradient on h_t is dH[:, t] plus dh_prev from step t+1; "
                     "dW, dU, db add up over steps"), sizes)
    checks |= _pair("embedding_forward", "embedding_backward", {"idx": idx, "E": E}, ["X"], 2,
                    [rng.normal(size=(N, L, m))], rnn.embedding_forward, rnn.embedding_backward, ["dE"], {},
                    ("X[n, t] = E[idx[n, t]]",
                     "a word used twice receives both gradients: np.add.at adds repeated indices, "
                     "dE[idx] += dX keeps only one"), f"N={N}, L={L}, V={V}, m={m}")
    checks |= _pair("readout_forward", "readout_backward", {"h": hK, "beta": beta, "beta0": beta0}, ["o"], 2,
                    [rng.normal(size=N)], rnn.readout_forward, rnn.readout_backward,
                    ["dh", "dbeta", "dbeta0"], {},
                    ("o = beta0 + h beta, shape (N,)", "dh = do beta^T (an outer product), dbeta = h^T do, "
                     "dbeta0 = sum of do"), f"N={N}, K={K}")
    return checks


def lstm_checks(variant: dict) -> dict:
    from reference import lstm

    N, L, p, K = (variant[k] for k in ("N", "L", "p", "K"))
    sizes = f"N={N}, L={L}, p={p}, K={K}"
    rng = rng_for("lstm", 0)
    W, U, b = rng.normal(0, 0.5, (p, 4 * K)), rng.normal(0, 0.4, (K, 4 * K)), rng.normal(0, 0.3, 4 * K)
    x, h0, c0 = rng.normal(size=(N, p)), rng.normal(0, 0.5, (N, K)), rng.normal(0, 0.5, (N, K))
    X = rng.normal(size=(N, L, p))
    checks = {}
    checks |= _pair("lstm_step_forward", "lstm_step_backward",
                    {"x": x, "h_prev": h0, "c_prev": c0, "W": W, "U": U, "b": b}, ["h", "c"], 3,
                    [rng.normal(size=(N, K)), rng.normal(size=(N, K))], lstm.lstm_step_forward,
                    lstm.lstm_step_backward, ["dx", "dh_prev", "dc_prev", "dW", "dU", "db"], {},
                    ("gate blocks of a = x W + h_prev U + b in the order i, f, o, g (K columns each); "
                     "c_t = f (.) c_{t-1} + i (.) g and h_t = o (.) tanh(c_t), (.) elementwise",
                     "c gets gradient from dc and through h: dc + dh * o * (1 - tanh(c)^2); stack the four "
                     "gate gradients in the order i, f, o, g"), sizes)
    checks |= _pair("lstm_forward", "lstm_backward", {"X": X, "h0": h0, "W": W, "U": U, "b": b}, ["H"], 2,
                    [rng.normal(size=(N, L, K))], lstm.lstm_forward, lstm.lstm_backward, list(SEQ_GRADS), {},
                    ("start from c0 = 0 and call lstm_step_forward once per position",
                     "carry both dh and dc backwards through the steps"), sizes)
    return checks


def dropout_checks(variant: dict) -> dict:
    from reference import activations

    phi, N, p = variant["phi"], variant["N"], variant["p"]
    rng = rng_for("dropout", 0)
    x = rng.normal(size=(N, p)) + 3.0  # no exact zeros, so a dropped unit is visible
    spec = {"kind": "dropout", "title": f"dropout_forward with phi = {phi}: each output 0 or x / (1 - phi), "
            f"drop rate, train=False (x: ({N}, {p}))", "forward": "dropout_forward", "backward": None,
            "phi": phi, "x": enc(x), "dout": enc(rng.normal(size=x.shape)), "seed": int(rng.integers(2**31)),
            "hint": "phi is the probability of DROPPING a unit; keep a unit where rng.random(x.shape) >= phi "
                    "and scale kept units by 1 / (1 - phi); with train=False return x unchanged"}
    backward = dict(spec, backward="dropout_backward", title=f"dropout_backward with phi = {phi}: the gradient "
                    "flows through your kept units, scaled by 1 / (1 - phi); identity with train=False",
                    hint="keep the mask in the cache; dx = dout * mask / (1 - phi)")
    checks = {"dropout_forward": [spec], "dropout_backward": [backward]}
    xr = rng.normal(size=(4, 6))
    xr[np.abs(xr) < 1e-3] = 0.5  # stay away from the kink, for the numerical gradient
    checks |= _pair("relu_forward", "relu_backward", {"x": xr}, ["out"], 2, [rng.normal(size=xr.shape)],
                    activations.relu_forward, activations.relu_backward, ["dx"], {},
                    ("out = max(0, x), elementwise", "the gradient passes only where x > 0"), "x: (4, 6)")
    return checks


BUILDERS = {"rnn": rnn_checks, "lstm": lstm_checks, "dropout": dropout_checks}
