"""Former name of :mod:`autograder.answer_key`, kept only while work in flight still imports it (issue 11):
import ``answer_key`` from there instead. The keys live in the assignment folders (``<id>/key.py``)."""

from autograder.answer_key import ANSWER_ATOL, answer_key

quiz_key = answer_key
__all__ = ["ANSWER_ATOL", "quiz_key"]
