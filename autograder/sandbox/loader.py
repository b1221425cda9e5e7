"""Load a submission (a .ipynb notebook or a .py file) into the cells the sandbox will run.

A notebook's code cells are kept in order (``Cell.index`` is the cell's position
in the notebook, markdown cells included, counted from 0); cells tagged
``skip-grading`` are left out, and IPython magics and ``!shell`` lines are made
harmless by ``transform.neutralize`` -- all of it inside the sandbox, in a loader
process under the student's limits (``notebook.py``): the grader never parses a
notebook's JSON or its cells' Python itself. A ``.py`` file is split on ``# %%``
markers (jupytext's percent format; ``# %% [markdown]`` chunks and chunks tagged
``skip-grading`` are left out), or is one cell. Anything we cannot read raises
``SubmissionError`` with a message that names the file and what was expected.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .notebook import SKIP_TAG, skipped_note

MAX_SUBMISSION_BYTES = 10_000_000
SUFFIXES = (".ipynb", ".py")
_MARKER = re.compile(r"^#\s?%%(?P<rest>.*)$")


class SubmissionError(ValueError):
    """A submission file that cannot be graded; the message names the file."""


@dataclass(frozen=True)
class Cell:
    index: int
    source: str


@dataclass
class Submission:
    path: Path
    cells: list[Cell]
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # the loader child that read this notebook and ran nothing else: the first process of its first start
    spare: object = field(default=None, repr=False, compare=False)


def _read_regular(path: Path, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of ``path``, a regular file opened without following a link (a
    submission that is a link to a classmate's file or to the course secret is refused, never read)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)  # a FIFO never blocks
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise SubmissionError(f"{path}: no such file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise SubmissionError(f"{path}: is a symbolic link; submissions must be regular files") from None
        raise SubmissionError(f"{path}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise SubmissionError(f"{path}: is not a regular file")
    with os.fdopen(fd, "rb") as f:
        return f.read(max_bytes + 1)


def load_submission(path, *, max_bytes: int = MAX_SUBMISSION_BYTES, sandbox=None) -> Submission:
    """Read ``path`` (.ipynb or .py) into a ``Submission``; raises ``SubmissionError``.

    A notebook is parsed inside ``sandbox`` (a started :class:`~autograder.sandbox.Sandbox`; when None, a
    shared one started on first use); a .py file is split here, by a linear scan of its lines.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        got = f"'{path.suffix}'" if path.suffix else "no extension"
        raise SubmissionError(f"{path}: expected a Jupyter notebook (.ipynb) or a Python file (.py), got {got}")
    data = _read_regular(path, max_bytes)
    if len(data) > max_bytes:
        raise SubmissionError(
            f"{path}: is larger than the limit of {max_bytes / 1e6:g} MB "
            "(clear the notebook's outputs and submit again)"
        )
    if not data.strip():
        raise SubmissionError(f"{path}: is empty")
    if b"\x00" in data:
        raise SubmissionError(f"{path}: contains NUL bytes, so it is a binary file (or UTF-16 text), not a notebook or Python source")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SubmissionError(
            f"{path}: is not valid UTF-8 (byte {exc.start} is {data[exc.start:exc.start + 1]!r}); save it as UTF-8"
        ) from None
    if suffix == ".ipynb":
        return _load_notebook(path, text, sandbox)
    return _load_script(path, text)


def _load_notebook(path: Path, text: str, sandbox) -> Submission:
    """Parse the notebook in a sandboxed loader process (``notebook.py``): never in the grader."""
    from .process import parse_notebook

    keep = sandbox is not None  # the caller will run it there: its loader child can be its first process
    parsed, spare = parse_notebook(sandbox or _parser_sandbox(), text, keep=True)
    if isinstance(parsed, str):
        raise SubmissionError(f"{path}: {parsed}")
    if not keep and spare is not None:
        spare.close(spare.owner)
        spare = None
    cells = [Cell(index, source) for index, source in parsed["cells"]]
    return Submission(path, cells, parsed["metadata"], parsed["notes"], spare=spare)


_parser = None


def _parser_sandbox():
    """A sandbox kept for reading notebooks when the caller gave none (tests, one-off loads)."""
    global _parser
    if _parser is None or _parser._closed:
        import atexit

        from .runner import Sandbox

        _parser = Sandbox()
        atexit.register(_parser.close)
    return _parser


def _load_script(path: Path, text: str) -> Submission:
    chunks: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines(keepends=True):
        m = _MARKER.match(line.rstrip("\r\n"))
        if m:
            chunks.append((m.group("rest"), []))
        else:
            chunks[-1][1].append(line)
    if len(chunks) > 1 and not "".join(chunks[0][1]).strip():
        chunks = chunks[1:]
    cells, notes, skipped = [], [], []
    for index, (header, lines) in enumerate(chunks):
        header = header.strip()
        if header.startswith(("[markdown]", "[md]")):
            continue
        if SKIP_TAG in header and "tags" in header:
            skipped.append(index)
            continue
        source = "".join(lines)
        if source.strip():
            cells.append(Cell(index, source))
    notes.extend(skipped_note(skipped))
    return Submission(path, cells, {}, notes)


