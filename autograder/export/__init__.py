"""``deepgrade export ID --format F --out DIR``: an assignment packaged for the platform a course grades on.

One module per format, each defining ``EXPORTER`` (see :mod:`autograder.export.base`); adding a format is
adding a module. The command line (``autograder/cli/export.py``) knows no format by name.
"""
