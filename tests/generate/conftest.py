"""Fixtures of tests/generate: bundles of every assignment built once per session."""

from __future__ import annotations

import pytest

from autograder.generate.bundle import build_bundle, write_files
from autograder.manifest import ASSIGNMENT_IDS

SECRET = b"tests-generate-secret-5f0c9a7e41d2"
STUDENT = "s001"


@pytest.fixture(scope="session")
def course():
    """(secret, student id) of the session's bundles."""
    return SECRET, STUDENT


@pytest.fixture(scope="session")
def bundles():
    """Every assignment's bundle (with its solution version) for STUDENT under SECRET."""
    return {a: build_bundle(a, STUDENT, SECRET, solutions=True) for a in ASSIGNMENT_IDS}


@pytest.fixture(scope="session")
def bundle_dirs(bundles, tmp_path_factory):
    """The bundles written to disk: {id: (student_dir, solution_dir)}."""
    root = tmp_path_factory.mktemp("bundles")
    dirs = {}
    for a, b in bundles.items():
        write_files(root / "student" / a, b.files)
        write_files(root / "solution" / a, b.solution_files)
        dirs[a] = (root / "student" / a, root / "solution" / a)
    return dirs
