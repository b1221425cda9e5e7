"""The values-only wire format between the grader and a student's process.

A frame is ``!II`` (header length, blob length), a JSON header, then the blobs
(``.npy`` files, one per array) back to back; ``header["blobs"]`` lists their
sizes. Values inside the header are JSON with tags, so nothing is ambiguous:

    None, bool, int, str, finite float   as themselves
    list                                 a JSON list
    tuple                                {"$t": [...]}
    dict (string keys)                   {"$d": {...}}
    nan / inf / -inf                     {"$f": "nan" | "inf" | "-inf"}
    complex                              {"$c": [re, im]}
    numpy array (numeric or bool dtype)  {"$a": blob index}
    anything else                        a tag chosen by the caller's hooks ("$h" handle, "$rng" seed)

Arrays are written with ``np.lib.format`` and read back by parsing the header
ourselves and checking the byte count before touching the data: object,
structured, string and datetime dtypes are refused, and nothing is ever
unpickled. The module is shipped into the sandbox too (stdlib + numpy only),
so both ends speak exactly the same format.
"""

from __future__ import annotations

import io
import json
import math
import re
import struct

import numpy as np

PREFIX = struct.Struct("!II")
ALLOWED_KINDS = frozenset("biufc")  # bool, signed, unsigned, float, complex
MAX_DEPTH = 64


class ChannelError(ValueError):
    """A value or a frame that the wire format does not allow."""


# ---------------------------------------------------------------- arrays


def check_dtype(dtype: np.dtype) -> None:
    if dtype.kind not in ALLOWED_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ChannelError(
            f"a numpy array of dtype {dtype}; only numeric and boolean arrays can cross the channel"
        )


def array_to_npy(a: np.ndarray) -> bytes:
    """Bytes of ``a`` as a .npy file (plain ndarray, numeric or bool dtype)."""
    check_dtype(a.dtype)
    fortran = a.flags.f_contiguous and not a.flags.c_contiguous
    header = f"{{'descr': '{a.dtype.str}', 'fortran_order': {fortran}, 'shape': {a.shape!r}, }}"
    pad = -(10 + len(header) + 1) % 64  # numpy aligns the data to 64 bytes
    head = (header + " " * pad + "\n").encode("latin1")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(head)) + head + a.tobytes(order="F" if fortran else "C")


_SIMPLE_HEADER = re.compile(
    rb"\{'descr': '(?P<descr>[<>|=]?[a-zA-Z]\d{0,2})', 'fortran_order': (?P<fortran>True|False), "
    rb"'shape': \((?P<shape>(?:\d+, ?)*\d*)\), \} *\n"
)


def _read_header(data) -> tuple[tuple, bool, np.dtype, int]:
    """(shape, fortran order, dtype, data offset); the header numpy itself writes is parsed by a regex,
    anything else by numpy's own (literal_eval based, slower) parser."""
    view = memoryview(data)
    if bytes(view[:8]) == b"\x93NUMPY\x01\x00" and len(view) >= 10:
        hlen = struct.unpack_from("<H", view, 8)[0]
        m = _SIMPLE_HEADER.fullmatch(bytes(view[10 : 10 + hlen]))
        if m:
            shape = tuple(int(n) for n in m["shape"].replace(b" ", b"").split(b",") if n)
            return shape, m["fortran"] == b"True", np.dtype(m["descr"].decode()), 10 + hlen
    f = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise ChannelError(f"unsupported .npy version {version}")
    except ChannelError:
        raise
    except Exception as exc:  # numpy raises ValueError/SyntaxError/... on a forged header
        raise ChannelError(f"malformed .npy header ({exc})") from None
    return shape, fortran, dtype, f.tell()


def npy_to_array(data) -> np.ndarray:
    """A fresh, writable ndarray from .npy bytes; raises ChannelError on anything unexpected."""
    try:
        shape, fortran, dtype, offset = _read_header(data)
    except (TypeError, ValueError) as exc:  # np.dtype() of a nonsense code
        raise ChannelError(f"malformed .npy header ({exc})") from None
    check_dtype(dtype)
    if not all(type(n) is int and n >= 0 for n in shape):
        raise ChannelError(f"malformed .npy shape {shape!r}")
    count = math.prod(shape)
    if len(data) - offset != count * dtype.itemsize:
        raise ChannelError(
            f".npy data has {len(data) - offset} bytes; shape {shape} of {dtype} needs {count * dtype.itemsize}"
        )
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")


# ---------------------------------------------------------------- values


def encode(value, blobs: list, other, depth: int = 0):
    """JSON-able form of ``value``; arrays are appended to ``blobs``.

    ``other(value, recurse)`` handles every value that is not exactly one of the plain
    types; it returns a JSON-able tag or raises ChannelError. ``recurse(v)`` encodes
    a replacement value at the next depth.
    """
    if depth > MAX_DEPTH:
        raise ChannelError(f"a value nested more than {MAX_DEPTH} levels deep (or one that contains itself)")
    t = type(value)
    if value is None or t is bool or t is int or t is str:
        return value
    if t is float:
        if math.isfinite(value):
            return value
        return {"$f": "nan" if value != value else ("inf" if value > 0 else "-inf")}
    if t is complex:
        return {"$c": [encode(value.real, blobs, other, depth + 1), encode(value.imag, blobs, other, depth + 1)]}
    if t is np.ndarray:
        blobs.append(array_to_npy(value))
        return {"$a": len(blobs) - 1}
    if t is list:
        return [encode(v, blobs, other, depth + 1) for v in value]
    if t is tuple:
        return {"$t": [encode(v, blobs, other, depth + 1) for v in value]}
    if t is dict and all(type(k) is str for k in value):
        return {"$d": {k: encode(v, blobs, other, depth + 1) for k, v in value.items()}}
    return other(value, lambda v: encode(v, blobs, other, depth + 1))


_SPECIAL_FLOATS = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def decode(obj, blobs: list, tags=None, depth: int = 0):
    """Inverse of ``encode``; ``tags`` maps extra tag names ("$h", ...) to ``f(payload)``."""
    if depth > MAX_DEPTH:
        raise ChannelError("a value nested too deeply")
    t = type(obj)
    if obj is None or t in (bool, int, str, float):
        return obj
    if t is list:
        return [decode(v, blobs, tags, depth + 1) for v in obj]
    if t is not dict or len(obj) != 1:
        raise ChannelError(f"unexpected value {str(obj)[:80]!r} on the channel")
    (tag, payload), = obj.items()
    if tag == "$t" and type(payload) is list:
        return tuple(decode(v, blobs, tags, depth + 1) for v in payload)
    if tag == "$d" and type(payload) is dict:
        return {k: decode(v, blobs, tags, depth + 1) for k, v in payload.items()}
    if tag == "$f" and payload in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[payload]
    if tag == "$c" and type(payload) is list and len(payload) == 2:
        re, im = (decode(v, blobs, tags, depth + 1) for v in payload)
        if type(re) is not float or type(im) is not float:
            raise ChannelError("malformed complex number on the channel")
        return complex(re, im)
    if tag == "$a" and type(payload) is int and 0 <= payload < len(blobs):
        return npy_to_array(blobs[payload])
    if tags and tag in tags:
        return tags[tag](payload)
    raise ChannelError(f"unknown tag {tag!r} on the channel")


# ---------------------------------------------------------------- frames


def _no_constants(name):
    raise ChannelError(f"JSON constant {name} is not allowed on the channel")


def pack(header: dict, blobs=()) -> bytes:
    """One frame as bytes."""
    header = dict(header, blobs=[len(b) for b in blobs])
    head = json.dumps(header, allow_nan=False, separators=(",", ":")).encode()
    body = b"".join(blobs)
    return PREFIX.pack(len(head), len(body)) + head + body


def unpack(head: bytes, body) -> tuple[dict, list]:
    """Header dict and list of blob memoryviews of one frame (prefix already removed)."""
    try:
        header = json.loads(head, parse_constant=_no_constants)
    except ChannelError:
        raise
    except ValueError as exc:
        raise ChannelError(f"malformed frame header ({exc})") from None
    sizes = header.pop("blobs", None) if type(header) is dict else None
    if type(sizes) is not list or not all(type(n) is int and n >= 0 for n in sizes) or sum(sizes) != len(body):
        raise ChannelError("frame header does not describe its blobs")
    view, blobs, at = memoryview(body), [], 0
    for n in sizes:
        blobs.append(view[at : at + n])
        at += n
    return header, blobs


def _recv_exact(sock, n: int) -> bytes | None:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = sock.recv_into(view[got:])
        if k == 0:
            return None
        got += k
    return bytes(buf)


def recv_frame(sock, max_bytes: int) -> tuple[dict, list] | None:
    """Blocking read of one frame; None at end of stream."""
    prefix = _recv_exact(sock, PREFIX.size)
    if prefix is None:
        return None
    hlen, blen = PREFIX.unpack(prefix)
    if hlen + blen > max_bytes:
        raise ChannelError(f"frame of {hlen + blen} bytes exceeds the limit of {max_bytes}")
    head = _recv_exact(sock, hlen)
    body = _recv_exact(sock, blen) if blen else b""
    if head is None or body is None:
        return None
    return unpack(head, body)


class FrameReader:
    """Incremental frame parser for a non-blocking reader with a size cap."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.buf = bytearray()
        self.sizes: tuple[int, int] | None = None

    def feed(self, data: bytes) -> tuple[dict, list] | None:
        """Add bytes; return a complete frame once there is one."""
        self.buf += data
        if self.sizes is None and len(self.buf) >= PREFIX.size:
            self.sizes = PREFIX.unpack_from(self.buf)
            if sum(self.sizes) > self.max_bytes:
                raise ChannelError(f"reply of {sum(self.sizes)} bytes exceeds the limit of {self.max_bytes}")
        if self.sizes is None:
            return None
        hlen, blen = self.sizes
        end = PREFIX.size + hlen + blen
        if len(self.buf) < end:
            return None
        if len(self.buf) > end:
            raise ChannelError("unexpected bytes after a reply")
        frame = unpack(bytes(self.buf[PREFIX.size : PREFIX.size + hlen]), bytes(self.buf[PREFIX.size + hlen :]))
        self.buf, self.sizes = bytearray(), None
        return frame
