"""The answer key of an assignment's blanks (module-level answers a student assigns), per variant.

Trusted side only: an assignment folder's ``key.py`` and its output never go into a student bundle. A
folder whose manifest declares blanks has a ``key.py`` with

- ``key(variant) -> dict``: the expected value of every blank, in the manifest's order;
- optionally ``FORMS``: blank name -> the form of its answer, when it is not a number:
  ``"letter:ABCD"`` (one of those letters) or ``"letters:BCD"`` (a list of them).

The grader compares a student's answers with ``answer_key(variant)``; numbers count as right within
``ANSWER_ATOL`` (the notebooks ask for 4 decimals). A folder without blanks needs no ``key.py``.
"""

from __future__ import annotations

from autograder.folders import assignment_file, assignment_module
from autograder.manifest import load_manifest

ANSWER_ATOL = 5e-4
KEY_FILE = "key"  # <id>/key.py


def _module(assignment_id: str):
    return assignment_module(assignment_id, KEY_FILE) if assignment_file(assignment_id, KEY_FILE + ".py") else None


def answer_key(variant: dict) -> dict[str, object]:
    """The expected value of every blank of the variant's assignment (keys: the manifest's blanks)."""
    assignment = variant["assignment"]
    module = _module(assignment)
    key = dict(module.key(variant)) if module is not None else {}
    blanks = load_manifest(assignment).blanks
    if tuple(key) != blanks:
        raise ValueError(f"the key of {assignment} has {list(key)}; the manifest declares blanks {list(blanks)}")
    return key


def blank_form(assignment_id: str, name: str) -> str:
    """The form of a blank's answer: "number", "letter:ABCD" (one of) or "letters:BCD" (a list of)."""
    module = _module(assignment_id)
    return getattr(module, "FORMS", {}).get(name, "number") if module is not None else "number"
