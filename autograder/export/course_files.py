"""A course's own files in a platform export: what a grading job needs of the course folder, and how it
uses them.

An assignment of a course folder (``deepgrade --course DIR``) is graded from files that are not in
deepgrade's wheel: its folder ``DIR/<id>/`` (manifest, template, hidden suite, key, catalogue; also a folder
that overrides a built-in assignment file by file) and the course's reference modules (the top-level
``*.py`` files and packages of ``DIR``). :func:`course_files` collects them for an export that ships them to
a grading job only (Gradescope's ``source/``, PrairieLearn's ``tests/``), under ``course/``; the job calls
:func:`activate` on the folder that holds ``course/`` before it loads any assignment. Student code never
reads them: they lie in the grader's root-only folder, outside the sandbox's allowlist.
"""

from __future__ import annotations

from pathlib import Path

COURSE = "course"  # the folder of an export that holds the course's files
LIMIT = 20 << 20  # bytes of course files an export carries at most


def _wanted(path: Path, top: Path, assignment: str) -> bool:
    rel = path.relative_to(top)
    if any(part.startswith(".") or part == "__pycache__" for part in rel.parts) or path.suffix == ".pyc":
        return False
    if rel.parts[0] == assignment:
        return True
    if len(rel.parts) == 1:
        return path.suffix == ".py"
    return (top / rel.parts[0] / "__init__.py").is_file()  # a package of the course's reference


def course_files(assignment: str) -> dict[str, bytes]:
    """``{"course/<relative path>": bytes}`` of what grading ``assignment`` needs of the active course folder;
    empty without a course folder. ValueError (naming the folder) when the files exceed :data:`LIMIT`."""
    from autograder.folders import course_dir

    top = course_dir()
    if top is None:
        return {}
    files, total = {}, 0
    for path in sorted(top.rglob("*")):
        if path.is_file() and not path.is_symlink() and _wanted(path, top, assignment):
            total += path.stat().st_size
            if total > LIMIT:
                raise ValueError(f"course folder {top}: the files of {assignment} and the course's reference "
                                 f"exceed {LIMIT >> 20} MiB (at {path}); keep data out of the course folder")
            files[f"{COURSE}/{path.relative_to(top).as_posix()}"] = path.read_bytes()
    return files


def activate(folder: Path) -> Path | None:
    """Use ``folder/course`` as the course folder when an export shipped one (before any assignment loads)."""
    from autograder.folders import use_course

    course = Path(folder) / COURSE
    return use_course(course) if course.is_dir() else None
