"""Scoring: the manifest's points per question, shared among that question's hidden tests.

Each hidden test is marked with the question it belongs to and an optional weight (default 1). A
question's points are split among its tests in proportion to their weights, and a test earns its
share only when it passes -- so a failing test costs exactly its share of one question and nothing
elsewhere. A question that no test covers (a grader-side omission) earns nothing and is listed as
an ``error`` so that it cannot go unnoticed.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.manifest import Manifest


@dataclass(frozen=True)
class TestOutcome:
    """One hidden test's result. ``status`` is ``passed``, ``failed`` (wrong result) or ``error``
    (the student's code raised, timed out or crashed, or the test could not run)."""

    __test__ = False  # not a pytest test class

    name: str
    question: str
    weight: float
    status: str
    output: str


def _round(x: float) -> float:
    return round(float(x), 6)


def score(manifest: Manifest, outcomes: list[TestOutcome]) -> dict:
    """Points per test and per question.

    Returns a dict with ``tests`` (list of {name, question, score, max_score, status, output}, in the
    suite's order), ``questions`` ({name: {title, score, max_score}}, in manifest order), ``score``
    and ``max_score``.
    """
    known = {q.name for q in manifest.questions}
    for o in outcomes:
        if o.question not in known:
            raise ValueError(f"test {o.name!r} is marked with question {o.question!r}, which assignment "
                             f"{manifest.id!r} does not declare; known: {', '.join(sorted(known))}")
    tests = []
    questions = {}
    for q in manifest.questions:
        mine = [o for o in outcomes if o.question == q.name]
        total_weight = sum(o.weight for o in mine)
        earned = 0.0
        if not mine:
            tests.append({
                "name": f"{q.name} (not graded)", "question": q.name, "score": 0.0, "max_score": q.points,
                "status": "error", "output": "No hidden test covers this question; please tell your instructor.",
            })  # fmt: skip
        for o in mine:
            share = q.points * o.weight / total_weight
            got = share if o.status == "passed" else 0.0
            earned += got
            tests.append({"name": o.name, "question": q.name, "score": _round(got), "max_score": _round(share),
                          "status": o.status, "output": o.output})
        questions[q.name] = {"title": q.title, "score": _round(earned), "max_score": q.points}
    order = {o.name: i for i, o in enumerate(outcomes)}
    tests.sort(key=lambda t: order.get(t["name"], -1))
    total = _round(sum(v["score"] for v in questions.values()))
    return {"tests": tests, "questions": questions, "score": total, "max_score": manifest.max_score}


def all_failed(manifest: Manifest, message: str) -> dict:
    """The score of a submission that could not be graded at all: every question failed, 0 points."""
    outcomes = [TestOutcome(f"{q.name}: not graded", q.name, 1.0, "error", message) for q in manifest.questions]
    return score(manifest, outcomes)
