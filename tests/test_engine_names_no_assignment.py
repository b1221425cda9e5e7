"""Does the engine (every .py under autograder/) name no assignment, graded function or variant parameter?

Everything about an assignment lives in its folder, ``templates/<id>/``; the engine finds folders and knows
none by name. The scan reads each engine module's identifiers, strings (docstrings included) and comments,
and matches the words of every manifest (ids, functions and blanks, ``[variant]`` parameters) on word
boundaries, where ``_`` counts as a boundary: ``rnn_given`` names ``rnn``, ``far`` does not name ``ar``.
"""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from autograder.folders import TEMPLATES_DIR
from autograder.manifest import ASSIGNMENT_IDS, load_manifest

ENGINE = Path(__file__).resolve().parents[1] / "autograder"

# Words a manifest uses that are also plain words or letters, so the engine may use them for itself:
ALLOWED = {
    # one-letter names: ISLP's notation (N samples, L lags/length, p features, K hidden units, ...) and the
    # throwaway names of comprehensions (a, m, q, w, x, y, z ...); a letter names no assignment
    *"NLpKVTRamqwxyz",
    "units",  # plain English ("binary units" of a byte count, a network's units)
}


def manifest_words() -> dict[str, str]:
    """Every word the manifests declare: word -> what it is (for the failure message)."""
    words: dict[str, str] = {}
    for a in ASSIGNMENT_IDS:
        m = load_manifest(a)
        words.setdefault(a, "assignment id")
        for name in (*m.functions, *m.blanks):
            words.setdefault(name, f"a graded name of {a}")
        for param in m.variant:
            words.setdefault(param, f"a variant parameter of {a}")
    return words


def find_words(source: str, words: set[str]) -> list[tuple[int, str, str]]:
    """(line, word, token text) for each word of ``words`` in an identifier, string or comment of ``source``."""
    if not words:
        return []
    pattern = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
                         + r")(?![A-Za-z0-9])")
    kinds = {tokenize.NAME, tokenize.STRING, tokenize.COMMENT, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    hits = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in kinds:
            hits += [(tok.start[0], m.group(1), tok.string) for m in pattern.finditer(tok.string)]
    return hits


def engine_files() -> list[Path]:
    """The engine's Python files, without the assignment folders a wheel packages inside it."""
    packaged = ENGINE / "_templates"
    return sorted(p for p in ENGINE.rglob("*.py") if packaged not in p.parents)


def test_the_scan_sees_words_where_they_hide():
    """Can the scan fail: does it find a word in a name, a string, a docstring and a comment, and only whole?"""
    source = ('"""See ``mlp.ipynb``."""\n'
              'from mlp_given import f  # mlp\n'
              'x = f"{y} mlp"\n'
              'mlpx = "amlp" + "layer_forward_2"\n')
    assert [(line, w) for line, w, _ in find_words(source, {"mlp", "layer_forward"})] == [
        (1, "mlp"), (2, "mlp"), (2, "mlp"), (3, "mlp"), (4, "layer_forward")]
    assert find_words("far = bar_2\n", {"ar"}) == []  # inside a longer word: another word
    assert [w for _, w, _ in find_words("ar_design_matrix = 1\n", {"ar"})] == ["ar"]  # "_" separates words


def test_the_built_in_assignments_are_scanned():
    """Does the scan know every built-in assignment and its words (so a pass means something)?"""
    words = manifest_words()
    assert TEMPLATES_DIR.is_dir() and len(ASSIGNMENT_IDS) >= 7
    for a in ASSIGNMENT_IDS:
        assert a in words and set(load_manifest(a).functions) <= set(words)
    assert len(engine_files()) > 50


@pytest.mark.parametrize("path", engine_files(), ids=lambda p: str(p.relative_to(ENGINE)))
def test_engine_module_names_no_assignment(path):
    """Does this engine module name no assignment id, graded function or variant parameter?"""
    words = manifest_words()
    hits = find_words(path.read_text(encoding="utf-8"), set(words) - ALLOWED)
    assert not hits, "the engine names assignment material (move it into templates/<id>/):\n" + "\n".join(
        f"{path.relative_to(ENGINE.parent)}:{line}: {word!r} ({words[word]}) in {text[:80]!r}"
        for line, word, text in hits)
