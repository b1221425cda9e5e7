"""Do the manifests declare each question once, with functions that exist in the reference?"""

from __future__ import annotations

import importlib
import inspect

import pytest

from autograder.generate.sources import lookup, module_definitions
from autograder.manifest import ASSIGNMENT_IDS, load_manifest


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_manifest_loads(assignment):
    """Does every manifest load, with positive points and a max score that is their sum?"""
    m = load_manifest(assignment)
    assert m.id == assignment
    assert m.max_score == sum(q.points for q in m.questions) > 0
    for q in m.questions:
        for name in (*q.functions, *q.blanks):
            assert m.question_for(name) is q


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_functions_exist_in_reference(assignment):
    """Is every function students write defined in one of the manifest's reference modules?"""
    m = load_manifest(assignment)
    for fn in m.functions:
        assert any(fn in module_definitions(mod) for mod in m.reference), fn


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_fixed_parameters_are_real_parameters(assignment):
    """Does every parameter a variant fixes exist in the reference signature and in the variant?"""
    from autograder.variants import DEMO_SECRET, variant

    m = load_manifest(assignment)
    v = variant(assignment, "s1", DEMO_SECRET)
    for fn, params in m.fixed.items():
        mod = next(mod for mod in m.reference if fn in module_definitions(mod))
        sig = inspect.signature(getattr(importlib.import_module(mod), fn))
        for p in params:
            assert p in sig.parameters
            assert p in v
        assert lookup(mod, fn).kind == "def"


def test_rnn_activation_is_fixed():
    """Is the RNN's activation removed from both functions that take it?"""
    assert load_manifest("rnn").fixed == {"rnn_step_forward": ("activation",), "rnn_forward": ("activation",)}


def test_unknown_assignment_lists_known_ids():
    """Does an unknown id raise ValueError naming the known ones?"""
    with pytest.raises(ValueError, match="bow, rnn, lstm, ar, sgd, dropout, quiz"):
        load_manifest("cnn")


def test_question_for_unknown_name():
    """Does asking for a name no question owns raise KeyError listing the known names?"""
    with pytest.raises(KeyError, match="rnn_step_forward"):
        load_manifest("rnn").question_for("nope")


def test_bad_manifest_is_reported(tmp_path):
    """Are a duplicate function and a question without points reported with the file name?"""
    from autograder.manifest import _parse

    good = {"id": "rnn", "questions": [{"name": "a", "title": "A", "points": 1, "functions": ["f"]}]}
    assert _parse(good, tmp_path / "m.toml", "rnn").functions == ("f",)
    dup = {"id": "rnn", "questions": [good["questions"][0], {"name": "b", "title": "B", "points": 1,
                                                             "functions": ["f"]}]}
    with pytest.raises(ValueError, match="'f' is declared twice"):
        _parse(dup, tmp_path / "m.toml", "rnn")
    nopoints = {"id": "rnn", "questions": [{"name": "a", "title": "A", "functions": ["f"]}]}
    with pytest.raises(ValueError, match="m.toml: questions\\[0\\] has no 'points'"):
        _parse(nopoints, tmp_path / "m.toml", "rnn")


def test_variant_grids_spell_ranges_and_rounded_float_steps():
    """Does a grid give an inclusive integer range, rounded float points, and leave out excluded values?"""
    from autograder.manifest import _choices

    assert _choices({"from": 25, "to": 60, "step": 5}, "w") == (25, 30, 35, 40, 45, 50, 55, 60)
    assert _choices({"from": -0.2, "to": 0.2, "step": 0.1, "exclude": [0.0]}, "w") == (-0.2, -0.1, 0.1, 0.2)
    assert _choices(["a", ["b", "c"]], "w") == ("a", ("b", "c"))


@pytest.mark.parametrize("spec", [{"from": 1}, {"from": 1, "to": 2, "step": 0}, {"from": 1, "to": 2, "by": 1},
                                  [], "tanh", {"from": 3, "to": 1}])
def test_bad_variant_parameter_is_refused(spec):
    """Is a variant parameter that is not a non-empty list or a well-formed grid refused, naming it?"""
    from autograder.manifest import _choices

    with pytest.raises(ValueError, match=r"\[variant\]\.g"):
        _choices(spec, "manifest.toml: [variant].g")


def test_ids_are_the_folders_with_a_manifest_sorted_by_order(tmp_path):
    """Are assignments found from their folders, in the manifests' order rather than by name?"""
    from autograder.manifest import discover_ids

    for name, order in (("zeta", 1), ("alpha", 3), ("mid", 2)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.toml").write_text(f'id = "{name}"\norder = {order}\n')
    (tmp_path / "notes").mkdir()  # no manifest: not an assignment
    assert discover_ids(tmp_path) == ("zeta", "mid", "alpha")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "manifest.toml").write_text('id = "bad"\norder = "first"\n')
    with pytest.raises(ValueError, match="order"):
        discover_ids(tmp_path)


def test_built_in_order_is_the_chapter_order():
    """Do dashboards and the demo keep the chapter's order now that ids come from the folders?"""
    assert ASSIGNMENT_IDS == ("bow", "rnn", "lstm", "ar", "sgd", "dropout", "quiz", "minnorm")
    assert [load_manifest(a).show_variant for a in ASSIGNMENT_IDS].count(False) == 1
