"""Assignment manifests: each question declared once, with its points, functions and blanks.

A manifest lives beside its template, in ``templates/<id>/manifest.toml`` (an example, not a real one)::

    id = "mlp"
    title = "A two-layer network, forward and backward"
    order = 10                             # where it sorts among the assignments (dashboards, demo)
    show_variant = true                    # feedback repeats the student's variant (default true)
    reference = ["reference.mlp"]          # where the functions students write are defined
    given = []                             # extra helpers copied into the notebook ("module:name")

    [fixed]                      # parameters a variant binds and removes from the signature
    layer_forward = ["slope"]

    [variant]                    # the variant space: the values each parameter may take
    slope = [0.0, 0.01]
    B = { from = 2, to = 8 }     # an inclusive grid: { from, to, step = 1, exclude = [] }

    [variant_text.prompts]       # texts built from the variant's values (str.format)
    first = "{verb} {noun}"

    [variant_orders.option_order]   # orders drawn per student: a permutation of range(4) per name
    concept_depth = 4

    [[questions]]
    name = "layer"
    title = "One layer"
    points = 3
    functions = ["layer_forward", "layer_backward"]   # functions students write
    blanks = []                                                   # module-level answers students assign

The assignments are the folders that hold a ``manifest.toml``, sorted by ``order`` (then by id).
Templates print the points from here and the grader scores with them, so they are written once.
A fixed parameter's value is the variant key of the same name (``variant(...)["slope"]``): the
grader calls the student's function without it and the reference with it. The variant tables are read
here; ``autograder.variants`` draws a student's values from them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autograder.folders import assignment_file, search_path

MANIFEST = "manifest.toml"


def discover_ids(*folders: Path) -> tuple[str, ...]:
    """The ids of the assignment folders under ``folders`` (default: the search path), those holding a
    manifest, by ``order`` (read from the first folder that has the id), then id."""
    orders: dict[str, object] = {}
    for folder in folders or search_path():
        for path in sorted(folder.glob(f"*/{MANIFEST}")):
            if path.parent.name in orders:
                continue
            with open(path, "rb") as fh:
                order = tomllib.load(fh).get("order", float("inf"))
            if isinstance(order, bool) or not isinstance(order, (int, float)):
                raise ValueError(f"{path}: order is {order!r}; expected a number")
            orders[path.parent.name] = order
    return tuple(sorted(orders, key=lambda name: (orders[name], name)))


class _Ids(Sequence):
    """The assignment ids of the current search path (built-in folders, and a course's when one is used),
    read again when the course changes; compares equal to the tuple of them."""

    def _ids(self) -> tuple[str, ...]:
        key = search_path()
        if getattr(self, "_key", None) != key:
            self._key, self._value = key, discover_ids(*key)
        return self._value

    def __getitem__(self, i):
        return self._ids()[i]

    def __len__(self) -> int:
        return len(self._ids())

    def __eq__(self, other) -> bool:
        return self._ids() == (tuple(other) if isinstance(other, (tuple, list, _Ids)) else other)

    def __hash__(self) -> int:
        return hash(self._ids())

    def __repr__(self) -> str:
        return repr(self._ids())


ASSIGNMENT_IDS: Sequence[str] = _Ids()


@dataclass(frozen=True)
class Question:
    """One graded question: the functions a student writes and/or the blanks they assign."""

    name: str
    title: str
    points: float
    functions: tuple[str, ...] = ()
    blanks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    """Everything about one assignment that scoring and generation must agree on."""

    id: str
    title: str
    questions: tuple[Question, ...]
    fixed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    reference: tuple[str, ...] = ()  # modules holding the functions students write, e.g. "reference.mlp"
    given: tuple[str, ...] = ()  # extra given code, "module:name" (helpers a notebook uses)
    variant: dict[str, tuple] = field(default_factory=dict)  # parameter -> the values it may take
    variant_text: dict[str, dict[str, str]] = field(default_factory=dict)  # key -> {name: format}
    variant_orders: dict[str, dict[str, int]] = field(default_factory=dict)  # key -> {name: n}
    order: float = float("inf")  # where it sorts among the assignments
    show_variant: bool = True  # feedback repeats the student's variant

    @property
    def max_score(self) -> float:
        return float(sum(q.points for q in self.questions))

    @property
    def functions(self) -> tuple[str, ...]:
        """Every function students write, in question order."""
        return tuple(f for q in self.questions for f in q.functions)

    @property
    def blanks(self) -> tuple[str, ...]:
        """Every module-level answer students assign, in question order."""
        return tuple(b for q in self.questions for b in q.blanks)

    def question_for(self, name: str) -> Question:
        """The question that owns a function or blank called ``name``."""
        for q in self.questions:
            if name in q.functions or name in q.blanks:
                return q
        known = ", ".join(self.functions + self.blanks)
        raise KeyError(f"{name!r} is not a function or blank of assignment {self.id!r}; known: {known}")


def check_assignment_id(assignment_id: str) -> str:
    """Return ``assignment_id`` or raise ValueError listing the known ids."""
    if assignment_id not in ASSIGNMENT_IDS:
        raise ValueError(
            f"unknown assignment id {assignment_id!r}; expected one of: {', '.join(ASSIGNMENT_IDS)}"
        )
    return assignment_id


@cache
def load_manifest(assignment_id: str) -> Manifest:
    """Read and check ``templates/<assignment_id>/manifest.toml``."""
    check_assignment_id(assignment_id)
    path = assignment_file(assignment_id, MANIFEST)
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    return _parse(data, path, assignment_id)


def _parse(data: dict, path: Path, assignment_id: str) -> Manifest:
    if data.get("id") != assignment_id:
        raise ValueError(f"{path}: id is {data.get('id')!r}; expected {assignment_id!r}")
    questions = []
    seen: set[str] = set()  # functions and blanks
    names: set[str] = set()  # question names
    for i, q in enumerate(data.get("questions", [])):
        where = f"{path}: questions[{i}]"
        for key in ("name", "title", "points"):
            if key not in q:
                raise ValueError(f"{where} has no {key!r}")
        points = q["points"]
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            raise ValueError(f"{where}.points is {points!r}; expected a positive number")
        functions = tuple(q.get("functions", ()))
        blanks = tuple(q.get("blanks", ()))
        if not functions and not blanks:
            raise ValueError(f"{where} ({q['name']}) has neither functions nor blanks")
        if q["name"] in names:
            raise ValueError(f"{where}: question {q['name']!r} is declared twice")
        names.add(q["name"])
        for name in (*functions, *blanks):
            if name in seen:
                raise ValueError(f"{where}: {name!r} is declared twice")
            seen.add(name)
        questions.append(Question(q["name"], q["title"], float(points), functions, blanks))
    if not questions:
        raise ValueError(f"{path} declares no questions")
    fixed = {fn: tuple(params) for fn, params in data.get("fixed", {}).items()}
    for fn in fixed:
        if fn not in seen:
            raise ValueError(f"{path}: [fixed] names {fn!r}, which no question declares")
    space = {name: _choices(spec, f"{path}: [variant].{name}") for name, spec in data.get("variant", {}).items()}
    for fn, params in fixed.items():
        for param in params:
            if param not in space:
                raise ValueError(f"{path}: [fixed] {fn} binds {param!r}, which [variant] does not declare")
    orders = {key: dict(table) for key, table in data.get("variant_orders", {}).items()}
    for key, table in orders.items():
        for name, n in table.items():
            if isinstance(n, bool) or not isinstance(n, int) or n < 2:
                raise ValueError(f"{path}: [variant_orders.{key}].{name} is {n!r}; expected an integer >= 2")
    texts = {key: dict(table) for key, table in data.get("variant_text", {}).items()}
    show_variant = data.get("show_variant", True)
    if not isinstance(show_variant, bool):
        raise ValueError(f"{path}: show_variant is {show_variant!r}; expected true or false")
    return Manifest(assignment_id, data.get("title", assignment_id), tuple(questions), fixed,
                    tuple(data.get("reference", ())), tuple(data.get("given", ())), space, texts, orders,
                    data.get("order", float("inf")), show_variant)


def _choices(spec, where: str) -> tuple:
    """The values of one variant parameter: a list, or an inclusive grid ``{from, to, step, exclude}``.

    A grid of integers is ``range(from, to + 1, step)``; one with a float has ``round((to - from) / step) + 1``
    points ``from + i * step``, each rounded to 4 decimals (so 0.1 steps give 0.3, not 0.30000000000000004).
    """
    if isinstance(spec, list):
        values = tuple(tuple(v) if isinstance(v, list) else v for v in spec)
    elif isinstance(spec, dict):
        unknown = set(spec) - {"from", "to", "step", "exclude"}
        if unknown or not {"from", "to"} <= set(spec):
            raise ValueError(f"{where}: a grid has keys from, to and optionally step, exclude; got {sorted(spec)}")
        lo, hi, step = spec["from"], spec["to"], spec.get("step", 1)
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi, step)) or step <= 0:
            raise ValueError(f"{where}: from, to and step must be numbers, step > 0")
        if all(isinstance(v, int) for v in (lo, hi, step)):
            grid = range(lo, hi + 1, step)
        else:
            grid = (round(lo + i * step, 4) for i in range(round((hi - lo) / step) + 1))
        exclude = spec.get("exclude", [])
        values = tuple(v for v in grid if v not in exclude)
    else:
        raise ValueError(f"{where} is {spec!r}; expected a list of values or a grid {{from, to, step}}")
    if not values:
        raise ValueError(f"{where} has no values")
    return values
