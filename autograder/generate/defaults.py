"""The default demo variant of every assignment, kept in the repository as ``assignments/`` and
``solutions/`` (``deepgrade generate-defaults``, ``make assignments``); a test fails when they are stale.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import autograder
from autograder.generate.bundle import build_bundle
from autograder.manifest import ASSIGNMENT_IDS
from autograder.variants import DEMO_SECRET

DEFAULT_STUDENT = "demo"
REPO = Path(autograder.__file__).resolve().parents[1]


def default_files() -> dict[str, bytes]:
    """Every file of ``assignments/`` and ``solutions/``, keyed by its path relative to the repository."""
    files: dict[str, bytes] = {}
    for a in ASSIGNMENT_IDS:
        bundle = build_bundle(a, DEFAULT_STUDENT, DEMO_SECRET, solutions=True)
        files |= {f"assignments/{a}/{name}": data for name, data in bundle.files.items()}
        files |= {f"solutions/{a}/{name}": data for name, data in bundle.solution_files.items()}
    return files


def write_defaults(root: Path = REPO) -> list[str]:
    """Rewrite ``assignments/<id>/`` and ``solutions/<id>/`` under ``root``; return the paths written."""
    files = default_files()
    for top in ("assignments", "solutions"):
        for a in ASSIGNMENT_IDS:
            shutil.rmtree(root / top / a, ignore_errors=True)
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return sorted(files)
