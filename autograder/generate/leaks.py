"""The leak scan: does a bundle hold nothing a student must not read?

A student's bundle (and its solution version, which TAs may hand out) must carry no course secret and no
hidden seed, no hidden test of the folder's ``suite.py``, and nothing of its ``misconceptions.py``; the
student version must also carry no distinctive line of a reference solution body and assign every blank
``None``. :func:`scan` returns one sentence per problem found (none: the bundle is clean). ``deepgrade
validate`` runs it for each student it tries; the generation tests check the same for every assignment.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap

from autograder.folders import assignment_file, assignment_module
from autograder.generate.bundle import Bundle
from autograder.generate.given import given_source
from autograder.generate.render import _module_of
from autograder.generate.sources import lookup
from autograder.manifest import Manifest, load_manifest
from autograder.variants import DEMO_SECRET, hidden_seed

SUITE = "suite.py"
CATALOGUE = "misconceptions"
MIN_LINE = 20  # characters: shorter body lines (``return out``) are too common to count as a leak


def text_of(files: dict[str, bytes]) -> str:
    """Everything a student reads: notebook cell sources (unescaped) and metadata, and the other files."""
    parts = []
    for name, data in files.items():
        if name.endswith(".ipynb"):
            nb = json.loads(data)
            parts += [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in nb["cells"]]
            parts.append(json.dumps(nb["metadata"]))
        else:
            parts.append(data.decode("utf-8", "replace"))
    return "\n".join(parts)


def body_lines(manifest: Manifest, fn: str) -> list[str]:
    """The distinctive lines of the reference body of ``fn`` (no docstring, comment, short or given line)."""
    src = textwrap.dedent(lookup(_module_of(manifest, fn), fn).source)
    node = ast.parse(src).body[0]
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
        body = body[1:]  # the docstring is meant for the student
    if not body:
        return []
    lines = src.split("\n")[body[0].lineno - 1: node.end_lineno]
    given = given_source(manifest.id) or ""
    return [ln.strip() for ln in lines
            if len(ln.strip()) >= MIN_LINE and not ln.strip().startswith("#") and ln.strip() not in given]


def hidden_tests(assignment_id: str) -> list[str]:
    """The names of the hidden suite's test functions."""
    path = assignment_file(assignment_id, SUITE)
    return re.findall(r"^def (test_\w+)\(", path.read_text(), flags=re.M) if path else []


def catalogue_text(assignment_id: str) -> tuple[list[str], list[str]]:
    """(explanations' first 60 characters, wrong functions' bodies) of the folder's known mistakes."""
    if assignment_file(assignment_id, f"{CATALOGUE}.py") is None:
        return [], []
    catalogue = assignment_module(assignment_id, CATALOGUE)
    entries = list(getattr(catalogue, "MISCONCEPTIONS", [])) + list(getattr(catalogue, "BLANK_MISTAKES", []))
    wrong = [inspect.getsource(fn).split("\n", 1)[1].strip()  # a wrong version's body, without its def line
             for m in entries for fn in getattr(m, "functions", {}).values()
             if inspect.isfunction(fn) and fn.__module__ == catalogue.__name__]
    return [m.explanation[:60] for m in entries], [c for c in wrong if len(c) > 40]


def scan(bundle: Bundle, secret: bytes) -> list[str]:
    """What leaks from ``bundle`` (built with ``secret``): one sentence per problem, [] when it is clean."""
    manifest = load_manifest(bundle.assignment)
    versions = {"student": bundle.files}
    if bundle.solution_files is not None:
        versions["solution"] = bundle.solution_files
    problems = []
    student = text_of(bundle.files)
    for fn in manifest.functions:
        leaked = [ln for ln in body_lines(manifest, fn) if ln in student]
        if leaked:
            problems.append(f"the student version holds the solution body of {fn}: {leaked[0]!r}")
    for blank in manifest.blanks:
        assigned = re.findall(rf"^{re.escape(blank)}\s*=\s*(.*?)\s*(?:#.*)?$", student, flags=re.M)
        if not assigned or set(assigned) != {"None"}:
            problems.append(f"the student version assigns the blank {blank} {sorted(set(assigned)) or 'nowhere'}, "
                            "not None")
    seed = str(hidden_seed(bundle.assignment, bundle.student, secret)).encode()
    tests = hidden_tests(bundle.assignment)
    explanations, wrong_code = catalogue_text(bundle.assignment)
    for kind, files in versions.items():
        for name, data in files.items():
            if secret in data or secret.hex().encode() in data or DEMO_SECRET in data:
                problems.append(f"{kind} file {name} holds the course secret")
            if seed in data:
                problems.append(f"{kind} file {name} holds the student's hidden seed")
            if name.rsplit("/", 1)[-1] == SUITE:
                problems.append(f"the {kind} version carries a file named {SUITE}")
        text = "\n".join(data.decode("utf-8", "replace") for data in files.values())
        shown = [t for t in tests if f"def {t}(" in text]
        if shown:
            problems.append(f"the {kind} version holds hidden tests: {', '.join(shown[:3])}")
        if "misconception" in text.lower() or any(e in text for e in explanations) or any(
                c in text for c in wrong_code):
            problems.append(f"the {kind} version holds the known-mistake catalogue ({CATALOGUE}.py)")
    return problems
