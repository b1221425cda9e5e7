"""``python -m autograder.cli``: the same as the ``deepgrade`` console script."""

from autograder.cli import main

main(prog_name="deepgrade")
