"""Known mistakes of the ``bow`` assignment, as wrong variants of the reference functions (trusted; never in a
bundle); see ``autograder.grading.diagnose``.
"""

from collections import Counter

import numpy as np
import scipy.sparse as sp

from autograder.grading.diagnose import Misconception


def vocab_ties_first_seen(token_lists, max_words):
    counts = Counter()
    for doc in token_lists:
        counts.update(doc)
    ranked = sorted(counts.items(), key=lambda wc: -wc[1])[:max_words]
    return {w: j for j, (w, _) in enumerate(ranked)}


def vocab_alphabetical(token_lists, max_words):
    words = sorted({w for doc in token_lists for w in doc})[:max_words]
    return {w: j for j, w in enumerate(words)}


def vocab_document_frequency(token_lists, max_words):
    counts = Counter()
    for doc in token_lists:
        counts.update(set(doc))
    ranked = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:max_words]
    return {w: j for j, (w, _) in enumerate(ranked)}


def vocab_from_one(token_lists, max_words):
    counts = Counter()
    for doc in token_lists:
        counts.update(doc)
    ranked = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:max_words]
    return {w: j + 1 for j, (w, _) in enumerate(ranked)}


def vocab_not_cut(token_lists, max_words):
    counts = Counter()
    for doc in token_lists:
        counts.update(doc)
    ranked = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))
    return {w: j for j, (w, _) in enumerate(ranked)}


def encode_always_counts(token_lists, vocab, binary=True):
    X = sp.lil_matrix((len(token_lists), len(vocab)))
    for i, doc in enumerate(token_lists):
        for w in doc:
            if w in vocab:
                X[i, vocab[w]] += 1
    return X.tocsr()


def encode_always_binary(token_lists, vocab, binary=True):
    X = sp.lil_matrix((len(token_lists), len(vocab)))
    for i, doc in enumerate(token_lists):
        for w in doc:
            if w in vocab:
                X[i, vocab[w]] = 1
    return X.tocsr()


def encode_sorted_columns(token_lists, vocab, binary=True):
    column = {w: j for j, w in enumerate(sorted(vocab))}
    X = np.zeros((len(token_lists), len(vocab)))
    for i, doc in enumerate(token_lists):
        for w in doc:
            if w in vocab:
                X[i, column[w]] = 1 if binary else X[i, column[w]] + 1
    return sp.csr_matrix(X)


MISCONCEPTIONS = [
    Misconception("ties by first occurrence", "Words with equal counts are ranked alphabetically, not in the "
                  "order they first appear", {"build_vocabulary": vocab_ties_first_seen}),
    Misconception("vocabulary in alphabetical order", "The vocabulary ranks words by how often they occur; "
                  "the alphabet only breaks ties", {"build_vocabulary": vocab_alphabetical}),
    Misconception("document frequency instead of word counts", "A word counts every time it occurs, also "
                  "several times in one document", {"build_vocabulary": vocab_document_frequency}),
    Misconception("indices counted from one", "Indices are column numbers of X: they start at 0",
                  {"build_vocabulary": vocab_from_one}),
    Misconception("vocabulary not cut at max_words", "Only the max_words most frequent words are kept",
                  {"build_vocabulary": vocab_not_cut}),
    Misconception("counts instead of binary", "With binary=True an entry records whether the word occurs, not "
                  "how often", {"bow_encode": encode_always_counts}),
    Misconception("binary when counting", "With binary=False an entry is the number of times the word occurs",
                  {"bow_encode": encode_always_binary}),
    Misconception("columns in alphabetical order", "A word's column is its index in the vocabulary, not its "
                  "place in alphabetical order", {"bow_encode": encode_sorted_columns}),
]
