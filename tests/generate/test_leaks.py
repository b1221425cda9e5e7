"""Does a student bundle hold nothing it must not: solution bodies, the secret, hidden seeds, answer keys?"""

from __future__ import annotations

import ast
import inspect
import json
import re

import pytest

from autograder.answer_key import answer_key
from autograder.folders import TEMPLATES_DIR
from autograder.generate.leaks import body_lines, scan, text_of
from autograder.grading.runner import suite_path
from autograder.manifest import ASSIGNMENT_IDS, load_manifest
from autograder.variants import DEMO_SECRET, hidden_seed, variant


def _body_lines(assignment: str, fn: str) -> list[str]:
    """The distinctive lines of a reference function's body (not its docstring)."""
    return body_lines(load_manifest(assignment), fn)


_text = text_of


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_no_solution_body(assignment, bundles):
    """Does no distinctive line of any solution body appear in the student bundle (but in the solution)?"""
    student, solution = _text(bundles[assignment].files), _text(bundles[assignment].solution_files)
    for fn in load_manifest(assignment).functions:
        lines = _body_lines(assignment, fn)
        assert lines, f"{fn} has no distinctive line to look for"
        leaked = [ln for ln in lines if ln in student]
        assert not leaked, f"{assignment}: body of {fn} leaked: {leaked[:3]}"
        # the scan would see them (lines calling a function with a fixed parameter lose that argument)
        missing = [ln for ln in lines if ln not in solution]
        fixed = load_manifest(assignment).fixed
        assert all(any(f"{f}(" in ln for f in fixed) for ln in missing), missing


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_no_secret_or_hidden_seed(assignment, bundles, course):
    """Are the course secret, the demo secret and the student's hidden seed absent from every file?"""
    SECRET, STUDENT = course
    seed = str(hidden_seed(assignment, STUDENT, SECRET))
    for files in (bundles[assignment].files, bundles[assignment].solution_files):
        for name, data in files.items():
            assert SECRET not in data and SECRET.hex().encode() not in data, name
            assert DEMO_SECRET not in data, name
            assert seed.encode() not in data, name


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_answers_are_blank(assignment, bundles):
    """Is every blank of the student notebook assigned None, never its key value?"""
    text = _text(bundles[assignment].files)
    for blank in load_manifest(assignment).blanks:
        assigned = re.findall(rf"^{blank}\s*=\s*(.*?)\s*(?:#.*)?$", text, flags=re.M)
        assert assigned and set(assigned) == {"None"}, (blank, assigned)


def test_no_concept_key(bundles, course):
    """Are the concept bank's answers, the option order and the bank file absent from the quiz bundle?"""
    SECRET, STUDENT = course
    text = _text(bundles["quiz"].files)
    v = variant("quiz", STUDENT, SECRET)
    key = answer_key(v)
    bank = (TEMPLATES_DIR / "quiz" / "concepts.toml").read_text()
    assert "option_order" not in text
    assert "correct" not in json.loads(bundles["quiz"].files["quiz_public.json"]).__repr__()
    assert bank not in text and "correct = " not in text
    for name, letter in key.items():
        if name.startswith("concept_"):
            assert not re.search(rf"{name}\s*=\s*\"{letter}\"", text)
    assert str(v["option_order"]["concept_saddle"]) not in text


# What a bundle's Python files may import: the standard library, numpy, each other; bow also scipy (its
# question 2 is about sparse matrices) and, for its optional demonstration only, scikit-learn.
EXTRA = {"bow": {"scipy", "sklearn"}}
POSIX_ONLY = ("os.fork", "signal.", "fcntl", "resource.", "pwd.", "os.getuid", "os.kill", "os.setsid",
              "os.killpg", "termios", "'/tmp", '"/tmp')


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_bundle_code_needs_only_numpy_and_the_stdlib(assignment, bundles):
    """Does every .py file of a bundle import only the stdlib, numpy and the bundle's own modules, and
    call nothing POSIX-only (no fork, signals, fcntl)?"""
    import sys

    files = bundles[assignment].files
    own = {name[:-3] for name in files if name.endswith(".py")}
    allowed = set(sys.stdlib_module_names) | {"numpy", "reference"} | own | EXTRA.get(assignment, set())
    for name, data in files.items():
        if not name.endswith(".py") or name == f"{assignment}.py":
            continue
        src = data.decode()
        imports = {(n.module if isinstance(n, ast.ImportFrom) else a.name).split(".")[0]
                   for n in ast.walk(ast.parse(src)) if isinstance(n, (ast.Import, ast.ImportFrom)) and not
                   getattr(n, "level", 0) for a in n.names}
        assert imports <= allowed, f"{name} imports {sorted(imports - allowed)}"
        assert not [p for p in POSIX_ONLY if p in src], name


def test_check_material_is_standalone(bundles):
    """Is the bundle's gradcheck the reference's own file, and does the self-check reach deepgrade only as
    a fallback inside the repository?"""
    src = bundles["rnn"].files["deepgrade_check.py"].decode()
    assert src.count("reference.") == 1 and "from reference.gradcheck import" in src
    import reference.gradcheck

    assert bundles["rnn"].files["deepgrade_gradcheck.py"].decode() == inspect.getsource(reference.gradcheck)


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_no_hidden_suite(assignment, bundles):
    """The hidden suite sits in the assignment's folder beside the templates: does none of its test
    definitions reach the student's or the solution's files, and no file named like it?"""
    suite = suite_path(assignment)
    definitions = re.findall(r"^def (test_\w+)\(", suite.read_text(), flags=re.M)
    assert definitions, suite
    for files in (bundles[assignment].files, bundles[assignment].solution_files):
        assert suite.name not in {name.rsplit("/", 1)[-1] for name in files}
        text = "\n".join(data.decode("utf-8", "replace") for data in files.values())
        assert not [d for d in definitions if f"def {d}(" in text]


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_the_engine_scan_finds_nothing(assignment, bundles, course):
    """Does the leak scan ``deepgrade validate`` runs find nothing in a generated bundle?"""
    assert scan(bundles[assignment], course[0]) == []


def test_the_engine_scan_finds_a_leak(bundles, course):
    """Does the scan name a solution body pasted into the student notebook, a non-None blank and the secret?"""
    from autograder.generate.bundle import Bundle

    b = bundles["rnn"]
    fn = load_manifest("rnn").functions[0]
    line = body_lines(load_manifest("rnn"), fn)[0]
    files = dict(b.files, **{"notes.py": (line + "\n" + course[0].decode()).encode()})
    problems = scan(Bundle(b.assignment, b.student, files, b.solution_files), course[0])
    assert any(fn in p for p in problems) and any("secret" in p for p in problems), problems
    quiz = bundles["quiz"]
    blank = load_manifest("quiz").blanks[0]
    files = dict(quiz.files, **{"answers.py": f"{blank} = 1.5\n".encode()})
    problems = scan(Bundle(quiz.assignment, quiz.student, files, None), course[0])
    assert any(f"blank {blank}" in p for p in problems), problems
