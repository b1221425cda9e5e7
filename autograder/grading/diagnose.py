"""Name the misconception behind a failing check, by behaviour (an error model, as Singh et al., PLDI 2013).

Each assignment's folder may hold ``misconceptions.py``: a catalogue of :class:`Misconception` (a small wrong
variant of one or more reference functions, written as a student gets it wrong, with a student-facing
explanation) and :class:`BlankMistake` (a typical wrong computation of a module-level answer). The engine
knows no assignment: it finds the catalogue through the assignment's folder.

When a check of a student's output fails (``autograder.suites._support``), the trusted side evaluates every
catalogue variant of that function on the *same* hidden inputs -- a cache the student's forward returned is
rebuilt by running that variant's forward on the forward's recorded inputs, a generator argument is drawn
again from its seed -- and compares the student's output with each, within the check's tolerance. Only a
unique match is named, and only when the correct reference does not match:

    This matches a known mistake: <name>. <explanation>

The sentence is catalogue text only: no hidden value, no expected value, no solution line. Any problem
while diagnosing (a variant that raises, an input that cannot be rebuilt) names nothing; it never changes
a grade.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import re
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any, Callable

import numpy as np

from autograder.folders import assignment_file, assignment_module
from autograder.grading.compare import Tolerance, as_numeric, compare_arrays, compare_scalar
from autograder.grading.plugin import _reference_function, current_context

log = logging.getLogger("deepgrade.grading")

PREFIX = "This matches a known mistake: "
CATALOGUE = "misconceptions"  # templates/<id>/misconceptions.py
_CALLS = "diagnose.calls"  # GradingContext.extra: Handle -> the forward call that returned it
_PLAIN = "diagnose.plain"  # GradingContext.extra: Handle -> the fields of a result object the test fetched
_MAX_DEPTH = 4


@dataclass(frozen=True)
class Misconception:
    """A named mistake: ``functions`` maps reference function names to their wrong variants (same signature as
    the reference's, the variant's fixed parameters included). A backward's variant may come with its own
    forward, whose cache it reads."""

    name: str
    explanation: str
    functions: dict[str, Callable]
    only: dict = dataclasses.field(default_factory=dict)  # variant values where it can show (e.g. a nonlinearity="relu")

    def applies(self, variant: dict) -> bool:
        return all(variant.get(k) == v for k, v in self.only.items())

    def sentence(self) -> str:
        return f"{PREFIX}{self.name}. {self.explanation.rstrip('.')}."


@dataclass(frozen=True)
class BlankMistake:
    """A typical wrong computation of the answer ``blank``: ``value(variant)`` is what it gives."""

    name: str
    explanation: str
    blank: str
    value: Callable[[dict], float]

    def sentence(self) -> str:
        return f"{PREFIX}{self.name}. {self.explanation.rstrip('.')}."


@dataclass(frozen=True)
class Catalogue:
    misconceptions: tuple[Misconception, ...] = ()
    blanks: tuple[BlankMistake, ...] = ()

    def for_function(self, function: str) -> tuple[Misconception, ...]:
        return tuple(m for m in self.misconceptions if function in m.functions)

    @property
    def sentences(self) -> dict[str, str]:
        """name -> the feedback sentence that names it (what the class counts read back)."""
        return {m.name: m.sentence() for m in (*self.misconceptions, *self.blanks)}


@cache
def catalogue(assignment_id: str) -> Catalogue:
    """The catalogue in ``templates/<assignment_id>/misconceptions.py`` (empty when there is none)."""
    if not re.fullmatch(r"[a-z][a-z0-9_]*", assignment_id or ""):
        return Catalogue()
    try:
        module = assignment_module(assignment_id, CATALOGUE)
    except LookupError:  # this assignment has no catalogue
        return Catalogue()
    path = assignment_file(assignment_id, f"{CATALOGUE}.py")
    found = Catalogue(tuple(getattr(module, "MISCONCEPTIONS", ())), tuple(getattr(module, "BLANK_MISTAKES", ())))
    names = [m.name for m in (*found.misconceptions, *found.blanks)]
    if len(set(names)) != len(names) or any(". " in n or not n for n in names):
        raise ValueError(f"{path}: misconception names must be unique, non-empty and hold no '. '")
    return found


# -- recording the forward calls whose caches stay in the student's process -------------------------------

def _sandbox_types():
    from autograder.sandbox.config import Handle, Rng
    return Handle, Rng


def record_call(function: str, args: list, kwargs: dict, keep, value) -> None:
    """Remember the inputs of a call that left part of its result (``keep``) in the student's process, so a
    later backward that receives it can be replayed on the trusted side."""
    context = current_context()
    if context is None or keep is None or not catalogue(context.manifest.id).misconceptions:
        return
    if not isinstance(value, (tuple, list)) or not -len(value) <= keep < len(value):
        return
    handle = value[keep]
    if isinstance(handle, _sandbox_types()[0]):
        snapshot = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        context.extra.setdefault(_CALLS, {})[handle] = (function, snapshot, dict(kwargs), keep)


def record_plain(handle, fetched, attrs: tuple[str, ...]) -> None:
    """Remember the fields of a result object the test fetched from the student's process (``plain_form``)."""
    context = current_context()
    if context is None or not isinstance(handle, _sandbox_types()[0]):
        return
    if isinstance(fetched, (tuple, list)) and len(fetched) == len(attrs):
        fetched = dict(zip(attrs, fetched))
    if isinstance(fetched, dict):
        context.extra.setdefault(_PLAIN, {})[handle] = {k: v for k, v in fetched.items() if k in attrs}


# -- evaluating a world (the reference with some functions replaced) ----------------------------------------

class _Unknown(Exception):
    """An input the trusted side cannot rebuild (a Handle it did not see made)."""


def _resolve(value, world: dict, context, depth: int):
    Handle, Rng = _sandbox_types()
    if isinstance(value, Rng):
        return np.random.default_rng(value.seed)
    if isinstance(value, Handle):
        made = context.extra.get(_CALLS, {}).get(value)
        if made is None or depth >= _MAX_DEPTH:
            raise _Unknown
        function, args, kwargs, keep = made
        return _evaluate(world, function, args, kwargs, context, depth + 1)[keep]
    if isinstance(value, (list, tuple, dict)) and _holds_handle(value):
        raise _Unknown
    return copy.deepcopy(value)


def _holds_handle(value) -> bool:
    Handle, Rng = _sandbox_types()
    items = value.values() if isinstance(value, dict) else value
    return any(isinstance(v, (Handle, Rng)) or (isinstance(v, (list, tuple, dict)) and _holds_handle(v))
               for v in items)


def _evaluate(world: dict, function: str, args, kwargs, context, depth: int = 0):
    fn = world.get(function) or _reference_function(tuple(context.manifest.reference), function)
    if fn is None:
        raise _Unknown
    fixed = {n: context.variant[n] for n in context.manifest.fixed.get(function, ()) if n in context.variant}
    a = [_resolve(v, world, context, depth) for v in args]
    k = {n: _resolve(v, world, context, depth) for n, v in kwargs.items()}
    return fn(*a, **k, **fixed)


# -- comparing --------------------------------------------------------------------------------------------

def _plain(value):
    if hasattr(value, "toarray") and hasattr(value, "nnz"):  # a scipy sparse matrix
        return value.toarray()
    return value


def _same(got, want, tol: Tolerance | None, scalar: bool = False) -> bool:
    want = _plain(want)
    if got is None or want is None:
        return got is None and want is None
    if isinstance(got, dict) and (dataclasses.is_dataclass(want) or hasattr(want, "_fields")):
        want = {k: getattr(want, k) for k in got if hasattr(want, k)}  # a result object crosses as a dict
    if isinstance(got, dict) or isinstance(want, dict):
        return (isinstance(got, dict) and isinstance(want, dict) and set(got) == set(want)
                and all(_same(got[k], want[k], tol) for k in got))
    if isinstance(got, (list, tuple)) and isinstance(want, (list, tuple)) and as_numeric(got, "v")[0] is None:
        return len(got) == len(want) and all(_same(g, w, tol) for g, w in zip(got, want))  # ragged: minibatches
    if as_numeric(got, "v")[0] is None or as_numeric(want, "v")[0] is None:
        return False
    if scalar or (np.ndim(got) == 0 and np.ndim(want) == 0):
        return np.asarray(want).size == 1 and compare_scalar(got, float(np.asarray(want).reshape(())), "v", tol).ok
    return compare_arrays(got, want, "v", tol).ok


def _component(out, names: tuple[str, ...] | None, what: str | None):
    """The part ``what`` of a returned value: a named item of a tuple, a field of a result object, or it all."""
    if what is None:
        return out
    if names and what in names and isinstance(out, (tuple, list)) and len(out) == len(names):
        return out[names.index(what)]
    if not names:
        if isinstance(out, dict) and what in out:
            return out[what]
        if dataclasses.is_dataclass(out) or hasattr(out, "_fields"):
            return getattr(out, what, None)
    return out


@dataclass
class Failure:
    """A failing check of one call: what the grader has on the trusted side."""

    function: str
    args: list
    kwargs: dict
    value: Any  # everything the call returned (Handles for what stayed in the student's process)
    names: tuple[str, ...] | None  # the names of the returned tuple's items, when the test gave them
    what: str | None  # the checked item (None: a property of the whole result)
    got: Any  # the value that failed the check
    tol: Tolerance | None
    scalar: bool = False


def _matches(failure: Failure, out) -> bool:
    """Whether ``out`` (one world's result of the call) is what the student returned, part for part."""
    Handle, _ = _sandbox_types()
    if failure.what is not None:
        if not _same(failure.got, _component(out, failure.names, failure.what), failure.tol, failure.scalar):
            return False
    compared = failure.what is not None
    value = failure.value
    if failure.names and isinstance(value, (tuple, list)) and len(value) == len(failure.names):
        if not isinstance(out, (tuple, list)) or len(out) != len(value):
            return False
        for name, mine, theirs in zip(failure.names, value, out):
            if name == "cache" or name == failure.what or isinstance(mine, Handle):
                continue
            if as_numeric(mine, "v")[0] is None:
                continue
            if not _same(mine, theirs, failure.tol):
                return False
            compared = True
    elif failure.what is None and isinstance(value, Handle):  # a result object: the fields the test fetched
        fields = current_context().extra.get(_PLAIN, {}).get(value)
        if not fields or not (dataclasses.is_dataclass(out) or hasattr(out, "_fields")):
            return False
        for name, mine in fields.items():
            theirs = getattr(out, name, None)
            if (mine is None) != (theirs is None) or (mine is not None and not _same(mine, theirs, failure.tol)):
                return False
        return True
    elif failure.what is None:
        return _same(value, out, failure.tol)
    return compared


def _outcome(world: dict, failure: Failure, context) -> bool | None:
    """True/False: this world's result matches the student's or not; None: it could not be evaluated."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = _evaluate(world, failure.function, failure.args, failure.kwargs, context)
            return _matches(failure, out)
    except Exception:  # a variant that raises on these inputs, an input we cannot rebuild
        return None


def diagnose(failure: Failure) -> str:
    """The sentence naming the one misconception whose variant gives what the student returned, or ''."""
    context = current_context()
    if context is None:
        return ""
    try:
        candidates = [m for m in catalogue(context.manifest.id).for_function(failure.function)
                      if m.applies(context.variant)]
        named = [m for m in candidates if _outcome(m.functions, failure, context)]
        if len(named) != 1 or _outcome({}, failure, context) is not False:
            return ""  # none or several match, or the reference itself matches (or cannot be rebuilt)
        return named[0].sentence()
    except Exception:  # diagnosis never changes a grade
        log.exception("diagnosing a failing check of %s failed", failure.function)
        return ""


def diagnose_blank(blank: str, got, expected, tol: Tolerance | None) -> str:
    """The sentence naming the one typical wrong computation of ``blank`` that gives ``got``, or ''."""
    context = current_context()
    if context is None:
        return ""
    try:
        mistakes = [m for m in catalogue(context.manifest.id).blanks if m.blank == blank]
        named = []
        for m in mistakes:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                try:
                    wrong = float(m.value(dict(context.variant)))
                except Exception:
                    continue
            if not np.isfinite(wrong) or compare_scalar(wrong, float(expected), "v", tol).ok:
                continue  # this mistake gives the right answer for this variant: it names nothing
            if compare_scalar(got, wrong, "v", tol).ok:
                named.append(m)
        return named[0].sentence() if len(named) == 1 else ""
    except Exception:
        log.exception("diagnosing the answer %s failed", blank)
        return ""


def named_in(output: str, sentences: dict[str, str]) -> str | None:
    """The misconception a failing test's feedback names: its last line, exactly one catalogue sentence."""
    last = (output or "").rstrip().rsplit("\n", 1)[-1].strip()
    if not last.startswith(PREFIX):
        return None
    name = last[len(PREFIX):].split(". ", 1)[0]
    return name if sentences.get(name) == last else None
