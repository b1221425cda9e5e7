"""Cells -> an nbformat v4 notebook (a plain dict), validated, and its JSON text.

The dict is built directly (cheap) and checked with ``nbformat.validate``; nbformat is imported
once per process, on first use, since importing it costs a second or two.
"""

from __future__ import annotations

import json
from functools import cache

from autograder.generate.cells import Cell

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def to_notebook(cells: list[Cell], metadata: dict, id_prefix: str) -> dict:
    """An nbformat 4.5 notebook; cell ids are ``<id_prefix>-<n>`` so regeneration is byte-identical."""
    nb_cells = []
    for i, c in enumerate(cells):
        cell = {"cell_type": c.cell_type, "id": f"{id_prefix}-{i:02d}", "metadata": dict(c.metadata),
                "source": c.source}
        if c.cell_type == "code":
            cell.update(execution_count=None, outputs=[])
        nb_cells.append(cell)
    return {
        "cells": nb_cells,
        "metadata": {"kernelspec": KERNELSPEC,
                     "language_info": {"name": "python"},
                     **metadata},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@cache
def _nbformat():
    import nbformat

    return nbformat


def validate(nb: dict) -> None:
    """Raise ValueError if ``nb`` is not a valid nbformat v4 notebook."""
    nbformat = _nbformat()
    try:
        nbformat.validate(nb, version=4)
    except nbformat.ValidationError as exc:
        raise ValueError(f"generated notebook is not valid nbformat v4: {exc.message}") from None


def dumps(nb: dict) -> str:
    """The notebook's JSON as Jupyter writes it (indent 1, sorted keys, a final newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
