"""Are variants deterministic, different between students, and free of the secret?"""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest

from autograder.manifest import ASSIGNMENT_IDS, load_manifest
from autograder.variants import (
    DEMO_SECRET,
    hidden_seed,
    load_secret,
    public_seed,
    space_size,
    variant,
    varying_keys,
)

SECRET = b"a-course-secret"
STUDENTS = [f"s{i:03d}" for i in range(50)]


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_deterministic_and_json(assignment):
    """Does the same (secret, assignment, student) give the same JSON-able variant?"""
    a = variant(assignment, "s001", SECRET)
    assert a == variant(assignment, "s001", SECRET)
    assert json.loads(json.dumps(a)) == a
    assert a["assignment"] == assignment and a["student"] == "s001"
    assert set(load_manifest(assignment).variant) <= set(a)


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_fifty_students_vary(assignment):
    """Over 50 students, does every varying parameter take several values, none for (nearly) everyone,
    and are the 50 variants pairwise distinct?"""
    vs = [variant(assignment, s, SECRET) for s in STUDENTS]
    for key in varying_keys(assignment):
        counts = Counter(json.dumps(v[key], sort_keys=True) for v in vs)
        assert len(counts) >= 2, key
        assert counts.most_common(1)[0][1] <= 40, (key, counts)
    keys = varying_keys(assignment)
    tuples = [json.dumps([v[k] for k in keys], sort_keys=True) for v in vs]
    assert len(set(tuples)) == len(tuples), Counter(tuples).most_common(2)
    whole = {json.dumps({k: x for k, x in v.items() if k != "student"}, sort_keys=True) for v in vs}
    assert len(whole) == len(vs)


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_space_is_large(assignment):
    """Is every variant space large enough that 50 students collide with probability under 2%
    (birthday bound: 50 * 49 / 2 pairs, each equal with probability 1 / size)?"""
    pairs = len(STUDENTS) * (len(STUDENTS) - 1) / 2
    assert pairs / space_size(assignment) < 0.02, space_size(assignment)
    assert space_size(assignment) >= 100_000


def test_quiz_is_pairwise_distinct_and_has_dead_relus():
    """Are the 50 quiz variants pairwise distinct, with both z <= 0 and z > 0 among them?"""
    vs = [variant("quiz", s, SECRET) for s in STUDENTS]
    numbers = {(v["x"], v["y"], v["w"], v["beta"], v["rho"]) for v in vs}
    assert len(numbers) == 50
    z = [v["w"] * v["x"] for v in vs]
    assert any(zz <= 0 for zz in z) and any(zz > 0 for zz in z)
    for v in vs:
        for order in v["option_order"].values():
            assert sorted(order) == [0, 1, 2, 3]


def test_rnn_has_both_activations():
    """Do both RNN activations occur among 50 students?"""
    assert {variant("rnn", s, SECRET)["activation"] for s in STUDENTS} == {"tanh", "relu"}


def test_ar_lag_range():
    """Is the AR lag always in 3..7?"""
    assert {variant("ar", s, SECRET)["L"] for s in STUDENTS} <= set(range(3, 8))


def test_secret_changes_variants():
    """Does another secret give other variants (not the same for everyone)?"""
    a = [variant("quiz", s, SECRET) for s in STUDENTS[:10]]
    b = [variant("quiz", s, b"another-secret") for s in STUDENTS[:10]]
    assert a != b


def test_seeds_are_distinct():
    """Are hidden seeds distinct per student and assignment, and different from the public seeds?"""
    hidden = [hidden_seed(a, s, SECRET) for a, s in itertools.product(ASSIGNMENT_IDS, STUDENTS)]
    assert len(set(hidden)) == len(hidden)
    public = {public_seed(a) for a in ASSIGNMENT_IDS}
    assert len(public) == len(ASSIGNMENT_IDS)
    assert not public & set(hidden)
    assert all(0 <= s < 2**63 for s in hidden)


def test_variant_does_not_contain_secret_or_seed():
    """Is neither the secret nor the hidden seed written into a variant?"""
    for a in ASSIGNMENT_IDS:
        text = json.dumps(variant(a, "s001", SECRET))
        assert SECRET.decode() not in text
        assert str(hidden_seed(a, "s001", SECRET)) not in text


@pytest.mark.parametrize("bad", ["", " s1", "a/b", "../x", "x" * 65, "é"])
def test_bad_student_ids(bad):
    """Are empty, path-like, too long and non-ASCII ids refused?"""
    with pytest.raises(ValueError, match="student id"):
        variant("rnn", bad, SECRET)


def test_unknown_assignment():
    """Does an unknown assignment id raise ValueError listing the known ones?"""
    with pytest.raises(ValueError, match="expected one of: bow, rnn"):
        variant("cnn", "s1", SECRET)


def test_load_secret(tmp_path, monkeypatch):
    """Secret from --secret-file, else the environment, else an error unless --demo."""
    monkeypatch.delenv("DEEPGRADE_SECRET", raising=False)
    with pytest.raises(ValueError, match="--secret-file FILE or set DEEPGRADE_SECRET"):
        load_secret(None, False)
    assert load_secret(None, True) == DEMO_SECRET
    f = tmp_path / "secret"
    f.write_bytes(b"from-file\n")
    assert load_secret(str(f), False) == b"from-file"
    monkeypatch.setenv("DEEPGRADE_SECRET", "from-env")
    assert load_secret(None, False) == b"from-env"
    assert load_secret(str(f), False) == b"from-file"
    assert load_secret(None, True) == DEMO_SECRET  # --demo never picks up a real secret
    with pytest.raises(ValueError, match="exclude each other"):
        load_secret(str(f), True)
    (tmp_path / "empty").write_bytes(b"\n")
    with pytest.raises(ValueError, match="is empty"):
        load_secret(str(tmp_path / "empty"), False)
    with pytest.raises(ValueError, match="cannot read"):
        load_secret(str(tmp_path / "missing"), False)
