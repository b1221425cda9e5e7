"""Jupytext percent text <-> a list of cells, without importing jupytext (it is slow to import).

    # %% [markdown]            a markdown cell; its lines are commented with "# "
    # # Title
    #
    # %% tags=["skip-grading"]    a code cell with metadata (JSON values)
    check("layer_forward")

Only what our templates use is supported; tests check that jupytext reads our files the same way.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_MARKER = re.compile(r"^# %%(?P<md> \[markdown\])?(?P<meta>.*)$")
_META = re.compile(r'(\w[\w-]*)=(\[[^\]]*\]|"[^"]*"|\S+)')

HEADER = """\
# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---
"""


@dataclass
class Cell:
    cell_type: str  # "code" or "markdown"
    source: str
    metadata: dict = field(default_factory=dict)

    @property
    def tags(self) -> list[str]:
        return list(self.metadata.get("tags", []))


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _uncomment(line: str) -> str:
    if line.startswith("# "):
        return line[2:]
    return line[1:] if line.startswith("#") else line


def parse_percent(text: str) -> list[Cell]:
    """Split percent-format text into cells (anything before the first marker is dropped)."""
    cells: list[Cell] = []
    current: tuple[str, dict, list[str]] | None = None

    def flush() -> None:
        if current is None:
            return
        kind, meta, lines = current
        lines = _trim(lines)
        if kind == "markdown":
            lines = [_uncomment(x) for x in lines]
        cells.append(Cell(kind, "\n".join(lines), meta))

    for line in text.split("\n"):
        m = _MARKER.match(line)
        if m is None:
            if current is not None:
                current[2].append(line)
            continue
        flush()
        meta = {}
        for key, value in _META.findall(m.group("meta")):
            try:
                meta[key] = json.loads(value)
            except json.JSONDecodeError:
                raise ValueError(f"cell marker {line!r}: {key}={value} is not JSON") from None
        current = ("markdown" if m.group("md") else "code", meta, [])
    flush()
    return cells


def write_percent(cells: list[Cell]) -> str:
    """Cells as jupytext percent text, with jupytext's header."""
    parts = [HEADER]
    for cell in cells:
        meta = "".join(f" {k}={json.dumps(v)}" for k, v in cell.metadata.items())
        if cell.cell_type == "markdown":
            marker = f"# %% [markdown]{meta}"
            body = "\n".join(f"# {x}" if x else "#" for x in cell.source.split("\n"))
        else:
            marker = f"# %%{meta}"
            body = cell.source
        parts.append(f"{marker}\n{body}\n" if body else f"{marker}\n")
    return "\n".join(parts)
