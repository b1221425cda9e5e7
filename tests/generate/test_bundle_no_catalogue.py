"""Does no student bundle (nor the solution bundle) carry the misconception catalogue: its wrong code or its text?"""

from __future__ import annotations

import inspect

import pytest

from autograder.folders import assignment_module
from autograder.generate.bundle import build_bundle
from autograder.manifest import ASSIGNMENT_IDS
from autograder.variants import DEMO_SECRET


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_no_catalogue_in_a_bundle(assignment):
    catalogue = assignment_module(assignment, "misconceptions")
    entries = getattr(catalogue, "MISCONCEPTIONS", []) + getattr(catalogue, "BLANK_MISTAKES", [])
    wrong_code = [inspect.getsource(fn).split("\n", 1)[1].strip()  # a wrong variant's body, without its def line
                  for m in entries for fn in getattr(m, "functions", {}).values() if inspect.isfunction(fn)
                  and fn.__module__ == catalogue.__name__]
    explanations = [m.explanation[:60] for m in entries]
    assert len(explanations) >= 6
    bundle = build_bundle(assignment, "alice", DEMO_SECRET, solutions=True)
    for files in (bundle.files, bundle.solution_files):
        text = "\n".join(data.decode("utf-8", "replace") for data in files.values())
        assert "misconception" not in text.lower()
        assert not [e for e in explanations if e in text]
        assert not [c for c in wrong_code if len(c) > 40 and c in text]
