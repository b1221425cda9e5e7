"""``deepgrade new``: an assignment folder written from reference functions, that grades correctly at once.

    scaffold("scale", ["course_ref:scale_forward,scale_backward,norm"], Path("course"))

reads each function's signature and docstring (:mod:`autograder.docspec`) and writes ``<into>/<id>/``:

- ``manifest.toml``: one question per forward/backward pair (``x_forward`` + ``x_backward``, the forward
  returning a cache) and per other function; every argument that is a number or one of some quoted
  choices becomes a variant parameter, and so does each array dimension (the sizes of the public checks);
- ``<id>.py.j2``: the student text, a blank and a public check per function;
- ``suite.py``: per function the reference on hidden inputs (:mod:`autograder.suites.generic`), and per
  pair the backward on the student's own cache and a gradient check against their own forward;
- ``public.py``, ``demo.py`` and an empty ``misconceptions.py``.

The files are this package's jinja2 templates filled in; an instructor edits them from there and runs
``deepgrade validate ID``.
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from autograder.docspec import Param, Spec, parse

ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
FLOAT_GRID = "{ from = 0.5, to = 2.5, step = 0.01 }"
INT_GRID = "{ from = 2, to = 9 }"
SIZE_GRID = "{ from = 2, to = 9 }"  # a dimension's public size
FILES = {"manifest.toml.j2": "manifest.toml", "assignment.py.j2": "{id}.py.j2", "suite.py.j2": "suite.py",
         "public.py.j2": "public.py", "demo.py.j2": "demo.py", "misconceptions.py.j2": "misconceptions.py"}


@dataclass
class Question:
    name: str
    title: str
    functions: list[str]
    points: int
    tests: list[dict] = field(default_factory=list)


def parse_sources(sources: list[str]) -> list[tuple[str, str]]:
    """``["module:fn1,fn2", ...]`` as (module, function) pairs; ValueError naming what is malformed."""
    out = []
    for source in sources:
        module, sep, names = source.partition(":")
        fns = [n.strip() for n in names.split(",") if n.strip()]
        if not sep or not module.strip() or not fns:
            raise ValueError(f"--from {source!r}: expected MODULE:FUNCTION[,FUNCTION...], e.g. "
                             "course_ref:layer_forward,layer_backward")
        out += [(module.strip(), fn) for fn in fns]
    return out


def load_functions(pairs: list[tuple[str, str]]) -> dict[str, tuple[str, object]]:
    """name -> (module, function), each imported and checked to be a documented function."""
    found: dict[str, tuple[str, object]] = {}
    for module, name in pairs:
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            raise ValueError(f"--from {module}:...: cannot import module {module!r} ({exc}); a course's reference "
                             "module must lie in the course folder (--course DIR)") from None
        fn = getattr(mod, name, None)
        if not inspect.isfunction(fn):
            raise ValueError(f"--from {module}:{name}: {module} has no function {name!r}")
        if not inspect.getdoc(fn):
            raise ValueError(f"--from {module}:{name}: {name} has no docstring; document its Inputs and Returns "
                             "with shapes, e.g. '- x: (N, p) inputs'")
        if name in found:
            raise ValueError(f"--from: function {name!r} is named twice")
        found[name] = (module, fn)
    return found


def _shape(shape: tuple[str, ...]) -> str:
    """A docstring shape as Python: ("N", "4K") -> "(N, 4 * K)"."""
    dims = [re.sub(r"^(\d+)([A-Za-z_]\w*)$", r"\1 * \2", d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _expr(p: Param, public: bool) -> str:
    """The Python expression drawing argument ``p`` (hidden: from ``rng`` with drawn sizes; public: the same
    with the public sizes)."""
    if p.kind == "array":
        return f"rng.normal(size={_shape(p.shape)})"
    if p.kind == "index":
        return f"rng.integers(0, {p.below or 10}, size={_shape(p.shape)})"
    if p.kind == "rng":
        return '{"rng": 7}' if public else "rng_arg(int(rng.integers(2**31)))"
    return f'variant["{p.name}"]'


def _args(spec: Spec, public: bool) -> list[tuple[str, str]]:
    return [(p.name, _expr(p, public)) for p in spec.inputs if not p.default]


def _drawn_dims(spec: Spec) -> list[str]:
    """The dimensions of the arguments a test draws (those without a default), in order of first use."""
    return list(dict.fromkeys(d for p in spec.inputs if not p.default for d in p.dims))


def _variant(specs: list[Spec]) -> dict[str, str]:
    variant: dict[str, str] = {}
    for spec in specs:
        for p in spec.inputs:
            if p.default or p.name in variant:
                continue
            if p.kind == "float":
                variant[p.name] = FLOAT_GRID
            elif p.kind == "int":
                variant[p.name] = INT_GRID
            elif p.kind == "choice":
                variant[p.name] = "[" + ", ".join(f'"{c}"' for c in p.choices) + "]"
    return variant


def _space(variant: dict[str, str]) -> int:
    sizes = [201 if v == FLOAT_GRID else 8 if v in (INT_GRID, SIZE_GRID) else v.count(",") + 1
             for v in variant.values()]
    return math.prod(sizes) if sizes else 1


def _questions(specs: dict[str, Spec], functions: dict) -> list[Question]:
    """One question per forward/backward pair (the forward returns a cache) and per other function."""
    questions, used = [], set()
    for name, spec in specs.items():
        if name in used:
            continue
        if name.endswith("_forward") and name[:-8] + "_backward" in specs and "cache" in spec.result_names():
            stem, bwd = name[:-8], name[:-8] + "_backward"
            used |= {name, bwd}
            q = Question(stem, f"{stem}, forward and backward", [name, bwd], 3)
            q.tests = [
                {"name": name, "kind": "function", "fn": name, "doc": f"{name} against the reference on hidden inputs"},
                {"name": bwd, "kind": "backward", "fwd": name, "bwd": bwd,
                 "doc": f"{bwd} on the cache of your {name} against the reference"},
                {"name": f"{bwd}_slopes", "kind": "slopes", "fwd": name, "bwd": bwd,
                 "doc": f"{bwd} is the derivative of your own {name} (a gradient check)"},
            ]
        else:
            used.add(name)
            q = Question(name, _title(inspect.getdoc(functions[name][1]) or name), [name], 2)
            q.tests = [{"name": name, "kind": "function", "fn": name,
                        "doc": f"{name} against the reference on hidden inputs"}]
        questions.append(q)
    return questions


def _title(doc: str, limit: int = 60) -> str:
    """A question's title from its function's first docstring line: up to a colon, cut at a word."""
    first = doc.splitlines()[0].split(": ")[0].rstrip(".").replace('"', "'")
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + " ..."


def _order() -> int:
    from autograder.manifest import ASSIGNMENT_IDS, load_manifest

    return max((load_manifest(a).order for a in ASSIGNMENT_IDS), default=0) + 10


def render_files(assignment_id: str, sources: list[str], title: str | None = None) -> dict[str, str]:
    """The scaffold's files (name -> text) for ``assignment_id`` from ``sources`` (``module:fn1,fn2``)."""
    if not ID.fullmatch(assignment_id):
        raise ValueError(f"assignment id {assignment_id!r}: expected lower-case letters, digits and _, "
                         "starting with a letter (at most 40)")
    functions = load_functions(parse_sources(sources))
    specs = {name: parse(fn) for name, (_, fn) in functions.items()}
    questions = _questions(specs, functions)
    drawn = [specs[q.functions[0]] for q in questions]  # the functions whose inputs tests draw
    dims = list(dict.fromkeys(d for s in drawn for d in _drawn_dims(s)))
    variant = _variant(drawn)
    sizes = {d: SIZE_GRID for d in dims if d not in variant}  # the public checks' sizes: the student's own
    modules = sorted(dict.fromkeys(m for m, _ in functions.values()))
    imports = [(m, sorted(n for n, (mm, _) in functions.items() if mm == m)) for m in modules]
    context = {
        "id": assignment_id, "title": title or assignment_id.replace("_", " ").capitalize(),
        "order": _order(), "sources": " --from ".join(sources), "modules": modules, "imports": imports,
        "variant": variant, "sizes": sizes, "space": _space({**variant, **sizes}), "questions": questions, "dims": dims,
        "broken": questions[-1].functions[0],
        "drawers": [{"name": s.function, "args": _args(s, False),
                     "dims": _drawn_dims(s)}
                    for s in drawn],
        "public": [{"fwd": q.functions[0], "bwd": q.functions[1] if len(q.functions) > 1 else None,
                    "args": _args(specs[q.functions[0]], True),
                    "sizes": ", ".join(f"{d} = {{{d}}}" for d in _drawn_dims(specs[q.functions[0]])) or "fixed"}
                   for q in questions],
    }
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    files = {}
    for template, name in FILES.items():
        text = env.get_template(template).render(context)
        files[name.format(id=assignment_id)] = text
    for name, text in files.items():
        if name.endswith(".py"):
            compile(text, name, "exec")  # a template bug must not reach the instructor as a broken file
    return files


def scaffold(assignment_id: str, sources: list[str], into: Path, title: str | None = None,
             force: bool = False) -> list[Path]:
    """Write the assignment folder ``into/assignment_id`` (see the module docstring); returns the files written.

    Raises ValueError (naming the argument) for a bad id, an unknown module or function, or a folder that
    exists already (unless ``force``).
    """
    into = Path(into)
    if not into.is_dir():
        raise ValueError(f"--into {into}: not a folder (make it, or name the course folder)")
    folder = into / assignment_id
    if folder.exists() and not force:
        raise ValueError(f"{folder} exists already; choose another id, or --force to overwrite its files")
    files = render_files(assignment_id, sources, title)
    folder.mkdir(exist_ok=True)
    written = []
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written
