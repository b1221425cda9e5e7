"""Public self-check of the ``sgd`` assignment: fixed inputs (from the public seed) and the reference's
outputs on them, sized by the student's variant. ``checks(variant)`` returns one list of checks per
function (and per question with blanks); see ``autograder/generate/public.py`` for the check forms."""

from __future__ import annotations

import numpy as np

from autograder.generate.public import call, out, rng_for, value_check


def checks(variant: dict) -> dict:
    from reference import sgd

    rho, B, patience, N, q = (variant[k] for k in ("rho", "batch_size", "patience", "N", "q"))
    rng = rng_for(variant["assignment"], 0)
    theta, grad = rng.normal(size=5), rng.normal(size=5)
    n = 3 * B + B // 2 + 1  # the last batch is short
    coef = np.resize([1.0, -2.0, 0.5, 0.0], q)  # the true coefficients: (q,)
    X = rng.normal(size=(N, q))
    y = X @ coef + rng.normal(size=N)
    Xv = rng.normal(size=(40, q))
    yv = Xv @ coef + rng.normal(size=40)
    seed = int(rng.integers(2**31))
    kwargs = dict(loss="squared", rho=rho, epochs=40, batch_size=B, X_val=Xv, y_val=yv, patience=patience)
    ref = sgd.sgd(X, y, rng=np.random.default_rng(seed), **kwargs)
    fields = [("theta", ref.theta), ("history", ref.history), ("val_loss", ref.val_loss)]
    outs = [dict(out(name, value), attr=name) for name, value in fields]
    outs += [dict(out(name, getattr(ref, name), kind="scalar"), attr=name) for name in ("best_epoch", "epochs_run")]
    return {
        "gd_step": [value_check(f"gd_step: q=5, rho={rho}", call("gd_step", theta, grad, rho),
                                [out("theta_new", sgd.gd_step(theta, grad, rho))], "theta - rho * grad")],
        "minibatch_indices": [{
            "kind": "partition", "title": f"minibatch_indices: n={n}, batch_size={B}",
            "call": call("minibatch_indices", n, B, {"rng": seed}), "n": n, "size": B,
            "hint": "one rng.permutation(n), cut into consecutive pieces of batch_size"}],
        "sgd": [value_check(
            f"sgd: least squares, N={N}, q={q}, rho={rho}, batch_size={B}, patience={patience}, 40 epochs",
            call("sgd", X, y, rng={"rng": seed}, **kwargs), outs,
            "each epoch: minibatch_indices(N, batch_size, rng), one gd_step per batch with the gradient on "
            "that batch; stop when the validation loss has not improved for `patience` epochs")],
    }
