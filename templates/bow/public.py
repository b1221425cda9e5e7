"""Public self-check of the ``bow`` assignment: fixed inputs (from the public seed) and the reference's
outputs on them, sized by the student's variant. ``checks(variant)`` returns one list of checks per
function (and per question with blanks); see ``autograder/generate/public.py`` for the check forms."""

from __future__ import annotations

from autograder.generate.public import answer_checks, call, out, rng_for, value_check

WORDS = ("plot", "good", "not", "bad", "film", "the", "fun", "dull")


def checks(variant: dict) -> dict:
    from reference import bow
    from reference.toy_corpus import toy_reviews

    rng = rng_for(variant["assignment"], 0)
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
    return {"build_vocabulary": vocab_checks, "bow_encode": encode_checks, **answer_checks(variant["assignment"])}
