"""Public self-check of the ``rnn`` assignment: fixed inputs (from the public seed) and the reference's
outputs on them, sized by the student's variant. ``checks(variant)`` returns one list of checks per
function (and per question with blanks); see ``autograder/generate/public.py`` for the check forms."""

from __future__ import annotations

import numpy as np

from autograder.generate.public import pair_checks, rng_for

STEP_GRADS = ("dx", "dh_prev", "dW", "dU", "db")
SEQ_GRADS = ("dX", "dh0", "dW", "dU", "db")


def checks(variant: dict) -> dict:
    from reference import rnn

    g = variant["activation"]
    N, L, p, K = (variant[k] for k in ("N", "L", "p", "K"))
    sizes = f"N={N}, L={L}, p={p}, K={K}"
    rng = rng_for(variant["assignment"], 0)
    W, U = rng.normal(0, 0.6, (p, K)), rng.normal(0, 0.4, (K, K))
    b, h0 = rng.normal(0, 0.3, K), rng.normal(0, 0.5, (N, K))
    x, X = rng.normal(size=(N, p)), rng.normal(size=(N, L, p))
    V, m = variant["V"], variant["m"]
    idx = rng.integers(0, V, size=(N, L))
    idx[0, 0] = idx[-1, -1]  # a repeated word: its gradients must add up
    E = rng.normal(size=(V, m))
    beta, beta0, hK = rng.normal(size=K), np.float64(rng.normal()), rng.normal(size=(N, K))
    checks = {}
    checks |= pair_checks("rnn_step_forward", "rnn_step_backward", {"x": x, "h_prev": h0, "W": W, "U": U, "b": b},
                    ["h"], 2, [rng.normal(size=(N, K))], rnn.rnn_step_forward, rnn.rnn_step_backward,
                    list(STEP_GRADS), {"activation": g},
                    (f"h = g(x W + h_prev U + b) with your variant's g = {g}",
                     f"the gradient on the pre-activation is dh times g'(.), here g = {g}; then dW = x^T da, "
                     "dU = h_prev^T da, db sums da over the batch"), sizes)
    checks |= pair_checks("rnn_forward", "rnn_backward", {"X": X, "h0": h0, "W": W, "U": U, "b": b},
                    ["H"], 2, [rng.normal(size=(N, L, K))], rnn.rnn_forward, rnn.rnn_backward,
                    list(SEQ_GRADS), {"activation": g},
                    ("call rnn_step_forward once per position t, feeding each h into the next step",
                     "walk t backwards; the gradient on h_t is dH[:, t] plus dh_prev from step t+1; "
                     "dW, dU, db add up over steps"), sizes)
    checks |= pair_checks("embedding_forward", "embedding_backward", {"idx": idx, "E": E}, ["X"], 2,
                    [rng.normal(size=(N, L, m))], rnn.embedding_forward, rnn.embedding_backward, ["dE"], {},
                    ("X[n, t] = E[idx[n, t]]",
                     "a word used twice receives both gradients: np.add.at adds repeated indices, "
                     "dE[idx] += dX keeps only one"), f"N={N}, L={L}, V={V}, m={m}")
    checks |= pair_checks("readout_forward", "readout_backward", {"h": hK, "beta": beta, "beta0": beta0}, ["o"], 2,
                    [rng.normal(size=N)], rnn.readout_forward, rnn.readout_backward,
                    ["dh", "dbeta", "dbeta0"], {},
                    ("o = beta0 + h beta, shape (N,)", "dh = do beta^T (an outer product), dbeta = h^T do, "
                     "dbeta0 = sum of do"), f"N={N}, K={K}")
    return checks
