"""Read a notebook's text into the cells to run -- INSIDE the sandbox, never in the grader.

A notebook is untrusted bytes: ``json.loads`` and ``ast.parse`` recurse, IPython's
transformers can take minutes on a cell of many ``!shell`` lines, and nbformat's
validator walks the whole document. So this module is shipped into the sandbox
with the child (see ``runner.SHIPPED``) and runs in a loader process forked from
the zygote, under the same time, memory and output limits as student code
(``process.parse_notebook``); the grader only reads the bounded reply.

``parse_notebook(text)`` returns ``{"cells": [[index, source], ...], "notes": [...],
"metadata": {...}}``: the code cells in order (``index`` is the cell's position in
the notebook, markdown cells included), cells tagged ``skip-grading`` left out,
IPython magics and ``!shell`` lines neutralized (``transform.neutralize``).
A notebook that cannot be graded raises ``NotebookError`` with a message for the
student (the grader prefixes the file name).
"""

from __future__ import annotations

import json
import warnings as _warnings

from .transform import neutralize

SKIP_TAG = "skip-grading"


class NotebookError(ValueError):
    """The text is not a notebook we can grade; the message says why, in plain words."""


def skipped_note(indices: list[int]) -> list[str]:
    """One note for all cells tagged skip-grading (self-checks, demonstrations)."""
    if not indices:
        return []
    word = "cell" if len(indices) == 1 else "cells"
    return [f"{word} {', '.join(map(str, indices))}: tagged {SKIP_TAG}, not run"]


def _checked_structure(text: str) -> dict:
    try:
        raw = json.loads(text)
    except RecursionError:
        raise NotebookError("is nested too deeply to be a notebook; the notebook file is corrupt") from None
    except ValueError as exc:
        raise NotebookError(f"is not valid JSON ({exc}); the notebook file is corrupt") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise NotebookError("is JSON but not a Jupyter notebook (it has no list of 'cells')")
    if raw.get("nbformat") != 4:
        version = raw.get("nbformat")
        shown = repr(version) if isinstance(version, (int, float, str, type(None))) else "unknown"
        raise NotebookError(
            f"is a notebook of format version {shown[:20]}; only version 4 notebooks are accepted "
            "(open it in a current Jupyter and save it again)"
        )
    return raw


MAX_METADATA_ITEM = 64 << 10  # JSON bytes of one top-level metadata entry the loader passes on
MAX_METADATA_DEPTH = 16


def _depth(value) -> int:
    """Nesting depth of a JSON value, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def _plain_metadata(meta) -> dict:
    """The notebook's small top-level metadata entries (string keys; widget state and other bulky entries
    are dropped: the grader needs only a few fields, and replies are bounded)."""
    if not isinstance(meta, dict):
        return {}
    kept = {}
    for key, value in meta.items():
        try:
            size = len(json.dumps(value))
        except (TypeError, ValueError, RecursionError):
            continue
        if isinstance(key, str) and size <= MAX_METADATA_ITEM and _depth(value) <= MAX_METADATA_DEPTH:
            kept[key] = value
    return kept


def parse_notebook(text: str) -> dict:
    """Cells, notes and metadata of the notebook ``text`` (see the module docstring)."""
    _checked_structure(text)
    import nbformat

    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except RecursionError:
        raise NotebookError("is nested too deeply to be a notebook") from None
    except Exception as exc:
        raise NotebookError(f"nbformat could not read this notebook ({type(exc).__name__}: {exc})") from None
    notes: list[str] = []
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        try:
            nbformat.validate(nb)
        except Exception as exc:
            first = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            notes.append(f"the notebook does not follow the nbformat schema ({first}); grading it anyway")
    cells, skipped = [], []
    for index, cell in enumerate(nb.cells):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(s) for s in source)
        if not isinstance(source, str):
            notes.append(f"cell {index}: its source is not text; skipped")
            continue
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tags = metadata.get("tags") or []
        if isinstance(tags, list) and SKIP_TAG in tags:
            skipped.append(index)
            continue
        try:
            source, cell_notes = neutralize(source)
        except (RecursionError, MemoryError):
            notes.append(f"cell {index}: nested too deeply to be read; not run")
            continue
        notes.extend(f"cell {index}: {note}" for note in cell_notes)
        if source.strip():
            cells.append([index, source])
    notes.extend(skipped_note(skipped))
    if not cells:
        notes.append("the notebook has no code cells to run")
    return {"cells": cells, "notes": notes, "metadata": _plain_metadata(nb.get("metadata"))}


_WARM_UP = json.dumps({
    "cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
               "source": "%matplotlib inline\n!ls\nx = 1"}],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
})


def warm_up() -> None:
    """Read one small notebook with a magic, in the zygote before any fork: what nbformat and IPython
    build lazily (schema validators, the transformer manager) is then shared by every loader process."""
    try:
        parse_notebook(_WARM_UP)
    except Exception:  # nbformat or IPython missing: .py submissions still grade
        pass
