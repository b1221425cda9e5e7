"""Batch grading: a folder of submissions, graded by a pool of sandboxed workers into the gradebook.

Top-down: :func:`~autograder.batch.layout.scan` finds one submission per student id,
:func:`~autograder.batch.runner.run_batch` skips what the gradebook already holds, a
:class:`~autograder.batch.pool.WorkerPool` grades the rest, and each grade is recorded as it arrives.
"""

from autograder.batch.layout import Entry, Layout, scan
from autograder.batch.pool import PoolError, WorkerPool
from autograder.batch.runner import BatchReport, Outcome, grader_version, run_batch

__all__ = [
    "BatchReport", "Entry", "Layout", "Outcome", "PoolError", "WorkerPool", "grader_version", "run_batch",
    "scan",
]  # fmt: skip
