"""Assignment manifests: each question declared once, with its points, functions and blanks.

A manifest lives beside its template, in ``templates/<id>/manifest.toml``::

    id = "rnn"
    title = "A simple recurrent network, forward and backward"
    reference = ["reference.rnn"]          # where the functions students write are defined
    given = []                             # extra helpers copied into the notebook ("module:name")

    [fixed]                      # parameters a variant binds and removes from the signature
    rnn_step_forward = ["activation"]

    [[questions]]
    name = "rnn_step"
    title = "One step of the RNN"
    points = 3
    functions = ["rnn_step_forward", "rnn_step_backward"]   # functions students write
    blanks = []                                             # module-level answers students assign

Templates print the points from here and the grader scores with them, so they are written once.
A fixed parameter's value is the variant key of the same name (``variant(...)["activation"]``): the
grader calls the student's function without it and the reference with it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import autograder

ASSIGNMENT_IDS = ("bow", "rnn", "lstm", "ar", "sgd", "dropout", "quiz")


def _templates_dir() -> Path:
    """Where the assignment folders are: inside the installed package (a wheel carries ``templates/`` as
    ``autograder/_templates``, see setup.py), else the checkout's ``templates/`` (editable installs)."""
    package = Path(autograder.__file__).resolve().parent
    for candidate in (package / "_templates", package.parent / "templates"):
        if (candidate / "_base.py.j2").is_file():
            return candidate
    raise RuntimeError(
        f"deepgrade's assignment templates are missing: neither {package / '_templates'} (an installed wheel) "
        f"nor {package.parent / 'templates'} (a checkout) holds _base.py.j2; reinstall deepgrade"
    )


TEMPLATES_DIR = _templates_dir()


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
    reference: tuple[str, ...] = ()  # modules holding the functions students write, e.g. "reference.rnn"
    given: tuple[str, ...] = ()  # extra given code, "module:name" (helpers a notebook uses)

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
    path = TEMPLATES_DIR / assignment_id / "manifest.toml"
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
    return Manifest(assignment_id, data.get("title", assignment_id), tuple(questions), fixed,
                    tuple(data.get("reference", ())), tuple(data.get("given", ())))
