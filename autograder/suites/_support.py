"""Helpers shared by the hidden suites: call a student's function, check what came back.

    r = call(student, "layer_forward", x=x, h_prev=h_prev, W=W, U=U, b=b)
    h, cache = r.parts("h", "cache")
    r.check("h", h, h_ref, shape_spec="(N, K)")

``call`` passes the named arguments *by position*, in the order given (the names only label the
feedback), plus ``_kw`` as keyword arguments. A student-side failure (missing function, exception,
timeout, crash, a value that cannot cross the channel) becomes :class:`StudentCodeError`; a check
that fails raises :class:`GradingFailure`. Messages name the call and the argument shapes, never
values (see ``autograder.grading.feedback``).

Each call's time limit scales with the reference's own time on the same input
(``GradingContext.call_limit``: 50x, at least 3 s, at most the configured call timeout), so a hung
function is stopped in seconds; and a function that timed out once is not called again in the same
submission (the sandbox's ``TimeoutMemory``): one hung function costs one timeout.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.grading import diagnose, feedback
from autograder.grading.compare import (
    FLOAT32,
    FLOAT64,
    Comparison,
    Tolerance,
    as_numeric,
    compare_arrays,
    compare_scalar,
    tolerance_for,
    type_name,
)
from autograder.grading.plugin import GradingFailure, StudentCodeError, current_context

__all__ = ["Arg", "Returned", "call", "get_blank", "rng_arg", "fail", "informative", "fresh", "varies", "check_answer", "plain_form", "precision", "shared_rng",
           "GradingFailure", "StudentCodeError",
           "FLOAT64", "Tolerance", "as_numeric"]


def _sandbox():
    return importlib.import_module("autograder.sandbox")


@dataclass(frozen=True)
class Arg:
    """An argument with its own label in messages (``cache: the cache from your net_forward``)."""

    value: Any
    label: str


def rng_arg(seed: int):
    """An argument that becomes ``np.random.default_rng(seed)`` in the student's process."""
    return _sandbox().Rng(int(seed))


def shared_rng(student, seed: int) -> Arg:
    """A generator kept in the student's process: calls that receive it share its state (unlike
    ``rng_arg``, which makes a fresh generator for every call)."""
    try:
        return Arg(student.rng(int(seed)), "np.random.Generator")
    except _sandbox().StudentError as err:
        raise StudentCodeError(f"Making a random generator in your process failed: "
                               f"{getattr(err, 'message', None) or err}") from None


def fresh(student):
    """A new process of the submission that never saw any earlier call (``student.fresh()``).

    Use it for every check whose credit depends on two groups of calls being independent -- a sequence
    against the student's own step functions, a training loop against their own minibatches: in one live process
    the second group could simply replay what the first returned (globals, caches, files).
    """
    make = getattr(student, "fresh", None)
    if make is None:  # a stand-in without fresh copies (unit tests): the same process
        return student
    try:
        return make()
    except _sandbox().StudentError as err:
        raise StudentCodeError(f"Running your submission again failed: {getattr(err, 'message', None) or err}") from None


def _unwrap(value):
    return value.value if isinstance(value, Arg) else value


def _cell_problem(student, name: str) -> tuple[int | None, str | None]:
    """(index, error) of the cell that should define ``name``: its index as in tracebacks, and why it failed."""
    cells = list(getattr(getattr(student, "submission", None), "cells", None) or ())
    i = feedback.defining_cell([getattr(c, "source", "") for c in cells], name)
    if i is None:
        return None, None
    index = getattr(cells[i], "index", i)
    results = {r.get("index"): r for r in (getattr(student, "cell_results", None) or ()) if isinstance(r, dict)}
    error = (results.get(index) or {}).get("error")
    return index, (str(error).strip().splitlines()[0][:300] if error else None)


def _student_error(student, function: str, desc: str, err) -> StudentCodeError:
    kind = getattr(err, "kind", "exception")
    message = getattr(err, "message", None) or str(err)
    if kind == "missing":
        index, error = _cell_problem(student, function)
        return StudentCodeError(feedback.missing_name(function, "function", index, error))
    return StudentCodeError(feedback.student_raised(desc, kind, message))


def _time_limit(student, function: str, args: list, kwargs: dict) -> float | None:
    """This call's time limit from the reference's time on the same input, or None (the configured limit).

    Only students whose class says ``takes_call_limit = True`` (:class:`~autograder.sandbox.StudentProcess`)
    get it: stand-ins and wrappers that set their own limit are called as before.
    """
    context = current_context()
    if context is None or not getattr(type(student), "takes_call_limit", False) or "timeout" in kwargs:
        return None
    return context.call_limit(function, tuple(args), kwargs, getattr(student, "call_timeout", None))


def call(student, function: str, _kw: dict | None = None, _keep=None, **args) -> Returned:
    """Call the student's ``function`` with ``args`` by position (then ``_kw`` by keyword).

    ``_keep`` (an index into the returned tuple) leaves that item -- a cache -- in the student's
    process as a Handle, to be passed back to the matching backward function as it is.
    """
    shown = dict(args)
    if _kw:
        shown.update(_kw)
    desc = feedback.describe_call(function, shown)
    positional = [_unwrap(v) for v in args.values()]
    keywords = {k: _unwrap(v) for k, v in (_kw or {}).items()}
    inputs = (list(positional), dict(keywords))  # what the catalogue's variants are run on if a check fails
    limit = _time_limit(student, function, positional, keywords)
    if limit is not None:
        keywords["timeout"] = limit  # StudentProcess.call's own keyword: it never reaches the student
    try:
        value = student.call(function, *positional, keep=_keep, **keywords)
    except _sandbox().StudentError as err:
        raise _student_error(student, function, desc, err) from None
    diagnose.record_call(function, *inputs, _keep, value)
    return Returned(function, desc, value, args=inputs[0], kwargs=inputs[1])


def get_blank(student, name: str):
    """The value a student assigned to the module-level answer ``name``."""
    try:
        return student.get(name)
    except _sandbox().StudentError as err:
        if getattr(err, "kind", "") == "missing":
            index, error = _cell_problem(student, name)
            raise StudentCodeError(feedback.missing_name(name, "answer", index, error)) from None
        raise StudentCodeError(
            f"Reading your answer {name} failed: {getattr(err, 'message', None) or err}"
        ) from None


def _letters(value) -> list[str] | None:
    """A letter answer ("b", " B ", "(B)") or a list of them as sorted upper-case letters; None if neither."""
    items = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in items:
        if not isinstance(item, str):
            return None
        letter = item.strip().strip("()").strip().upper()
        if len(letter) != 1 or not letter.isalpha():
            return None
        out.append(letter)
    return sorted(out)


def check_answer(name: str, got, expected, hint: str = "", tol: Tolerance | None = None) -> None:
    """Compare a module-level answer with its key: a number (or a str holding one), an option letter or a
    list of letters."""
    if isinstance(expected, (str, list, tuple)):
        if isinstance(expected, (list, tuple)) and isinstance(got, str):  # "B, D" for ["B", "D"]
            got = [part for part in re.split(r"[\s,;]+", got) if part]
        want = _letters(expected)
        mine = _letters(got)
        if mine is None:
            kind = "one letter" if isinstance(expected, str) else "a list of letters, e.g. ['B', 'D']"
            fail(f"Your answer {name} is {type_name(got)} that is not {kind}", hint)
        if isinstance(expected, str) and len(mine) != 1:
            fail(f"Your answer {name} should be a single option letter", hint)
        if mine != want:
            fail(f"Your answer {name} is not right", hint)
        return
    if isinstance(got, str):  # "0.25": a number typed as text
        try:
            got = float(got.strip())
        except ValueError:
            fail(f"Your answer {name} is a str that is not a number", hint)
    c = compare_scalar(got, expected, name, tol)
    if c.ok:
        return
    if c.max_abs == 0.0 or c.tolerance is None:  # not a number, not one number, NaN: the problem says what
        fail(f"Your answer {c.problem}", "; ".join(h for h in (c.hint, hint) if h))
    # Neither the error's size nor its sign: with the student's own answer either would give the key away.
    allowed = c.tolerance.rtol * abs(float(expected)) + c.tolerance.atol
    fail(f"Your answer {name} is not right (it must be within {allowed:.0e} of the right value)", hint,
         named=diagnose.diagnose_blank(name, got, expected, tol))


def plain_form(student, value, attrs: tuple[str, ...]):
    """A returned object as plain data: ``value`` itself unless it is a Handle, else its fields ``attrs``.

    Objects the channel cannot carry (a dataclass, a scipy sparse matrix) come back as Handles; the
    sandbox converts them on ``fetch`` when it can (``fetch(handle, attrs=...)`` where supported).
    """
    handle_type = getattr(_sandbox(), "Handle", None)
    if handle_type is None or not isinstance(value, handle_type):
        return value
    try:
        fetched = student.fetch(value, attrs=attrs)
    except TypeError:  # this sandbox has no attribute fetch
        try:
            fetched = student.fetch(value)
        except _sandbox().StudentError:
            return value
    except _sandbox().StudentError:
        return value
    diagnose.record_plain(value, fetched, attrs)
    return fetched


def flat(arrays) -> np.ndarray:
    """All of ``arrays`` as one float64 vector: BPTT composed from a student's own steps must not be
    constant as a whole (one all-zero gradient, such as dh0 after ReLU units died, is no sign of a stub)."""
    return np.concatenate([np.ravel(np.asarray(a, dtype=np.float64)) for a in arrays])


def informative(*arrays) -> bool:
    """True when every array varies: a composition of constant stubs never stands in for the reference."""
    return all(np.asarray(a).size > 1 and float(np.ptp(np.asarray(a, dtype=np.float64))) > 0 for a in arrays)


def varies(a, b) -> bool:
    """Whether two results differ at all (in shape or in any entry): a function whose output does not move
    when one of its inputs does ignores that input."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)


def fail(problem: str, hint: str = "", call_desc: str | None = None, named: str = ""):
    """Raise a GradingFailure with a property-style message (and ``named``, a known mistake's sentence, last)."""
    if call_desc:
        raise GradingFailure(_named(feedback.property_failure(call_desc, problem, hint), named))
    raise GradingFailure(_named(problem.rstrip(".") + "." + (f"\nHint: {hint.rstrip('.')}." if hint else ""), named))


def _named(message: str, sentence: str) -> str:
    """``message`` with the sentence naming a known mistake as its last line (none when empty)."""
    return f"{message}\n{sentence}" if sentence else message


def precision(*values) -> Tolerance | None:
    """``FLOAT32`` when any of ``values`` (the student's own results in this test) is float32, else None.

    A backward pass whose forward ran in float32 is judged at float32 precision even where its result
    came back as float64 (float32 intermediates times the grader's float64 upstream gradient).
    """
    for value in values:
        arr, _ = as_numeric(value, "value")
        if arr is not None and tolerance_for(arr) != FLOAT64:
            return FLOAT32
    return None


@dataclass
class Returned:
    """What one call returned, with the call's description for feedback."""

    function: str
    desc: str
    value: Any
    tol: Tolerance | None = None  # the default tolerance of this call's checks (see ``at_precision_of``)
    args: list | None = None  # the inputs it was called with (unwrapped), for naming a known mistake
    kwargs: dict | None = None
    names: tuple[str, ...] | None = None  # the names of the returned tuple's items, once ``parts`` read them

    def at_precision_of(self, *values) -> Returned:
        """Judge this call's results at float32 precision when any of ``values`` is float32 (``precision``)."""
        self.tol = precision(*values) or self.tol
        return self

    def parts(self, *names: str) -> tuple:
        """The returned tuple, checked to have one item per name (``("h", "cache")``)."""
        v = self.value
        n = len(names)
        self.names = tuple(names)
        if not isinstance(v, (tuple, list)) or len(v) != n:
            got = f"{type_name(v)} of length {len(v)}" if isinstance(v, (tuple, list)) else type_name(v)
            if v is None:
                got = "None"
            raise GradingFailure(feedback.property_failure(
                self.desc, f"Expected it to return a tuple of {n} ({', '.join(names)}); it returned {got}",
                "return all the outputs the docstring lists, in that order",
            ))
        return tuple(v)

    def _raise(self, comparison: Comparison, hint: str, named: str = "") -> None:
        raise GradingFailure(_named(feedback.mismatch(self.desc, comparison, hint), named))

    def _diagnose(self, what: str | None, got, tol: Tolerance | None, scalar: bool = False) -> str:
        """The sentence naming the known mistake the catalogue's variants find in this failing result, or ''."""
        if self.args is None:
            return ""
        return diagnose.diagnose(diagnose.Failure(self.function, self.args, self.kwargs or {}, self.value,
                                                  self.names, what, got, tol, scalar))

    def check(self, what: str, got, expected, hint: str = "", shape_spec: str = "", tol: Tolerance | None = None):
        """Compare an array-like result with the reference's; raise GradingFailure when it differs."""
        c = compare_arrays(got, expected, what, tol or self.tol, shape_spec)
        if not c.ok:
            self._raise(c, hint, self._diagnose(what, got, tol or self.tol))
        return np.asarray(got, dtype=np.float64)

    def matches(self, got, expected, tol: Tolerance | None = None) -> bool:
        """Whether ``got`` would pass ``check`` (no exception, no message)."""
        return compare_arrays(got, expected, "value", tol or self.tol).ok

    def check_scalar(self, what: str, got, expected: float, hint: str = "", tol: Tolerance | None = None):
        c = compare_scalar(got, expected, what, tol or self.tol)
        if not c.ok:
            self._raise(c, hint, self._diagnose(what, got, tol or self.tol, scalar=True))
        return float(np.asarray(got).reshape(()))

    def fail(self, problem: str, hint: str = ""):
        raise GradingFailure(_named(feedback.property_failure(self.desc, problem, hint),
                                    self._diagnose(None, self.value, self.tol)))

    def numeric(self, what: str, got, shape_spec: str = "") -> np.ndarray:
        """``got`` as a float64 array, or a GradingFailure saying why it is not numeric."""
        arr, problem = as_numeric(got, what)
        if arr is None:
            self.fail(problem)
        return arr
