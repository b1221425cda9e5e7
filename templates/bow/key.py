"""The answer key of bow: probes_same_as_a, the sorted list of probe letters whose binary encoding
equals probe A's (with the reference's vocabulary of the toy corpus at the variant's size)."""

from __future__ import annotations

from functools import cache

FORMS = {"probes_same_as_a": "letters:BCD"}


@cache
def bow_vocab(vocab_size: int) -> dict[str, int]:
    from reference.bow import build_vocabulary, tokenize
    from reference.toy_corpus import toy_reviews

    texts, _ = toy_reviews()
    return build_vocabulary([tokenize(t) for t in texts], vocab_size)


def key(variant: dict) -> dict[str, object]:
    from reference.bow import bow_encode, tokenize

    vocab = bow_vocab(variant["vocab_size"])
    letters = sorted(variant["probes"])
    X = bow_encode([tokenize(variant["probes"][k]) for k in letters], vocab).toarray()
    return {"probes_same_as_a": [k for i, k in enumerate(letters) if i > 0 and (X[i] == X[0]).all()]}
