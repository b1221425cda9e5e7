"""One student's bundle, built as a pipeline of small named steps (nbgrader-preprocessor style).

    variant -> render (jinja2, solutions marked) -> parse_percent -> cells
    cells -> clear_solutions -> to_notebook -> validate -> ID.ipynb + ID.py     (the student version)
    cells -> strip_markers   -> to_notebook -> validate -> ID.ipynb + ID.py     (the solution version)
    variant -> build_public -> ID_public.json; + ID_given.py (the given helpers), deepgrade_check.py,
    deepgrade_gradcheck.py, and the files its folder's ``files.py`` adds (data the notebook reads)

One rendering, two outputs (otter-assign style): the versions cannot drift apart.
A bundle holds no secret, no hidden seed, no concept key and no solution body (tests scan for them).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from autograder.folders import assignment_file, assignment_module
from autograder.generate.cells import Cell, parse_percent, write_percent
from autograder.generate.given import given_source, module_name
from autograder.generate.notebook import dumps, to_notebook, validate
from autograder.generate.public import build_public
from autograder.generate.render import render
from autograder.generate.solutions import clear_solutions, strip_markers
from autograder.manifest import load_manifest
from autograder.variants import variant as make_variant

STUDENT_STEPS: tuple[Callable[[list[Cell]], list[Cell]], ...] = (clear_solutions,)
SOLUTION_STEPS: tuple[Callable[[list[Cell]], list[Cell]], ...] = (strip_markers,)


FILES_HOOK = "files"  # <id>/files.py: files() -> {name: bytes}, data every bundle of the assignment carries


@dataclass
class Bundle:
    assignment: str
    student: str
    files: dict[str, bytes]  # the student version
    solution_files: dict[str, bytes] | None = None


@cache
def _support_files() -> dict[str, bytes]:
    import autograder.selfcheck
    import reference.gradcheck

    here = Path(autograder.selfcheck.__file__).parent
    gradcheck = Path(reference.gradcheck.__file__).read_bytes()
    return {"deepgrade_check.py": (here / "deepgrade_check.py").read_bytes(),
            "deepgrade_submit.py": (here / "deepgrade_submit.py").read_bytes(),
            "deepgrade_gradcheck.py": gradcheck}


@cache
def assignment_files(assignment_id: str) -> dict[str, bytes]:
    """Files of every bundle of one assignment: its given module, and what its folder's ``files.py`` adds."""
    files = {}
    source = given_source(assignment_id)
    if source is not None:
        files[f"{module_name(assignment_id)}.py"] = source.encode("utf-8")
    if assignment_file(assignment_id, f"{FILES_HOOK}.py") is not None:
        files.update(assignment_module(assignment_id, FILES_HOOK).files())
    return files


def public_variant(variant: dict) -> dict:
    """The variant as a student may see it: without the orders its manifest's ``[variant_orders]`` draws
    (trusted: a concept question's option order would give its answer away)."""
    hidden = load_manifest(variant["assignment"]).variant_orders
    return {k: v for k, v in variant.items() if k not in hidden}


def _version(cells: list[Cell], steps, variant: dict, kind: str) -> dict[str, bytes]:
    for step in steps:
        cells = step(cells)
    a = variant["assignment"]
    meta = {"deepgrade": {"assignment": a, "student": variant["student"], "version": kind,
                          "variant": public_variant(variant)}}
    nb = to_notebook(cells, meta, a)
    validate(nb)
    return {f"{a}.ipynb": dumps(nb).encode("utf-8"), f"{a}.py": write_percent(cells).encode("utf-8")}


def build_bundle(assignment_id: str, student_id: str, secret: bytes, solutions: bool = False) -> Bundle:
    """The files of one student's bundle (and of its solution version when ``solutions``)."""
    manifest = load_manifest(assignment_id)
    variant = make_variant(assignment_id, student_id, secret)
    cells = parse_percent(render(manifest, variant))
    public = json.dumps(build_public(manifest, variant), separators=(",", ":")) + "\n"
    shared = {**_support_files(), **assignment_files(assignment_id),
              f"{assignment_id}_public.json": public.encode("utf-8")}
    files = {**_version(cells, STUDENT_STEPS, variant, "student"), **shared}
    sol = {**_version(cells, SOLUTION_STEPS, variant, "solution"), **shared} if solutions else None
    return Bundle(assignment_id, student_id, files, sol)


def check_writable(folder: Path, force: bool) -> None:
    """Refuse to write into an existing, non-empty folder unless ``force`` (a student's edits live there)."""
    if folder.exists() and not folder.is_dir():
        raise FileExistsError(f"{folder} exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise FileExistsError(f"{folder} already exists and is not empty; use --force to overwrite it")


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
