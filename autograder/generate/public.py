"""Public self-check data: fixed inputs (from ``public_seed``) and the reference's outputs on them.

The result is the JSON written as ``<id>_public.json`` into a bundle and read by
``autograder/selfcheck/deepgrade_check.py``. Inputs come from ``public_seed(assignment_id)`` only,
so they are the same for every student of an assignment (sizes may follow the variant) and share
nothing with the hidden tests, whose inputs come from ``hidden_seed`` and the course secret.

Check forms (see deepgrade_check.KINDS): ``value`` (call, compare outputs), ``gradcheck`` (the
student's backward against centred differences of the student's forward), ``drop_mask`` and
``partition`` (properties, since any valid random mask or shuffle is right) and ``answers``
(format only). Each assignment folder's ``public.py`` builds its checks with the helpers here.
"""

from __future__ import annotations

import numpy as np

from autograder.answer_key import blank_form
from autograder.docspec import named_results
from autograder.folders import assignment_module
from autograder.manifest import Manifest, load_manifest
from autograder.variants import public_seed


def enc(a) -> dict:
    """An array (or a number) in the JSON form deepgrade_check.decode reads."""
    a = np.asarray(a)
    return {"array": a.ravel().tolist(), "shape": list(a.shape), "dtype": str(a.dtype)}


def call(fn: str, *args, **kwargs) -> dict:
    def form(a):
        if isinstance(a, dict) and len(a) == 1 and next(iter(a)) in ("rng", "from_setup", "value"):
            return a
        if isinstance(a, np.ndarray):
            return enc(a)
        return {"value": a.item() if isinstance(a, np.generic) else a}
    return {"fn": fn, "args": [form(a) for a in args], "kwargs": {k: form(v) for k, v in kwargs.items()}}


def out(name: str, expect, index: int | None = None, kind: str = "array", rtol=1e-7, atol=1e-9) -> dict:
    form = {"value": expect} if kind == "dict" else enc(expect)
    return {"name": name, "index": index, "expect": form, "type": kind, "rtol": rtol, "atol": atol}


def value_check(title: str, fn_call: dict, outputs: list[dict], hint: str = "", setup: dict | None = None,
                n_out: int | None = None) -> dict:
    return {"kind": "value", "title": title, "call": fn_call, "outputs": outputs, "setup": setup,
            "n_out": n_out, "hint": hint}


def grad_check(title: str, forward: dict, arg_names: list[str], outputs: list[int], n_out: int, cache: int,
               backward: str, douts: list, grads: list[tuple[int | None, str, int]], hint: str = "",
               n_grads: int | None = None) -> dict:
    forward = dict(forward, arg_names=arg_names)
    return {"kind": "gradcheck", "title": title, "forward": forward, "outputs": outputs, "n_out": n_out,
            "cache": cache, "backward": backward, "douts": [enc(d) for d in douts], "n_grads": n_grads,
            "grads": [{"index": i, "name": n, "wrt": w} for i, n, w in grads], "tol": 1e-6, "hint": hint}


def rng_for(assignment_id: str, stream: int) -> np.random.Generator:
    """The public generator of one check (its own stream per check)."""
    return np.random.default_rng([public_seed(assignment_id), stream])


def answers_check(title: str, blanks: dict[str, str]) -> dict:
    return {"kind": "answers", "title": title, "blanks": blanks}


def _grads(names) -> list[tuple[int, str, int]]:
    return [(i, n, i) for i, n in enumerate(names)]


def pair_checks(fn_fwd: str, fn_bwd: str, args: dict, outs: list[str], n_out: int, douts: list, ref_fwd, ref_bwd,
          grads: list[str], ref_kwargs: dict, hints: tuple[str, str], sizes: str) -> dict:
    """Value checks of a forward/backward pair, and a gradient check of the backward.

    ``args`` are the forward's inputs by name, ``outs`` its outputs' names (``n_out`` values, the last the
    cache), ``douts`` the upstream gradients, ``grads`` the backward's outputs' names (``dW`` for ``W``),
    ``ref_kwargs`` what the reference takes beyond the student (a variant's fixed parameters)."""
    names, values = list(args), list(args.values())
    ref_out = ref_fwd(*values, **ref_kwargs)
    ref_grads = ref_bwd(*douts, ref_out[-1])
    if not isinstance(ref_grads, tuple):
        ref_grads = (ref_grads,)
    fwd_call = call(fn_fwd, *values)
    forward = [value_check(f"{fn_fwd}: {', '.join(outs)} on public inputs ({sizes})", fwd_call,
                           [out(n, ref_out[i], index=i) for i, n in enumerate(outs)], hints[0], n_out=n_out)]
    single = len(grads) == 1
    bwd_call = call(fn_bwd, *douts, {"from_setup": n_out - 1})
    backward = [
        value_check(f"{fn_bwd}: {', '.join(grads)} on public inputs (cache from your {fn_fwd})", bwd_call,
                    [out(n, ref_grads[i], index=None if single else i) for i, n in enumerate(grads)],
                    hints[1], setup=fwd_call, n_out=None if single else len(grads)),
        grad_check(f"{fn_bwd}: agrees with numerical gradients of your {fn_fwd}", fwd_call, names,
                   list(range(len(outs))), n_out, n_out - 1, fn_bwd, douts,
                   [(None if single else i, n, names.index(w)) for i, (n, w) in enumerate(zip(grads, _wrt(grads)))],
                   hints[1], n_grads=None if single else len(grads)),
    ]
    return {fn_fwd: forward, fn_bwd: backward}


def _wrt(grads: list[str]) -> list[str]:
    """The forward argument each gradient is for: dW -> W, dh_prev -> h_prev, dbeta0 -> beta0."""
    return [g[1:] for g in grads]


def answer_checks(assignment_id: str) -> dict:
    """Format checks (never correctness) of every question with blanks."""
    return {q.name: [answers_check(f"{q.name}: {', '.join(q.blanks)} {'is' if len(q.blanks) == 1 else 'are'} "
                                   "answered in the right format",
                                   {b: blank_form(assignment_id, b) for b in q.blanks})]
            for q in load_manifest(assignment_id).questions if q.blanks}


def build_public(manifest: Manifest, variant: dict) -> dict:
    """The ``<id>_public.json`` content of one student's bundle: ``checks(variant)`` of the assignment
    folder's ``public.py``, one list of checks per function and per question with blanks."""
    checks = assignment_module(manifest.id, "public").checks(variant)
    questions = {}
    for q in manifest.questions:
        keys = [f for f in q.functions if f in checks]
        if q.blanks:
            keys.append(q.name)
        questions[q.name] = keys
    expected = set(manifest.functions) | {q.name for q in manifest.questions if q.blanks}
    if set(checks) != expected:
        raise ValueError(f"public checks of {manifest.id} cover {sorted(checks)}; expected {sorted(expected)}")
    return {"format": 1, "assignment": manifest.id, "student": variant["student"],
            "questions": questions, "checks": checks, **submission_contract(manifest)}


def submission_contract(manifest: Manifest) -> dict:
    """What the pre-submit check compares a file with: each graded function's arguments as the student's
    notebook spells them (a variant's fixed ones left out), the answers to assign, the grader's time limits."""
    from autograder.generate.blanks import function_parameters
    from autograder.generate.given import _module_of
    from autograder.generate.sources import lookup
    from autograder.sandbox.config import SandboxConfig

    signatures = {}
    for fn in manifest.functions:
        params = function_parameters(lookup(_module_of(manifest, fn), fn).source)
        signatures[fn] = [p for p in params if p not in manifest.fixed.get(fn, ())]
    config = SandboxConfig()
    return {"signatures": signatures, "answers": list(manifest.blanks),
            "limits": {"cell_s": config.cell_timeout, "run_s": config.run_timeout}}


def function_public(fn: str, ref, inputs: dict, sizes: str, hint: str = "") -> dict:
    """A value check of one function on public ``inputs``: every result but a cache against the reference's
    (names from its docstring). For ``deepgrade new``'s public.py."""
    items, names = named_results(ref, ref(*inputs.values()))
    outputs = [out(n, v, index=i if len(items) > 1 else None) for i, (n, v) in enumerate(zip(names, items))
               if n != "cache"]
    return {fn: [value_check(f"{fn} on public inputs ({sizes})", call(fn, *inputs.values()), outputs, hint,
                             n_out=len(items) if len(items) > 1 else None)]}


def pair_public(fwd: str, bwd: str, ref_fwd, ref_bwd, inputs: dict, rng: np.random.Generator, sizes: str,
                hints: tuple[str, str] = ("", "")) -> dict:
    """:func:`pair_checks` of a forward/backward pair from the reference's docstrings: value checks of both
    and a gradient check of the backward, the upstream gradients drawn from ``rng``."""
    items, names = named_results(ref_fwd, ref_fwd(*inputs.values()))
    outs = [n for n in names if n != "cache"]
    douts = [rng.standard_normal(np.shape(v)) for v, n in zip(items, names) if n != "cache"]
    _, grads = named_results(ref_bwd, ref_bwd(*douts, items[names.index("cache")]))
    return pair_checks(fwd, bwd, inputs, outs, len(items), douts, ref_fwd, ref_bwd, grads, {}, hints, sizes)
