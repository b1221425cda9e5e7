"""Generation of per-student assignment bundles, as a pipeline of small named steps.

- ``render``: jinja2 template + variant -> jupytext percent text, solutions between markers
  (``blanks`` turns a reference function into a marked blank; ``sources`` copies given helpers)
- ``cells``: percent text <-> cells; ``solutions``: the student and solution versions of the cells
- ``notebook``: cells -> a validated nbformat v4 notebook
- ``public``: the public self-check forms and helpers; each assignment folder's ``public.py`` builds its checks
- ``bundle``: the steps in order, for one student; ``roster``: a class list; ``defaults``: the demo
  variant kept in ``assignments/`` and ``solutions/``
"""
