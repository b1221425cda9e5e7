"""Read top-level definitions out of the reference (or any module), with what each one needs.

Notebooks are self-contained: a student cannot import ``reference``. So a notebook carries, as
"given code", the helpers its functions use (``Dims``, ``sigmoid``, ``tokenize`` ...), copied from
their one source with ``inspect`` and ``ast``; nothing is written twice.

    defs = collect(["reference.mlp:net_forward"], blanks={"net_forward", "layer_forward"})
    defs.imports      # ["import numpy as np"]
    defs.given        # [Definition(reference.validate:Dims), ...] in dependency order

Names a notebook defines must be unique: two helpers with one name from two modules raise ValueError.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from dataclasses import dataclass, field
from functools import cache

# Our own packages: imports from them are followed and inlined (a notebook cannot import them).
FOLLOWED = ("reference", "autograder")


@dataclass(frozen=True)
class Definition:
    """One top-level statement of a module that binds ``name``."""

    module: str
    name: str
    kind: str  # "import", "alias" (a relative import), "def", "class" or "assign"
    source: str  # the statement's text (for an import: one normalized line)
    uses: tuple[str, ...] = ()  # other top-level names of the same module it refers to
    target: tuple[str, str] | None = None  # for an alias: (module, name) it stands for
    node: ast.AST | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> str:
        return f"{self.module}:{self.name}"


@dataclass
class Collected:
    imports: list[str]
    given: list[Definition]
    blanks: dict[str, Definition]


def _resolve(module: str, level: int, target: str | None) -> str:
    parts = module.split(".")
    base = parts[: len(parts) - level] if level else parts
    # A module's own name counts as the package only for __init__; ours are plain modules.
    return ".".join(base + ([target] if target else []))


@cache
def module_definitions(module: str) -> dict[str, Definition]:
    """Every top-level name of ``module`` (an importable dotted name) with its definition."""
    mod = importlib.import_module(module)
    text = inspect.getsource(mod)
    lines = text.splitlines()
    tree = ast.parse(text)
    top: dict[str, Definition] = {}
    pending: list[tuple[str, str, ast.AST]] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                line = f"import {alias.name}" + (f" as {alias.asname}" if alias.asname else "")
                top[name] = Definition(module, name, "import", line)
        elif isinstance(node, ast.ImportFrom):
            if node.module == "__future__":
                continue
            for alias in node.names:
                name = alias.asname or alias.name
                if node.level or (node.module or "").split(".")[0] in FOLLOWED:
                    src_mod = _resolve(module, node.level, node.module) if node.level else node.module
                    top[name] = Definition(module, name, "alias", "", target=(src_mod, alias.name))
                else:
                    line = f"from {node.module} import {alias.name}" + (
                        f" as {alias.asname}" if alias.asname else "")
                    top[name] = Definition(module, name, "import", line)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            kind = "class" if isinstance(node, ast.ClassDef) else "def"
            pending.append((node.name, kind, node))
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    pending.append((t.id, "assign", node))
    for name, kind, node in pending:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        source = "\n".join(lines[start - 1: node.end_lineno])
        top[name] = Definition(module, name, kind, source, node=node)
    names = set(top)
    for name, d in list(top.items()):
        if d.node is not None:
            used = {n.id for n in ast.walk(d.node) if isinstance(n, ast.Name)} & names
            used.discard(name)
            top[name] = Definition(d.module, name, d.kind, d.source, tuple(sorted(used)), node=d.node)
    return top


def lookup(module: str, name: str) -> Definition:
    """The definition behind ``module:name``, following relative imports."""
    defs = module_definitions(module)
    if name not in defs:
        raise ValueError(f"{module} defines no top-level name {name!r}")
    d = defs[name]
    while d.kind == "alias":
        d = lookup(*d.target)
    return d


def collect(requests: list[str], blanks: set[str]) -> Collected:
    """Definitions needed by ``requests`` ("module:name"), split into given code and blanks.

    ``blanks`` are the names students write: they are returned, not given, but what they use is.
    Given code comes in dependency order; a given definition that uses a blank is an error
    (the notebook could not run its given cell before the student's).
    """
    imports: list[str] = []
    given: list[Definition] = []
    found: dict[str, Definition] = {}
    seen: set[str] = set()
    owner: dict[str, str] = {}

    def visit(d: Definition, needed_by: str | None) -> None:
        if d.kind == "import":
            if d.source not in imports:
                imports.append(d.source)
            _claim(owner, d.name, d.source)
            return
        if d.name in blanks:
            if needed_by is not None and needed_by not in blanks:
                raise ValueError(f"given code {needed_by} uses {d.name}, which students write")
            found[d.name] = d
        if d.key in seen:
            return
        seen.add(d.key)
        _claim(owner, d.name, d.key)
        for used in d.uses:
            visit(lookup(d.module, used), d.name)
        if d.name not in blanks:
            given.append(d)

    for req in requests:
        module, _, name = req.partition(":")
        visit(lookup(module, name), None)
    missing = blanks - set(found)
    if missing:
        raise ValueError(f"blanks {sorted(missing)} were not found among {requests}")
    return Collected(imports, given, found)


def _claim(owner: dict[str, str], name: str, what: str) -> None:
    if owner.setdefault(name, what) != what:
        raise ValueError(f"two definitions of {name!r} would share the notebook: {owner[name]} and {what}")
