"""The answer key of the quiz: z, a, yhat, R, dR_dbeta, dR_dw, w_new, beta_new (floats, from
``reference.scalar_net.scalar_quiz_answers``) and one option letter per concept question, for the options in
the order the student's notebook shows them (``concepts.toml`` beside this file; trusted, never in a bundle).
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from autograder.manifest import load_manifest

LETTERS = "ABCD"
BANK = Path(__file__).with_name("concepts.toml")


def concepts() -> dict[str, int]:
    """The concept questions in notebook order, each with its number of options (the manifest's
    ``[variant_orders.option_order]``)."""
    return load_manifest("quiz").variant_orders["option_order"]


FORMS = {c: "letter:" + LETTERS for c in concepts()}


@cache
def concept_bank() -> dict[str, dict]:
    """The concept questions: prompt, options (bank order) and the index of the correct one."""
    with open(BANK, "rb") as fh:
        bank = tomllib.load(fh)
    if list(bank) != list(concepts()):
        raise ValueError(f"concepts.toml has questions {list(bank)}; expected {list(concepts())}")
    for name, q in bank.items():
        n = concepts()[name]
        if len(q["options"]) != n or not 0 <= q["correct"] < n:
            raise ValueError(f"concepts.toml [{name}] needs {n} options and a correct index in range")
    return bank


def concept_text(variant: dict, concept: str) -> str:
    """A concept question as the notebook shows it: the prompt, the options in the variant's order, the
    answer's name (markdown; the template's ``markdown`` turns it into comment lines)."""
    item, order = concept_bank()[concept], variant["option_order"][concept]
    lines = [item["prompt"], ""] + [f"- **{LETTERS[i]}.** {item['options'][j]}" for i, j in enumerate(order)]
    return "\n".join([*lines, "", f"Answer: `{concept}`"])


def concept_letter(variant: dict, concept: str) -> str:
    """The letter under which the correct option of ``concept`` appears for this variant."""
    order = variant["option_order"][concept]
    return LETTERS[order.index(concept_bank()[concept]["correct"])]


def key(variant: dict) -> dict[str, object]:
    from reference.scalar_net import scalar_quiz_answers

    answers: dict[str, object] = dict(scalar_quiz_answers(*(variant[k] for k in ("x", "y", "w", "beta", "rho"))))
    for c in concepts():
        answers[c] = concept_letter(variant, c)
    return answers
