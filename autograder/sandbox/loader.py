"""Load a submission (a .ipynb notebook or a .py file) into the cells the sandbox will run.

A notebook's code cells are kept in order (``Cell.index`` is the cell's position
in the notebook, markdown cells included, counted from 0); cells tagged
``skip-grading`` are left out, and IPython magics and ``!shell`` lines are made
harmless by ``transform.neutralize``. A ``.py`` file is split on ``# %%``
markers (jupytext's percent format; ``# %% [markdown]`` chunks and chunks tagged
``skip-grading`` are left out), or is one cell. Anything we cannot read raises
``SubmissionError`` with a message that names the file and what was expected.
"""

from __future__ import annotations

import json
import re
import warnings as _warnings
from dataclasses import dataclass, field
from pathlib import Path

from .transform import neutralize

MAX_SUBMISSION_BYTES = 10_000_000
SKIP_TAG = "skip-grading"
SUFFIXES = (".ipynb", ".py")
_MARKER = re.compile(r"^#\s?%%(?P<rest>.*)$")


class SubmissionError(ValueError):
    """A submission file that cannot be graded; the message names the file."""


@dataclass(frozen=True)
class Cell:
    index: int
    source: str


@dataclass
class Submission:
    path: Path
    cells: list[Cell]
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def load_submission(path, *, max_bytes: int = MAX_SUBMISSION_BYTES) -> Submission:
    """Read ``path`` (.ipynb or .py) into a ``Submission``; raises ``SubmissionError``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        got = f"'{path.suffix}'" if path.suffix else "no extension"
        raise SubmissionError(f"{path}: expected a Jupyter notebook (.ipynb) or a Python file (.py), got {got}")
    if not path.exists():
        raise SubmissionError(f"{path}: no such file")
    if not path.is_file():
        raise SubmissionError(f"{path}: is not a regular file")
    with open(path, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise SubmissionError(
            f"{path}: is larger than the limit of {max_bytes / 1e6:g} MB "
            "(clear the notebook's outputs and submit again)"
        )
    if not data.strip():
        raise SubmissionError(f"{path}: is empty")
    if b"\x00" in data:
        raise SubmissionError(f"{path}: contains NUL bytes, so it is a binary file (or UTF-16 text), not a notebook or Python source")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionError(
            f"{path}: is not valid UTF-8 (byte {exc.start} is {data[exc.start:exc.start + 1]!r}); save it as UTF-8"
        ) from None
    if suffix == ".ipynb":
        return _load_notebook(path, text)
    return _load_script(path, text)


def _load_notebook(path: Path, text: str) -> Submission:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise SubmissionError(f"{path}: is not valid JSON ({exc}); the notebook file is corrupt") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise SubmissionError(f"{path}: is JSON but not a Jupyter notebook (it has no list of 'cells')")
    if raw.get("nbformat") != 4:
        raise SubmissionError(
            f"{path}: is a notebook of format version {raw.get('nbformat')!r}; only version 4 notebooks "
            "are accepted (open it in a current Jupyter and save it again)"
        )
    import nbformat

    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    except Exception as exc:
        raise SubmissionError(f"{path}: nbformat could not read this notebook ({type(exc).__name__}: {exc})") from None
    notes: list[str] = []
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        try:
            nbformat.validate(nb)
        except Exception as exc:
            notes.append(f"the notebook does not follow the nbformat schema ({str(exc).splitlines()[0][:200]}); grading it anyway")
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
        source, cell_notes = neutralize(source)
        notes.extend(f"cell {index}: {note}" for note in cell_notes)
        if source.strip():
            cells.append(Cell(index, source))
    notes.extend(_skipped_note(skipped))
    if not cells:
        notes.append("the notebook has no code cells to run")
    metadata = dict(nb.metadata) if isinstance(nb.get("metadata"), dict) else {}
    return Submission(path, cells, metadata, notes)


def _load_script(path: Path, text: str) -> Submission:
    chunks: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines(keepends=True):
        m = _MARKER.match(line.rstrip("\r\n"))
        if m:
            chunks.append((m.group("rest"), []))
        else:
            chunks[-1][1].append(line)
    if len(chunks) > 1 and not "".join(chunks[0][1]).strip():
        chunks = chunks[1:]
    cells, notes, skipped = [], [], []
    for index, (header, lines) in enumerate(chunks):
        header = header.strip()
        if header.startswith(("[markdown]", "[md]")):
            continue
        if SKIP_TAG in header and "tags" in header:
            skipped.append(index)
            continue
        source = "".join(lines)
        if source.strip():
            cells.append(Cell(index, source))
    notes.extend(_skipped_note(skipped))
    return Submission(path, cells, {}, notes)


def _skipped_note(indices: list[int]) -> list[str]:
    """One note for all cells tagged skip-grading (self-checks, demonstrations)."""
    if not indices:
        return []
    word = "cell" if len(indices) == 1 else "cells"
    return [f"{word} {', '.join(map(str, indices))}: tagged {SKIP_TAG}, not run"]
