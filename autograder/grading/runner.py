"""Run one hidden suite in-process with pytest, isolated from any other pytest configuration.

``run_suite(assignment_id, context)`` runs the hidden suite of an assignment, ``suite.py`` in its folder
(``templates/<id>/suite.py``), with the :class:`~autograder.grading.plugin.GradingPlugin` and nothing else:

- plugin autoloading is off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``), and ``PYTEST_ADDOPTS`` /
  ``PYTEST_PLUGINS`` are cleared, so no installed or injected plugin runs;
- the configuration file is ``os.devnull``, the root directory a private empty temporary folder,
  and ``--confcutdir`` the assignment's own folder: no conftest.py from the working directory -- a
  student's folder, say -- or any parent of the assignment folder can load;
- pytest's optional plugins are blocked (terminal, capture, cache, logging, warnings, ...);
- assertion rewriting is off (``--assert=plain``) so that a bare ``assert`` in a suite can never
  print hidden values into feedback.

Speed: configuring pytest and collecting a suite costs about 40 ms, as much as grading an RNN
submission itself. So a process configures and collects each suite once (:class:`SuiteSession`,
kept per assignment id) and runs the collected tests again for every submission, the way
``pytest_runtestloop`` runs them -- one ``pytest_runtest_protocol`` per item, the last with
``nextitem=None`` so every fixture is torn down between submissions. A batch worker grading
submission after submission therefore pays the set-up once. This uses pytest's own (private)
``_prepareconfig`` and ``Config._do_configure``, as ``pytest.main`` does; should they change, the
runner falls back to one ``pytest.main`` per submission (``run_suite_once``), which needs only the
public API.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder.folders import assignment_dir, assignment_file
from autograder.grading.plugin import GradingContext, GradingPlugin
from autograder.grading.score import TestOutcome
from autograder.manifest import check_assignment_id, load_manifest

SUITE_FILE = "suite.py"  # an assignment folder's hidden suite

BLOCKED_PLUGINS = (
    "terminal", "debugging", "unittest", "capture", "legacypath", "tmpdir", "monkeypatch", "recwarn",
    "pastebin", "junitxml", "doctest", "cacheprovider", "setuponly", "setupplan", "stepwise",
    "unraisableexception", "threadexception", "warnings", "logging", "faulthandler", "subtests",
    "python_path", "nose",
)
_ENV_CLEARED = ("PYTEST_ADDOPTS", "PYTEST_PLUGINS")

_clean_dir: str | None = None
_sessions: dict[str, SuiteSession] = {}
_fast_path = True


class SuiteError(RuntimeError):
    """A hidden suite could not run (a grader-side fault, never a student's)."""


def suite_path(assignment_id: str) -> Path:
    """``<assignment folder>/suite.py`` (it may be missing: :func:`_path` says so)."""
    check_assignment_id(assignment_id)
    return assignment_file(assignment_id, SUITE_FILE) or assignment_dir(assignment_id) / SUITE_FILE


def _rootdir() -> str:
    global _clean_dir
    if _clean_dir is None or not os.path.isdir(_clean_dir):
        _clean_dir = tempfile.mkdtemp(prefix="deepgrade-suite-root-")
        atexit.register(shutil.rmtree, _clean_dir, True)
    return _clean_dir


@contextlib.contextmanager
def _pytest_environment():
    saved = {k: os.environ.get(k) for k in (*_ENV_CLEARED, "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "PYTEST_CURRENT_TEST")}
    for k in _ENV_CLEARED:
        os.environ.pop(k, None)
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def pytest_args(path: Path, *extra: str) -> list[str]:
    """The command line of one isolated run of the suite at ``path``."""
    args = [
        str(path), "--rootdir", _rootdir(), "-c", os.devnull, "--confcutdir", str(path.parent),
        "--assert=plain", "--import-mode=importlib", "-o", "addopts=", "-o", "python_files=test_*.py",
        "-o", "python_functions=test_*", "-o", "python_classes=Test*",
    ]
    for name in BLOCKED_PLUGINS:
        args += ["-p", f"no:{name}"]
    return args + list(extra)


def _path(assignment_id: str) -> Path:
    path = suite_path(assignment_id)
    if not path.is_file():
        raise SuiteError(f"no hidden suite for assignment {assignment_id!r}: {path} is missing")
    return path


class SuiteSession:
    """One assignment's suite, configured and collected once, run once per submission."""

    def __init__(self, assignment_id: str):
        from _pytest.config import _prepareconfig
        from _pytest.main import Session

        path = _path(assignment_id)
        self.assignment_id = assignment_id
        self.plugin = GradingPlugin(load_manifest(assignment_id))
        with _pytest_environment():
            self.config = _prepareconfig(pytest_args(path), plugins=[self.plugin])
            try:
                self.config._do_configure()
                self.session = Session.from_config(self.config)
                self.config.hook.pytest_sessionstart(session=self.session)
                self.config.hook.pytest_collection(session=self.session)
            except pytest.UsageError as exc:
                self.close()
                raise SuiteError(f"hidden suite {path.name} is malformed: {exc}") from None
            except BaseException:
                self.close()
                raise
        if self.plugin.collect_errors or not self.session.items:
            errors = "\n".join(self.plugin.collect_errors) or "no tests collected"
            self.close()
            raise SuiteError(f"hidden suite {path.name} failed to load:\n{errors}")
        self.items = list(self.session.items)

    def run(self, context: GradingContext) -> list[TestOutcome]:
        self.plugin.start(context)
        with _pytest_environment():
            for i, item in enumerate(self.items):
                nextitem = self.items[i + 1] if i + 1 < len(self.items) else None
                item.config.hook.pytest_runtest_protocol(item=item, nextitem=nextitem)
        outcomes, self.plugin.outcomes = self.plugin.outcomes, []
        self.plugin.context = None  # hold no student process between submissions
        return outcomes

    def close(self) -> None:
        with contextlib.suppress(Exception), _pytest_environment():
            if getattr(self, "session", None) is not None:
                self.config.hook.pytest_sessionfinish(session=self.session, exitstatus=0)
            self.config._ensure_unconfigure()


def _close_all() -> None:
    while _sessions:
        _sessions.popitem()[1].close()


atexit.register(_close_all)


def run_suite(assignment_id: str, context: GradingContext, *extra: str) -> list[TestOutcome]:
    """Run the hidden suite of ``assignment_id`` against ``context.student``; one outcome per test.

    ``extra`` are further pytest arguments (e.g. ``-k name`` while developing a suite); with them
    the suite runs in a one-off ``pytest.main``. Raises :class:`SuiteError` when the suite cannot
    be collected.
    """
    global _fast_path
    if extra or not _fast_path:
        return run_suite_once(assignment_id, context, *extra)
    session = _sessions.get(assignment_id)
    if session is None:
        try:
            session = _sessions[assignment_id] = SuiteSession(assignment_id)
        except (ImportError, AttributeError, TypeError):  # pytest's internals moved: use the public API
            _fast_path = False
            return run_suite_once(assignment_id, context)
    try:
        return session.run(context)
    except BaseException:
        _sessions.pop(assignment_id, None)  # never reuse a session an exception left half-way
        session.close()
        raise


def run_suite_once(assignment_id: str, context: GradingContext, *extra: str) -> list[TestOutcome]:
    """Run the suite in its own ``pytest.main`` (public API only; about 40 ms slower per submission)."""
    path = _path(assignment_id)
    plugin = GradingPlugin(context.manifest)
    plugin.start(context)
    with _pytest_environment():
        code = pytest.main(pytest_args(path, *extra), plugins=[plugin])
    if plugin.collect_errors:
        raise SuiteError(f"hidden suite {path.name} failed to load:\n" + "\n".join(plugin.collect_errors))
    if code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
        raise SuiteError(f"hidden suite {path.name} stopped with pytest exit code {int(code)} ({code.name})")
    return plugin.outcomes
