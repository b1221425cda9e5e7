"""The wire format: plain values round-trip exactly; forged or unsafe bytes are refused, never unpickled."""

import io
import math
import struct

import numpy as np
import pytest

from autograder.sandbox import channel
from autograder.sandbox.channel import ChannelError


def no_other(value, recurse):
    raise ChannelError(f"not plain: {type(value).__name__}")


def roundtrip(value):
    blobs = []
    frame = channel.pack({"value": channel.encode(value, blobs, no_other)}, blobs)
    hlen, _ = channel.PREFIX.unpack_from(frame)
    header, views = channel.unpack(frame[8 : 8 + hlen], frame[8 + hlen :])
    return channel.decode(header["value"], [bytes(v) for v in views])


@pytest.mark.parametrize("value", [
    None, True, 0, -(2**70), 1.5, -0.0, "héllo", [], (), {}, [1, (2, 3), {"a": [None]}],
    ((1,),), {"$t": 1}, {"nested": {"k": (1.0, "x")}}, complex(1, -2),
])
def test_plain_values_round_trip_exactly(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value)


def test_special_floats_round_trip():
    nan, inf, ninf = roundtrip((math.nan, math.inf, -math.inf))
    assert math.isnan(nan) and inf == math.inf and ninf == -math.inf


@pytest.mark.parametrize("array", [
    np.arange(6, dtype=np.float32).reshape(2, 3),
    np.arange(6, dtype=np.float64).reshape(3, 2).T,
    np.asfortranarray(np.ones((3, 2))),
    np.array(3.5),
    np.zeros((0, 4), dtype=bool),
    np.array([1, -2], dtype=">i2"),
    np.array([1 + 2j], dtype=np.complex64),
    np.array([1, 2], dtype=np.uint8),
    np.array([0.5], dtype=np.float16),
])
def test_arrays_keep_dtype_shape_and_values(array):
    got = roundtrip(array)
    assert type(got) is np.ndarray and got.dtype == array.dtype and got.shape == array.shape
    np.testing.assert_array_equal(got, array)
    assert got.flags.writeable


def test_our_npy_bytes_are_exactly_numpys():
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    buf = io.BytesIO()
    np.save(buf, a)
    assert channel.array_to_npy(a) == buf.getvalue()


@pytest.mark.parametrize("array", [
    np.array([object(), 1], dtype=object),
    np.array(["a", "b"]),
    np.zeros(2, dtype=[("x", "f8"), ("y", "i4")]),
    np.array(["2020-01-01"], dtype="datetime64[D]"),
])
def test_unsafe_dtypes_are_refused(array):
    with pytest.raises(ChannelError, match="only numeric and boolean"):
        channel.array_to_npy(array)


def test_pickled_object_array_bytes_are_refused_without_unpickling():
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(ChannelError):
        channel.npy_to_array(buf.getvalue())


@pytest.mark.parametrize("header", [
    b"{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000,), }",
    b"{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }",
    b"{'descr': [('a', '|O')], 'fortran_order': False, 'shape': (1,), }",
    b"{'descr': '<f8', 'fortran_order': False, 'shape': __import__('os').getpid(), }",
    b"not a dict at all",
])
def test_forged_npy_headers_are_refused(header):
    header = header + b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + b"\x00" * 8
    with pytest.raises(ChannelError):
        channel.npy_to_array(data)


@pytest.mark.parametrize("obj", [
    {"$x": 1}, {"$t": 1, "$d": 2}, {"plain": "dict"}, {"$a": 5}, {"$f": "nope"}, {"$h": 1},
])
def test_unknown_or_malformed_tags_are_refused(obj):
    with pytest.raises(ChannelError):
        channel.decode(obj, [])


def test_frames_larger_than_the_cap_are_refused_before_reading_them():
    reader = channel.FrameReader(max_bytes=100)
    with pytest.raises(ChannelError, match="exceeds the limit"):
        reader.feed(channel.PREFIX.pack(50, 10**9))


def test_frames_arrive_in_pieces():
    frame = channel.pack({"ok": True, "value": {"$a": 0}}, [channel.array_to_npy(np.ones(3))])
    reader = channel.FrameReader(max_bytes=1 << 20)
    body, last = frame[:-1], frame[-1:]
    assert all(reader.feed(body[i : i + 7]) is None for i in range(0, len(body), 7))
    header, blobs = reader.feed(last)
    assert header["ok"] and channel.decode(header["value"], blobs).tolist() == [1.0, 1.0, 1.0]


def test_nan_json_constants_are_refused():
    head = b'{"value": NaN, "blobs": []}'
    with pytest.raises(ChannelError):
        channel.unpack(head, b"")


def test_self_containing_values_are_refused():
    loop = []
    loop.append(loop)
    with pytest.raises(ChannelError, match="nested"):
        channel.encode(loop, [], no_other)
