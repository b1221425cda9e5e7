"""Does the similarity report rank planted copies above independent solutions, and never pair blanks?"""

from __future__ import annotations

import csv
import importlib.util
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.reports.fingerprint import WINDOW, K, kgram_hashes, normalize, winnow

_here = Path(__file__).parent
_spec = importlib.util.spec_from_file_location("_reports_corpus", _here / "_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)
_spec = importlib.util.spec_from_file_location("_reports_support", _here / "_support.py")
support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(support)


def _text(src: str) -> str:
    return " ".join(t.text for t in normalize(src))


def test_normalize_drops_comments_docstrings_and_names():
    """Do two functions differing only in names, comments, docstrings and layout normalize alike?"""
    a = 'def f(x, h):\n    """Doc."""\n    out = np.tanh(x @ W + h)  # step\n    return out, (x, h)\n'
    b = "def g(inp,prev):\n    # a comment\n\n    res=np.tanh(inp@W+prev)\n    return res,(inp,prev)\n"
    assert _text(a) == _text(b) == "def V ( V , V ) : V = V . tanh ( V @ V + V ) return V , ( V , V )"
    assert _text("y = 'text'; z = 3.5; print(len(y))") == "V = S ; V = N ; print ( len ( V ) )"
    assert _text("x = (1,\n") == "V = ( N ,"  # an unclosed bracket: what was read is kept, no error


def test_winnowing_guarantee():
    """Does a shared run of K + WINDOW - 1 tokens always give a shared fingerprint?"""
    shared = "a = b . c ( d , e ) + f [ g ] * h - i"  # identifiers only: every name becomes V
    common = shared.replace(" ", "")
    for pad in range(6):
        left = winnow(kgram_hashes(normalize("q = 1\n" * pad + common + "\n")))
        right = winnow(kgram_hashes(normalize(common + "\nr = [2, 3]\n" * (pad + 1))))
        assert len(normalize(common)) >= K + WINDOW - 1
        assert left.keys() & right.keys(), pad


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return folder, corpus.write_corpus(folder)


def test_planted_copies_rank_above_every_independent_pair(planted, tmp_path, chromium):
    """On 20 independent solutions, 5 planted copies and 3 blanks: are the 5 planted pairs the top 5 (all
    flagged), every other pair below them, the blanks never paired, and the report readable in Chromium?"""
    folder, info = planted
    out, csv_path = tmp_path / "sim.html", tmp_path / "sim.csv"
    r = CliRunner().invoke(main, ["similarity", str(folder), "-a", "ar", "-o", str(out), "--csv", str(csv_path)])
    assert r.exit_code == 0, r.output
    assert "28 submissions" in r.output
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text())))
    ranked = [frozenset((row["student_a"], row["student_b"])) for row in rows]
    plants = {frozenset(p) for p in info["planted"]}
    assert set(ranked[:5]) == plants, rows[:8]
    assert all(row["flagged"] == "1" for row in rows[:5])
    assert float(rows[4]["score"]) > max((float(row["score"]) for row in rows[5:]), default=0.0)
    assert not any(b in pair for pair in ranked for b in info["blanks"])
    dom = support.load(out).dom
    assert "28 submissions compared" in dom and dom.count('<section id="pair-') == min(30, len(rows))
    assert "<mark>" in dom and "copy-renamed" in dom
    support.shoot(out, "similarity")


def test_student_code_in_the_side_by_side_view_is_escaped(tmp_path, chromium):
    """Is a copied cell full of markup shown as text, never as markup, in the side-by-side view?"""
    body = corpus.independent(0)
    body["r_squared"] = f"# {support.HOSTILE}\n" + body["r_squared"] + f"\nx = '{support.HOSTILE}'"
    for name in ("a1", "a2"):
        (tmp_path / f"{name}.ipynb").write_bytes(corpus.notebook(body))
    out = tmp_path / "report.html"
    r = CliRunner().invoke(main, ["similarity", str(tmp_path), "-a", "ar", "-o", str(out)])
    assert r.exit_code == 0, r.output
    support.no_raw_markup(out.read_text())
    dom = support.load(out).dom
    support.no_raw_markup(dom)
    assert "a1 and a2: 100%" in dom


def test_given_code_of_an_older_template_is_not_evidence():
    """Is a cell found verbatim in most submissions (given code the current template no longer has) left
    out, so that blanks made from an older template are not paired?"""
    from autograder.reports.similarity import document, rank, shared_cells

    ops = ("sum", "mean", "max", "min", "std", "var", "prod", "cumsum", "argmax", "argmin", "median", "ptp")
    old_given = "import numpy as np\n" + "\n".join(f"def helper_{op}(a, b):\n    return np.{op}(a * b).{op}()"
                                                   for op in ops)
    subs = [[(0, old_given), (1, f"x = {i}")] for i in range(4)]
    assert shared_cells(subs) == {old_given}
    assert rank([document(f"s{i}", "", cells) for i, cells in enumerate(subs)])[0]  # without it: all paired
    docs = [document(f"s{i}", "", cells, shared_cells(subs)) for i, cells in enumerate(subs)]
    assert rank(docs)[0] == []
