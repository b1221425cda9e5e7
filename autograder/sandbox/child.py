"""The student's process: runs cells and serves calls (inside the sandbox; stdlib + numpy only).

Forked by the zygote (``zygote.py``); after ``limits.protect_child`` it owns one
socket to the grader and a pipe for its stdout/stderr, and answers requests:

    exec    {index, source}          run one cell in the submission's namespace
    defined {name}                   -> bool
    call    {name, args, kwargs, keep} -> value
    get     {name, keep}             -> value of a global
    fetch   {handle}                 -> plain form of a kept object
    rng     {seed}                   -> handle to np.random.default_rng(seed)
    parse   {args: [notebook bytes]} -> {cells, notes, metadata} (a loader process; no student code)

Replies carry plain data only (see ``channel``). Results are converted here, in
the untrusted process: ndarray subclasses become plain arrays, numpy scalars
become Python numbers, subclasses of int/float/str/list/tuple/dict become the
base type; any other object stays here and crosses as a handle ``{"$h": [id, type]}``.
"""

from __future__ import annotations

import builtins
import dataclasses
import io
import linecache
import os
import socket
import sys
import traceback
import types

import numpy as np

from . import channel, limits

MAX_REQUEST = 1 << 30
TRACEBACK_FRAMES = 4
MESSAGE_CHARS = 500


class BadValue(Exception):
    """The student's value cannot cross the channel."""


class Missing(Exception):
    """The requested name is not a global (or not callable) in the submission."""


class _Kept:
    """Marks a value the grader asked to keep as a handle."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj


def type_name(value) -> str:
    t = type(value)
    return t.__qualname__ if t.__module__ in ("builtins", "__main__", "submission") else f"{t.__module__}.{t.__qualname__}"


def _cell_label(filename: str) -> str:
    return filename[1:-1] if filename.startswith("<cell ") else filename


def describe_exception(exc: BaseException) -> str:
    """Exception type and message, then at most a few frames of the student's own cells."""
    try:
        message = str(exc)
    except Exception:
        message = "<the exception's message could not be shown>"
    head = f"{type_name(exc)}: {message}" if message else type_name(exc)
    if isinstance(exc, SyntaxError) and exc.filename and exc.filename.startswith("<cell "):
        head = f"SyntaxError: {exc.msg} ({_cell_label(exc.filename)}, line {exc.lineno})"
        if exc.text:
            head += f"\n    {exc.text.rstrip()[:200]}"
    lines = [head[:MESSAGE_CHARS]]
    try:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith("<cell ")]
    except Exception:
        frames = []
    for f in frames[-TRACEBACK_FRAMES:]:
        lines.append(f"  {_cell_label(f.filename)}, line {f.lineno}, in {f.name}")
        if f.line:
            lines.append(f"    {f.line.strip()[:200]}")
    return "\n".join(lines)


class Child:
    def __init__(self, sock: socket.socket, module_name: str, settings: dict):
        self.sock = sock
        self.max_value_bytes = settings["max_value_bytes"]
        self.handles: dict[int, object] = {}
        module = types.ModuleType(module_name)
        module.__dict__["__builtins__"] = builtins
        sys.modules[module_name] = sys.modules["__main__"] = module
        sys.argv = [module_name]
        builtins.display = lambda *args, **kwargs: None  # notebooks call IPython's display()
        self.ns = module.__dict__

    # -- values --------------------------------------------------------------------
    def handle(self, obj) -> dict:
        hid = len(self.handles) + 1
        self.handles[hid] = obj
        return {"$h": [hid, type_name(obj)]}

    def other(self, value, recurse):
        """Convert a non-plain value to plain data, or keep it here as a handle."""
        if type(value) is _Kept:
            return self.handle(value.obj)
        if isinstance(value, np.ndarray):
            return recurse(np.asarray(value).view(np.ndarray))
        if isinstance(value, np.generic):
            if isinstance(value, np.bool_):
                return bool(value)
            if isinstance(value, np.integer):
                return int(value)
            if isinstance(value, np.floating):
                return recurse(float(value))
            if isinstance(value, np.complexfloating):
                return recurse(complex(value))
        if isinstance(value, int):
            return int.__index__(value)
        if isinstance(value, float):
            return recurse(float.__float__(value))
        if isinstance(value, str):
            return str.__str__(value)
        if isinstance(value, tuple):
            return recurse(tuple(tuple.__iter__(value)))
        if isinstance(value, list):
            return recurse(list(list.__iter__(value)))
        if isinstance(value, dict):
            items = list(dict.items(value))
            if all(isinstance(k, str) for k, _ in items):
                return recurse({str.__str__(k): v for k, v in items})
        if isinstance(value, (set, frozenset)):
            # e.g. a set of letters for a multiple-answer blank: a list in a stable order
            items = list(value)
            try:
                items.sort()
            except TypeError:
                items.sort(key=repr)
            return recurse(items)
        if type(value) is types.SimpleNamespace:
            return recurse(dict(vars(value)))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            # e.g. the SGDResult of the given code: its fields, as a plain dict
            return recurse({f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
        if hasattr(value, "tocsr") and hasattr(value, "toarray"):
            # a scipy.sparse matrix (duck-typed; scipy need not be loaded here): CSR parts
            m = value.tocsr()
            return recurse({"format": "csr", "shape": tuple(m.shape), "data": m.data,
                            "indices": m.indices, "indptr": m.indptr})
        return self.handle(value)

    def to_wire(self, value, keep):
        """(encoded value, blobs) for a reply; raises BadValue."""
        if keep is True:
            value = _Kept(value)
        elif keep:
            if not isinstance(value, (tuple, list)):
                raise BadValue(f"expected a tuple of results, got {type_name(value)}")
            items = list(value)
            if max(keep) >= len(items):
                raise BadValue(f"expected a tuple of at least {max(keep) + 1} values, got {len(items)}")
            marked = [_Kept(v) if i in keep else v for i, v in enumerate(items)]
            value = marked if isinstance(value, list) else tuple(marked)
        blobs: list = []
        try:
            encoded = channel.encode(value, blobs, self.other)
        except channel.ChannelError as exc:
            raise BadValue(str(exc)) from None
        except RecursionError:
            raise BadValue("a value that contains itself") from None
        except Exception as exc:  # student code ran during the conversion and failed
            raise BadValue(f"a value that could not be converted ({describe_exception(exc)})") from None
        size = sum(len(b) for b in blobs)
        if size > self.max_value_bytes:
            raise BadValue(f"a value of {size / 1e6:.1f} MB; the limit is {self.max_value_bytes / 1e6:.1f} MB")
        return encoded, blobs

    def decode(self, obj, blobs):
        def handle(payload):
            if type(payload) is not int or payload not in self.handles:
                raise channel.ChannelError("stale handle")
            return self.handles[payload]

        def rng(seed):
            return np.random.default_rng(seed)

        return channel.decode(obj, blobs, {"$h": handle, "$rng": rng})

    # -- operations ------------------------------------------------------------------
    def op_exec(self, req, blobs):
        index, source = int(req["index"]), str(req["source"])
        filename = f"<cell {index}>"
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        try:
            code = compile(source, filename, "exec", dont_inherit=True)
        except (SyntaxError, ValueError) as exc:
            return {"ok": False, "kind": "exception", "error": describe_exception(exc)}, []
        exec(code, self.ns)
        return {"ok": True}, []

    def op_defined(self, req, blobs):
        return {"ok": True, "value": str(req["name"]) in self.ns}, []

    def _lookup(self, name):
        if name not in self.ns:
            raise Missing(f"{name} is not defined")
        return self.ns[name]

    def op_call(self, req, blobs):
        fn = self._lookup(str(req["name"]))
        if not callable(fn):
            raise Missing(f"{req['name']} is defined but is not a function (it is a {type_name(fn)})")
        args = self.decode(req["args"], blobs)
        kwargs = self.decode(req["kwargs"], blobs)
        return self.reply(fn(*args, **kwargs), req.get("keep"))

    def op_get(self, req, blobs):
        return self.reply(self._lookup(str(req["name"])), req.get("keep"))

    def op_fetch(self, req, blobs):
        return self.reply(self.decode({"$h": req["handle"]}, blobs), None)

    def op_parse(self, req, blobs):
        """Read a notebook's bytes into cells (the loader process; see notebook.py)."""
        from .notebook import NotebookError, parse_notebook

        data = self.decode(req["args"], blobs)[0]
        try:
            text = np.ascontiguousarray(data, dtype=np.uint8).tobytes().decode("utf-8-sig")
            return self.reply(parse_notebook(text), None)
        except (NotebookError, UnicodeDecodeError) as exc:
            return {"ok": False, "kind": "bad_value", "error": str(exc)}, []

    def op_rng(self, req, blobs):
        return self.reply(np.random.default_rng(req["seed"]), True)

    def reply(self, value, keep):
        encoded, blobs = self.to_wire(value, keep)
        return {"ok": True, "value": encoded}, blobs

    def respond(self, req, blobs):
        op = getattr(self, f"op_{req.get('op')}", None)
        if op is None:
            return {"ok": False, "kind": "bad_value", "error": f"unknown request {req.get('op')!r}"}, []
        try:
            return op(req, blobs)
        except Missing as exc:
            return {"ok": False, "kind": "missing", "error": str(exc)}, []
        except BadValue as exc:
            return {"ok": False, "kind": "bad_value", "error": f"returned {exc}"}, []
        except channel.ChannelError as exc:
            kind = "stale_handle" if "stale handle" in str(exc) else "bad_value"
            return {"ok": False, "kind": kind, "error": str(exc)}, []
        except SystemExit as exc:
            return {"ok": False, "kind": "crash", "error": f"the submission called sys.exit({exc.code!r})"}, []
        except BaseException as exc:
            return {"ok": False, "kind": "exception", "error": describe_exception(exc)}, []

    def serve(self, info: dict):
        self.sock.sendall(channel.pack({"op": "hello", "info": info}))
        while True:
            frame = channel.recv_frame(self.sock, MAX_REQUEST)
            if frame is None:
                return
            req, blobs = frame
            reply, out = self.respond(req, blobs)
            reply["seq"] = req.get("seq")
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except Exception:
                    pass
            frame = channel.pack(reply, out)
            if len(frame) > self.max_value_bytes + (1 << 20):
                frame = channel.pack({"seq": reply["seq"], "ok": False, "kind": "bad_value", "error": (
                    f"returned a value of {len(frame) / 1e6:.1f} MB; the limit is {self.max_value_bytes / 1e6:.1f} MB")})
            self.sock.sendall(frame)


def _wire_fds(sock: socket.socket, out_w: int):
    os.dup2(out_w, 1)
    os.dup2(out_w, 2)
    os.close(out_w)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    fd = sock.fileno()
    os.closerange(3, fd)
    os.closerange(fd + 1, 1 << 16)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
    sys.stdout = sys.__stdout__ = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), encoding="utf-8", errors="backslashreplace", line_buffering=True
    )
    sys.stderr = sys.__stderr__ = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True
    )


def _reseed():
    """Global generators start from fresh entropy in every child: forks of the zygote would otherwise share
    one state, so a function using ``np.random`` would look deterministic from one process to the next."""
    import random

    random.seed(os.urandom(16))
    np.random.seed(int.from_bytes(os.urandom(4), "little"))


def main(sock: socket.socket, out_w: int, request: dict, settings: dict, info: dict):
    """Run in B (see limits.py) until the grader hangs up; never returns."""
    code = 0
    try:
        info = limits.protect_child(info, settings["tmp_bytes"], settings["rlimits"], settings["drop_uid"],
                                     settings.get("keep", ()), settings.get("tmp_fallback"))
        _wire_fds(sock, out_w)
        if info["private_tmp"]:
            os.environ["HOME"] = os.environ["TMPDIR"] = info["tmp_dir"]
        os.chdir(os.environ.get("TMPDIR") or settings["workdir"])
        _reseed()
        Child(sock, str(request["module"]), settings).serve(info)
    except BaseException:
        code = 71
    finally:
        os._exit(code)
