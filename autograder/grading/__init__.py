"""Grading: hidden pytest suites compare a student's functions with the reference, then score.

    from autograder.grading import grade_submission
    result = grade_submission("alice/mlp.ipynb", "mlp", "alice", secret)
    result["score"], result["max_score"], result["tests"]

Modules, top-down: ``engine`` (grade one submission), ``runner`` (run a hidden suite in pytest,
isolated), ``plugin`` (fixtures, the ``question`` marker, outcomes), ``compare`` (trusted
comparisons), ``feedback`` (messages without hidden values), ``score`` (points from the manifest),
``formats`` (Gradescope and PrairieLearn results files).
"""

__all__ = ["grade_submission"]


def __getattr__(name):
    """``grade_submission`` on first use: the engine imports pytest (~0.1 s), which ``formats`` or ``text``
    alone do not need (a one-shot grader on Gradescope starts its sandbox meanwhile)."""
    if name == "grade_submission":
        from autograder.grading.engine import grade_submission

        return grade_submission
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
