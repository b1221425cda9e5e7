"""The answer key of minnorm: peak_p, the number of random features at which the test error of the
student's double-descent problem peaks, from the reference's own curve (trusted; never in a bundle)."""

from __future__ import annotations


def key(variant: dict) -> dict[str, object]:
    from reference.minnorm import peak_count

    return {"peak_p": peak_count(variant["n_train"], variant["d_input"], variant["noise_sd"], variant["problem_seed"], variant["feature_map"])}
