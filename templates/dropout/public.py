"""Public self-check of the ``dropout`` assignment: fixed inputs (from the public seed) and the reference's
outputs on them, sized by the student's variant. ``checks(variant)`` returns one list of checks per
function (and per question with blanks); see ``autograder/generate/public.py`` for the check forms."""

from __future__ import annotations

import numpy as np

from autograder.generate.public import enc, pair_checks, rng_for


def checks(variant: dict) -> dict:
    from reference import activations

    phi, N, p = variant["phi"], variant["N"], variant["p"]
    rng = rng_for(variant["assignment"], 0)
    x = rng.normal(size=(N, p)) + 3.0  # no exact zeros, so a dropped unit is visible
    spec = {"kind": "drop_mask", "title": f"dropout_forward with phi = {phi}: each output 0 or x / (1 - phi), "
            f"drop rate, train=False (x: ({N}, {p}))", "forward": "dropout_forward", "backward": None,
            "rate": phi, "rate_name": "phi", "x": enc(x), "dout": enc(rng.normal(size=x.shape)), "seed": int(rng.integers(2**31)),
            "hint": "phi is the probability of DROPPING a unit; keep a unit where rng.random(x.shape) >= phi "
                    "and scale kept units by 1 / (1 - phi); with train=False return x unchanged"}
    backward = dict(spec, backward="dropout_backward", title=f"dropout_backward with phi = {phi}: the gradient "
                    "flows through your kept units, scaled by 1 / (1 - phi); identity with train=False",
                    hint="keep the mask in the cache; dx = dout * mask / (1 - phi)")
    checks = {"dropout_forward": [spec], "dropout_backward": [backward]}
    xr = rng.normal(size=(4, 6))
    xr[np.abs(xr) < 1e-3] = 0.5  # stay away from the kink, for the numerical gradient
    checks |= pair_checks("relu_forward", "relu_backward", {"x": xr}, ["out"], 2, [rng.normal(size=xr.shape)],
                    activations.relu_forward, activations.relu_backward, ["dx"], {},
                    ("out = max(0, x), elementwise", "the gradient passes only where x > 0"), "x: (4, 6)")
    return checks
