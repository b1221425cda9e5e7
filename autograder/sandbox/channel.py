"""The values-only wire format between the grader and a student's process.

A frame is ``!II`` (header length, blob length), a JSON header, then the blobs
(``.npy`` files, one per array) back to back; ``header["blobs"]`` lists their
sizes. The header is UTF-8 (text is not escaped to ASCII; a lone surrogate crosses
as it is). Values inside it are JSON with tags, so nothing is ambiguous:

    None, bool, int, str, finite float   as themselves
    list                                 a JSON list
    tuple                                {"$t": [...]}
    dict (string keys)                   {"$d": {...}}
    nan / inf / -inf                     {"$f": "nan" | "inf" | "-inf"}
    complex                              {"$c": [re, im]}
    numpy array (numeric or bool dtype)  {"$a": blob index}
    anything else                        a tag chosen by the caller's hooks ("$h" handle, "$rng" seed)

Arrays are written in the ``.npy`` format (version 1.0, the header numpy itself
writes) and read back by a strict parser that accepts exactly that header and
checks the byte count before touching the data: object, structured, string and
datetime dtypes are refused, and nothing is ever unpickled. The module is shipped
into the sandbox too (stdlib + numpy only), so both ends speak exactly the same format.

Every frame read from the other end is treated as hostile bytes, and bounded:

    frame       header + blobs <= ``max_bytes`` (the caller's cap), checked from the
                prefix before anything else is read or buffered
    header      <= MAX_HEADER (16 MB) of UTF-8 JSON; before ``json.loads`` a linear,
                non-recursive pre-scan (``check_header``) rejects nesting deeper than
                MAX_JSON_DEPTH (2 * MAX_DEPTH + 8: a tuple or dict costs two levels of
                JSON per level of value) and more than MAX_NODES (500,000) JSON values,
                so a reply costs the reader at most some tens of MB and a fraction of a
                second (a list of 10,000 floats is 10,001 values; big data travels as arrays)
    blobs       <= MAX_BLOBS (100,000) per frame; each ``$a`` index may be read once
    .npy        header <= MAX_NPY_HEADER bytes, at most MAX_NDIM (32) dimensions; the
                product of the dimensions (a zero counted as one) times the item size
                must fit in intp, and the data must be exactly ``count * itemsize`` bytes
    values      nested at most MAX_DEPTH (64) levels

Whatever else is wrong with a frame or a value (a tag with the wrong payload, a
bool where an index belongs, a forged shape...) raises ChannelError and nothing
else, so the grader can count it as the student's bad value.
"""

from __future__ import annotations

import json
import math
import re
import struct

import numpy as np

PREFIX = struct.Struct("!II")
ALLOWED_KINDS = frozenset("biufc")  # bool, signed, unsigned, float, complex
MAX_DEPTH = 64
MAX_JSON_DEPTH = 2 * MAX_DEPTH + 8
MAX_HEADER = 16 << 20
MAX_NODES = 500_000
MAX_BLOBS = 100_000
MAX_NPY_HEADER = 4096
MAX_NDIM = 32


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


NPY_MAGIC = b"\x93NUMPY\x01\x00"
_DIM = rb"\d{1,19}"
# Exactly the header array_to_npy writes (numpy's own, version 1.0): '()', '(n,)' or '(n, m, ...)'.
_NPY_HEADER = re.compile(
    rb"\{'descr': '(?P<descr>[<>|][biufc]\d{1,2})', 'fortran_order': (?P<fortran>True|False), "
    rb"'shape': \((?P<shape>|" + _DIM + rb",|" + _DIM + rb"(?:, " + _DIM + rb"){1,%d})\), \} *\n" % (MAX_NDIM - 1)
)
_INTP_MAX = int(np.iinfo(np.intp).max)


def _read_header(view: memoryview) -> tuple[tuple, bool, np.dtype, int]:
    """(shape, fortran order, dtype, data offset) of .npy bytes; only the header array_to_npy writes is
    accepted (parsed by a bounded regex, never by numpy's literal_eval based reader)."""
    if len(view) < 10 or bytes(view[:8]) != NPY_MAGIC:
        raise ChannelError("not a version 1.0 .npy array")
    hlen = struct.unpack_from("<H", view, 8)[0]
    if hlen > MAX_NPY_HEADER or 10 + hlen > len(view):
        raise ChannelError(f"malformed .npy header of {hlen} bytes")
    m = _NPY_HEADER.fullmatch(bytes(view[10 : 10 + hlen]))
    if m is None:
        raise ChannelError("malformed .npy header")
    descr = m["descr"].decode("ascii")
    dtype = np.dtype(descr)  # TypeError for a code numpy does not know
    if dtype.str != descr:
        raise ChannelError(f"malformed .npy dtype {descr!r}")
    shape = tuple(int(n) for n in m["shape"].split(b",") if n)
    return shape, m["fortran"] == b"True", dtype, 10 + hlen


def npy_to_array(data) -> np.ndarray:
    """A fresh, writable ndarray from .npy bytes; raises ChannelError (and nothing else) on anything unexpected."""
    try:
        view = memoryview(data).cast("B")
        shape, fortran, dtype, offset = _read_header(view)
        check_dtype(dtype)
        span = math.prod(max(n, 1) for n in shape) * dtype.itemsize
        if span > _INTP_MAX:
            raise ChannelError(f".npy shape {shape} of {dtype} is too large")
        count = math.prod(shape)
        if len(view) - offset != count * dtype.itemsize:
            raise ChannelError(
                f".npy data has {len(view) - offset} bytes; shape {shape} of {dtype} needs {count * dtype.itemsize}"
            )
        flat = np.frombuffer(view, dtype=dtype, count=count, offset=offset)
        return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")
    except ChannelError:
        raise
    except (ValueError, TypeError, OverflowError, MemoryError, struct.error) as exc:
        raise ChannelError(f"malformed .npy array ({type(exc).__name__}: {str(exc)[:100]})") from None


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
    """Inverse of ``encode``; ``tags`` maps extra tag names ("$h", ...) to ``f(payload)``.

    Raises ChannelError, and nothing else, for anything ``encode`` would not have written
    (an exception from a tag function becomes a ChannelError too)."""
    return _decode(obj, blobs, tags, depth, set())


def _float(obj) -> float:
    if type(obj) is float:
        return obj
    if type(obj) is dict and len(obj) == 1 and type(obj.get("$f")) is str and obj["$f"] in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[obj["$f"]]
    raise ChannelError("malformed complex number on the channel")


def _decode(obj, blobs, tags, depth: int, used: set):
    if depth > MAX_DEPTH:
        raise ChannelError(f"a value nested more than {MAX_DEPTH} levels deep")
    t = type(obj)
    if obj is None or t is bool or t is int or t is str or t is float:
        return obj
    if t is list:
        return [_decode(v, blobs, tags, depth + 1, used) for v in obj]
    if t is not dict or len(obj) != 1:
        raise ChannelError(f"unexpected {t.__name__} on the channel")
    (tag, payload), = obj.items()
    p = type(payload)
    if tag == "$t" and p is list:
        return tuple([_decode(v, blobs, tags, depth + 1, used) for v in payload])
    if tag == "$d" and p is dict:
        if not all(type(k) is str for k in payload):
            raise ChannelError("a dict with a key that is not a string on the channel")
        return {k: _decode(v, blobs, tags, depth + 1, used) for k, v in payload.items()}
    if tag == "$f" and p is str and payload in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[payload]
    if tag == "$c" and p is list and len(payload) == 2:
        return complex(_float(payload[0]), _float(payload[1]))
    if tag == "$a" and p is int and 0 <= payload < len(blobs):
        if payload in used:
            raise ChannelError(f"array {payload} sent twice in one value")
        used.add(payload)
        return npy_to_array(blobs[payload])
    if type(tag) is str and tags and tag in tags:
        try:
            return tags[tag](payload)
        except ChannelError:
            raise
        except Exception as exc:  # a hook's check of a forged payload
            raise ChannelError(f"malformed {tag} on the channel ({type(exc).__name__})") from None
    raise ChannelError(f"unknown or malformed tag {str(tag)[:40]!r} on the channel")


# ---------------------------------------------------------------- frames


def _no_constants(name):
    raise ChannelError(f"JSON constant {name} is not allowed on the channel")


def pack(header: dict, blobs=()) -> bytes:
    """One frame as bytes."""
    header = dict(header, blobs=[len(b) for b in blobs])
    text = json.dumps(header, allow_nan=False, ensure_ascii=False, separators=(",", ":"))
    head = text.encode("utf-8", "surrogatepass")  # a str may hold lone surrogates; they cross as they are
    body = b"".join(blobs)
    return PREFIX.pack(len(head), len(body)) + head + body


_ESCAPE = re.compile(rb"\\.", re.S)
_STRING = re.compile(rb'"[^"]*"')
_NOT_BRACKET = bytes(sorted(set(range(256)) - set(b"[]{}")))


def check_header(head, *, max_depth: int = MAX_JSON_DEPTH, max_nodes: int = MAX_NODES) -> None:
    """Refuse JSON bytes nested deeper than ``max_depth`` or holding more than ``max_nodes`` values,
    before ``json.loads`` sees them (it recurses, and builds every value it reads).

    A few linear passes at C speed, no recursion: escapes (``\\x``) and then whole strings are blanked out
    (in this order, each string is exactly ``"[^"]*"``), so the brackets, commas and colons left are the
    JSON's own. Every value but the first follows a ``[``, ``{``, ``,`` or ``:``, so their count + 1 bounds
    the values; the depth is the running count of opening minus closing brackets."""
    if len(head) < max_nodes and head.count(b"[") + head.count(b"{") <= max_depth:
        return  # every value takes a byte, and brackets in strings only add to the count: a small header passes
    if b"\\" in head:
        head = _ESCAPE.sub(b"_", head)
    if b'"' in head:
        head = _STRING.sub(b"0", head)
        if b'"' in head:
            raise ChannelError("malformed frame header (a string that does not end)")
    opens = head.count(b"[") + head.count(b"{")
    nodes = opens + head.count(b",") + head.count(b":") + 1
    if nodes > max_nodes:
        raise ChannelError(
            f"a value made of more than {max_nodes} numbers, strings, lists and dicts (send big data as numpy arrays)"
        )
    if opens <= max_depth:
        return
    brackets = np.frombuffer(head.translate(None, _NOT_BRACKET), dtype=np.uint8)
    if len(brackets) != 2 * opens:
        raise ChannelError("malformed frame header (unbalanced brackets)")
    is_open = (brackets == ord("[")) | (brackets == ord("{"))
    depth = 2 * np.cumsum(is_open, dtype=np.int64) - np.arange(1, len(brackets) + 1)
    if depth.max() > max_depth:
        raise ChannelError(f"a frame header nested more than {max_depth} levels deep")


def unpack(head: bytes, body, *, max_header: int = MAX_HEADER, max_nodes: int = MAX_NODES,
           max_blobs: int = MAX_BLOBS) -> tuple[dict, list]:
    """Header dict and list of blob memoryviews of one frame (prefix already removed).

    ``head`` is bytes or a bytearray; the header is checked (see ``check_header``) before it is parsed."""
    if type(head) not in (bytes, bytearray):
        head = bytes(head)
    if len(head) > max_header:
        raise ChannelError(f"frame header of {len(head)} bytes exceeds the limit of {max_header}")
    check_header(head, max_nodes=max_nodes)
    try:
        header = json.loads(head.decode("utf-8", "surrogatepass"), parse_constant=_no_constants)
    except ChannelError:
        raise
    except (ValueError, RecursionError, MemoryError) as exc:  # UnicodeDecodeError is a ValueError
        raise ChannelError(f"malformed frame header ({type(exc).__name__}: {str(exc)[:100]})") from None
    sizes = header.pop("blobs", None) if type(header) is dict else None
    if (type(sizes) is not list or len(sizes) > max_blobs or not all(type(n) is int and n >= 0 for n in sizes)
            or sum(sizes) != len(body)):
        raise ChannelError("frame header does not describe its blobs")
    view, blobs, at = memoryview(body), [], 0
    for n in sizes:
        blobs.append(view[at : at + n])
        at += n
    return header, blobs


def _recv_exact(sock, n: int) -> bytearray | None:
    buf = bytearray(n)
    view, got = memoryview(buf), 0
    while got < n:
        k = sock.recv_into(view[got:])
        if k == 0:
            return None
        got += k
    return buf


def _check_sizes(hlen: int, blen: int, max_bytes: int, max_header: int) -> None:
    if hlen > max_header:
        raise ChannelError(f"frame header of {hlen} bytes exceeds the limit of {max_header}")
    if hlen + blen > max_bytes:
        raise ChannelError(f"frame of {hlen + blen} bytes exceeds the limit of {max_bytes}")


def recv_frame(sock, max_bytes: int, *, max_header: int = MAX_HEADER, max_nodes: int = MAX_NODES
               ) -> tuple[dict, list] | None:
    """Blocking read of one frame; None at end of stream. Sizes are checked before anything is read."""
    prefix = _recv_exact(sock, PREFIX.size)
    if prefix is None:
        return None
    hlen, blen = PREFIX.unpack(prefix)
    _check_sizes(hlen, blen, max_bytes, max_header)
    head = _recv_exact(sock, hlen)
    body = _recv_exact(sock, blen) if blen else b""
    if head is None or body is None:
        return None
    return unpack(head, body, max_header=max_header, max_nodes=max_nodes)


class FrameReader:
    """Incremental frame parser for a non-blocking reader with a size cap.

    The sizes are checked as soon as the prefix is in; bytes are appended to one buffer (amortized
    linear in the frame's size, however small the pieces), and the finished frame's blobs are views
    into it, not copies."""

    def __init__(self, max_bytes: int, *, max_header: int = MAX_HEADER, max_nodes: int = MAX_NODES):
        self.max_bytes = max_bytes
        self.max_header = max_header
        self.max_nodes = max_nodes
        self.buf = bytearray()
        self.sizes: tuple[int, int] | None = None

    def feed(self, data: bytes) -> tuple[dict, list] | None:
        """Add bytes; return a complete frame once there is one."""
        if self.sizes is not None and len(self.buf) + len(data) > PREFIX.size + sum(self.sizes):
            raise ChannelError("unexpected bytes after a reply")
        self.buf += data
        if self.sizes is None:
            if len(self.buf) < PREFIX.size:
                return None
            self.sizes = PREFIX.unpack_from(self.buf)
            _check_sizes(*self.sizes, self.max_bytes, self.max_header)
        hlen, blen = self.sizes
        end = PREFIX.size + hlen + blen
        if len(self.buf) < end:
            return None
        if len(self.buf) > end:
            raise ChannelError("unexpected bytes after a reply")
        view = memoryview(self.buf)
        head, body = bytes(view[PREFIX.size : PREFIX.size + hlen]), view[PREFIX.size + hlen :]
        self.buf, self.sizes = bytearray(), None
        return unpack(head, body, max_header=self.max_header, max_nodes=self.max_nodes)
