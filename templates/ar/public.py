"""Public self-check of the ``ar`` assignment: fixed inputs (from the public seed) and the reference's
outputs on them, sized by the student's variant. ``checks(variant)`` returns one list of checks per
function (and per question with blanks); see ``autograder/generate/public.py`` for the check forms."""

from __future__ import annotations

from autograder.generate.public import answer_checks, call, out, rng_for, value_check


def checks(variant: dict) -> dict:
    from reference import ar

    L, T, p, N, q = (variant[k] for k in ("L", "T", "p", "N", "q"))
    rng = rng_for(variant["assignment"], 0)
    data = rng.normal(size=(T, p))
    X, y = rng.normal(size=(N, q)), rng.normal(size=N)
    X[:, 0] = 1.0
    yhat = y + rng.normal(0, 0.5, size=N)
    return {
        "lag_tensor": [value_check(f"lag_tensor: T={T}, p={p}, L={L}", call("lag_tensor", data, L),
                                   [out("Z", ar.lag_tensor(data, L))],
                                   "Z[j] holds rows j, ..., j+L-1 of data (oldest first); its target is row j+L")],
        "ar_design_matrix": [value_check(f"ar_design_matrix: T={T}, p={p}, L={L}",
                                         call("ar_design_matrix", data, L),
                                         [out("X", ar.ar_design_matrix(data, L))],
                                         "a column of ones, then lag_tensor(data, L) flattened per row")],
        "fit_ols": [value_check(f"fit_ols: N={N}, q={q}", call("fit_ols", X, y), [out("beta", ar.fit_ols(X, y))],
                                "least squares: np.linalg.lstsq(X, y, rcond=None)[0]")],
        "r_squared": [value_check(f"r_squared: N={N}", call("r_squared", y, yhat),
                                  [out("R2", ar.r_squared(y, yhat), kind="scalar")],
                                  "1 - RSS/TSS with TSS around the mean of y")],
        **answer_checks(variant["assignment"]),
    }
