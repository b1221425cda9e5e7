"""``deepgrade demo``: a small class, end to end, on the public demo secret.

    generate the class's notebooks -> make their submissions -> grade each assignment in a batch
    (one pool of sandboxed workers for all of them) -> gradebook -> feedback files + CSV -> summary

Everything is written under one folder (default ``demo-out/``)::

    submissions/<assignment>/<student>.ipynb     what each student handed in
    grades.sqlite                                the gradebook
    grades.csv                                   export-grades --format csv
    feedback/<assignment>/<student>.md           what each student reads

See :mod:`autograder.demo.submissions` for the four roles (solution, blank, partly wrong, hostile).
"""

from autograder.demo.run import CLASS, DemoReport, run_demo

__all__ = ["CLASS", "DemoReport", "run_demo"]
