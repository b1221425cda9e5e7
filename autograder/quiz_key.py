"""The answer key of every blank (a module-level answer a student assigns), per variant.

Trusted side only: this module, ``templates/quiz/concepts.toml`` and their output never go into a
student bundle. The grader compares a student's answers with ``quiz_key(variant)``:

- quiz: z, a, yhat, R, dR_dbeta, dR_dw, w_new, beta_new (floats, from
  ``reference.scalar_net.scalar_quiz_answers``) and one option letter per concept question, for the
  options in the order the student's notebook shows them;
- bow: probes_same_as_a, the sorted list of probe letters whose binary encoding equals probe A's;
- ar: test_r2, the test R^2 of the variant's AR model on NYSE;
- the other assignments have no blanks (an empty dict).

Numbers count as right within ``ANSWER_ATOL`` (the notebooks ask for 4 decimals); ``blank_form(name)``
says what type an answer must have (a number, one letter, a list of letters).
"""

from __future__ import annotations

import tomllib
from functools import cache

from autograder.folders import TEMPLATES_DIR
from autograder.manifest import load_manifest

ANSWER_ATOL = 5e-4
LETTERS = "ABCD"


def blank_form(name: str) -> str:
    """The form of a blank's answer: "number", "letter:ABCD" (one of) or "letters:BCD" (a list of)."""
    if name.startswith("concept_"):
        return "letter:" + LETTERS
    return {"probes_same_as_a": "letters:BCD"}.get(name, "number")


def concepts() -> dict[str, int]:
    """The concept questions in notebook order, each with its number of options (the manifest's
    ``[variant_orders.option_order]``)."""
    return load_manifest("quiz").variant_orders["option_order"]


@cache
def concept_bank() -> dict[str, dict]:
    """The concept questions: prompt, options (bank order) and the index of the correct one."""
    with open(TEMPLATES_DIR / "quiz" / "concepts.toml", "rb") as fh:
        bank = tomllib.load(fh)
    if list(bank) != list(concepts()):
        raise ValueError(f"concepts.toml has questions {list(bank)}; expected {list(concepts())}")
    for name, q in bank.items():
        n = concepts()[name]
        if len(q["options"]) != n or not 0 <= q["correct"] < n:
            raise ValueError(f"concepts.toml [{name}] needs {n} options and a correct index in range")
    return bank


def concept_letter(variant: dict, concept: str) -> str:
    """The letter under which the correct option of ``concept`` appears for this variant."""
    order = variant["option_order"][concept]
    return LETTERS[order.index(concept_bank()[concept]["correct"])]


def _quiz(variant: dict) -> dict[str, object]:
    from reference.scalar_net import scalar_quiz_answers

    key: dict[str, object] = dict(scalar_quiz_answers(*(variant[k] for k in ("x", "y", "w", "beta", "rho"))))
    for c in concepts():
        key[c] = concept_letter(variant, c)
    return key


@cache
def _bow_vocab(vocab_size: int) -> dict[str, int]:
    from autograder.generate.toy_corpus import toy_reviews
    from reference.bow import build_vocabulary, tokenize

    texts, _ = toy_reviews()
    return build_vocabulary([tokenize(t) for t in texts], vocab_size)


def _bow(variant: dict) -> dict[str, object]:
    from reference.bow import bow_encode, tokenize

    vocab = _bow_vocab(variant["vocab_size"])
    letters = sorted(variant["probes"])
    X = bow_encode([tokenize(variant["probes"][k]) for k in letters], vocab).toarray()
    return {"probes_same_as_a": [k for i, k in enumerate(letters) if i > 0 and (X[i] == X[0]).all()]}


@cache
def _nyse():
    from reference.ar import load_nyse

    return load_nyse()


@cache
def ar_test_r2(L: int, features: tuple[str, ...], day_of_week: bool) -> float:
    """The test R^2 of an AR variant, with the reference's functions."""
    from autograder.generate.nyse_variant import nyse_variant_data
    from reference.ar import ar_design_matrix, fit_ols, r_squared

    X_tr, y_tr, X_te, y_te = nyse_variant_data(_nyse(), L, list(features), day_of_week, ar_design_matrix)
    return r_squared(y_te, X_te @ fit_ols(X_tr, y_tr))


def quiz_key(variant: dict) -> dict[str, object]:
    """The expected value of every blank of the variant's assignment (keys: the manifest's blanks)."""
    assignment = variant["assignment"]
    if assignment == "quiz":
        key = _quiz(variant)
    elif assignment == "bow":
        key = _bow(variant)
    elif assignment == "ar":
        key = {"test_r2": ar_test_r2(variant["L"], tuple(variant["features"]), bool(variant["day_of_week"]))}
    else:
        key = {}
    blanks = load_manifest(assignment).blanks
    if tuple(key) != blanks:
        raise ValueError(f"the key of {assignment} has {list(key)}; the manifest declares blanks {list(blanks)}")
    return key
