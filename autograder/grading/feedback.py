"""Feedback messages for students: what was called, what differs, and a hint.

A message names the function and the *shapes* of the arguments it was called with, never their
values: hidden inputs and expected values stay in the grader. Scalars show only their type
(``L: int``); strings, which are never hidden data here, are shown as such when short. What the
student's code said (an exception message, a cell's error) is cleaned of control characters
(:func:`autograder.grading.text.clean`) before it enters a message.
"""

from __future__ import annotations

import numpy as np

from autograder.grading.compare import Comparison, type_name
from autograder.grading.text import clean


def describe_value(value) -> str:
    """A value's shape or type, never its contents: ``(4, 3)``, ``int``, ``list of 3``."""
    if isinstance(value, np.ndarray):
        return str(tuple(value.shape))
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, str):
        return "str"
    if isinstance(value, dict):
        return f"dict of {len(value)}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}"
    if value is None:
        return "None"
    return type_name(value).split(" ", 1)[1]


def describe_call(function: str, args: dict) -> str:
    """``layer_forward(x: (4, 3), h_prev: (4, 5), ...)``; ``args`` maps names to values in call order."""
    parts = []
    for name, value in args.items():
        label = getattr(value, "label", None)  # an argument that describes itself (e.g. "your cache")
        parts.append(f"{name}: {label if isinstance(label, str) else describe_value(value)}")
    return f"{function}({', '.join(parts)})"


def mismatch(call: str, comparison: Comparison, hint: str = "") -> str:
    """Message for a returned value that differs from the reference (``comparison.problem`` names it)."""
    lines = [f"Called {call}.", f"{comparison.problem}."]
    hints = [h for h in (comparison.hint, hint) if h]
    if hints:
        lines.append("Hint: " + "; ".join(hints) + ".")
    return "\n".join(lines)


def property_failure(call: str, problem: str, hint: str = "") -> str:
    """Message for a property check (a random drop mask, a partition of indices, ...)."""
    lines = [f"Called {call}.", problem.rstrip(".") + "."]
    if hint:
        lines.append("Hint: " + hint.rstrip(".") + ".")
    return "\n".join(lines)


def defining_cell(cells, name: str) -> int | None:
    """Index of the last code cell whose source defines ``name`` (``def name(`` or ``name =``).

    A linear scan of the lines (the cells are the student's: a regex such as ``^\\s*...`` with
    MULTILINE would be quadratic on a cell of blank lines).
    """
    from autograder.sandbox.process import defines

    found = None
    for i, cell in enumerate(cells or ()):
        source = getattr(cell, "source", cell if isinstance(cell, str) else "")
        if isinstance(source, str) and defines(source, name):
            found = i
    return found


def missing_name(name: str, kind: str, cell_index: int | None, cell_error: str | None) -> str:
    """``layer_forward is not defined -- did the cell that defines it run? (cell 5 raised ...)``."""
    thing = "function" if kind == "function" else "answer"
    msg = f"{name} is not defined -- did the cell that defines it run?"
    cell_error = clean(cell_error).strip()
    if cell_index is not None and cell_error:
        msg += f" (cell {cell_index} raised {cell_error})"
    elif cell_index is None:
        msg += f" (no cell of your submission defines this {thing}; keep the name from the template)"
    return msg


def student_raised(call: str, kind: str, message: str) -> str:
    """Message for a call that raised, timed out or crashed in the student's process."""
    what = {
        "exception": "raised an exception",
        "timeout": "ran past its time limit and was stopped",
        "crash": "crashed the process running your code",
        "bad_value": "returned a value that cannot be graded",
        "output_limit": "printed more output than allowed",
        "stale_handle": "could not be given back an object from an earlier run (your process had crashed)",
    }.get(kind, kind)
    message = clean(message).strip()
    if kind == "bad_value" and message.startswith("returned "):
        message = message[len("returned "):]
    if len(message) > 1500:
        message = message[:1500] + " ..."
    hint = {
        "timeout": "look for an infinite loop or a much slower algorithm than needed",
        "bad_value": "return numpy arrays, numbers, strings, lists, tuples or dicts of those",
        "output_limit": "remove print statements from the graded functions",
    }.get(kind, "")
    if message.startswith("NotImplementedError"):
        hint = "replace `raise NotImplementedError()` with your code"
    lines = [f"Called {call}.", f"Your code {what}" + (f": {message}" if message else ".")]
    if hint:
        lines.append(f"Hint: {hint}.")
    return "\n".join(lines)
