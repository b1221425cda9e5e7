"""What every export format provides, and the registry that finds them.

A format is a module of this package that defines ``EXPORTER``: an object with

- ``name``: the ``--format`` value, e.g. ``"prairielearn"``;
- ``summary``: one line for ``deepgrade export --help``;
- ``settings``: the format's own options (:class:`Setting`), which become ``--NAME`` options of the command;
- ``export(job) -> list[Path]``: write the platform's files under ``job.out``; return what it wrote.

Formats read points, questions and variants from the manifests and the generator like every other part of
deepgrade, and never copy the course secret anywhere a student's code or browser could read it.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Setting:
    """One option of a format: ``--<name>`` on the command line (dashes for underscores)."""

    name: str  # python name, e.g. "variants"
    type: type  # int, float or str
    default: object
    help: str


@dataclass(frozen=True)
class ExportJob:
    """One export: which assignment, where to, with which secret and settings (defaults filled in)."""

    assignment: str
    out: Path
    secret: bytes
    demo: bool = False
    settings: dict[str, object] = field(default_factory=dict)


class Exporter(Protocol):
    name: str
    summary: str
    settings: tuple[Setting, ...]

    def export(self, job: ExportJob) -> list[Path]: ...


class ExportError(Exception):
    """The export cannot be made; the message names the argument or file at fault."""


def exporters() -> dict[str, Exporter]:
    """Every format of this package, by name (modules defining ``EXPORTER``), sorted by name."""
    import autograder.export as package

    found: dict[str, Exporter] = {}
    for mod in pkgutil.iter_modules(package.__path__):
        if mod.name.startswith("_") or mod.name == "base":
            continue
        exporter = getattr(importlib.import_module(f"{package.__name__}.{mod.name}"), "EXPORTER", None)
        if exporter is not None:
            found[exporter.name] = exporter
    return dict(sorted(found.items()))


def settings_for(exporter: Exporter, given: dict[str, object]) -> dict[str, object]:
    """``exporter``'s settings: the values in ``given`` (None = not given), else the defaults.

    Raises ExportError when ``given`` sets an option this format does not take.
    """
    own = {s.name: s for s in exporter.settings}
    foreign = sorted(k for k, v in given.items() if v is not None and k not in own)
    if foreign:
        names = ", ".join("--" + k.replace("_", "-") for k in foreign)
        takes = ", ".join("--" + k.replace("_", "-") for k in own) or "no options of its own"
        raise ExportError(f"--format {exporter.name} does not take {names} (it takes {takes})")
    return {k: given[k] if given.get(k) is not None else s.default for k, s in own.items()}


def prepare_out(out: Path, force: bool) -> Path:
    """``out`` made ready to write into: created when missing; an existing non-empty folder only with
    ``force`` (its files are overwritten, none is deleted)."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ExportError(f"--out {out} already exists and is not empty; use --force to write into it")
    out.mkdir(parents=True, exist_ok=True)
    return out


def write(path: Path, data: bytes | str, mode: int = 0o644) -> Path:
    """Write one file of an export (parents created), with permission bits ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    path.chmod(mode)
    return path
