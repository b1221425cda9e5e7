"""The minnorm assignment's demo submissions (``deepgrade demo`` and ``validate``): the solution, the blank, a
partly wrong one (its ridge_solution a little off) and a hostile one."""

HOSTILE = "liar"  # the hostile submission's attack (autograder/demo/submissions.py, ATTACKS)
BREAK = "ridge_solution"  # the function the partly wrong submission breaks: it loses the ridge points only
