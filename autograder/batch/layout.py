"""Find the submissions in a batch folder: one file or folder per student id.

The rule (the student id always comes from the layout, never from inside the file):

* a file ``S.ipynb`` or ``S.py`` directly in the folder is student ``S``'s submission;
* a folder ``S/`` is student ``S``'s submission when it holds, at its top level, exactly one
  notebook (``*.ipynb``), or no notebook and exactly one script (``*.py``). The self-check files
  of a bundle (``deepgrade_*.py``) are never candidates. A notebook wins over scripts (a returned
  bundle holds ``rnn.ipynb`` beside its twin ``rnn.py``); a script modified after the notebook is
  named in a warning. Zero or several candidates is that student's error;
* a student given twice (``S.ipynb`` and ``S/``, or ``S.ipynb`` and ``S.py``) is that student's error;
* a notebook whose metadata (``metadata.deepgrade.student``) names another student is graded as
  the layout says, with a warning;
* names starting with ``.`` or ``_`` are ignored (``.ipynb_checkpoints``, ``__pycache__``), and so are
  the gradebook's own files; any other entry (``S.zip``, ``notes.txt``, an invalid id) is reported,
  not graded.

The content hash is the sha256 of the graded file's bytes; for a folder in error it covers the
names and bytes of its candidates, so fixing the folder makes it count as changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.variants import check_student_id

SUFFIXES = (".ipynb", ".py")
SUPPORT_PREFIX = "deepgrade_"  # a bundle's self-check files


@dataclass(frozen=True)
class Entry:
    """One student's slot in a batch folder.

    ``path`` is the file to grade (None when ``error`` says why there is nothing gradeable);
    ``source`` names what was found, relative to the batch folder.
    """

    student: str
    source: str
    content_hash: str
    path: Path | None = None
    error: str | None = None
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Layout:
    """The entries of a batch folder, sorted by student id, and what was not a submission."""

    entries: tuple[Entry, ...]
    ignored: tuple[str, ...]  # "name: why", for the report


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _hash_many(paths: list[Path]) -> str:
    h = hashlib.sha256(b"deepgrade/folder/v1")
    for p in paths:
        h.update(p.name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(sha256_file(p).encode() if p.is_file() else b"-")
        except OSError:
            h.update(b"?")
    return h.hexdigest()


def declared_student(path: Path) -> str | None:
    """The student id a notebook's metadata claims (``metadata.deepgrade.student``), if any.

    Only checked, never used: grading always uses the id from the batch layout.
    """
    if path.suffix != ".ipynb":
        return None
    try:
        if path.stat().st_size > 64 << 20:
            return None
        found = json.loads(path.read_bytes()).get("metadata", {}).get("deepgrade", {}).get("student")
    except (OSError, ValueError, AttributeError):
        return None  # unreadable or corrupt: the engine reports that itself
    return found if isinstance(found, str) else None


def _checked(entry: Entry) -> Entry:
    """``entry`` with a warning when its notebook's metadata names another student."""
    claimed = declared_student(entry.path) if entry.path is not None else None
    if claimed is None or claimed == entry.student:
        return entry
    warning = (
        f"student id mismatch: the notebook's metadata says student {claimed!r}, but it was submitted "
        f"as {entry.student!r} ({entry.source}); graded as {entry.student!r}"
    )
    return replace(entry, warnings=(warning, *entry.warnings))


def _mtime(p: Path) -> float:
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def _visible(p: Path) -> bool:
    return not p.name.startswith((".", "_"))


def _from_folder(root: Path, folder: Path, student: str) -> Entry:
    rel = folder.relative_to(root).as_posix() + "/"
    try:
        files = sorted(p for p in folder.iterdir() if _visible(p) and p.is_file())
    except OSError as exc:
        return Entry(student, rel, _hash_many([]), error=f"cannot list folder {rel} ({exc.strerror})")
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    scripts = [p for p in files if p.suffix == ".py" and not p.name.startswith(SUPPORT_PREFIX)]
    chosen = notebooks if notebooks else scripts
    if len(chosen) == 1:
        path = chosen[0]
        warnings = ()
        newer = [p.name for p in scripts if notebooks and _mtime(p) > _mtime(path)]
        if newer:
            names = ", ".join(newer)
            warnings = (f"graded {rel}{path.name}; not graded, though modified after it: {names}",)
        try:
            digest = sha256_file(path)
        except OSError as exc:
            return Entry(student, rel + path.name, _hash_many([]), error=f"cannot read {rel}{path.name} ({exc.strerror})")
        return Entry(student, rel + path.name, digest, path=path, warnings=warnings)
    if not chosen:
        found = ", ".join(p.name for p in files) or "nothing"
        error = f"folder {rel} holds no .ipynb or .py file (found: {found})"
    else:
        names = ", ".join(p.name for p in chosen)
        error = f"folder {rel} is ambiguous: it holds several {chosen[0].suffix} files ({names}); keep exactly one"
    return Entry(student, rel, _hash_many(chosen), error=error)


def scan(folder: str | Path, exclude: tuple[Path, ...] = ()) -> Layout:
    """Find every student's submission in ``folder`` (see the module docstring for the rule).

    ``exclude`` lists files to pass over silently (the gradebook, when it lives in the folder).
    Raises NotADirectoryError / FileNotFoundError naming ``folder`` when it is not a folder.
    """
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(f"submissions folder '{root}' does not exist")
    if not root.is_dir():
        raise NotADirectoryError(f"submissions folder '{root}' is not a folder")
    skip = {p.resolve() for p in exclude}
    skip |= {p.with_name(p.name + s) for p in skip for s in ("-wal", "-shm", "-journal")}
    by_student: dict[str, list[Path]] = {}
    ignored: list[str] = []
    for p in sorted(root.iterdir()):
        if not _visible(p) or p.resolve() in skip:
            continue
        student = p.name if p.is_dir() else p.stem
        if p.is_file() and p.suffix not in SUFFIXES:
            ignored.append(f"{p.name}: not a submission (expected S.ipynb, S.py or a folder S/)")
            continue
        if not (p.is_dir() or p.is_file()):
            ignored.append(f"{p.name}: not a regular file or folder")
            continue
        try:
            check_student_id(student)
        except ValueError as exc:
            ignored.append(f"{p.name}: {exc}")
            continue
        by_student.setdefault(student, []).append(p)
    entries = []
    for student, paths in sorted(by_student.items()):
        if len(paths) > 1:
            names = ", ".join(p.name + ("/" if p.is_dir() else "") for p in paths)
            error = f"student {student} is given {len(paths)} times ({names}); keep exactly one"
            files = [f for p in paths for f in ([p] if p.is_file() else sorted(p.glob("*")))]
            entries.append(Entry(student, names, _hash_many(files), error=error))
        elif paths[0].is_dir():
            entries.append(_from_folder(root, paths[0], student))
        else:
            path = paths[0]
            try:
                entries.append(Entry(student, path.name, sha256_file(path), path=path))
            except OSError as exc:
                error = f"cannot read {path.name} ({exc.strerror})"
                entries.append(Entry(student, path.name, _hash_many([]), error=error))
    return Layout(tuple(_checked(e) for e in entries), tuple(ignored))
