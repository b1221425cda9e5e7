"""Compare generated files across machines: text exactly, numbers within a relative tolerance.

Float results of the reference differ in their last bits from one CPU to another (BLAS kernels
differ), so a generated ``*_public.json`` is not byte-identical everywhere. Here a file is split into
its numeric tokens and the text between them, in one left-to-right pass (no recursion, no parsing):
the text must be identical, and so must the number of tokens; each pair of numbers must agree within
``REL_TOL`` (relative), or ``ABS_TOL`` for a pair that both sit at round-off level near zero.
Formatting, keys, strings and integers' digits are therefore still compared exactly.

Tests load this file with ``importlib`` (``--import-mode=importlib`` puts no test folder on sys.path).
"""

from __future__ import annotations

import json
import math
import re

REL_TOL = 1e-12
ABS_TOL = 1e-15  # cancellation residues of values of order one: 1e-17 on one CPU, 0.0 on another

# A number as JSON and Python write it; split() keeps it as a token (the capture group).
NUMBER = re.compile(r"(-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|(?<!\w)-?Infinity(?!\w)|(?<!\w)NaN(?!\w))")


def numbers_close(a: str, b: str, rel_tol: float = REL_TOL, abs_tol: float = ABS_TOL) -> bool:
    """Are two numeric tokens the same number, up to the last bits?"""
    if a == b:
        return True
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=rel_tol, abs_tol=abs_tol)


def text_differences(a: str, b: str, *, limit: int = 5, rel_tol: float = REL_TOL) -> list[str]:
    """Where ``a`` and ``b`` differ beyond float round-off; [] when they match."""
    pa, pb = NUMBER.split(a), NUMBER.split(b)
    if len(pa) != len(pb):
        return [f"{(len(pa) - 1) // 2} numbers against {(len(pb) - 1) // 2}"] + _first_text_change(a, b)
    out, offset = [], 0
    for i, (x, y) in enumerate(zip(pa, pb)):
        numeric = i % 2 == 1
        if (numeric and not numbers_close(x, y, rel_tol)) or (not numeric and x != y):
            what = "number" if numeric else "text"
            out.append(f"{what} at offset {offset}: {x[:60]!r} != {y[:60]!r}")
            if len(out) >= limit:
                break
        offset += len(x)
    return out


def _first_text_change(a: str, b: str) -> list[str]:
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return [f"first difference at offset {i}: {a[i:i + 40]!r} != {b[i:i + 40]!r}"]


def file_differences(name: str, a: bytes, b: bytes, *, rel_tol: float = REL_TOL) -> list[str]:
    """How generated file ``name`` with bytes ``a`` differs from ``b`` beyond float round-off.

    A ``.json`` or ``.ipynb`` must also be valid JSON on both sides (so a token-level match is a
    match of JSON documents); other files are compared as UTF-8 text, or byte for byte when not text.
    """
    if a == b:
        return []
    try:
        ta, tb = a.decode("utf-8"), b.decode("utf-8")
    except UnicodeDecodeError:
        return ["binary files differ"]
    if name.endswith((".json", ".ipynb")):
        for side, text in (("expected", ta), ("actual", tb)):
            try:
                json.loads(text)
            except ValueError as exc:
                return [f"{side} side is not JSON ({exc})"]
    return text_differences(ta, tb, rel_tol=rel_tol)
