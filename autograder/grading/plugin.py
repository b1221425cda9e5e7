"""The pytest plugin that connects a hidden suite to one submission.

The grader passes a :class:`GradingPlugin` object to pytest (``plugins=[...]``); the hidden suites
(``suite.py`` in each assignment folder) have no conftest.py. The plugin provides the fixtures

- ``student``: the :class:`~autograder.sandbox.StudentProcess` running the submission;
- ``variant``: the student's variant (a fresh copy of the dict for every test);
- ``hidden_rng``: a ``np.random.Generator`` seeded by the hidden seed and the test's name, so every
  test draws its own inputs whatever the order the tests run in;
- ``manifest``: the assignment's :class:`~autograder.manifest.Manifest`;
- ``grading``: the whole :class:`GradingContext`;

the marker ``@pytest.mark.question(name, weight=1, title=None)`` that ties a test to a manifest
question (``title`` replaces the first docstring line as the test's description), and
it records every test's outcome (``pytest_runtest_logreport``). Feedback comes only from the
messages of :class:`GradingFailure` and :class:`StudentCodeError`, which the suites build from shapes
and error sizes. Any other exception inside a test is a grader bug: its text is not shown (it could
hold hidden values); the test is reported as an internal error.

While a test runs, :func:`current_context` returns its :class:`GradingContext`, so the suites'
``call`` helper can give each call of a student function a time limit scaled to the reference's own
time on the same input (:meth:`GradingContext.call_limit`): ``max(TIMEOUT_FLOOR_S, TIMEOUT_FACTOR x
reference time)``, capped by the configured call timeout. A slow-but-correct solution is not cut off
(50x the reference, never under 3 s: a lazy ``import torch`` inside a function takes 1-2 s on a
loaded 2-core machine), and a hung one is caught in seconds instead of the full call timeout.
"""

from __future__ import annotations

import contextvars
import copy
import importlib
import inspect
import logging
import os
import time
import warnings
import zlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pytest

from autograder.grading.score import TestOutcome
from autograder.manifest import Manifest

log = logging.getLogger("deepgrade.grading")


class GradingFailure(AssertionError):
    """A check of the student's result failed; the message is the student's feedback."""


class StudentCodeError(Exception):
    """The student's code raised, timed out, crashed or returned something unusable (status ``error``)."""


TIMEOUT_FLOOR_S = 3.0  # a call's limit is never below this (CI machines are slower, first calls import lazily)
TIMEOUT_FACTOR = 50.0  # ... and otherwise this many times the reference's own time on the same input
REFERENCE_TIMEOUTS_ENV = "DEEPGRADE_REFERENCE_TIMEOUTS"  # "0": every call gets the configured call timeout
_PLAIN_DEPTH = 8

_current: contextvars.ContextVar[GradingContext | None] = contextvars.ContextVar("deepgrade_grading", default=None)


def current_context() -> GradingContext | None:
    """The context of the hidden test running now (None outside a graded test)."""
    return _current.get()


@cache
def _reference_function(modules: tuple[str, ...], name: str):
    for module in modules:
        fn = getattr(importlib.import_module(module), name, None)
        if callable(fn):
            return fn
    return None


def _plain(value, depth: int = 0) -> bool:
    """Whether ``value`` is data the reference can take as it is (no Handle, no Rng, no object)."""
    if depth > _PLAIN_DEPTH:
        return False
    if value is None or isinstance(value, (bool, int, float, complex, str, np.generic)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "biufc"
    if isinstance(value, (list, tuple)):
        return all(_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    return False


@dataclass
class GradingContext:
    """What a hidden suite needs to grade one submission."""

    student: Any
    variant: dict
    hidden_seed: int
    manifest: Manifest
    call_timeout: float | None = None
    extra: dict = field(default_factory=dict)

    def reference_seconds(self, function: str, args: tuple, kwargs: dict) -> float | None:
        """Seconds the reference's ``function`` takes on ``args``/``kwargs`` (copies; the variant's fixed
        parameters added), or None when there is no such reference function or it cannot take them
        (a Handle, an Rng, a signature that does not bind, an exception)."""
        fn = _reference_function(tuple(self.manifest.reference), function)
        if fn is None or not (_plain(args) and _plain(kwargs)):
            return None
        fixed = {name: self.variant[name] for name in self.manifest.fixed.get(function, ()) if name in self.variant}
        try:
            bound = inspect.signature(fn).bind(*copy.deepcopy(args), **copy.deepcopy(kwargs), **fixed)
        except (TypeError, ValueError):
            return None
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            try:
                fn(*bound.args, **bound.kwargs)
            except Exception:  # inputs the reference refuses: the student's call keeps the configured limit
                return None
            return time.perf_counter() - start

    def call_limit(self, function: str, args: tuple, kwargs: dict, cap: float | None = None) -> float | None:
        """The time limit of one call of the student's ``function``: ``TIMEOUT_FACTOR`` times the reference's
        time on the same input, at least ``TIMEOUT_FLOOR_S``, at most ``cap`` and ``call_timeout``; None when
        the reference cannot be timed on it (or ``$DEEPGRADE_REFERENCE_TIMEOUTS`` is "0")."""
        if os.environ.get(REFERENCE_TIMEOUTS_ENV, "1") == "0":
            return None
        seconds = self.reference_seconds(function, args, kwargs)
        if seconds is None:
            return None
        caps = [c for c in (cap, self.call_timeout) if c is not None]
        return min([max(TIMEOUT_FLOOR_S, TIMEOUT_FACTOR * seconds), *caps])


class GradingPlugin:
    """Fixtures, the ``question`` marker and outcome collection for one run of a hidden suite."""

    def __init__(self, manifest: Manifest):
        self._manifest = manifest
        self.context: GradingContext | None = None
        self.outcomes: list[TestOutcome] = []
        self.collect_errors: list[str] = []
        self._questions = {q.name for q in manifest.questions}

    def start(self, context: GradingContext) -> None:
        """Grade ``context.student`` in the next run of the suite's tests (outcomes start empty)."""
        if context.manifest.id != self._manifest.id:
            raise ValueError(f"this plugin grades {self._manifest.id!r}, not {context.manifest.id!r}")
        self.context = context
        self.outcomes = []

    # -- fixtures ---------------------------------------------------------------------------
    @pytest.fixture
    def student(self):
        return self.context.student

    @pytest.fixture
    def variant(self):
        return dict(self.context.variant)

    @pytest.fixture
    def hidden_rng(self, request):
        return np.random.default_rng([self.context.hidden_seed, zlib.crc32(request.node.name.encode())])

    @pytest.fixture
    def manifest(self):
        return self.context.manifest

    @pytest.fixture
    def grading(self):
        return self.context

    # -- hooks ------------------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        token = _current.set(self.context)  # current_context() while this test runs, and only then
        try:
            yield
        finally:
            _current.reset(token)

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "question(name, weight=1, title=None): the manifest question a test grades")

    def pytest_collection_modifyitems(self, items):
        for item in items:
            marker = item.get_closest_marker("question")
            if marker is None or not marker.args:
                raise pytest.UsageError(f"hidden test {item.nodeid} has no @pytest.mark.question(name)")
            if marker.args[0] not in self._questions:
                raise pytest.UsageError(
                    f"hidden test {item.nodeid} is marked with question {marker.args[0]!r}, which assignment "
                    f"{self._manifest.id!r} does not declare"
                )

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(f"{report.nodeid}: {report.longreprtext[-2000:]}")

    @pytest.hookimpl(tryfirst=True, specname="pytest_runtest_makereport")
    def pytest_runtest_makereport_short(self, item, call):
        """A short report for a graded failure: pytest's own would format a traceback nobody reads."""
        if call.excinfo is None or not isinstance(call.excinfo.value, (GradingFailure, StudentCodeError)):
            return None
        return pytest.TestReport(item.nodeid, item.location, {k: 1 for k in item.keywords}, "failed",
                                 str(call.excinfo.value), call.when, (), call.duration, call.start, call.stop)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        marker = item.get_closest_marker("question")
        report.deepgrade_question = marker.args[0]
        report.deepgrade_weight = float(marker.kwargs.get("weight", marker.args[1] if len(marker.args) > 1 else 1))
        doc = (getattr(item, "function", None).__doc__ or "").strip().splitlines()
        report.deepgrade_title = marker.kwargs.get("title") or (doc[0].strip() if doc else "")
        report.deepgrade_status, report.deepgrade_output = _classify(call, report)
        if report.deepgrade_output.startswith("Internal grader error"):
            log.error("hidden test %s failed inside the grader:\n%s", item.nodeid, report.longreprtext)

    def pytest_runtest_logreport(self, report):
        status = getattr(report, "deepgrade_status", None)
        if status is None or status == "skipped":
            return  # a test that does not apply to this variant does not count
        name = report.nodeid.split("::", 1)[-1]
        if report.when == "call" or status != "passed":
            if any(o.name == name for o in self.outcomes):
                return  # e.g. a teardown after a failed call: the first problem is the one reported
            title = report.deepgrade_title
            output = title if status == "passed" else (f"{title}\n{report.deepgrade_output}" if title
                                                         else report.deepgrade_output)
            self.outcomes.append(TestOutcome(name, report.deepgrade_question, report.deepgrade_weight,
                                             status, output.strip()))


def _classify(call, report) -> tuple[str, str]:
    """(status, output) of one phase of a test."""
    if call.excinfo is None:
        return ("passed", "") if report.passed else ("skipped", "")
    exc = call.excinfo.value
    if call.excinfo.errisinstance(pytest.skip.Exception):
        return "skipped", ""
    if isinstance(exc, GradingFailure):
        return "failed", str(exc)
    if isinstance(exc, StudentCodeError):
        return "error", str(exc)
    where = "setting up" if report.when == "setup" else "running"
    return "error", (f"Internal grader error ({type(exc).__name__}) while {where} this test; it was not "
                     "scored. Please tell your instructor.")
