"""A small synthetic corpus of movie reviews, so the bag-of-words assignment runs offline in seconds.

Copied into the bow notebook as given code. Reviews are short sentences built from word lists;
positive reviews mostly praise or negate criticism ("not dull"), negative ones the reverse, so
word order (negation) matters and bag-of-words can only partly see it.
"""

from __future__ import annotations

import numpy as np

PRAISE = ("good", "great", "fun", "moving", "clever", "funny", "charming", "superb")
CRITICISM = ("bad", "dull", "boring", "awful", "clumsy", "tedious", "weak", "bland")
NEGATORS = ("not", "never", "hardly")
NOUNS = ("movie", "film", "plot", "acting", "story", "cast", "script", "ending", "music", "scene",
         "director", "pace", "dialogue", "camera", "villain", "soundtrack", "sequel", "budget",
         "cameo", "costumes", "subtitles", "popcorn")
ADVERBS = ("really", "very", "quite", "so", "truly", "rather", "oddly")
OPENERS = ("i thought", "honestly", "overall", "in the end", "to be fair", "my friends said")


def toy_reviews(n_docs=600, seed=0):
    """Synthetic labelled reviews: label 1 is positive, 0 negative (about half each).

    Inputs:
    - n_docs: number of reviews
    - seed: seed of the generator (same seed, same reviews)
    Returns:
    - texts: list of n_docs str
    - labels: (n_docs,) int array of 0/1
    """
    rng = np.random.default_rng(seed)
    noun_p = 1.0 / np.arange(1, len(NOUNS) + 1)  # a few nouns are common, most are rare
    noun_p /= noun_p.sum()
    texts, labels = [], rng.integers(0, 2, size=n_docs)
    for label in labels:
        sentences = []
        for _ in range(rng.integers(2, 5)):
            noun = NOUNS[rng.choice(len(NOUNS), p=noun_p)]
            agree = rng.random() < 0.9  # a sentence that agrees with the label
            positive = bool(label) == agree
            if rng.random() < 0.2:  # a negated adjective of the opposite sign
                adj = rng.choice(CRITICISM if positive else PRAISE)
                sentences.append(f"the {noun} was {rng.choice(NEGATORS)} {adj}")
            else:
                adj = rng.choice(PRAISE if positive else CRITICISM)
                sentences.append(f"{rng.choice(OPENERS)} the {noun} was {rng.choice(ADVERBS)} {adj}")
        texts.append(". ".join(sentences) + ".")
    return texts, labels
