"""Hidden tests of the ``bow`` assignment: the vocabulary, the bag-of-words encoding, word order.

``build_vocabulary`` must rank words by total count, break ties alphabetically and keep at most
``max_words``; the dict that comes back is compared exactly. ``bow_encode`` is compared entry by
entry with the reference after conversion to a dense array: a scipy sparse matrix (what the
template asks for) or a dense array of the right values both pass. The word-order answer is
compared with the key of the student's own probe sentences.

Every encode draw exercises the whole contract, whatever the draw: the vocabulary's keys come in an
order other than their indices (so the k-th key is not column k), its last column is a word no document
uses and the last document is empty (so a sparse matrix built without ``shape=`` comes out too small).
"""

from __future__ import annotations

import numpy as np
import pytest

from autograder.suites._support import call, check_answer, get_blank, plain_form
from reference import bow as ref

WORDS = ("acting", "bland", "brilliant", "cast", "ending", "film", "great", "movie", "plot", "scene",
         "script", "story", "superb", "weak")
VOCAB_HINT = "count every word over all documents; rank by count (descending), then alphabetically; keep max_words"


def _docs(rng, n_docs, words=WORDS, max_len=8):
    return [[str(w) for w in rng.choice(words, size=int(rng.integers(0, max_len)))] for _ in range(n_docs)]


def _check_vocab(r, got, want):
    if not isinstance(got, dict):
        r.fail(f"Expected a dict word -> index; got {type(got).__name__}", "return {word: index, ...}")
    if set(got) != set(want):
        extra, missing = len(set(got) - set(want)), len(set(want) - set(got))
        r.fail(f"the vocabulary has {'unexpected' if extra else 'missing'} words"
               + (" and misses expected ones" if extra and missing else ""), VOCAB_HINT)
    if any(got[w] != want[w] for w in want):
        r.fail("some words have the wrong index", VOCAB_HINT)


@pytest.mark.question("vocabulary")
def test_vocabulary_ranking(student, hidden_rng):
    """build_vocabulary on random documents"""
    docs = _docs(hidden_rng, int(hidden_rng.integers(15, 30)))
    max_words = int(hidden_rng.integers(4, 9))
    r = call(student, "build_vocabulary", token_lists=docs, max_words=max_words)
    _check_vocab(r, r.value, ref.build_vocabulary(docs, max_words))


@pytest.mark.question("vocabulary")
def test_vocabulary_ties(student, hidden_rng):
    """build_vocabulary breaks ties in count alphabetically, also where max_words cuts a tie"""
    words = [str(w) for w in hidden_rng.permutation(WORDS)[:6]]
    counts = [3, 2, 2, 2, 2, 1]  # a four-way tie, cut by max_words = 3
    docs = [[w] * c for w, c in zip(words, counts)]
    hidden_rng.shuffle(docs)
    tied = [i for i, d in enumerate(docs) if len(d) == 2]  # the tied words first occur in reverse alphabetical
    for i, d in zip(tied, sorted((docs[i] for i in tied), reverse=True)):  # order: a tie broken by first
        docs[i] = d  # occurrence (Counter.most_common) keeps the wrong ones
    r = call(student, "build_vocabulary", token_lists=docs, max_words=3)
    _check_vocab(r, r.value, ref.build_vocabulary(docs, 3))


@pytest.mark.question("vocabulary")
def test_vocabulary_few_words(student, hidden_rng):
    """build_vocabulary when the documents have fewer distinct words than max_words"""
    docs = _docs(hidden_rng, 4, words=WORDS[:5], max_len=5) + [["plot"]]
    r = call(student, "build_vocabulary", token_lists=docs, max_words=50)
    _check_vocab(r, r.value, ref.build_vocabulary(docs, 50))


def _dense(student, r, value):
    """A returned document-term matrix as a dense float array (sparse or dense results accepted)."""
    value = plain_form(student, value, ("format", "shape", "data", "indices", "indptr"))
    if isinstance(value, dict) and {"data", "indices", "indptr", "shape"} <= set(value):
        n, V = (int(s) for s in value["shape"])
        out = np.zeros((n, V))
        indptr = np.asarray(value["indptr"], dtype=np.int64)
        indices = np.asarray(value["indices"], dtype=np.int64)
        data = np.asarray(value["data"], dtype=np.float64)
        if indptr.shape != (n + 1,) or indices.shape != data.shape or (indices.size and (
                indices.min() < 0 or indices.max() >= V)):
            r.fail("X is a sparse matrix whose structure is inconsistent")
        for i in range(n):
            np.add.at(out[i], indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]])
        return out
    if isinstance(value, dict) and {"row", "col", "data", "shape"} <= set(value):
        out = np.zeros(tuple(int(s) for s in value["shape"]))
        np.add.at(out, (np.asarray(value["row"], dtype=np.int64), np.asarray(value["col"], dtype=np.int64)),
                  np.asarray(value["data"], dtype=np.float64))
        return out
    return r.numeric("X", value)


def _whole_contract(rng, docs, vocab):
    """``docs`` and ``vocab`` made to exercise the edges every draw: an empty last document, a last column
    that no document uses, and the vocabulary's keys in an order that is not that of their indices."""
    unused = next(w for w in ("unseen", "absent", "missing") if w not in vocab and all(w not in d for d in docs))
    vocab = dict(vocab, **{unused: len(vocab)})
    keys = list(vocab)
    order = rng.permutation(len(keys))
    if np.array_equal(order, np.arange(len(keys))):
        order = order[::-1]
    return docs + [[]], {keys[i]: vocab[keys[i]] for i in order}


def _check_encode(student, docs, vocab, binary, rng):
    docs, vocab = _whole_contract(rng, docs, vocab)
    r = call(student, "bow_encode", token_lists=docs, vocab=vocab, binary=binary)
    want = ref.bow_encode(docs, vocab, binary=binary).toarray()
    hint = ("X[i, j] = 1 when word j occurs in document i" if binary
            else "X[i, j] counts the occurrences of word j in document i")
    r.check("X", _dense(student, r, r.value), want, hint + "; words outside the vocabulary are ignored",
            "(n_docs, V)")


@pytest.mark.question("encode")
def test_encode_binary(student, hidden_rng):
    """bow_encode with binary=True, repeated and out-of-vocabulary words"""
    docs = _docs(hidden_rng, int(hidden_rng.integers(6, 12)))
    _check_encode(student, docs, ref.build_vocabulary(docs, 8), True, hidden_rng)


@pytest.mark.question("encode")
def test_encode_counts(student, hidden_rng):
    """bow_encode with binary=False counts repeated words"""
    docs = _docs(hidden_rng, int(hidden_rng.integers(6, 12)))
    top = min(ref.build_vocabulary(docs, 8).items(), key=lambda wi: wi[1], default=("plot", 0))[0]
    docs.insert(int(hidden_rng.integers(len(docs) + 1)), [top, "plot", top])  # a vocabulary word that repeats
    _check_encode(student, docs, ref.build_vocabulary(docs, 8), False, hidden_rng)


@pytest.mark.question("encode")
def test_encode_empty_and_unknown(student, hidden_rng):
    """bow_encode of an empty document and of a document with no vocabulary word"""
    docs = _docs(hidden_rng, 5, words=WORDS[:6])
    vocab = ref.build_vocabulary(docs + [list(WORDS[:6])], 6)
    _check_encode(student, [[], list(WORDS[8:12])] + docs, vocab, True, hidden_rng)


@pytest.mark.question("word_order")
def test_word_order_answer(student, manifest, variant):
    """your answer about your probe sentences"""
    from autograder.answer_key import answer_key

    key = answer_key(variant)
    for blank in manifest.questions[[q.name for q in manifest.questions].index("word_order")].blanks:
        check_answer(blank, get_blank(student, blank), key[blank],
                     "encode the probe sentences with bow_encode and compare their rows")
