"""Assignment folders: where one assignment's files are, and how its Python files are loaded.

Everything about one assignment sits in one folder named by its id (PrairieLearn's question directory)::

    <id>/manifest.toml     points, questions, fixed parameters, the variant space
    <id>/<id>.py.j2        the student text (jinja2; extends ``_base.py.j2``)
    <id>/suite.py          the hidden pytest suite (trusted; never copied into a bundle)

The engine finds a file of an assignment with :func:`assignment_file` and loads a Python file of it with
:func:`assignment_module`; it names no assignment itself. The built-in folders ship with deepgrade: the
checkout's ``templates/``, or ``autograder/_templates`` in an installed wheel (see setup.py).
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import autograder

MODULE_PREFIX = "deepgrade_assignment"  # an assignment's Python file <id>/<name>.py loads as MODULE_PREFIX.<id>.<name>


def _templates_dir() -> Path:
    """Where the built-in assignment folders are: inside the installed package (a wheel carries
    ``templates/`` as ``autograder/_templates``, see setup.py), else the checkout's ``templates/``."""
    package = Path(autograder.__file__).resolve().parent
    for candidate in (package / "_templates", package.parent / "templates"):
        if (candidate / "_base.py.j2").is_file():
            return candidate
    raise RuntimeError(
        f"deepgrade's assignment templates are missing: neither {package / '_templates'} (an installed wheel) "
        f"nor {package.parent / 'templates'} (a checkout) holds _base.py.j2; reinstall deepgrade"
    )


TEMPLATES_DIR = _templates_dir()


def assignment_dir(assignment_id: str) -> Path:
    """The folder of one assignment."""
    return TEMPLATES_DIR / assignment_id


def assignment_file(assignment_id: str, name: str) -> Path | None:
    """The path of ``name`` in the assignment's folder, or None when the folder has no such file."""
    path = assignment_dir(assignment_id) / name
    return path if path.is_file() else None


@cache
def assignment_module(assignment_id: str, name: str) -> ModuleType:
    """Load ``<id>/<name>.py`` of an assignment once per process (as ``deepgrade_assignment.<id>.<name>``).

    Raises LookupError when the folder has no such file.
    """
    path = assignment_file(assignment_id, f"{name}.py")
    if path is None:
        raise LookupError(f"assignment {assignment_id!r} has no {name}.py in {assignment_dir(assignment_id)}")
    module_name = f"{MODULE_PREFIX}.{assignment_id}.{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # before running it, as import does (dataclasses and pickle look it up)
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module
