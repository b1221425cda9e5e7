"""What a reference function's docstring says about its arguments and results (CS231n style).

Reference functions document every input and output with its shape::

    Inputs:
    - x: (N, p) inputs; c: the scale
    - idx: (N, L) integer word indices in [0, V)
    - mode: "fast" or "exact"
    Returns:
    - out: (N, p)
    - cache: values needed by the backward pass

:func:`parse` reads that into :class:`Spec`: for each argument of the signature its kind (an array with
symbolic dimensions, an integer array below a dimension, a float, an int, one of some quoted choices, a
random generator, a cache) and for each result its name and shape. ``deepgrade new`` writes input drawing
code from it, and :mod:`autograder.suites.generic` names results by it. Only our own reference modules
are parsed (trusted code): the docstring is short text, read with one linear regex pass per line.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass

SHAPE = re.compile(r"(?<![\w.])([A-Za-z_]\w*)\s*:\s*\(([^()]*)\)")  # "x: (N, p)", several on one line
BULLET = re.compile(r"^\s*-\s*([A-Za-z_]\w*)\s*:\s*(.*)$")
NAMED = re.compile(r"^\s*([A-Za-z_]\w*)\s*:\s*(.*)$")
DIM = re.compile(r"(\d*)([A-Za-z_]\w*)|\d+")  # N, 4K (four times K), 3
ANY_SHAPE = ("n1", "n2")  # what an array documented as "(any shape)" is drawn as
BELOW = re.compile(r"in \[0,\s*([A-Za-z_]\w*)\)")  # "integer indices in [0, V)"
QUOTED = re.compile(r"\"([^\"]+)\"|'([^']+)'")
RNG_WORDS = ("generator", "np.random")
INT_WORDS = ("int", "number of", "count", "steps", "epochs", "size")


@dataclass(frozen=True)
class Param:
    """One argument or result. ``kind``: "array", "index" (integers in [0, ``below``)), "float", "int",
    "choice" (one of ``choices``), "rng", "cache" or "other" (a result without a shape)."""

    name: str
    kind: str
    shape: tuple[str, ...] = ()  # symbolic dimensions ("N", "p"), multiples of one ("4K") or integers ("3")
    below: str | None = None
    choices: tuple[str, ...] = ()
    default: bool = False  # the argument has a default value in the signature
    text: str = ""

    @property
    def dims(self) -> tuple[str, ...]:
        """The symbolic dimensions this parameter uses (its shape's names, and ``below``)."""
        named = tuple(DIM.fullmatch(d).group(2) for d in self.shape if not d.isdigit())
        return tuple(dict.fromkeys(named + ((self.below,) if self.below else ())))


@dataclass(frozen=True)
class Spec:
    function: str
    inputs: tuple[Param, ...]
    returns: tuple[Param, ...]

    @property
    def dims(self) -> tuple[str, ...]:
        """Every symbolic dimension of the inputs and results, in order of first use."""
        seen: dict[str, None] = {}
        for p in (*self.inputs, *self.returns):
            seen.update(dict.fromkeys(p.dims))
        return tuple(seen)

    def result_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.returns)


def _sections(doc: str) -> dict[str, list[str]]:
    """The lines of the docstring's ``Inputs:`` and ``Returns:`` sections."""
    out: dict[str, list[str]] = {"Inputs": [], "Returns": []}
    current = None
    for line in doc.splitlines():
        head = line.strip().rstrip(":")
        if line.strip().endswith(":") and head in out:
            current = head
        elif current and (line.strip().startswith("-") or (line.startswith(" ") and out[current])):
            out[current].append(line)
        elif line.strip():
            current = None if not line.startswith(" ") else current
    return out


def _entries(lines: list[str]) -> dict[str, tuple[tuple[str, ...] | None, str]]:
    """name -> (shape or None, its text) for every ``name: (shape) text`` and ``name: text``, several to a line
    when separated by ";" or "," (``- W: (p, K), U: (K, K), b: (K,)``, ``- lr: learning rate; steps: ...``)."""
    entries: dict[str, tuple[tuple[str, ...] | None, str]] = {}
    for line in lines:
        shaped = list(SHAPE.finditer(line))
        for i, match in enumerate(shaped):
            dims = tuple(d.strip() for d in match.group(2).split(",") if d.strip())
            if not all(DIM.fullmatch(d) for d in dims):  # "(any shape)": an array of free shape
                dims = ANY_SHAPE
            end = shaped[i + 1].start() if i + 1 < len(shaped) else len(line)
            entries.setdefault(match.group(1), (dims, line[match.end():end].split(";")[0]))
        for segment in line.split(";"):
            named = BULLET.match(segment) or NAMED.match(segment)
            if named and named.group(1) not in entries:
                entries[named.group(1)] = (None, named.group(2))
    return entries


def _param(name: str, shape: tuple[str, ...] | None, text: str, default: bool) -> Param:
    low = text.lower()
    if name == "cache" or name.endswith("_cache"):
        return Param(name, "cache", default=default, text=text)
    if name == "rng" or any(w in low for w in RNG_WORDS):
        return Param(name, "rng", default=default, text=text)
    if shape is not None:
        below = BELOW.search(text)
        if below or "integer" in low:
            return Param(name, "index", shape, below=below.group(1) if below else None, default=default, text=text)
        return Param(name, "array", shape, default=default, text=text)
    quoted = tuple(a or b for a, b in QUOTED.findall(text))
    if len(quoted) >= 2 and " or " in text:
        return Param(name, "choice", choices=quoted, default=default, text=text)
    if any(re.search(rf"\b{w}\b", low) for w in INT_WORDS) and "float" not in low:
        return Param(name, "int", default=default, text=text)
    return Param(name, "float", default=default, text=text)


def parse(fn) -> Spec:
    """The :class:`Spec` of ``fn`` from its signature and docstring (every argument, documented or not)."""
    doc = inspect.getdoc(fn) or ""
    sections = _sections(doc)
    documented = _entries(sections["Inputs"])
    inputs = []
    for name, param in inspect.signature(fn).parameters.items():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        shape, text = documented.get(name, (None, ""))
        inputs.append(_param(name, shape, text, param.default is not param.empty))
    returns = [_param(name, shape, text, False) for name, (shape, text) in _entries(sections["Returns"]).items()]
    returns = [p if p.kind != "float" or p.shape or p.name == "cache" else Param(p.name, "other", text=p.text)
               for p in returns]
    return Spec(fn.__name__, tuple(inputs), tuple(returns))


def named_results(fn, value) -> tuple[tuple, tuple[str, ...]]:
    """``value`` (what ``fn`` returned) as a tuple, with each item's name from ``fn``'s docstring (``result i``
    for items it does not list)."""
    items = value if isinstance(value, tuple) else (value,)
    names = list(parse(fn).result_names())[: len(items)]
    return items, tuple(names + [f"result {i}" for i in range(len(names), len(items))])
