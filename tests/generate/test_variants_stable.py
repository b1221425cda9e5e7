"""Does every student keep exactly the variant they had before the variant spaces moved into the
assignment folders (issue 11)?

``data/variants_before_issue11.json`` was computed with the engine's former ``SPACES`` table: for two
secrets, four students and every assignment, the variant's JSON text (key order included), and each
assignment's space size and varying keys. A change to a manifest's ``[variant]`` table, to the order of its
keys or to the HMAC derivation shows up here as a changed notebook for students who already have one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from autograder.variants import space_size, variant, varying_keys

EXPECTED = json.loads((Path(__file__).parent / "data" / "variants_before_issue11.json").read_text())
CASES = sorted(EXPECTED["variants"])


@pytest.mark.parametrize("case", CASES)
def test_variant_is_byte_identical(case):
    """Is the variant's JSON text exactly the one computed before the move?"""
    secret_name, assignment, student = case.split("/")
    secret = EXPECTED["secrets"][secret_name].encode()
    assert json.dumps(variant(assignment, student, secret)) == EXPECTED["variants"][case]


@pytest.mark.parametrize("assignment", sorted(EXPECTED["space_size"]))
def test_space_size_and_varying_keys_unchanged(assignment):
    """Are the space's size and its varying keys (in order) the ones computed before the move?"""
    assert space_size(assignment) == EXPECTED["space_size"][assignment]
    assert list(varying_keys(assignment)) == EXPECTED["varying_keys"][assignment]


def test_expected_data_covers_every_assignment():
    """Does the expected data hold every assignment that existed before the move (the seven of then; later
    ones, such as minnorm, had no students to keep) for every secret and student (so no case is skipped)?"""
    from autograder.manifest import ASSIGNMENT_IDS

    before = set(EXPECTED["space_size"])
    assert len(before) == 7 and before <= set(ASSIGNMENT_IDS)
    assert len(CASES) == len(EXPECTED["secrets"]) * len(before) * len(EXPECTED["students"])
