"""Checks of any function against its reference, named by the reference's docstring (``deepgrade new``).

A suite written by ``deepgrade new`` draws hidden inputs and calls three helpers:

    check_function(student, "scale_forward", scale_forward, inputs)        # every result vs the reference
    check_backward(student, "scale_forward", "scale_backward", scale_forward, scale_backward, inputs, rng)
    check_slopes(student, "scale_forward", "scale_backward", scale_forward, scale_backward, inputs, rng)

Results are named and shaped as the reference's docstring says (:mod:`autograder.docspec`); a result named
``cache`` stays in the student's process and is handed to their backward function as it is. ``check_slopes``
is the gradient check: the student's backward, run in a fresh process, against centred differences of the
student's own forward along random directions; it first proves the forward moves with its inputs, so a
constant stub earns nothing. Every message follows the suites' rules (one number per failing output).
"""

from __future__ import annotations

import numpy as np

from autograder.docspec import named_results, parse
from autograder.suites._support import Arg, call, fail, fresh, precision

__all__ = ["check_function", "check_backward", "check_slopes", "size"]

DIRECTIONS = 2  # random directions per input in check_slopes


def size(rng: np.random.Generator, sizes: dict[str, tuple[int, int]], *names: str) -> tuple[int, ...]:
    """One hidden size per dimension name, each uniform in its inclusive range ``sizes[name]``."""
    return tuple(int(rng.integers(sizes[n][0], sizes[n][1] + 1)) for n in names)


def _results(ref, value) -> tuple[tuple, tuple[str, ...], tuple[str, ...]]:
    """The reference's results as a tuple, their names, and their shapes as docstring text."""
    items, names = named_results(ref, value)
    shapes = {p.name: f"({', '.join(p.shape)}{',' if len(p.shape) == 1 else ''})" for p in parse(ref).returns if p.shape}
    return items, names, tuple(shapes.get(n, "") for n in names)


def _cache_index(names: tuple[str, ...]) -> int | None:
    return names.index("cache") if "cache" in names else None


def _call(student, name: str, ref, inputs: dict):
    """(expected results, their names, shapes, the Returned, the student's results as a tuple)."""
    expected, names, shapes = _results(ref, ref(*inputs.values()))
    r = call(student, name, _keep=_cache_index(names), **inputs)
    got = r.parts(*names) if len(names) > 1 else (r.value,)
    return expected, names, shapes, r, got


def _compare(r, names, shapes, got, expected, hint: str = "") -> None:
    for n, shape, mine, want in zip(names, shapes, got, expected):
        if n == "cache":
            continue
        if np.ndim(want) == 0 and not isinstance(want, np.ndarray):
            r.check_scalar(n, mine, float(want), hint)
        else:
            r.check(n, mine, want, hint, shape)


def check_function(student, name: str, ref, inputs: dict, hint: str = ""):
    """Call the student's ``name`` on ``inputs`` (by position) and compare every result but a cache with the
    reference's. Returns the student's results (a tuple)."""
    expected, names, shapes, r, got = _call(student, name, ref, inputs)
    _compare(r, names, shapes, got, expected, hint)
    return got


def _upstream(expected, names, rng) -> list[np.ndarray]:
    """One random upstream gradient per result that is not the cache, shaped like it."""
    return [rng.standard_normal(np.shape(v)) for v, n in zip(expected, names) if n != "cache"]


def _backward(student, fwd: str, bwd: str, ref_fwd, inputs: dict, douts: list):
    """The student's forward then backward in one process: (forward results, their names, the backward's Returned)."""
    expected, names, _shapes, r, got = _call(student, fwd, ref_fwd, inputs)
    i = _cache_index(names)
    if i is None:
        r.fail(f"the reference's {fwd} returns no cache", "")
    upstream = {f"d{n}": d for n, d in zip((n for n in names if n != "cache"), douts)}
    rb = call(student, bwd, **upstream, cache=Arg(got[i], f"the cache from your {fwd}"))
    rb.at_precision_of(*(g for g, n in zip(got, names) if n != "cache"))
    return expected, names, rb


def check_backward(student, fwd: str, bwd: str, ref_fwd, ref_bwd, inputs: dict, rng: np.random.Generator,
                   hint: str = ""):
    """The student's backward, given the cache of their own forward on ``inputs`` and random upstream
    gradients, against the reference's backward on the reference's cache."""
    expected, names, _ = _results(ref_fwd, ref_fwd(*inputs.values()))
    douts = _upstream(expected, names, rng)
    want, grad_names, grad_shapes = _results(ref_bwd, ref_bwd(*douts, expected[_cache_index(names)]))
    _, _, rb = _backward(student, fwd, bwd, ref_fwd, inputs, douts)
    got = rb.parts(*grad_names) if len(grad_names) > 1 else (rb.value,)
    _compare(rb, grad_names, grad_shapes, got, want, hint)


def _loss(student, fwd: str, inputs: dict, douts: list, names) -> float:
    """sum(dout * out) over the forward's results: its derivative along v is <backward's gradient, v>."""
    r = call(student, fwd, _keep=_cache_index(names), **inputs)
    got = r.parts(*names) if len(names) > 1 else (r.value,)
    outs = [r.numeric(n, g) for g, n in zip(got, names) if n != "cache"]
    if any(o.shape != d.shape for o, d in zip(outs, douts)):
        r.fail("a result has another shape than the reference's", "return the shapes the docstring lists")
    return float(sum(np.sum(o * d) for o, d in zip(outs, douts)))


def check_slopes(student, fwd: str, bwd: str, ref_fwd, ref_bwd, inputs: dict, rng: np.random.Generator):
    """The gradient check: the student's backward (in a fresh process, so it cannot replay) against centred
    differences of the student's own forward along random directions, for every input the backward
    returns a gradient of (``dx`` for ``x``)."""
    expected, names, _ = _results(ref_fwd, ref_fwd(*inputs.values()))
    douts = _upstream(expected, names, rng)
    grad_names = _results(ref_bwd, ref_bwd(*douts, expected[_cache_index(names)]))[1]
    wrt = [g[1:] for g in grad_names if g.startswith("d") and g[1:] in inputs]
    _, _, rb = _backward(fresh(student), fwd, bwd, ref_fwd, inputs, douts)
    got = rb.parts(*grad_names) if len(grad_names) > 1 else (rb.value,)
    grads = {g[1:]: rb.numeric(g, v) for g, v in zip(grad_names, got) if g[1:] in wrt}
    low = precision(*(v for v in inputs.values() if isinstance(v, np.ndarray))) is not None
    moved = False
    for x in wrt:
        base = np.asarray(inputs[x], dtype=np.float64)
        if grads[x].shape != base.shape:
            rb.fail(f"d{x} has shape {grads[x].shape}; expected the shape of {x}, {base.shape}")
        for _ in range(DIRECTIONS):
            v = rng.standard_normal(base.shape)
            h = (1e-3 if low else 1e-6) * max(1.0, float(np.max(np.abs(base), initial=0.0)))
            up = _loss(student, fwd, {**inputs, x: base + h * v}, douts, names)
            down = _loss(student, fwd, {**inputs, x: base - h * v}, douts, names)
            numeric, analytic = (up - down) / (2 * h), float(np.sum(grads[x] * v))
            moved = moved or abs(up - down) > 0
            scale = abs(numeric) + float(np.linalg.norm(grads[x]) * np.linalg.norm(v)) * 1e-3 + 1e-9
            if abs(numeric - analytic) > (1e-2 if low else 1e-4) * scale:
                rb.fail(f"d{x} does not match the slope of your own {fwd} along a random direction "
                        f"(relative difference about 1e{int(np.floor(np.log10(abs(numeric - analytic) / scale)))})",
                        f"d{x} must be the derivative of {fwd}'s results with respect to {x}")
    if not moved:
        fail(f"your {fwd} gives the same results when its inputs change", "compute the results from the inputs")
