"""Grading: hidden pytest suites compare a student's functions with the reference, then score.

    from autograder.grading import grade_submission
    result = grade_submission("alice/rnn.ipynb", "rnn", "alice", secret)
    result["score"], result["max_score"], result["tests"]

Modules, top-down: ``engine`` (grade one submission), ``runner`` (run a hidden suite in pytest,
isolated), ``plugin`` (fixtures, the ``question`` marker, outcomes), ``compare`` (trusted
comparisons), ``feedback`` (messages without hidden values), ``score`` (points from the manifest),
``formats`` (Gradescope and PrairieLearn results files).
"""

from autograder.grading.engine import grade_submission

__all__ = ["grade_submission"]
