"""The quiz assignment's demo submissions (``deepgrade demo``, and ``validate``): the solution, the blank, a
partly wrong one (the engine breaks the first function of the last question with functions, or the first
answer) and a hostile one, which makes the attack named here (``autograder/demo/submissions.py``, ATTACKS)."""

HOSTILE = "sys_exit"

# The partly wrong submission changes the loss R (forward question). Not z: where the ReLU is off, a
# backward answer of 0 earns its points only with z right (suite.py), so a wrong z costs points there too.
BREAK = "R"
