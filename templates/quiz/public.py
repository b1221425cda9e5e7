"""Public self-check of the ``quiz`` assignment: fixed inputs (from the public seed) and the reference's
outputs on them, sized by the student's variant. ``checks(variant)`` returns one list of checks per
function (and per question with blanks); see ``autograder/generate/public.py`` for the check forms."""

from __future__ import annotations

from autograder.generate.public import answer_checks


def checks(variant: dict) -> dict:
    return answer_checks(variant["assignment"])
