"""Assignment folders: where one assignment's files are, and how its Python files are loaded.

Everything about one assignment sits in one folder named by its id (PrairieLearn's question directory)::

    <id>/manifest.toml     points, questions, fixed parameters, the variant space
    <id>/<id>.py.j2        the student text (jinja2; extends ``_base.py.j2``)
    <id>/suite.py          the hidden pytest suite (trusted; never copied into a bundle)

The engine finds a file of an assignment with :func:`assignment_file` and loads a Python file of it with
:func:`assignment_module`; it names no assignment itself. The built-in folders ship with deepgrade: the
checkout's ``templates/``, or ``autograder/_templates`` in an installed wheel (see setup.py).

A course adds its own folder of assignment folders (``deepgrade --course DIR`` or ``$DEEPGRADE_COURSE``):
it is searched before the built-in folders, file by file, so a course's ``<id>/manifest.toml`` alone
overrides that file of a built-in assignment and a course folder with an id of its own adds an assignment.
The course folder is also put on ``sys.path``, so its own reference module (``reference = ["my_ref"]`` in
a manifest) imports.
"""

from __future__ import annotations

import importlib.util
import os
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
COURSE_ENV = "DEEPGRADE_COURSE"


def course_dir() -> Path | None:
    """The course's folder of assignment folders (``$DEEPGRADE_COURSE``), or None."""
    value = os.environ.get(COURSE_ENV)
    return Path(value).resolve() if value else None


def search_path() -> tuple[Path, ...]:
    """Where assignment folders are looked up, first match first: the course's folder, then the built-in."""
    course = course_dir()
    return (course, TEMPLATES_DIR) if course is not None else (TEMPLATES_DIR,)


def _import_course() -> None:
    course = course_dir()
    if course is not None and str(course) not in sys.path:
        sys.path.insert(0, str(course))


def use_course(path: str | os.PathLike) -> Path:
    """Search ``path`` before the built-in folders, in this process and the processes it starts (it sets
    ``$DEEPGRADE_COURSE``). Call it before any assignment is loaded: loaded files are cached."""
    course = Path(path).resolve()
    if not course.is_dir():
        raise FileNotFoundError(f"course folder {course} does not exist")
    os.environ[COURSE_ENV] = str(course)
    _import_course()
    assignment_module.cache_clear()
    return course


def assignment_dir(assignment_id: str) -> Path:
    """The first folder of the search path named ``assignment_id`` (the built-in one when none is)."""
    for root in search_path():
        if (root / assignment_id).is_dir():
            return root / assignment_id
    return TEMPLATES_DIR / assignment_id


def assignment_file(assignment_id: str, name: str) -> Path | None:
    """The path of ``name`` in the assignment's folders (the course's first), or None when none has it."""
    for root in search_path():
        path = root / assignment_id / name
        if path.is_file():
            return path
    return None


@cache
def assignment_module(assignment_id: str, name: str) -> ModuleType:
    """Load ``<id>/<name>.py`` of an assignment once per process (as ``deepgrade_assignment.<id>.<name>``).

    Raises LookupError when the folder has no such file.
    """
    path = assignment_file(assignment_id, f"{name}.py")
    if path is None:
        raise LookupError(f"assignment {assignment_id!r} has no {name}.py in {assignment_dir(assignment_id)}")
    _import_course()  # a course's file may import the course's reference module
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


_import_course()
