"""Public self-check of the ``lstm`` assignment: fixed inputs (from the public seed) and the reference's
outputs on them, sized by the student's variant. ``checks(variant)`` returns one list of checks per
function (and per question with blanks); see ``autograder/generate/public.py`` for the check forms."""

from __future__ import annotations

from autograder.generate.public import pair_checks, rng_for

SEQ_GRADS = ("dX", "dh0", "dW", "dU", "db")


def checks(variant: dict) -> dict:
    from reference import lstm

    N, L, p, K = (variant[k] for k in ("N", "L", "p", "K"))
    sizes = f"N={N}, L={L}, p={p}, K={K}"
    rng = rng_for(variant["assignment"], 0)
    W, U, b = rng.normal(0, 0.5, (p, 4 * K)), rng.normal(0, 0.4, (K, 4 * K)), rng.normal(0, 0.3, 4 * K)
    x, h0, c0 = rng.normal(size=(N, p)), rng.normal(0, 0.5, (N, K)), rng.normal(0, 0.5, (N, K))
    X = rng.normal(size=(N, L, p))
    checks = {}
    checks |= pair_checks("lstm_step_forward", "lstm_step_backward",
                    {"x": x, "h_prev": h0, "c_prev": c0, "W": W, "U": U, "b": b}, ["h", "c"], 3,
                    [rng.normal(size=(N, K)), rng.normal(size=(N, K))], lstm.lstm_step_forward,
                    lstm.lstm_step_backward, ["dx", "dh_prev", "dc_prev", "dW", "dU", "db"], {},
                    ("gate blocks of a = x W + h_prev U + b in the order i, f, o, g (K columns each); "
                     "c_t = f (.) c_{t-1} + i (.) g and h_t = o (.) tanh(c_t), (.) elementwise",
                     "c gets gradient from dc and through h: dc + dh * o * (1 - tanh(c)^2); stack the four "
                     "gate gradients in the order i, f, o, g"), sizes)
    checks |= pair_checks("lstm_forward", "lstm_backward", {"X": X, "h0": h0, "W": W, "U": U, "b": b}, ["H"], 2,
                    [rng.normal(size=(N, L, K))], lstm.lstm_forward, lstm.lstm_backward, list(SEQ_GRADS), {},
                    ("start from c0 = 0 and call lstm_step_forward once per position",
                     "carry both dh and dc backwards through the steps"), sizes)
    return checks
