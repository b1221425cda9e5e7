"""One submission's process, seen from the grader: run its cells, call its functions.

Every request is one frame on the child's socket, answered by one frame, under a
wall-clock deadline; while waiting, the grader also drains the child's
stdout/stderr pipe, keeps its tail and stops the child when one request prints
too much. A timeout, a crash, too much output or a broken frame kills the child
(its PID namespace takes every process it started along); the next request
forks a fresh child from the zygote and runs the cells again, leaving out the
cells that killed a child before.
"""

from __future__ import annotations

import itertools
import os
import re
import selectors
import signal
import socket
import time

import numpy as np

from . import channel
from .config import KINDS, Handle, Rng, StudentError

_tokens = itertools.count(1)
MAX_MESSAGE = 4000

SIGNAL_HINTS = {
    signal.SIGSEGV: "segmentation fault",
    signal.SIGBUS: "bus error",
    signal.SIGABRT: "aborted",
    signal.SIGXCPU: "CPU time limit exceeded",
    signal.SIGXFSZ: "file size limit exceeded",
    signal.SIGKILL: "killed: memory exhausted, CPU hard limit, or stopped by the grader",
}


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


class _Output:
    """Total and tail of what a child printed."""

    def __init__(self, cap: int):
        self.cap, self.total, self.tail = cap, 0, bytearray()

    def add(self, data: bytes):
        self.total += len(data)
        self.tail += data
        del self.tail[: max(0, len(self.tail) - self.cap)]

    def text(self) -> str:
        text = self.tail.decode("utf-8", errors="replace")
        return f"[... {self.total - len(self.tail)} bytes not kept ...]\n{text}" if self.total > len(self.tail) else text


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

    def drain(self, output: _Output, budget: int) -> tuple[int, bool]:
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

    def exchange(self, header, blobs, timeout: float, output: _Output, limit: int, max_bytes: int):
        """Send one request (None: none) and wait for its reply; raises StudentError (child then unusable)."""
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
                        raise StudentError("output_limit", f"printed more than {limit} bytes, so it was stopped")
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
                except channel.ChannelError as exc:
                    raise StudentError("bad_value", f"broke the grader's channel ({exc}), so it was stopped") from None
                if frame is not None:
                    if self.drain(output, limit - printed)[0] + printed > limit:
                        raise StudentError("output_limit", f"printed more than {limit} bytes, so it was stopped")
                    expected = "hello" if header is None else self.seq
                    got = frame[0].get("op") if header is None else frame[0].get("seq")
                    if got != expected:
                        raise StudentError("bad_value", "sent a reply the grader did not ask for, so it was stopped")
                    return frame


def open_child(sandbox, module: str, timeout: float, output: _Output | None = None):
    """Fork a child and wait for its hello: (conn, protections info)."""
    sock, out_fd, pid, _ = sandbox.fork(module)
    conn = _Conn(sock, out_fd, pid)
    c = sandbox.config
    try:
        hello, _ = conn.exchange(None, (), timeout, output or _Output(c.output_tail), c.output_limit, 1 << 20)
    except StudentError:
        conn.close(sandbox)
        raise RuntimeError(f"a fresh student process did not start: it {describe_status(conn.status)}") from None
    return conn, hello.get("info", {})


class StudentProcess:
    """A submission running in its own sandboxed process (see the package docstring)."""

    def __init__(self, sandbox, submission):
        self.submission = submission
        self._sb = sandbox
        self._token = next(_tokens)
        self._generation = 0
        self._conn: _Conn | None = None
        self._output = _Output(sandbox.config.output_tail)
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
        return self._output.text()

    def _boot(self):
        """Fork a child and run every cell that did not kill an earlier child; a cell that kills this one
        is recorded as fatal and the run starts over without it."""
        c = self._sb.config
        deadline = time.monotonic() + c.run_timeout
        while True:
            self.restarts += 1
            if self.restarts > c.max_restarts:
                self._gave_up = True
                for cell in self.submission.cells:
                    self._results.setdefault(cell.index, {"index": cell.index, "ok": False, "error": (
                        f"not run: the submission's process died {c.max_restarts} times")})
                return
            self._conn, _ = open_child(self._sb, self._module, c.start_timeout, self._output)
            self._generation += 1
            for cell in self.submission.cells:
                if cell.index in self._fatal or cell.index in self._skipped:
                    continue
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._skipped.add(cell.index)
                    self._results.setdefault(cell.index, {"index": cell.index, "ok": False, "error": (
                        f"not run: the cells together used up the time limit of {c.run_timeout:g} s")})
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

    def _exchange(self, header, blobs, timeout):
        c = self._sb.config
        try:
            return self._conn.exchange(header, blobs, timeout, self._output, c.output_limit, c.max_value_bytes + (16 << 20))
        except StudentError as exc:
            self._conn.close(self._sb)
            message = exc.message or f"the submission's process {describe_status(self._conn.status)}"
            self._conn = None
            raise StudentError(exc.kind, message) from None

    def _alive(self):
        if self._conn is not None and self._conn.gone():  # died between requests (e.g. its zygote died)
            self._conn.close(self._sb)
            self._conn = None
        if self._conn is None and not self._gave_up:
            self._boot()
        if self._gave_up:
            raise StudentError("crash", f"the submission's process died {self._sb.config.max_restarts} "
                               "times, so grading gave up on it")

    def close(self):
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
        except channel.ChannelError as exc:
            self.close()
            raise StudentError("bad_value", f"sent a value the grader cannot read ({exc}), so it was stopped") from None

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
        pattern = re.compile(rf"^\s*(def|class)\s+{re.escape(name)}\b|^{re.escape(name)}\s*=", re.M)
        for cell in self.submission.cells:
            result = self._results.get(cell.index)
            if pattern.search(cell.source) and result and not result["ok"]:
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
        """``name(*args, **kwargs)`` in the student's process; plain data back (see the package docstring)."""
        return self._request({"op": "call", "name": name, "keep": self._keep(keep)}, timeout, (args, kwargs))

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
