"""The hidden suites' helper library (``_support.py``); the suites themselves live in the assignment
folders, ``templates/<id>/suite.py`` (run by ``autograder.grading.runner``).

They run in the trusted grader, never in a student's process, and are never copied into a bundle.
Conventions (see ``_support.py``):

- every test carries ``@pytest.mark.question(name)`` naming a manifest question; a question's points
  are shared among its tests (``weight=`` to change the share), so a failing test costs only its share;
- fixtures come from ``autograder.grading.plugin`` (``student``, ``variant``, ``hidden_rng``,
  ``manifest``, ``grading``); there is deliberately no conftest.py in an assignment folder;
- inputs are drawn from ``hidden_rng`` (seeded by the hidden seed, which students never see);
- students' functions are called through ``_support.call`` and checked with ``Returned.check`` /
  ``check_answer``: messages give shapes and at most one number per failing output (an order of
  magnitude), never an index or a hidden value; never
  use a bare ``assert`` on hidden data;
- a backward pass gets the cache of the student's own forward, left in their process (``_keep``);
- results are compared with ``reference`` (or, for randomness and training, by their properties), on inputs
  whose right answer is not trivially zero or constant; a property earns credit only once the code is shown
  to do something, and credit that rests on two groups of calls being independent uses ``_support.fresh``.
"""
