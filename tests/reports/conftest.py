"""Fixtures of the report tests: a browser that must be there, a gradebook of a small hostile class."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from autograder.reports import browser

_spec = importlib.util.spec_from_file_location("_reports_support", Path(__file__).with_name("_support.py"))
support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(support)


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's path; the test FAILS (never skips) when it is missing, saying how to install it."""
    try:
        return browser.find()
    except browser.BrowserMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture
def class_gradebook(tmp_path) -> Path:
    return support.make_class(tmp_path / "grades.sqlite")
