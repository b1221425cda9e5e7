"""One submission's process, seen from the grader: run its cells, call its functions.

Every request is one frame on the child's socket, answered by one frame, under a
wall-clock deadline; while waiting, the grader also drains the child's
stdout/stderr pipe. Output is never fatal up to a hard cap: the grader keeps its
head and tail (``Output``, bounded memory), counts the rest and drops it, and
``output_warnings`` says so once the process printed more than
``SandboxConfig.output_limit``; only a request that prints more than
``OUTPUT_HARD_FACTOR`` times that (printing without end) is stopped. A timeout, a
crash, that flood or a broken frame kills the child (its PID namespace takes every
process it started along); the next request forks a fresh child from the zygote
and runs the cells again, leaving out the cells that killed a child before.

A function that timed out once is not called again in the same submission (its
fresh copies included): its later calls fail at once with the same message
(``TimeoutMemory``), so one hung function costs one timeout, not one per test.
"""

from __future__ import annotations

import itertools
import os
import selectors
import signal
import socket
import time

import numpy as np

from . import channel
from .budget import Budget, TimeoutMemory, remember_timeouts
from .config import KINDS, Handle, Rng, StudentError
from .output import Output, flood_message, output_hard_limit

_tokens = itertools.count(1)
MAX_MESSAGE = 4000
SUBMISSION_TIMEOUT = 180.0  # one submission's total wall-clock budget (cells, calls, restarts, fresh copies)
LOAD_TIMEOUT = 20.0  # reading one notebook in a loader process
MAX_NOTEBOOK_REPLY = 32 << 20  # the loader's reply: the cells' text, notes and metadata

SIGNAL_HINTS = {
    signal.SIGSEGV: "segmentation fault",
    signal.SIGBUS: "bus error",
    signal.SIGABRT: "aborted",
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded",
    signal.SIGKILL: "killed: memory exhausted, CPU hard limit, or stopped by the grader",
}


# Whatever a reply's bytes make the decoder raise is the student's bad value, never a grader error.
UNREADABLE = (channel.ChannelError, ValueError, TypeError, KeyError, IndexError, OverflowError, RecursionError,
              MemoryError, UnicodeError, AttributeError)


def _reason(exc: BaseException) -> str:
    return str(exc)[:300] if isinstance(exc, channel.ChannelError) else f"{type(exc).__name__} while decoding"


def describe_status(status: int | None) -> str:
    if status is None:
        return "stopped"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
        return f"was killed by {name} ({SIGNAL_HINTS.get(sig, 'a fatal signal')})"
    if os.WIFEXITED(status):
        return f"exited with status {os.WEXITSTATUS(status)} (os._exit, or the process closed the grader's channel)"
    return "stopped"


class _Conn:
    """Socket, output pipe and pid of one live child."""

    def __init__(self, sock, out_fd: int, pid: int):
        self.sock, self.out_fd, self.pid = sock, out_fd, pid
        sock.setblocking(False)
        os.set_blocking(out_fd, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(sock, selectors.EVENT_READ)
        self.selector.register(out_fd, selectors.EVENT_READ)
        self.seq = 0
        self.status: int | None = None

    def drain(self, output: Output, budget: int) -> tuple[int, bool]:
        """Read what the child printed, up to just over ``budget`` bytes: (bytes read, end of file)."""
        n = 0
        while n <= budget:
            try:
                chunk = os.read(self.out_fd, 1 << 16)
            except (BlockingIOError, InterruptedError):
                return n, False
            except OSError:
                return n, True
            if not chunk:
                return n, True
            output.add(chunk)
            n += len(chunk)
        return n, False

    def gone(self) -> bool:
        """True when the child hung up or sent something nobody asked for."""
        try:
            return self.sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) is not None
        except BlockingIOError:
            return False
        except OSError:
            return True

    def close(self, sandbox):
        if self.sock is None:
            return
        self.selector.close()
        self.sock.close()
        os.close(self.out_fd)
        self.sock = None
        self.status = sandbox.kill(self.pid)

    def exchange(self, header, blobs, timeout: float, output: Output, limit: int, max_bytes: int):
        """Send one request (None: none) and wait for its reply; raises StudentError (child then unusable).

        What the child prints meanwhile goes to ``output``; more than ``limit`` bytes stops the request.
        """
        data, sent, printed = b"", 0, 0
        if header is not None:
            self.seq += 1
            data = memoryview(channel.pack(dict(header, seq=self.seq), blobs))
            try:
                sent = self.sock.send(data)  # small requests go out at once
            except BlockingIOError:
                pass
            except OSError:
                raise StudentError("crash", "") from None
            if sent < len(data):
                self.selector.modify(self.sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
        reader = channel.FrameReader(max_bytes)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StudentError("timeout", f"did not finish within {timeout:g} s, so it was stopped")
            for key, events in self.selector.select(remaining):
                if key.fd == self.out_fd:
                    n, eof = self.drain(output, limit - printed)
                    printed += n
                    if printed > limit:
                        raise StudentError("output_limit", flood_message(limit))
                    if eof:
                        self.selector.unregister(self.out_fd)  # the child closed its stdout and stderr
                    continue
                try:
                    if events & selectors.EVENT_WRITE:
                        sent += self.sock.send(data[sent:])
                        if sent == len(data):
                            self.selector.modify(self.sock, selectors.EVENT_READ)
                    if not events & selectors.EVENT_READ:
                        continue
                    chunk = self.sock.recv(1 << 20)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    raise StudentError("crash", "")  # the caller fills in how the process died
                try:
                    frame = reader.feed(chunk)
                except UNREADABLE as exc:
                    raise StudentError("bad_value", f"broke the grader's channel ({_reason(exc)}), so it was stopped") from None
                if frame is not None:
                    if self.drain(output, limit - printed)[0] + printed > limit:
                        raise StudentError("output_limit", flood_message(limit))
                    expected = "hello" if header is None else self.seq
                    got = frame[0].get("op") if header is None else frame[0].get("seq")
                    if got != expected:
                        raise StudentError("bad_value", "sent a reply the grader did not ask for, so it was stopped")
                    return frame


def open_child(sandbox, module: str, timeout: float, output: Output | None = None):
    """Fork a child and wait for its hello: (conn, protections info)."""
    sock, out_fd, pid, _ = sandbox.fork(module)
    conn = _Conn(sock, out_fd, pid)
    c = sandbox.config
    try:
        hello, _ = conn.exchange(None, (), timeout, output or Output(c.output_tail), c.output_limit, 1 << 20)
    except StudentError:
        conn.close(sandbox)
        raise RuntimeError(f"a fresh student process did not start: it {describe_status(conn.status)}") from None
    return conn, hello.get("info", {})


def defines(source: str, name: str) -> bool:
    """Whether a line of ``source`` starts ``def name``, ``class name`` or ``name =`` (a linear scan: the
    source is the student's)."""
    for line in source.splitlines():
        text = line.lstrip()
        for keyword in ("def", "class"):
            if text.startswith(keyword) and text[len(keyword):len(keyword) + 1] in (" ", "\t"):
                rest = text[len(keyword):].lstrip()
                if rest.startswith(name) and not rest[len(name):len(name) + 1].isidentifier():
                    return True
        if line.startswith(name) and line[len(name):].lstrip().startswith("=") and not \
                line[len(name):].lstrip().startswith("=="):
            return True
    return False


def _check_parsed(value) -> dict | str:
    """The loader's reply, checked field by field (it comes from a process that read hostile bytes)."""
    if type(value) is not dict or set(value) != {"cells", "notes", "metadata"}:
        return "the notebook's loader sent a malformed reply"
    cells, notes, metadata = value["cells"], value["notes"], value["metadata"]
    if type(cells) is not list or type(notes) is not list or type(metadata) is not dict:
        return "the notebook's loader sent a malformed reply"
    last = -1
    for cell in cells:
        if not (type(cell) is list and len(cell) == 2 and type(cell[0]) is int and type(cell[1]) is str
                and cell[0] > last):
            return "the notebook's loader sent a malformed list of cells"
        last = cell[0]
    if not all(type(n) is str for n in notes):
        return "the notebook's loader sent malformed notes"
    return {"cells": [(i, src) for i, src in cells], "notes": [n[:MAX_MESSAGE] for n in notes[:1000]],
            "metadata": metadata}


def _plain_only(value, recurse):
    raise channel.ChannelError(f"cannot send a {type(value).__name__}")


def parse_notebook(sandbox, text: str, keep: bool = False):
    """Cells of the notebook ``text``, read by a loader process forked in ``sandbox`` under the student's
    limits (see notebook.py): ``{"cells": [(index, source)], "notes", "metadata"}``, or a str saying in
    plain words why the notebook could not be read.

    With ``keep`` it returns ``(parsed, conn)``: the loader is a fresh notebook child (module ``__main__``)
    that has run no student code, and the submission's first process can be that very child
    (``Submission.spare``), which saves a fork and a kill per notebook. ``conn`` is None after a failure.
    """
    c = sandbox.config
    output = Output(c.output_tail)
    conn, _ = open_child(sandbox, "__main__", c.start_timeout, output)
    kept = False
    try:
        blobs: list = []
        data = np.frombuffer(text.encode("utf-8", errors="surrogatepass"), dtype=np.uint8)
        header = {"op": "parse", "args": channel.encode((data,), blobs, _plain_only)}
        reply, rblobs = conn.exchange(header, blobs, LOAD_TIMEOUT, output, c.output_limit, MAX_NOTEBOOK_REPLY)
        if not reply.get("ok"):
            parsed = str(reply.get("error"))[:MAX_MESSAGE]
        else:
            parsed = _check_parsed(channel.decode(reply.get("value"), rblobs))
            kept = keep and isinstance(parsed, dict)
    except StudentError as exc:
        if exc.kind == "timeout":
            parsed = (f"reading this notebook took longer than {LOAD_TIMEOUT:g} s (very many magics or !shell "
                      "lines, or a huge cell?), so it was stopped")
        elif exc.kind == "crash":
            conn.close(sandbox)
            parsed = f"reading this notebook failed: the process reading it {describe_status(conn.status)}"
        else:
            parsed = f"reading this notebook failed ({exc.message})"
    except UNREADABLE as exc:
        parsed = f"reading this notebook gave a reply the grader cannot read ({_reason(exc)})"
    finally:
        if not kept:
            conn.close(sandbox)
    if not keep:
        return parsed
    if kept:
        conn.owner = sandbox
        return parsed, conn
    return parsed, None


class StudentProcess:
    """A submission running in its own sandboxed process (see the package docstring).

    ``budget`` is the submission's total time (a :class:`Budget`, shared with its fresh copies; default
    ``SUBMISSION_TIMEOUT`` seconds from now): once spent, every further cell and call fails at once
    with that reason instead of starting processes again. ``timeouts`` (a :class:`TimeoutMemory`, also
    shared with fresh copies) remembers the functions that timed out: their later calls fail at once.
    """

    takes_call_limit = True  # call(timeout=...) is honoured, so the suites' call helper passes scaled limits

    def __init__(self, sandbox, submission, budget: Budget | None = None, timeouts: TimeoutMemory | None = None):
        self.submission = submission
        self._sb = sandbox
        self._budget = budget or Budget(getattr(sandbox.config, "submission_timeout", SUBMISSION_TIMEOUT))
        self.timeouts = timeouts or TimeoutMemory(remember_timeouts(sandbox.config))
        self._copies: list[StudentProcess] = []
        self._token = next(_tokens)
        self._generation = 0
        self._conn: _Conn | None = None
        self._output = Output(sandbox.config.output_tail)
        self._results: dict[int, dict] = {}
        self._fatal: set[int] = set()
        self._skipped: set[int] = set()
        self.restarts = -1
        self._gave_up = False
        self._module = "__main__" if submission.path.suffix.lower() == ".ipynb" else "submission"
        self._boot()

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def cell_results(self) -> list[dict]:
        return [self._results[c.index] for c in self.submission.cells if c.index in self._results]

    @property
    def stdout_tail(self) -> str:
        """The first and last bytes the submission printed (with how many were dropped between)."""
        return self._output.text()

    @property
    def output_warnings(self) -> list[str]:
        """Lines for feedback: this process printed more than ``output_limit`` bytes and most were dropped."""
        warning = self._output.warning(self._sb.config.output_limit)
        return [warning] if warning else []

    @property
    def call_timeout(self) -> float:
        """The time limit of a call that names none."""
        return float(self._sb.config.call_timeout)

    def _boot(self):
        """Fork a child and run every cell that did not kill an earlier child; a cell that kills this one
        is recorded as fatal and the run starts over without it."""
        c = self._sb.config
        deadline = min(time.monotonic() + c.run_timeout, self._budget.deadline)
        while True:
            if self._budget.remaining() <= 0:
                self._gave_up = True
                for cell in self.submission.cells:
                    self._results.setdefault(cell.index, {"index": cell.index, "ok": False,
                                                          "error": self._budget.spent().message})
                return
            self.restarts += 1
            if self.restarts > c.max_restarts:
                self._gave_up = True
                for cell in self.submission.cells:
                    self._results.setdefault(cell.index, {"index": cell.index, "ok": False, "error": (
                        f"not run: the submission's process died {c.max_restarts} times")})
                return
            self._conn = self._take_spare() or open_child(self._sb, self._module, c.start_timeout, self._output)[0]
            self._generation += 1
            for cell in self.submission.cells:
                if cell.index in self._fatal or cell.index in self._skipped:
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._skipped.add(cell.index)
                    limit = (f"the time limit of {c.run_timeout:g} s" if deadline < self._budget.deadline
                             else f"the submission's total time budget of {self._budget.seconds:g} s")
                    self._results.setdefault(cell.index, {"index": cell.index, "ok": False, "error": (
                        f"not run: the cells together used up {limit}")})
                    continue
                try:
                    reply, _ = self._exchange({"op": "exec", "index": cell.index, "source": cell.source},
                                              (), min(c.cell_timeout, remaining))
                except StudentError as exc:
                    self._fatal.add(cell.index)
                    self._results.setdefault(cell.index, {"index": cell.index, "ok": False, "error": exc.message})
                    break
                error = None if reply.get("ok") else str(reply.get("error"))[:MAX_MESSAGE]
                self._results.setdefault(cell.index, {"index": cell.index, "ok": error is None, "error": error})
            else:
                return

    def _take_spare(self):
        """The loader child that read this notebook, once (see ``parse_notebook``), if it is this sandbox's."""
        spare = getattr(self.submission, "spare", None)
        if spare is None or getattr(spare, "owner", None) is not self._sb or self._module != "__main__":
            return None
        self.submission.spare = None
        if getattr(spare, "taken", False):  # a copy of the Submission (dataclasses.replace) took it already
            return None
        spare.taken = True
        if spare.gone():
            spare.close(self._sb)
            return None
        return spare

    def _exchange(self, header, blobs, timeout):
        c = self._sb.config
        remaining = self._budget.remaining()
        if remaining <= 0:
            raise self._budget.spent()
        limit = min(timeout, remaining)
        try:
            return self._conn.exchange(header, blobs, limit, self._output, output_hard_limit(c),
                                       c.max_value_bytes + (16 << 20))
        except StudentError as exc:
            self._conn.close(self._sb)
            if exc.kind == "timeout":
                self.timeouts.waited += 1
            message = exc.message or f"the submission's process {describe_status(self._conn.status)}"
            if exc.kind == "timeout" and limit < timeout:
                message = (f"did not finish before the submission's total time budget of {self._budget.seconds:g} s "
                           "ran out, so it was stopped")
            self._conn = None
            raise StudentError(exc.kind, message) from None

    def _alive(self):
        if self._conn is not None and self._conn.gone():  # died between requests (e.g. its zygote died)
            self._conn.close(self._sb)
            self._conn = None
        if self._conn is None and not self._gave_up:
            self._boot()
        if self._gave_up:
            if self._budget.remaining() <= 0:
                raise self._budget.spent()
            raise StudentError("crash", f"the submission's process died {self._sb.config.max_restarts} "
                               "times, so grading gave up on it")

    def fresh(self) -> StudentProcess:
        """A new process of the same submission that never saw any earlier call.

        It is forked from the zygote and runs the cells again from scratch, in its own namespaces, so no
        state of this process (globals, files, shared memory, threads) reaches it: use it for every check
        whose credit depends on two groups of calls being independent (a sequence against its own steps).
        It draws on this submission's time budget and is closed with this process (or use ``with``).
        """
        copy = StudentProcess(self._sb, self.submission, budget=self._budget, timeouts=self.timeouts)
        self._copies.append(copy)
        return copy

    def close(self):
        for copy in self._copies:
            copy.close()
        self._copies.clear()
        if self._conn is not None:
            self._conn.close(self._sb)
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- values -------------------------------------------------------------------------
    def _encode_other(self, value, recurse):
        if isinstance(value, Handle):
            if value.owner != self._token:
                raise StudentError("stale_handle", "this handle belongs to another submission's process")
            if value.generation != self._generation:
                raise StudentError("stale_handle", "stale handle: it came from an earlier run of the submission's "
                                   "process, which has since been stopped and started again")
            return {"$h": value.id}
        if isinstance(value, Rng):
            return {"$rng": list(value.seed) if isinstance(value.seed, tuple) else value.seed}
        if isinstance(value, np.ndarray):
            return recurse(np.asarray(value).view(np.ndarray))
        if isinstance(value, np.generic) and value.dtype.kind in "biufc":
            return recurse({"b": bool, "i": int, "u": int, "f": float, "c": complex}[value.dtype.kind](value))
        raise TypeError(f"cannot send a {type(value).__name__} to the student's process (arrays, numbers, "
                        "strings, lists, tuples, dicts, Handle and Rng only)")

    def _decode(self, reply, blobs):
        def handle(payload):
            if not (isinstance(payload, list) and len(payload) == 2 and type(payload[0]) is int):
                raise channel.ChannelError("malformed handle")
            return Handle(payload[0], str(payload[1])[:200], self._token, self._generation)

        try:
            return channel.decode(reply.get("value"), blobs, {"$h": handle})
        except UNREADABLE as exc:
            self.close()
            raise StudentError("bad_value", f"sent a value the grader cannot read ({_reason(exc)}), so it was stopped") from None

    def _request(self, header: dict, timeout: float | None, values=()):
        """Send a request whose ``values`` (args, kwargs) are encoded after a restart; decode the reply."""
        self._alive()
        blobs: list = []
        encoded = [channel.encode(v, blobs, self._encode_other) for v in values]
        header = dict(header, **dict(zip(("args", "kwargs"), encoded)))
        reply, rblobs = self._exchange(header, blobs, self._sb.config.call_timeout if timeout is None else timeout)
        if not reply.get("ok"):
            kind = reply.get("kind") if reply.get("kind") in KINDS else "bad_value"
            message = str(reply.get("error"))[:MAX_MESSAGE]
            if kind == "missing":
                message = self._explain_missing(header.get("name", ""), message)
            raise StudentError(kind, message)
        return self._decode(reply, rblobs)

    def _explain_missing(self, name: str, message: str) -> str:
        for cell in self.submission.cells:
            result = self._results.get(cell.index)
            if result and not result["ok"] and defines(cell.source, name):
                first = (result["error"] or "").splitlines()[0] if result["error"] else ""
                return f"{message}: cell {cell.index}, which defines it, failed ({first})"
        return message

    @staticmethod
    def _keep(keep):
        if keep is None or keep is False:
            return None
        if keep is True:
            return True
        items = [keep] if isinstance(keep, int) else list(keep)
        if not items or not all(type(i) is int and i >= 0 for i in items):
            raise ValueError(f"keep must be True, an index or a tuple of indices, got {keep!r}")
        return items

    # -- public ------------------------------------------------------------------------------
    def defined(self, name: str) -> bool:
        """Whether the submission has a global called ``name``."""
        return self._request({"op": "defined", "name": name}, None)

    def call(self, name: str, *args, timeout: float | None = None, keep=None, **kwargs):
        """``name(*args, **kwargs)`` in the student's process; plain data back (see the package docstring).

        After ``name`` timed out once in this submission, it is not called again: ``StudentError("timeout")``
        at once, with the first timeout's message.
        """
        self.timeouts.check(name)
        try:
            return self._request({"op": "call", "name": name, "keep": self._keep(keep)}, timeout, (args, kwargs))
        except StudentError as exc:
            if exc.kind == "timeout" and self._budget.remaining() > 0:  # its own deadline, not the budget's
                self.timeouts.remember(name, exc.message)
            raise

    def get(self, name: str, timeout: float | None = None, keep=None):
        """The value of the global ``name``."""
        return self._request({"op": "get", "name": name, "keep": self._keep(keep)}, timeout)

    def fetch(self, handle: Handle, timeout: float | None = None):
        """The plain form of the object behind ``handle`` (its non-plain parts as new handles)."""
        self._alive()
        self._encode_other(handle, None)
        return self._request({"op": "fetch", "handle": handle.id}, timeout)

    def rng(self, seed) -> Handle:
        """A handle to ``np.random.default_rng(seed)`` created in the student's process."""
        return self._request({"op": "rng", "seed": self._encode_other(Rng(seed), None)["$rng"]}, None)
