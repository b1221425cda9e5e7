"""Does the answer key match the reference, the manifest's blanks and what the notebook shows?"""

from __future__ import annotations

import pytest

from autograder.answer_key import answer_key, blank_form
from autograder.folders import assignment_module
from autograder.manifest import ASSIGNMENT_IDS, load_manifest
from autograder.variants import variant
from reference.scalar_net import scalar_quiz_answers

SECRET = b"quiz-key-secret"
QUIZ = assignment_module("quiz", "key")
LETTERS, concept_bank, concept_letter, concepts = QUIZ.LETTERS, QUIZ.concept_bank, QUIZ.concept_letter, QUIZ.concepts
ar_test_r2 = assignment_module("ar", "key").ar_test_r2


@pytest.mark.parametrize("assignment", ["quiz", "bow", "rnn", "lstm", "sgd", "dropout"])
def test_keys_are_the_manifest_blanks(assignment):
    """Does the key have exactly the blanks the manifest declares, in order?"""
    v = variant(assignment, "s1", SECRET)
    assert tuple(answer_key(v)) == load_manifest(assignment).blanks


def test_quiz_numbers_come_from_the_reference():
    """Are the numeric answers the reference's scalar network on the variant's numbers?"""
    for s in ("s1", "s2", "s3", "s4"):
        v = variant("quiz", s, SECRET)
        key = answer_key(v)
        ref = scalar_quiz_answers(v["x"], v["y"], v["w"], v["beta"], v["rho"])
        for name, value in ref.items():
            assert key[name] == value


def test_dead_relu_variant_has_zero_dw():
    """In a variant with z <= 0, is dR/dw zero and w unchanged?"""
    v = next(v for v in (variant("quiz", f"s{i}", SECRET) for i in range(100)) if v["w"] * v["x"] <= 0)
    key = answer_key(v)
    assert key["a"] == 0 and key["dR_dw"] == 0 and key["w_new"] == v["w"]


def test_concept_letters_follow_the_option_order():
    """Is the key's letter the position of the correct option in this variant's order?"""
    bank = concept_bank()
    assert list(bank) == list(concepts()) and len(bank) == 5
    for s in ("s1", "s2", "s3"):
        v = variant("quiz", s, SECRET)
        for c in concepts():
            letter = concept_letter(v, c)
            shown = [bank[c]["options"][j] for j in v["option_order"][c]]
            assert shown[LETTERS.index(letter)] == bank[c]["options"][bank[c]["correct"]]


def test_correct_letters_vary_between_students():
    """Is the right letter of a concept question not the same for every student?"""
    letters = {concept_letter(variant("quiz", f"s{i}", SECRET), "concept_saddle") for i in range(40)}
    assert len(letters) >= 3


def test_ar_key_reproduces_islp():
    """Does the AR key give ISLP's test R^2 for L=5 with all three series (0.41289, 0.45956)?"""
    series = ("DJ_return", "log_volume", "log_volatility")
    assert ar_test_r2(5, series, False) == pytest.approx(0.4128912938562521, abs=1e-10)
    assert ar_test_r2(5, series, True) == pytest.approx(0.4595563133053273, abs=1e-10)


def test_bow_key():
    """Are B and C always confused with A, and D exactly when its extra word is outside the vocabulary?"""
    bow_vocab = assignment_module("bow", "key").bow_vocab

    for i in range(30):
        v = variant("bow", f"s{i}", SECRET)
        key = answer_key(v)["probes_same_as_a"]
        assert key[:2] == ["B", "C"]
        assert ("D" in key) == (v["extra_word"] not in bow_vocab(v["vocab_size"]))


def test_every_assignment_has_a_key():
    """Does answer_key answer every assignment (an empty dict where there are no blanks)?"""
    for a in ASSIGNMENT_IDS:
        key = answer_key(variant(a, "s9", SECRET))
        assert set(key) == set(load_manifest(a).blanks)


def test_blank_forms_come_from_the_folders():
    """Does each blank have the form its folder's key declares (a number unless FORMS says otherwise)?"""
    assert blank_form("quiz", "concept_saddle") == "letter:ABCD"
    assert blank_form("quiz", "z") == "number"
    assert blank_form("bow", "probes_same_as_a") == "letters:BCD"
    assert blank_form("ar", "test_r2") == "number"
    assert blank_form("rnn", "anything") == "number"  # no key.py: no blanks
