"""Known mistakes are named by behaviour: every catalogue entry, submitted as a student's code, is named (and
nothing else is) for three students; correct submissions in other styles never get a name.

A catalogue entry's wrong functions are appended to a correct submission (``_suite_submissions.solution``) under
the reference's names, so the student's code is exactly the mistake; a quiz mistake answers its blank with the
wrong computation, rounded to 4 decimals as the notebook asks.
"""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

import pytest

from autograder.answer_key import ANSWER_ATOL, answer_key
from autograder.grading import grade_submission
from autograder.grading.diagnose import PREFIX, BlankMistake, catalogue, named_in
from autograder.manifest import ASSIGNMENT_IDS
from autograder.sandbox import Sandbox, SandboxConfig
from autograder.variants import DEMO_SECRET, variant


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


subs = _load("_suite_submissions")
rt = _load("_redteam_submissions")

ENTRIES = [(aid, entry) for aid in ASSIGNMENT_IDS
           for entry in (*catalogue(aid).misconceptions, *catalogue(aid).blanks)]


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _visible(aid: str, entry, v: dict) -> bool:
    if isinstance(entry, BlankMistake):  # the wrong computation must give a wrong answer for this variant
        return abs(entry.value(v) - answer_key(v)[entry.blank]) > 4 * ANSWER_ATOL
    return entry.applies(v)


def students(aid: str, entry, n: int = 3) -> list[str]:
    """The first ``n`` students ``s0, s1, ...`` whose variant can show the mistake."""
    found = [s for s in (f"s{i}" for i in range(400)) if _visible(aid, entry, variant(aid, s, DEMO_SECRET))]
    return found[:n]


def submission(aid: str, student: str, entry) -> str:
    """A correct submission whose functions (or answer) named by ``entry`` are its wrong versions."""
    v = variant(aid, student, DEMO_SECRET)
    if isinstance(entry, BlankMistake):
        key = answer_key(v)
        key[entry.blank] = entry.value(v)
        return "\n".join(f"{k} = {round(x, 4) if isinstance(x, float) else x!r}" for k, x in key.items()) + "\n"
    parts = [subs.solution(aid, student)]
    for target, fn in entry.functions.items():
        src = inspect.getsource(fn).replace(f"def {fn.__name__}(", f"def {target}(", 1)
        if "activation" in v:
            src = src.replace('activation="tanh"', f'activation="{v["activation"]}"')
        parts.append(src)
    return "\n\n".join(parts) + "\n"


def test_catalogue_size():
    """Does every assignment name at least 6 known mistakes, at least 50 in all?"""
    sizes = {aid: len(catalogue(aid).misconceptions) + len(catalogue(aid).blanks) for aid in ASSIGNMENT_IDS}
    assert all(n >= 6 for n in sizes.values()), sizes
    assert sum(sizes.values()) >= 50, sizes


@pytest.mark.parametrize("aid, entry", ENTRIES, ids=[f"{a}-{e.name.replace(' ', '_')}" for a, e in ENTRIES])
def test_known_mistake_is_named(sandbox, tmp_path, aid, entry):
    """Submitted as a student's code, is this mistake named -- and no other -- for three students?"""
    sentences = catalogue(aid).sentences
    who = students(aid, entry)
    assert len(who) == 3
    for student in who:
        path = tmp_path / f"{student}.py"
        path.write_text(submission(aid, student, entry), encoding="utf-8")
        result = grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox)
        failed = [t for t in result["tests"] if t["status"] == "failed"]
        named = {named_in(t["output"], sentences) for t in failed} - {None}
        assert named == {entry.name}, (student, [t["output"] for t in failed])
        for t in result["tests"]:
            assert t["output"].count(PREFIX) <= 1


STYLES = list(rt.STYLES) + ["quiz_answers"]  # all 20 correct styles, torch and scikit-learn ones included


@pytest.mark.parametrize("name", sorted(set(STYLES)))
def test_correct_style_is_never_named(sandbox, tmp_path, name):
    """Does a correct solution written its own way (loops, einsum, float32, other caches) get no name?"""
    aid = rt.STYLES[name][0]
    path = tmp_path / f"{name}.py"
    path.write_text(rt.source(name, "alice", "numpy"), encoding="utf-8")
    result = grade_submission(path, aid, "alice", DEMO_SECRET, sandbox=sandbox)
    assert result["score"] == result["max_score"]
    assert not any(PREFIX in t["output"] for t in result["tests"])
