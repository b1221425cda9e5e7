"""Find the submissions in a batch folder: one file or folder per student id.

The rule (the student id always comes from the layout, never from inside the file):

* a file ``S.ipynb`` or ``S.py`` directly in the folder is student ``S``'s submission;
* a folder ``S/`` is student ``S``'s submission when it holds, at its top level, exactly one
  notebook (``*.ipynb``), or no notebook and exactly one script (``*.py``). The self-check files
  of a bundle (``deepgrade_*.py``) are never candidates. A notebook wins over scripts (a returned
  bundle holds ``mlp.ipynb`` beside its twin ``mlp.py``); a script modified after the notebook is
  named in a warning. Zero or several candidates is that student's error;
* a student given twice (``S.ipynb`` and ``S/``, or ``S.ipynb`` and ``S.py``) is that student's error;
* a notebook whose metadata (``metadata.deepgrade.student``) names another student is graded as
  the layout says, with a warning;
* names starting with ``.`` or ``_`` are ignored (``.ipynb_checkpoints``, ``__pycache__``), and so are
  the gradebook's own files; any other entry (``S.zip``, ``notes.txt``, an invalid id) is reported,
  not graded.

Files come from students, so nothing here trusts them:

* no link is ever followed below the batch folder: an entry that is a symbolic link (``S.py -> bob.py``,
  ``S.py -> course.key``, a folder ``S/ -> ../bob``, a link inside ``S/``) is reported as that student's
  error, never read; so is a FIFO, socket or device. Files are opened with ``O_NOFOLLOW`` relative to
  the folder they were listed in, and checked with ``fstat`` to be regular files
  (:func:`read_regular_file`, which the grading side uses to read the bytes again);
* a file is read once, at most :data:`MAX_SUBMISSION_BYTES`; the content hash is the sha256 of
  exactly the bytes read (for a folder in error it covers the names and bytes of its candidates, so
  fixing the folder makes it count as changed). A worker grades only bytes with that hash;
* the notebook's metadata is parsed only after a linear pre-scan bounds its nesting
  (:func:`declared_student`); any failure means "no claim";
* whatever goes wrong with one entry becomes that entry's error: the scan always finishes.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder.sandbox.loader import MAX_SUBMISSION_BYTES
from autograder.variants import check_student_id

SUFFIXES = (".ipynb", ".py")
SUPPORT_PREFIX = "deepgrade_"  # a bundle's self-check files
MAX_JSON_DEPTH = 64  # a notebook is 5 levels deep; deeper JSON is not parsed in the grader
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)  # a FIFO never blocks
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class Entry:
    """One student's slot in a batch folder.

    ``path`` is the file to grade (None when ``error`` says why there is nothing gradeable), always
    ``root / source`` with no link in between; ``source`` names what was found, relative to the batch
    folder; ``content_hash`` is the sha256 of the bytes read (grade only bytes with that hash).
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
    root: Path | None = None  # the batch folder: read entries with read_regular_file(path, under=root)


class SubmissionFileError(ValueError):
    """A submission that must not or cannot be read: a link, not a regular file, too large, unreadable."""


def shown(name: str) -> str:
    """A file name as reports print it: as is when printable, else escaped (``ctrl1\\n.py``)."""
    return name if name.isprintable() else repr(name)[1:-1]


def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device")):
        if test(mode):
            return what
    return "not a regular file"


def _not_regular(rel: str, mode: int) -> SubmissionFileError:
    return SubmissionFileError(f"{shown(rel)} is {_kind(mode)}; submissions must be regular files")


def open_regular(path: str | Path, *, under: str | Path | None = None) -> int:
    """A read-only fd of the regular file ``path``, opened without following any link below ``under``
    (default: the file's own folder). Raises SubmissionFileError for a link, a FIFO, a folder..."""
    path = Path(path)
    base = Path(under) if under is not None else path.parent
    parts = path.relative_to(base).parts
    if not parts or ".." in parts:
        raise SubmissionFileError(f"{shown(str(path))} is not a file inside {shown(str(base))}")
    rel = "/".join(parts)
    dir_fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        for i, part in enumerate(parts[:-1]):
            try:
                fd = os.open(part, _DIR_FLAGS, dir_fd=dir_fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    mode = os.stat(part, dir_fd=dir_fd, follow_symlinks=False).st_mode
                    raise _not_regular("/".join(parts[: i + 1]), mode) from None
                raise
            os.close(dir_fd)
            dir_fd = fd
        mode = os.stat(parts[-1], dir_fd=dir_fd, follow_symlinks=False).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(rel, mode)
        try:
            fd = os.open(parts[-1], _OPEN_FLAGS, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # swapped for a link since the stat
                raise _not_regular(rel, stat.S_IFLNK) from None
            raise
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            raise _not_regular(rel, mode)
        return fd
    finally:
        os.close(dir_fd)


def read_regular_file(path: str | Path, max_bytes: int = MAX_SUBMISSION_BYTES, *,
                      under: str | Path | None = None) -> bytes:
    """The bytes of the regular file ``path`` (see :func:`open_regular`), at most ``max_bytes``.

    Raises SubmissionFileError naming the file (relative to ``under``) for a link, a non-regular
    file or a file over ``max_bytes``; OSError when it cannot be read.
    """
    fd = open_regular(path, under=under)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        name = Path(path).relative_to(under).as_posix() if under is not None else Path(path).name
        raise SubmissionFileError(
            f"{shown(name)} is larger than the limit of {max_bytes / 1e6:g} MB "
            "(clear the notebook's outputs and submit again)"
        )
    return data


def _hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_many(root: Path, paths: list[Path]) -> str:
    h = hashlib.sha256(b"deepgrade/folder/v1")
    for p in paths:
        h.update(p.name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(_hash_bytes(read_regular_file(p, under=root)).encode())
        except SubmissionFileError:
            h.update(b"-")
        except (OSError, ValueError):
            h.update(b"?")
    return h.hexdigest()


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\[\s\S][^"\\]*)*"?')  # always matches: no retry, linear
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")


def json_depth(data: bytes) -> int:
    """The deepest nesting of ``[``/``{`` outside JSON strings, by one linear pass (no parsing)."""
    import numpy as np

    brackets = np.frombuffer(_JSON_STRING.sub(b'""', data).translate(None, _NOT_BRACKETS), dtype=np.uint8)
    if brackets.size == 0:
        return 0
    steps = np.where((brackets == ord("[")) | (brackets == ord("{")), 1, -1).astype(np.int64)
    return int(np.cumsum(steps).max())


def declared_student(path: Path | None = None, data: bytes | None = None) -> str | None:
    """The student id a notebook's metadata claims (``metadata.deepgrade.student``), if any.

    Only checked, never used: grading always uses the id from the batch layout. ``data`` are the
    notebook's bytes (else read from ``path``). JSON nested deeper than MAX_JSON_DEPTH, or anything
    unreadable or corrupt, claims nothing (the sandboxed loader reports it to the student).
    """
    try:
        if data is None:
            if path is None or path.suffix != ".ipynb":
                return None
            data = read_regular_file(path)
        if len(data) > MAX_SUBMISSION_BYTES or json_depth(data) > MAX_JSON_DEPTH:
            return None
        found = json.loads(data).get("metadata", {}).get("deepgrade", {}).get("student")
    except Exception:  # noqa: BLE001 -- untrusted bytes: any failure is "no claim"
        return None
    return found if isinstance(found, str) else None


def _checked(entry: Entry, data: bytes | None) -> Entry:
    """``entry`` with a warning when its notebook's metadata names another student."""
    claimed = declared_student(data=data) if data is not None and entry.source.endswith(".ipynb") else None
    if claimed is None or claimed == entry.student:
        return entry
    warning = (
        f"student id mismatch: the notebook's metadata says student {shown(claimed)!r}, but it was "
        f"submitted as {entry.student!r} ({entry.source}); graded as {entry.student!r}"
    )
    return replace(entry, warnings=(warning, *entry.warnings))


def _graded(root: Path, student: str, path: Path, warnings: tuple[str, ...] = ()) -> Entry:
    """The entry for ``path`` (a file under ``root``): its bytes hashed, or the reason it cannot be."""
    source = shown(path.relative_to(root).as_posix())  # printable: it is stored and shown
    try:
        data = read_regular_file(path, under=root)
    except SubmissionFileError as exc:
        return Entry(student, source, _hash_many(root, [path]), error=str(exc))
    except OSError as exc:
        return Entry(student, source, _hash_many(root, []), error=f"cannot read {shown(source)} ({exc.strerror})")
    return _checked(Entry(student, source, _hash_bytes(data), path=path, warnings=warnings), data)


def _visible(name: str) -> bool:
    return not name.startswith((".", "_"))


def _listing(root: Path, folder: Path) -> list[tuple[str, int, float]]:
    """(name, lstat mode, lstat mtime) of the visible entries of ``folder``, opened without following a link."""
    root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    try:
        fd = os.open(folder.relative_to(root).as_posix(), _DIR_FLAGS, dir_fd=root_fd)
    finally:
        os.close(root_fd)
    try:
        out = []
        for name in sorted(os.listdir(fd)):
            if _visible(name):
                st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                out.append((name, st.st_mode, st.st_mtime))
        return out
    finally:
        os.close(fd)


def _from_folder(root: Path, folder: Path, student: str) -> Entry:
    rel = shown(folder.relative_to(root).as_posix() + "/")
    try:
        listing = _listing(root, folder)
    except OSError as exc:
        return Entry(student, rel, _hash_many(root, []), error=f"cannot list folder {shown(rel)} ({exc.strerror})")
    files = [(n, mode, mtime) for n, mode, mtime in listing if not stat.S_ISDIR(mode)]
    notebooks = [f for f in files if f[0].endswith(".ipynb")]
    scripts = [f for f in files if f[0].endswith(".py") and not f[0].startswith(SUPPORT_PREFIX)]
    chosen = notebooks if notebooks else scripts
    if len(chosen) == 1:
        name, _, mtime = chosen[0]
        newer = [shown(n) for n, mode, t in scripts if notebooks and stat.S_ISREG(mode) and t > mtime]
        warnings = ()
        if newer:
            warnings = (f"graded {shown(rel + name)}; not graded, though modified after it: {', '.join(newer)}",)
        return _graded(root, student, folder / name, warnings)
    if not chosen:
        found = ", ".join(shown(n) for n, _, _ in files) or "nothing"
        error = f"folder {shown(rel)} holds no .ipynb or .py file (found: {found})"
    else:
        names = ", ".join(shown(n) for n, _, _ in chosen)
        error = f"folder {shown(rel)} is ambiguous: it holds several {Path(chosen[0][0]).suffix} files ({names}); keep exactly one"
    return Entry(student, rel, _hash_many(root, [folder / n for n, _, _ in chosen]), error=error)


def _one(root: Path, student: str, paths: list[tuple[Path, int]]) -> Entry:
    """The entry of one student from its top-level ``paths`` (with their lstat modes)."""
    if len(paths) > 1:
        names = ", ".join(shown(p.name) + ("/" if stat.S_ISDIR(m) else "") for p, m in paths)
        error = f"student {student} is given {len(paths)} times ({names}); keep exactly one"
        files = []
        for p, m in paths:
            files += [p / n for n, _, _ in _listing(root, p)] if stat.S_ISDIR(m) else [p]
        return Entry(student, names, _hash_many(root, files), error=error)
    path, mode = paths[0]
    if stat.S_ISDIR(mode):
        return _from_folder(root, path, student)
    if not stat.S_ISREG(mode):  # a link (to a file or a folder), a FIFO...: never followed, never read
        return Entry(student, path.name, _hash_many(root, []), error=str(_not_regular(path.name, mode)))
    return _graded(root, student, path)


def scan(folder: str | Path, exclude: tuple[Path, ...] = ()) -> Layout:
    """Find every student's submission in ``folder`` (see the module docstring for the rule).

    ``exclude`` lists files to pass over silently (the gradebook, when it lives in the folder).
    Raises NotADirectoryError / FileNotFoundError naming ``folder`` when it is not a folder; any
    trouble with one entry becomes that entry's error (or a line of ``ignored``).
    """
    root = Path(folder)
    if not root.exists():
        raise FileNotFoundError(f"submissions folder '{root}' does not exist")
    if not root.is_dir():
        raise NotADirectoryError(f"submissions folder '{root}' is not a folder")
    skip = {p.resolve() for p in exclude}
    skip |= {p.with_name(p.name + s) for p in skip for s in ("-wal", "-shm", "-journal")}
    real_root = root.resolve()  # an entry is compared with `exclude` by its own name: links are not followed
    by_student: dict[str, list[tuple[Path, int]]] = {}
    ignored: list[str] = []
    for name, mode in _top(root):
        p = root / name
        if real_root / name in skip:
            continue
        folderish = stat.S_ISDIR(mode) or (stat.S_ISLNK(mode) and not Path(name).suffix)
        student = name if folderish else Path(name).stem
        if not folderish and Path(name).suffix not in SUFFIXES:
            ignored.append(f"{shown(name)}: not a submission (expected S.ipynb, S.py or a folder S/)")
            continue
        try:
            check_student_id(student)
        except ValueError as exc:
            ignored.append(f"{shown(name)}: {exc}")
            continue
        by_student.setdefault(student, []).append((p, mode))
    entries = []
    for student, paths in sorted(by_student.items()):
        try:
            entries.append(_one(root, student, paths))
        except Exception as exc:  # noqa: BLE001 -- one entry's trouble never stops the scan
            names = ", ".join(shown(p.name) for p, _ in paths)
            error = f"cannot read {names} ({type(exc).__name__}: {exc})"
            entries.append(Entry(student, names, _hash_many(root, []), error=error))
    return Layout(tuple(entries), tuple(ignored), root)


def _top(root: Path) -> list[tuple[str, int]]:
    """(name, lstat mode) of the visible entries of the batch folder (the folder itself may be a link:
    the TA chose it)."""
    out = []
    for name in sorted(os.listdir(root)):
        if _visible(name):
            try:
                out.append((name, os.lstat(root / name).st_mode))
            except OSError:
                continue  # gone since the listing
    return out
