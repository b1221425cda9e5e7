"""Standalone self-check material copied into every student bundle (numpy only, no deepgrade import).

``deepgrade_check.py`` is copied as is; ``reference/gradcheck.py`` goes beside it as
``deepgrade_gradcheck.py``. Nothing here may import ``autograder`` or hold answers.
"""
