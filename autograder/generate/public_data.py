"""Public checks of the data-side assignments: bow, ar, sgd, and the quiz's answer format."""

from __future__ import annotations

import numpy as np

from autograder.generate.public import answers_check, call, out, rng_for, value_check
from autograder.manifest import load_manifest
from autograder.quiz_key import blank_form

WORDS = ("plot", "good", "not", "bad", "film", "the", "fun", "dull")


def answer_checks(assignment_id: str) -> dict:
    """Format checks (never correctness) of every question with blanks."""
    return {q.name: [answers_check(f"{q.name}: {', '.join(q.blanks)} {'is' if len(q.blanks) == 1 else 'are'} "
                                   "answered in the right format",
                                   {b: blank_form(b) for b in q.blanks})]
            for q in load_manifest(assignment_id).questions if q.blanks}


def bow_checks(variant: dict) -> dict:
    from autograder.generate.toy_corpus import toy_reviews
    from reference import bow

    rng = rng_for("bow", 0)
    docs = [[str(w) for w in rng.choice(WORDS, size=rng.integers(1, 7))] for _ in range(9)]
    docs[3] = []  # an empty review
    texts, _ = toy_reviews()
    corpus = [bow.tokenize(t) for t in texts]
    V, k = variant["vocab_size"], variant["check_max_words"]
    small = bow.build_vocabulary(docs, k)
    hint_vocab = "count every word over all documents; sort by count (descending), then alphabetically"
    hint_enc = "one row per document, one column per vocabulary word; ignore words outside the vocabulary"
    vocab_checks = [
        value_check(f"build_vocabulary: 9 short documents, max_words={k} (mind the ties)",
                    call("build_vocabulary", docs, k), [out("vocab", small, kind="dict")], hint_vocab),
        value_check(f"build_vocabulary: the toy corpus, max_words={V}",
                    call("build_vocabulary", corpus, V),
                    [out("vocab", bow.build_vocabulary(corpus, V), kind="dict")], hint_vocab),
    ]
    encode_checks = [
        value_check(f"bow_encode: the 9 documents, binary={b}", call("bow_encode", docs, small, binary=b),
                    [out("X", bow.bow_encode(docs, small, binary=b).toarray())], hint_enc)
        for b in (True, False)
    ]
    return {"build_vocabulary": vocab_checks, "bow_encode": encode_checks, **answer_checks("bow")}


def ar_checks(variant: dict) -> dict:
    from reference import ar

    L, T, p, N, q = (variant[k] for k in ("L", "T", "p", "N", "q"))
    rng = rng_for("ar", 0)
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
        **answer_checks("ar"),
    }


def sgd_checks(variant: dict) -> dict:
    from reference import sgd

    rho, B, patience, N, q = (variant[k] for k in ("rho", "batch_size", "patience", "N", "q"))
    rng = rng_for("sgd", 0)
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
            "call": call("minibatch_indices", n, B, {"rng": seed}), "n": n, "batch_size": B,
            "hint": "one rng.permutation(n), cut into consecutive pieces of batch_size"}],
        "sgd": [value_check(
            f"sgd: least squares, N={N}, q={q}, rho={rho}, batch_size={B}, patience={patience}, 40 epochs",
            call("sgd", X, y, rng={"rng": seed}, **kwargs), outs,
            "each epoch: minibatch_indices(N, batch_size, rng), one gd_step per batch with the gradient on "
            "that batch; stop when the validation loss has not improved for `patience` epochs")],
    }


def quiz_checks(variant: dict) -> dict:
    return answer_checks("quiz")


BUILDERS = {"bow": bow_checks, "ar": ar_checks, "sgd": sgd_checks, "quiz": quiz_checks}
