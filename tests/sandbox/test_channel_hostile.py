"""Hostile bytes on the channel: every frame a child could send is refused with ChannelError, and nothing else,
quickly and without ballooning the reader's memory; every value the grader and a child really exchange still
crosses exactly."""

from __future__ import annotations

import io
import json
import math
import socket
import struct
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

from autograder.sandbox import channel
from autograder.sandbox.channel import ChannelError


def no_other(value, recurse):
    raise ChannelError(f"not plain: {type(value).__name__}")


def frame_of(value) -> bytes:
    blobs: list = []
    return channel.pack({"seq": 1, "ok": True, "value": channel.encode(value, blobs, no_other)}, blobs)


def raw_frame(head: bytes, body: bytes = b"") -> bytes:
    return channel.PREFIX.pack(len(head), len(body)) + head + body


def reply(value: bytes, body: bytes = b"", sizes=()) -> bytes:
    return raw_frame(b'{"seq":1,"ok":true,"value":%s,"blobs":%s}' % (value, json.dumps(list(sizes)).encode()), body)


def handle(payload):  # the grader's "$h" hook does the same checks (process.py)
    if not (isinstance(payload, list) and len(payload) == 2 and type(payload[0]) is int):
        raise ChannelError("malformed handle")
    return ("handle", payload[0], str(payload[1])[:200])


def read(frame: bytes, max_bytes: int = 80 << 20, tags=None):
    """What the grader does with a reply: feed it, then decode its value."""
    got = channel.FrameReader(max_bytes).feed(frame)
    if got is None:
        return None
    header, blobs = got
    return channel.decode(header.get("value"), blobs, {"$h": handle} if tags is None else tags)


def refused(frame: bytes, **kw) -> str:
    with pytest.raises(ChannelError) as info:
        read(frame, **kw)
    return str(info.value)


# ---------------------------------------------------------------- nesting and size


@pytest.mark.parametrize("opener, closer", [(b"[", b"]"), (b'{"a":', b"}"), (b'{"$t":[', b"]}")])
def test_a_header_nested_100000_deep_is_refused_before_json_sees_it(opener, closer):
    deep = reply(opener * 100_000 + b"1" + closer * 100_000)
    assert "nested" in refused(deep)
    head = deep[channel.PREFIX.size:]
    with pytest.raises(ChannelError):
        channel.unpack(head, b"")


def test_nesting_counts_brackets_outside_strings_only():
    inside = b'"' + b"[" * 100_000 + b'\\"' + b"{" * 1000 + b'"'
    assert read(reply(inside)) == "[" * 100_000 + '"' + "{" * 1000
    # a string that ends in an escaped backslash ends there: the brackets after it are the JSON's own
    ends = b'["\\\\",' + b"[" * 100_000 + b"]" * 100_000 + b"]"
    assert "nested" in refused(reply(ends))
    # an escaped quote does not end a string
    with pytest.raises(ChannelError):
        channel.check_header(b'["\\"' + b"[" * 1000 + b'"]' + b"[" * 1000 + b"]" * 1000)


def test_unterminated_strings_and_unbalanced_brackets_are_refused_in_linear_time():
    start = time.perf_counter()
    for head in (b'"\\"' * 2_000_000, b'["' + b'\\"[' * 2_000_000, b"[" * 200 + b"]" * 100, b"]" * 300 + b"[" * 300):
        with pytest.raises(ChannelError):
            channel.unpack(head, b"")
    assert time.perf_counter() - start < 5


def test_legit_nesting_to_max_depth_with_tag_wrappers_still_crosses():
    value = math.inf  # {"$f": "inf"} at the bottom: each tuple or dict level is two levels of JSON
    for i in range(channel.MAX_DEPTH):
        value = (value,) if i % 2 else {"k": value}
    got = read(frame_of(value))
    for i in reversed(range(channel.MAX_DEPTH)):
        got = got["k"] if i % 2 == 0 else got[0]
    assert got == math.inf
    deep = ()
    for _ in range(channel.MAX_DEPTH - 1):
        deep = (deep, complex(math.inf, 1.0))
    assert read(frame_of(deep)) == deep
    with pytest.raises(ChannelError, match="nested"):
        frame_of((value,))


def test_too_many_values_are_refused_before_parsing():
    many = b"[" + b",".join([b"0"] * (channel.MAX_NODES + 1)) + b"]"
    assert "more than" in refused(reply(many))
    small = channel.FrameReader(1 << 20, max_nodes=100)
    with pytest.raises(ChannelError, match="more than 100"):
        small.feed(frame_of([0.5] * 100))
    assert channel.FrameReader(1 << 20, max_nodes=110).feed(frame_of([0.5] * 100)) is not None


def test_headers_over_the_header_cap_are_refused_from_the_prefix():
    reader = channel.FrameReader(80 << 20)
    with pytest.raises(ChannelError, match="header"):
        reader.feed(channel.PREFIX.pack(channel.MAX_HEADER + 1, 0))
    a, b = socket.socketpair()
    with a, b:
        a.sendall(channel.PREFIX.pack(channel.MAX_HEADER + 1, 0))  # and nothing more: reading on would block
        b.settimeout(5)
        with pytest.raises(ChannelError, match="header"):
            channel.recv_frame(b, 1 << 30)
    with pytest.raises(ChannelError, match="header"):
        channel.unpack(b" " * 101, b"", max_header=100)


# The 80 MB reply of empty lists, in a fresh process: refused in well under a second, with the reader's
# peak memory hardly above the frame it was handed.
EMPTY_LISTS = textwrap.dedent("""
    import resource, sys, time
    from autograder.sandbox import channel
    n = (80 << 20) // 3
    head = b'{"seq":1,"ok":true,"blobs":[],"value":[' + b"[]," * n + b'[]]}'
    frame = channel.PREFIX.pack(len(head), 0) + head
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = []
    for how in ("reader", "unpack"):
        start = time.perf_counter()
        try:
            if how == "reader":
                channel.FrameReader(len(frame)).feed(frame)
            else:
                channel.unpack(head, b"", max_header=len(head))
            out.append(how + " accepted")
        except channel.ChannelError as exc:
            out.append(f"{how} refused {time.perf_counter() - start:.3f} {exc}")
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base
    print("\\n".join(out), f"grew {grew // 1024}", sep="\\n")
""")


def test_80_mb_of_empty_lists_is_refused_quickly_and_cheaply():
    run = subprocess.run([sys.executable, "-c", EMPTY_LISTS], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    *lines, grew = run.stdout.split("\n")[:3]
    for how, line in zip(("reader", "unpack"), lines):
        word, when, seconds, *why = line.split(" ")
        assert (word, when) == (how, "refused"), line
        assert float(seconds) < 2, line
    assert "header of" in lines[0] and "more than" in lines[1]
    assert int(grew.split()[1]) < 200, grew


# ---------------------------------------------------------------- malformed values


NPY_ONES = channel.array_to_npy(np.ones(3))


@pytest.mark.parametrize("value, body, sizes", [
    (b'{"$t":5}', b"", ()),
    (b'{"$t":{"a":1}}', b"", ()),
    (b'{"$d":[1,2]}', b"", ()),
    (b'{"$d":{"a":{"$x":1}}}', b"", ()),
    (b'{"$f":[1]}', b"", ()),
    (b'{"$f":{"a":1}}', b"", ()),
    (b'{"$f":"NaN"}', b"", ()),
    (b'{"$c":["a","b"]}', b"", ()),
    (b'{"$c":[1.0]}', b"", ()),
    (b'{"$c":[1,2]}', b"", ()),
    (b'{"$c":{"re":1.0}}', b"", ()),
    (b'{"$c":[{"$a":0},1.0]}', NPY_ONES, (len(NPY_ONES),)),
    (b'{"$c":[{"$f":[]},1.0]}', b"", ()),
    (b'{"$a":true}', NPY_ONES, (len(NPY_ONES),)),
    (b'{"$a":false}', NPY_ONES, (len(NPY_ONES),)),
    (b'{"$a":-1}', NPY_ONES, (len(NPY_ONES),)),
    (b'{"$a":1}', NPY_ONES, (len(NPY_ONES),)),
    (b'{"$a":0.0}', NPY_ONES, (len(NPY_ONES),)),
    (b'{"$a":"0"}', NPY_ONES, (len(NPY_ONES),)),
    (b'{"$a":[0]}', NPY_ONES, (len(NPY_ONES),)),
    (b'[{"$a":0},{"$a":0}]', NPY_ONES, (len(NPY_ONES),)),
    (b'{"$h":5}', b"", ()),
    (b'{"$h":[true]}', b"", ()),
    (b'{"$rng":1}', b"", ()),
    (b'{"$t":[],"$d":{}}', b"", ()),
    (b"{}", b"", ()),
    (b"1", b"xyz", (1, -1, 3)),
    (b"1", b"xyz", (1, True, 1)),
    (b"1", b"xyz", (1, 1.0, 1)),
    (b"1", b"xyz", (4,)),
    (b"1", b"", [0] * (channel.MAX_BLOBS + 1)),
    (b"1" * 5000, b"", ()),
    (b"NaN", b"", ()),
    (b"-Infinity", b"", ()),
])
def test_malformed_values_are_channel_errors(value, body, sizes):
    refused(reply(value, body, sizes))


@pytest.mark.parametrize("frame", [
    raw_frame(b'{"seq":1,"ok":tru'),
    raw_frame(b'[1,2,{"blobs":[]}]'),
    raw_frame(b'"just a string"'),
    raw_frame(b'{"seq":1}'),
    raw_frame(b'{"seq":1,"blobs":null}'),
    raw_frame(b'\xef\xbb\xbf{"seq":1,"blobs":[]}'),
    raw_frame('{"seq":1,"blobs":[]}'.encode("utf-16")),
    raw_frame('{"seq":1,"blobs":[]}'.encode("utf-32-le")),
    raw_frame(b'{"seq":1,"value":"\xff\xfe","blobs":[]}'),
    raw_frame(b'{"seq":1,"blobs":[]}\\'),
    raw_frame(b'{"seq":1,"blobs":[]} {}'),
])
def test_malformed_headers_are_channel_errors(frame):
    refused(frame)


class Boom(Exception):
    pass


@pytest.mark.parametrize("hook", [
    lambda p: {}[p],
    lambda p: [][p],
    lambda p: int("x"),
    lambda p: np.random.default_rng(p),
    lambda p: p.missing,
])
def test_a_tag_hook_that_trips_on_a_forged_payload_is_a_channel_error(hook):
    with pytest.raises(ChannelError):
        channel.decode({"$x": [1, "a"]}, [], {"$x": hook})


def test_a_hooks_own_channel_error_keeps_its_message():
    def stale(payload):
        raise ChannelError("stale handle")

    with pytest.raises(ChannelError, match="stale handle"):
        channel.decode({"$h": 3}, [], {"$h": stale})


@pytest.mark.parametrize("obj", [
    {"$d": {1: 2.0}}, {"$d": {None: 2.0}}, {1: 2}, {"$t": (1,)}, {(): 1}, set(), b"bytes", 1j, np.float64(1),
    [[[{"$a": 0}]]], {"$a": 0},
])
def test_decode_of_things_json_never_makes_is_a_channel_error(obj):
    with pytest.raises(ChannelError):
        channel.decode(obj, [])


# ---------------------------------------------------------------- forged .npy


def npy(header: bytes, data: bytes = b"", magic: bytes = b"\x93NUMPY\x01\x00", pad: bool = True) -> bytes:
    if pad:
        header = header + b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return magic + struct.pack("<H", len(header)) + header + data


def head(shape: bytes, descr: bytes = b"<f8", fortran: bytes = b"False") -> bytes:
    return b"{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, fortran, shape)


def _numpy_v2() -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ones(2), version=(2, 0))
    return buf.getvalue()


def _numpy_v3() -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ones(2), version=(3, 0))
    return buf.getvalue()


@pytest.mark.parametrize("data", [
    npy(head(b"(0, 10**30)")),
    npy(head(b"(0, 1000000000000000000000000000000)")),
    npy(head(b"(0, 9999999999999999999)")),
    npy(head(b"(0, 1099511627776, 1099511627776)")),
    npy(head(b"(1000000000000,)"), b"\x00" * 8),
    npy(head(b"(-1,)"), b"\x00" * 8),
    npy(head(b"(" + b", ".join([b"1"] * 40) + b")"), b"\x00" * 8),
    npy(head(b"(" + b", ".join([b"1"] * 33) + b")"), b"\x00" * 8),
    npy(head(b"(1.0,)"), b"\x00" * 8),
    npy(head(b"(True,)"), b"\x00" * 8),
    npy(head(b"[1]"), b"\x00" * 8),
    npy(head(b"(1,)", fortran=b"1"), b"\x00" * 8),
    npy(head(b"(1,)", fortran=b"'yes'"), b"\x00" * 8),
    npy(head(b"(1,)", fortran=b"None"), b"\x00" * 8),
    npy(head("(1,)".encode(), descr="<f8é".encode()), b"\x00" * 8),
    npy(head(b"(\xd9\xa1,)"), b"\x00" * 8),  # an Arabic-Indic digit one: \d in str patterns, not in ours
    npy(head(b"(1,)", descr=b"<i16"), b"\x00" * 16),
    npy(head(b"(1,)", descr=b"|f8"), b"\x00" * 8),
    npy(head(b"(1,)", descr=b"<U1"), b"\x00" * 4),
    npy(head(b"(1,)", descr=b"|O"), b"\x00" * 8),
    npy(head(b"(1,)", descr=b"<M8"), b"\x00" * 8),
    npy(b"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", b"\x00" * 8),
    npy(b"{'descr': '<f8', 'fortran_order': False, 'shape': __import__('os').getpid(), }"),
    npy(b"{'shape': (1,), 'fortran_order': False, 'descr': '<f8', }", b"\x00" * 8),
    npy(head(b"(1,)"), b"\x00" * 8, pad=False),
    npy(head(b"(1,)") + b" " * 5000, b"\x00" * 8),
    npy(head(b"(2,)"), b"\x00" * 8),
    npy(head(b"(1,)"), b"\x00" * 9),
    npy(head(b"(1,)"), b"\x00" * 8, magic=b"\x93NUMPY\x02\x00"),
    npy(head(b"(1,)"), b"\x00" * 8, magic=b"\x93NUMPX\x01\x00"),
    _numpy_v2(),
    _numpy_v3(),
    b"\x93NUMPY\x01\x00\xff\xff{",
    b"\x93NUMPY\x01\x00\x01",
    b"\x93NUMPY",
    b"",
])
def test_forged_npy_blobs_are_channel_errors(data):
    with pytest.raises(ChannelError):
        channel.npy_to_array(data)
    refused(reply(b'{"$a":0}', data, (len(data),)))


def test_npy_to_array_of_non_bytes_is_a_channel_error():
    for thing in (None, 5, "text", [1, 2], np.ones(2, dtype=np.float32)):
        with pytest.raises(ChannelError):
            channel.npy_to_array(thing)


# ---------------------------------------------------------------- frames in pieces


def test_truncated_frames_are_not_frames():
    whole = frame_of((np.arange(5.0), "x"))
    for cut in range(len(whole)):
        assert channel.FrameReader(1 << 20).feed(whole[:cut]) is None
    a, b = socket.socketpair()
    with a, b:
        a.sendall(whole[:-3])
        a.close()
        b.settimeout(5)
        assert channel.recv_frame(b, 1 << 20) is None
    hlen, blen = channel.PREFIX.unpack_from(whole)
    for cut in (1, hlen // 2, hlen - 1):
        with pytest.raises(ChannelError):
            channel.unpack(whole[8 : 8 + cut], whole[8 + hlen :])


def test_trailing_bytes_are_refused():
    whole = frame_of([1.0, 2.0])
    assert "after" in refused(whole + b"x")
    reader = channel.FrameReader(1 << 20)
    assert reader.feed(whole[:-1]) is None
    with pytest.raises(ChannelError, match="after"):
        reader.feed(whole[-1:] + b"\x00")
    with pytest.raises(ChannelError):
        channel.unpack(whole[8:-1], b"extra")


def test_feeding_in_small_pieces_is_linear():
    big = np.arange(2 << 20, dtype=np.float64)  # a 16 MB reply, fed 1 KB at a time (16,384 pieces)
    whole = memoryview(frame_of(big))
    reader = channel.FrameReader(64 << 20)
    start = time.perf_counter()
    for at in range(0, len(whole) - 1024, 1024):
        assert reader.feed(whole[at : at + 1024]) is None
    header, blobs = reader.feed(whole[at + 1024 :])
    elapsed = time.perf_counter() - start
    np.testing.assert_array_equal(channel.decode(header["value"], blobs), big)
    assert elapsed < 5, elapsed  # a copy of what is buffered per piece would take minutes


# ---------------------------------------------------------------- fuzzing


VALID = [
    frame_of(None),
    frame_of([1.5, -2.0, "héllo", None, True, 7]),
    frame_of((np.arange(6.0).reshape(2, 3), {"a": [math.nan, (1, 2)], "b": complex(1, -math.inf)})),
    frame_of({"w": np.asfortranarray(np.ones((3, 2), dtype=np.float32)), "z": np.array(3, dtype=">i4")}),
    raw_frame(b'{"seq":1,"ok":true,"value":{"$h":[3,"Net"]},"blobs":[]}'),
    frame_of([np.zeros((0, 4), dtype=bool), np.array([1 + 2j], dtype=np.complex64), [[[0.5]]]]),
]


SNIPPETS = [b"true", b"-1", b"1e999", b'"x"', b"[]", b"{}", b"[0]", b'{"$f":[]}', b'{"$a":true}', b'{"$a":0}',
            b'{"$c":[1,2]}', b'{"$t":{}}', b'{"$d":[]}', b'{"$h":[1]}', b"(0, 99999999999999999)", b"1,", b"(",
            b"'<U4'", b"True", b"\x00", b"\xff"]


def mutate(frame: bytes, rng: np.random.Generator) -> bytes:
    data = bytearray(frame)
    how = rng.integers(6)
    if how == 5:  # splice a token that means something to the decoder, then let the prefix follow
        at = rng.integers(8, len(data) + 1)
        data[at : at + rng.integers(0, 6)] = SNIPPETS[rng.integers(len(SNIPPETS))]
        hlen, blen = channel.PREFIX.unpack_from(frame)
        shift = len(data) - len(frame)
        in_head = at < 8 + hlen
        data[:8] = channel.PREFIX.pack(max(hlen + shift * in_head, 0), max(blen + shift * (not in_head), 0))
        return bytes(data)
    elif how == 0:  # flip bytes
        for _ in range(rng.integers(1, 5)):
            data[rng.integers(len(data))] = rng.integers(256)
    elif how == 1:  # interesting bytes
        for _ in range(rng.integers(1, 4)):
            data[rng.integers(len(data))] = ord(rng.choice(list('[]{}",:\\0-eE')))
    elif how == 2:  # cut
        del data[rng.integers(len(data)):]
    elif how == 3:  # insert
        at = rng.integers(len(data) + 1)
        data[at:at] = rng.bytes(int(rng.integers(1, 9)))
    else:  # delete a run
        at = rng.integers(len(data))
        del data[at : at + rng.integers(1, 9)]
    if rng.random() < 0.3:  # keep the prefix consistent, so the mutation reaches the header and blobs
        hlen, blen = channel.PREFIX.unpack_from(frame)
        shift = len(data) - len(frame)
        data[:8] = channel.PREFIX.pack(max(hlen + shift, 0) if rng.random() < 0.5 else hlen,
                                       blen if rng.random() < 0.5 else max(blen + shift, 0))
    return bytes(data)


HOSTILE = [True, -1, 1.5, "x", None, 10**30, [], {}, [0], {"$f": []}, {"$f": "inf"}, {"$a": True}, {"$a": 0},
           {"$a": 1}, {"$a": -1}, {"$c": [1, 2]}, {"$c": [0.5]}, {"$c": [{"$a": 0}, 1.0]}, {"$t": {}}, {"$d": []},
           {"$d": {"a": {"$x": 1}}}, {"$h": [1]}, {"$h": [True, "x"]}, {"$h": [[], []]}, {"$t": [1], "$d": {}}]


def positions(node, out):
    """Every (container, key) in a decoded JSON tree."""
    for key in (range(len(node)) if type(node) is list else list(node) if type(node) is dict else ()):
        out.append((node, key))
        positions(node[key], out)
    return out


def mutate_value(frame: bytes, rng: np.random.Generator) -> bytes:
    """A well-formed frame whose value has one node replaced by a hostile one, or whose .npy header has one
    byte changed to one that means something in it."""
    hlen, _ = channel.PREFIX.unpack_from(frame)
    header = json.loads(frame[8 : 8 + hlen])
    blobs, at = [], 8 + hlen
    for n in header["blobs"]:
        blobs.append(bytearray(frame[at : at + n]))
        at += n
    if blobs and rng.random() < 0.4:
        blob = blobs[rng.integers(len(blobs))]
        blob[rng.integers(10, min(len(blob), 80))] = rng.choice(list(b"0123456789(), '<>|fiucbTrueFals-\n"))
    else:
        spots = positions(header, [])
        node, key = spots[rng.integers(len(spots))]
        node[key] = HOSTILE[rng.integers(len(HOSTILE))]
    head = json.dumps(header).encode()
    return raw_frame(head, b"".join(blobs))


def test_random_mutations_give_a_value_or_a_channel_error():
    rng = np.random.default_rng(0)
    outcomes = {"value": 0, "refused": 0, "incomplete": 0}
    for i in range(6000):
        frame = VALID[rng.integers(len(VALID))]
        data = mutate(frame, rng) if i % 2 else mutate_value(frame, rng)
        try:
            got = read(data, max_bytes=1 << 20)
        except ChannelError:
            outcomes["refused"] += 1
        else:
            outcomes["incomplete" if got is None else "value"] += 1
    assert outcomes["refused"] > 2000 and outcomes["value"] > 300, outcomes


# ---------------------------------------------------------------- what must still cross


def roundtrip(value):
    got = read(frame_of(value))
    assert type(got) is type(value)
    return got


@pytest.mark.parametrize("value", [
    [float(x) for x in np.random.default_rng(1).normal(size=10_000)],
    [[float(i * j) for j in range(100)] for i in range(100)],
    [(i, {"k": str(i)}) for i in range(3000)],
    {"nested": {"deeper": [(1.0, "x"), complex(0.5, -1.5)]}, "$t": [], "": None},
    ("\ud800 lone surrogate", "é" * 10, "日本語", "\x00\n\"\\"),
    (2**100, -(2**63), 0, True, False, None, -0.0, 5e-324, 1.7976931348623157e308),
])
def test_legit_values_cross_exactly(value):
    assert roundtrip(value) == value


def test_special_floats_and_complex_cross():
    got = roundtrip((math.nan, math.inf, -math.inf, complex(math.nan, -math.inf), complex(-0.0, 2.5)))
    assert math.isnan(got[0]) and got[1:3] == (math.inf, -math.inf)
    assert math.isnan(got[3].real) and got[3].imag == -math.inf and got[4] == complex(-0.0, 2.5)


def test_text_is_utf8_not_escaped():
    assert len(frame_of("é" * 1000)) < 2100


DTYPES = [np.dtype(c) for c in "?bhilqBHILQefdgFDG"] + [np.dtype(c).newbyteorder(">") for c in "hilqHILQefdgFDG"]


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("shape", [(), (0,), (5,), (2, 3), (0, 7), (3, 0, 2), (1,) * 32, (2, 1, 3, 1)])
def test_every_numeric_dtype_and_shape_crosses(dtype, shape):
    rng = np.random.default_rng(2)
    a = np.asarray(rng.normal(size=shape) * 50).astype(dtype)
    for arr in (a, np.asfortranarray(a), a.T):
        got = roundtrip(arr)
        assert got.dtype == arr.dtype and got.shape == arr.shape and got.flags.writeable
        np.testing.assert_array_equal(got, arr)


def test_our_npy_bytes_are_numpys_and_numpy_can_read_them():
    for a in (np.asfortranarray(np.ones((2, 3), dtype=">c8")), np.array(7, dtype=np.uint64),
              np.zeros((0, 3), dtype=np.float16), np.array([True, False, True])):
        buf = io.BytesIO()
        np.save(buf, a)
        assert channel.array_to_npy(a) == buf.getvalue()
        np.testing.assert_array_equal(np.load(io.BytesIO(channel.array_to_npy(a))), a)


def test_views_arrays_and_many_arrays_cross():
    base = np.arange(60.0).reshape(3, 4, 5)
    views = [base[:, ::2], base.transpose(2, 0, 1), base[..., 1], base[::-1]]
    many = [np.full(3, float(i)) for i in range(10_000)]
    for arr, got in zip(views + many, roundtrip(views) + roundtrip(many)):
        np.testing.assert_array_equal(got, arr)
