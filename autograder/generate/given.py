"""The given code of an assignment as a small module shipped in its bundle: ``<id>_given.py``.

A notebook used to carry every helper its functions need (``Dims``, activations, token parsing ...)
in its first code cell, ~100-260 lines before the first word about the model. Now that plumbing
lives in ``<id>_given.py`` beside the notebook, copied from its one source (``sources.collect``),
and the notebook's given cell is a few imports::

    import numpy as np
    from mlp_given import ACTIVATIONS, Dims, choice, ...

The module's name carries the assignment (like ``<id>_public.json``) so two assignments can share a
folder. When grading, the grader installs its own copy of this module (``grader_cell``) before the
student's cells run: a student who edits ``<id>_given.py`` changes only their own self-check.
"""

from __future__ import annotations

from functools import cache

from autograder.generate.sources import collect, lookup, module_definitions
from autograder.manifest import Manifest, load_manifest

WIDTH = 100


def module_name(assignment_id: str) -> str:
    """The import name of an assignment's given module, e.g. ``mlp_given``."""
    return f"{assignment_id}_given"


def _module_of(manifest: Manifest, name: str) -> str:
    for module in manifest.reference:
        if name in module_definitions(module):
            return module
    raise ValueError(f"{manifest.id}: no module of {list(manifest.reference)} defines {name!r}")


@cache
def _collected(assignment_id: str):
    manifest = load_manifest(assignment_id)
    requests = [f"{_module_of(manifest, f)}:{f}" for f in manifest.functions] + list(manifest.given)
    return manifest, collect(requests, set(manifest.functions))


@cache
def given_source(assignment_id: str) -> str | None:
    """The text of ``<id>_given.py`` (None when the assignment needs no helper)."""
    manifest, found = _collected(assignment_id)
    if not found.given:
        return None
    head = (f'"""Given code of deepgrade\'s `{assignment_id}` assignment: helpers your notebook imports.\n\n'
            "You may read it; do not edit it. The grader uses its own copy of this file, so a change here\n"
            'changes nothing in your grade (only in your own self-check)."""\n\n'
            "from __future__ import annotations\n")
    imports = "\n".join(found.imports)
    body = "\n\n\n".join(d.source for d in found.given)
    return f"{head}\n{imports}\n\n\n{body}\n"


@cache
def imported_names(assignment_id: str) -> tuple[str, ...]:
    """What the notebook imports from the given module: what the functions students write use
    (their solutions call these) and the helpers the manifest gives on purpose."""
    manifest, found = _collected(assignment_id)
    given = {d.name for d in found.given}
    used = {u for d in found.blanks.values() for u in d.uses} & given
    extra = {lookup(*g.split(":")).name for g in manifest.given}
    return tuple(sorted(used | (extra & given), key=lambda n: (n.startswith("_"), n.lower())))


def _bound_name(import_line: str) -> str:
    """The name an import line binds: ``import numpy as np`` -> np, ``from re import sub`` -> sub."""
    words = import_line.split()
    return words[-1] if "as" in words or words[0] == "from" else words[1].split(".")[0]


def _cell_imports(assignment_id: str) -> list[str]:
    """numpy, and the imports the functions students write use (e.g. ``sp`` for scipy.sparse)."""
    _, found = _collected(assignment_id)
    used = {u for d in found.blanks.values() for u in d.uses}
    return [line for line in found.imports if line == "import numpy as np" or _bound_name(line) in used]


def _wrapped_import(module: str, names: tuple[str, ...]) -> list[str]:
    one = f"from {module} import {', '.join(names)}"
    if len(one) <= WIDTH:
        return [one]
    lines, line = [], f"from {module} import ("
    for i, name in enumerate(names):
        piece = name + ("," if i < len(names) - 1 else ")")
        if len(line) + 1 + len(piece) > WIDTH:
            lines.append(line)
            line = "    " + piece
        else:
            line = line + ("" if line.endswith("(") else " ") + piece
    return [*lines, line]


def given_cell(assignment_id: str) -> str:
    """The notebook's given cell: the imports the student's functions need (empty when none)."""
    manifest, found = _collected(assignment_id)
    if not found.imports and not found.given:
        return ""
    lines = ["# Given code: run this cell, do not change it."]
    names = imported_names(assignment_id)
    if names:
        name = module_name(assignment_id)
        lines += [f"# The helpers below live in {name}.py beside this notebook; read it if you are curious.",
                  f"# The grader uses its own copy of {name}.py: editing yours changes nothing in your grade."]
    lines += _cell_imports(assignment_id)
    if names:
        lines += _wrapped_import(module_name(assignment_id), names)
    return '# %% tags=["given"]\n' + "\n".join(lines) + "\n"


def grader_cell(assignment_id: str) -> str | None:
    """Source of a cell that installs the grader's copy of the given module in ``sys.modules``.

    Run first in the student's process, before any of their cells, so ``import <id>_given`` finds this
    copy and never a file of the student's. The module's text is a literal of the cell, read here on the
    trusted side.
    """
    source = given_source(assignment_id)
    if source is None:
        return None
    name = module_name(assignment_id)
    return "\n".join([
        "import sys as _dg_sys, types as _dg_types",
        f"_dg_module = _dg_types.ModuleType({name!r})",
        f"_dg_module.__file__ = {name + '.py'!r}",
        f"_dg_sys.modules[{name!r}] = _dg_module",
        f"exec(compile({source!r}, {name + '.py'!r}, 'exec'), _dg_module.__dict__)",
        "del _dg_sys, _dg_types, _dg_module",
        "",
    ])
