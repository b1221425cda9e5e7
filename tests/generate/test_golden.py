"""Are assignments/ and solutions/ what `deepgrade generate-defaults` would write now?"""

from __future__ import annotations

from autograder.generate.defaults import REPO, default_files
from autograder.manifest import ASSIGNMENT_IDS


def test_defaults_are_fresh():
    """Does every default file equal a fresh regeneration, with no stray files? (`make assignments`)"""
    files = default_files()
    stale = [rel for rel, data in files.items() if not (REPO / rel).is_file() or (REPO / rel).read_bytes() != data]
    on_disk = {
        str(p.relative_to(REPO)) for top in ("assignments", "solutions") for a in ASSIGNMENT_IDS
        for p in (REPO / top / a).rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }
    extra = sorted(on_disk - set(files))
    assert not stale and not extra, (
        f"assignments/ or solutions/ are stale; run `make assignments`. Different or missing: {stale[:10]}; "
        f"not generated: {extra[:10]}")


def test_regeneration_is_deterministic():
    """Do two regenerations give byte-identical files?"""
    assert default_files() == default_files()
