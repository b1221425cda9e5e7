"""The dropout assignment's demo submissions (``deepgrade demo``, and ``validate``): the solution, the blank, a
partly wrong one (the engine breaks the first function of the last question with functions, or the first
answer) and a hostile one, which makes the attack named here (``autograder/demo/submissions.py``, ATTACKS)."""

HOSTILE = "flood"
