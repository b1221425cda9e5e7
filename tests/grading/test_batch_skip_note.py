"""Is the loader's note on skip-grading cells said once per batch, not counted as a warning on every row?"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from autograder.batch.runner import BatchReport, Outcome
from autograder.batch.view import BatchView


def test_skip_grading_note_once_per_batch():
    """Three rows with the note (one with a real warning too): one note line, and only the real warning counted."""
    note = "cells 5, 7, 9: tagged skip-grading, not run"
    outcomes = [Outcome("ann", "ann.ipynb", "graded", 11, 11, (note,)),
                Outcome("bob", "bob.ipynb", "graded", 11, 11, ("cell 1 raised cell 1: tagged skip-grading, not run",
                                                                    note)),
                Outcome("cy", "cy.ipynb", "graded", 11, 11, ("cell 3: tagged skip-grading, not run",))]
    console = Console(record=True, width=200)
    BatchView("rnn", console).summary(BatchReport("rnn", Path("g.sqlite"), outcomes))
    text = console.export_text()
    assert text.count("warning(s)") == 1 and "1 warning(s)" in text  # bob's cell error, not the note
    assert text.count("tagged skip-grading") == 1
    assert "3 submission(s) have cells tagged skip-grading" in text and "as intended" in text
