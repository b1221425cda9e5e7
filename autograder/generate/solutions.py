"""The two outputs of one rendering: the student version and the solution version.

A rendered notebook marks solution code and student-only code::

    ### BEGIN SOLUTION            ### BEGIN STUDENT
    ...solution...                z = None
    ### END SOLUTION              ### END STUDENT

``clear_solutions`` (students) replaces each solution region by ``# YOUR CODE HERE`` and
``raise NotImplementedError()`` at the marker's indentation and keeps student regions;
``strip_markers`` (solutions) keeps solution regions and drops student ones.
"""

from __future__ import annotations

from autograder.generate.blanks import BEGIN, END
from autograder.generate.cells import Cell

BEGIN_STUDENT = "### BEGIN STUDENT"
END_STUDENT = "### END STUDENT"


def _regions(source: str, keep_solution: bool) -> str:
    out: list[str] = []
    mode = None  # None, "solution" or "student"
    for n, line in enumerate(source.split("\n"), 1):
        marker = line.strip()
        indent = line[: len(line) - len(line.lstrip())]
        if marker in (BEGIN, BEGIN_STUDENT):
            if mode is not None:
                raise ValueError(f"line {n}: {marker} inside another marked region")
            mode = "solution" if marker == BEGIN else "student"
            if mode == "solution" and not keep_solution:
                out += [f"{indent}# YOUR CODE HERE", f"{indent}raise NotImplementedError()"]
            continue
        if marker in (END, END_STUDENT):
            if mode != ("solution" if marker == END else "student"):
                raise ValueError(f"line {n}: {marker} without its BEGIN")
            mode = None
            continue
        if mode is None or (mode == "solution") == keep_solution:
            out.append(line)
    if mode is not None:
        raise ValueError(f"a {mode} region is not closed")
    return "\n".join(out)


def clear_solutions(cells: list[Cell]) -> list[Cell]:
    """The student version: solution regions become stubs."""
    return [Cell(c.cell_type, _regions(c.source, False), c.metadata) if c.cell_type == "code" else c
            for c in cells]


def strip_markers(cells: list[Cell]) -> list[Cell]:
    """The solution version: solution regions stay (without markers), student regions go."""
    return [Cell(c.cell_type, _regions(c.source, True), c.metadata) if c.cell_type == "code" else c
            for c in cells]
