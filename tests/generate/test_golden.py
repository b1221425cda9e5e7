"""Are assignments/ and solutions/ what `deepgrade generate-defaults` would write now?

Floats computed by the reference differ in their last bits from one CPU to another (BLAS kernels),
so generated files are compared text-exactly but number by number within a relative 1e-12
(``tests/_numeric_compare.py``).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from autograder.generate.defaults import REPO, default_files
from autograder.manifest import ASSIGNMENT_IDS

_spec = importlib.util.spec_from_file_location("_numeric_compare", Path(__file__).parents[1] / "_numeric_compare.py")
nc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(nc)


def stale_files(expected: dict[str, bytes], root: Path) -> dict[str, list[str]]:
    """{path: differences} for every file of ``expected`` missing under ``root`` or different beyond round-off."""
    stale = {}
    for rel, data in expected.items():
        path = root / rel
        found = nc.file_differences(rel, data, path.read_bytes()) if path.is_file() else ["missing"]
        if found:
            stale[rel] = found
    return stale


@pytest.fixture(scope="module")
def files():
    return default_files()


def test_defaults_are_fresh(files):
    """Does every default file equal a fresh regeneration (floats up to round-off), with no stray files?
    (`make assignments`)"""
    stale = stale_files(files, REPO)
    on_disk = {
        str(p.relative_to(REPO)) for top in ("assignments", "solutions") for a in ASSIGNMENT_IDS
        for p in (REPO / top / a).rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    extra = sorted(on_disk - set(files))
    assert not stale and not extra, (
        f"assignments/ or solutions/ are stale; run `make assignments`. Different or missing: "
        f"{dict(list(stale.items())[:5])}; not generated: {extra[:10]}")


def test_regeneration_is_deterministic(files):
    """Do two regenerations on one machine give byte-identical files?"""
    assert default_files() == files


def _nudge_floats(obj, ulps: int):
    """``obj`` (parsed JSON) with every float moved ``ulps`` steps up (np.nextafter); iterative."""
    root = [obj]
    stack = [root]
    while stack:
        node = stack.pop()
        keys = range(len(node)) if isinstance(node, list) else list(node)
        for k in keys:
            v = node[k]
            if isinstance(v, float):
                for _ in range(ulps):
                    v = float(np.nextafter(v, np.inf))
                node[k] = v
            elif isinstance(v, (list, dict)):
                stack.append(v)
    return root[0]


def _floats(obj) -> int:
    return sum(1 for _ in _iter_floats(obj))


def _iter_floats(obj):
    stack = [obj]
    while stack:
        node = stack.pop()
        if isinstance(node, float):
            yield node
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def _rewrite(files: dict[str, bytes], root: Path, changes: dict[str, bytes]) -> None:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(changes.get(rel, data))


@pytest.mark.parametrize("assignment", ["rnn", "lstm", "ar", "sgd"])
def test_floats_off_by_a_few_ulps_still_match(files, tmp_path, assignment):
    """Does a public JSON whose every float moved by 3 ulps (another CPU's BLAS) still count as fresh?"""
    rel = f"assignments/{assignment}/{assignment}_public.json"
    text = files[rel].decode()
    nudged = _nudge_floats(json.loads(text), 3)
    assert _floats(nudged) > 100
    compact = (",", ":") if '", "' not in text and '": ' not in text else (", ", ": ")
    data = (json.dumps(nudged, separators=compact, ensure_ascii=False) + text[len(text.rstrip()):]).encode()
    assert data != files[rel]  # the bytes differ ...
    assert json.loads(data) != json.loads(text)
    _rewrite({rel: files[rel]}, tmp_path, {rel: data})
    assert stale_files({rel: files[rel]}, tmp_path) == {}  # ... but not beyond round-off


def test_real_changes_are_still_stale(files, tmp_path):
    """Is a changed input value, a changed text, a reformatted file or an extra number still stale?"""
    rel = "assignments/rnn/rnn_public.json"
    text = files[rel].decode()
    doc = json.loads(text)
    first = next(_iter_floats(doc["checks"]))
    changed_value = text.replace(repr(first), repr(first * (1 + 1e-9)), 1)
    changes = {
        "value": changed_value,
        "text": text.replace('"rnn_step_forward"', '"rnn_step_forwarx"', 1),
        "format": json.dumps(doc, indent=1),
        "integer": text.replace("(N=7", "(N=8", 1),
    }
    for what, new in changes.items():
        assert new != text, what
        found = nc.file_differences(rel, files[rel], new.encode())
        assert found, f"a {what} change went unnoticed"
    py = "assignments/rnn/rnn.py"
    edited = files[py].replace(b"def ", b"def  ", 1)
    assert nc.file_differences(py, files[py], edited)
    assert nc.file_differences(py, files[py], files[py] + b"\n0.5\n")
    assert nc.file_differences(rel, files[rel], files[rel][:-2])  # no longer JSON


def test_number_tokens_compare_with_tolerance():
    """Do numbers in text match up to 1e-12 relative, and no further; and is non-numeric text exact?"""
    assert nc.text_differences("x = -0.3904454808348163, n=7", "x = -0.3904454808348162, n=7") == []
    assert nc.text_differences("x = 1e-05", "x = 1.0000000000000001e-05") == []
    assert nc.text_differences("x = 0.0", "x = 1e-17") == []  # round-off next to zero
    assert nc.text_differences("x = 0.39044548", "x = 0.39044549")
    assert nc.text_differences("n=7", "n=8")
    assert nc.text_differences("x = 1.5", "y = 1.5")
    assert nc.text_differences("1.5 2.5", "1.5 2.5 3.5")
    assert nc.text_differences("[NaN]", "[NaN]") == [] and nc.text_differences("[NaN]", "[1.0]")
