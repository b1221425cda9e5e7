"""A submission that forges the replies on its channel costs its own grade, never the grader or the batch.

The student's process can rewrite the code that answers the grader (``_deepgrade_sandbox.channel.pack`` is
in its own memory), so every reply frame is hostile bytes: nested 100,000 deep, tens of MB of empty
lists, forged .npy headers, tags with the wrong payload. Each must end as that test's ``bad_value``
error, in ``deepgrade grade`` (exit 0, a JSON result) and in ``grade-batch`` (the others graded).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.generate.bundle import build_bundle
from autograder.manifest import load_manifest
from autograder.variants import DEMO_SECRET

# Replaces every reply that carries a value (calls and gets; cells still run) by FRAME(seq).
FORGER = '''
import struct, sys
_channel = sys.modules["_deepgrade_sandbox.channel"]
_pack = _channel.pack

def _forged(header, blobs=()):
    if "value" not in header:
        return _pack(header, blobs)
    head, body = FRAME(header["seq"])
    return struct.pack("!II", len(head), len(body)) + head + body

_channel.pack = _forged
'''


def _value(seq, value: bytes, body: bytes = b"", blobs=()) -> tuple[bytes, bytes]:
    sizes = json.dumps(list(blobs)).encode()
    return b'{"seq":%d,"ok":true,"value":%s,"blobs":%s}' % (seq, value, sizes), body


NPY = b"\x93NUMPY\x01\x00"


def _npy(header: bytes) -> bytes:
    header = header + b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return NPY + len(header).to_bytes(2, "little") + header


FRAMES = {
    "deep": 'lambda seq: (b\'{"seq":%d,"ok":true,"value":\' % seq + b"[" * 100000 + b"]" * 100000 + b\'}\', b"")',
    "wide": 'lambda seq: (b\'{"seq":%d,"ok":true,"value":[\' % seq + b"[]," * 20_000_000 + b\'[]]}\', b"")',
    "huge_shape": "lambda seq: _value(seq, b'{\"$a\":0}', NPY_HUGE, [len(NPY_HUGE)])",
    "negative_shape": "lambda seq: _value(seq, b'{\"$a\":0}', NPY_NEG, [len(NPY_NEG)])",
    "wrong_tags": "lambda seq: _value(seq, b'{\"$t\":5}')",
    "bad_complex": "lambda seq: _value(seq, b'{\"$c\":[\"a\",\"b\"]}')",
    "bool_index": "lambda seq: _value(seq, b'{\"$a\":true}', NPY_HUGE, [len(NPY_HUGE)])",
    "bad_blobs": "lambda seq: _value(seq, b'1', b'xyz', [1, -1, 3])",
    "not_json": "lambda seq: (b'{\"seq\":%d,\"ok\":tru' % seq, b'')",
}


NPY_HUGE = _npy(b"{'descr': '<f8', 'fortran_order': False, 'shape': (0, 10**30), }")
NPY_NEG = _npy(b"{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }")


def submission(kind: str) -> str:
    helpers = (f"import json\nNPY_HUGE = {NPY_HUGE!r}\nNPY_NEG = {NPY_NEG!r}\n" + _source(_value))
    stubs = "".join(f"def {name}(*args, **kwargs):\n    return (0.0,) * 6\n" for name in load_manifest("rnn").functions)
    return helpers + stubs + FORGER + f"FRAME = {FRAMES[kind]}\n"


def _source(fn) -> str:
    import inspect
    import textwrap

    return textwrap.dedent(inspect.getsource(fn)) + "\n"


# `deepgrade grade` in a process of its own, which reports its peak memory (kB) on stderr's last line. VmHWM,
# not ru_maxrss: Linux carries ru_maxrss over from the forking parent (pytest) across exec.
PEAK = (
    "import sys\n"
    "from autograder.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], standalone_mode=False)\n"
    "finally:\n"
    "    hwm = [line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')]\n"
    "    print(hwm[0], file=sys.stderr)\n"
)


def grade_cli(path, *extra):
    env = dict(os.environ, DEEPGRADE_SECRET="")
    return subprocess.run([sys.executable, "-c", PEAK, "grade", str(path), "-a", "rnn", "-s", "mallory", "--demo",
                           *extra], capture_output=True, text=True, env=env, timeout=600)


@pytest.mark.parametrize("kind", sorted(FRAMES))
def test_a_forged_reply_is_the_students_bad_value(tmp_path, kind):
    """Does `deepgrade grade` exit 0 with a JSON result in which every call failed as the student's fault?"""
    path = tmp_path / "mallory.py"
    path.write_text(submission(kind))
    start = time.monotonic()
    out = grade_cli(path, "--json", "--timeout", "5")
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    assert result["score"] == 0 and result["max_score"] == load_manifest("rnn").max_score
    outputs = "\n".join(t["output"] for t in result["tests"])
    assert "Internal grader error" not in outputs
    assert all(t["status"] == "error" for t in result["tests"])
    assert "cannot read" in outputs or "broke the grader's channel" in outputs or "did not ask for" in outputs
    assert time.monotonic() - start < 120
    peak_mb = int(out.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mb < 600, f"the trusted process grew to {peak_mb:.0f} MB"


def test_a_forger_in_a_batch_costs_only_its_own_grade(tmp_path):
    """Are the honest students of a batch graded in full beside forgers of every kind?"""
    subs = tmp_path / "subs"
    subs.mkdir()
    for student in ("alice", "bob"):
        bundle = build_bundle("rnn", student, DEMO_SECRET, solutions=True)
        (subs / f"{student}.ipynb").write_bytes(bundle.solution_files["rnn.ipynb"])
    for kind in ("deep", "huge_shape", "not_json"):
        (subs / f"mallory-{kind.replace('_', '-')}.py").write_text(submission(kind))
    gradebook = tmp_path / "grades.sqlite"
    out = CliRunner().invoke(main, ["grade-batch", str(subs), "--assignment", "rnn", "--gradebook",
                                    str(gradebook), "--demo", "--workers", "2", "--timeout", "5"],
                             env={"DEEPGRADE_SECRET": ""})
    assert out.exit_code == 0, out.output
    rows = dict(sqlite3.connect(gradebook).execute("SELECT student, score FROM grades").fetchall())
    full = load_manifest("rnn").max_score
    assert rows["alice"] == pytest.approx(full) and rows["bob"] == pytest.approx(full)
    assert {s for s in rows if s.startswith("mallory")} == {"mallory-deep", "mallory-huge-shape", "mallory-not-json"}
    assert all(rows[s] == 0 for s in rows if s.startswith("mallory"))
