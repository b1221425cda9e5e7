"""Which submissions of one assignment look copied: fingerprints shared beyond the template's code.

    scan the folder (the batch's own, link-refusing layout) -> read each submission's code cells (a
    notebook is parsed in the sandbox's loader, never here) -> drop the cells the template gives
    verbatim -> normalize, hash k-grams, winnow (:mod:`.fingerprint`) -> drop fingerprints of the
    template's code (given code, signatures, docstrings, check cells) and those common to many
    submissions -> count the fingerprints each pair shares -> rank pairs.

A pair's ``score`` is the fraction of the smaller submission's fingerprints found in the other: a
copy with dead code added, functions reordered, names changed or comments rewritten keeps nearly
all of them; two independent solutions share a few idioms. A submission left as the template
(a blank) has almost no fingerprints of its own and is never paired.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from autograder.reports.fingerprint import K, Token, kgram_hashes, normalize, winnow

MIN_SHARED = 8  # fewer shared fingerprints than this is never a pair (blanks, one shared idiom)
FLAG_SCORE = 0.5  # a pair at or above this fraction is flagged
LIST_SCORE = 0.2  # pairs listed in the report (the flagged ones and the nearest others)
MAX_CODE_CHARS = 200_000  # of one submission's code cells: the rest is not compared
TEMPLATE_STUDENTS = ("template-a", "template-b", "template-c")  # variants whose given code is removed


@dataclass
class Document:
    """One student's code: the display text and its fingerprints (hash -> token positions)."""

    student: str
    source: str
    text: str
    tokens: list[Token]
    prints: dict[int, list[int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    score: float  # shared / fingerprints of the smaller submission
    shared: int
    flagged: bool
    a_lines: frozenset[int] = frozenset()  # matched lines of a's text (1-based)
    b_lines: frozenset[int] = frozenset()


@dataclass
class Result:
    assignment: str
    documents: list[Document]
    pairs: list[Pair]  # ranked, most similar first, only those with score >= LIST_SCORE
    skipped: list[str]  # "student: why" for submissions that could not be read
    common: int  # fingerprints ignored as common to many submissions


@cache
def template_code(assignment: str) -> tuple[frozenset[str], frozenset[int]]:
    """(the template's code cells, stripped; every k-gram hash of them) over a few variants."""
    from autograder.generate.bundle import build_bundle
    from autograder.variants import DEMO_SECRET

    cells, hashes = set(), set()
    for student in TEMPLATE_STUDENTS:
        nb = json.loads(build_bundle(assignment, student, DEMO_SECRET).files[f"{assignment}.ipynb"])
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                cells.add(src.strip())
                hashes.update(kgram_hashes(normalize(src)))
    return frozenset(cells), frozenset(hashes)


def document(student: str, source: str, cells: list[tuple[int, str]], given: frozenset[str] = frozenset(),
             base: frozenset[int] = frozenset()) -> Document:
    """A submission's document from its code cells ``(index, source)``, without the template's cells
    (``given``) and fingerprints (``base``)."""
    parts, tokens, line, size = [], [], 1, 0
    for index, src in cells:
        if src.strip() in given or not src.strip():
            continue
        src = src[: max(0, MAX_CODE_CHARS - size)]
        size += len(src)
        parts.append(f"# In[{index}]")
        tokens += normalize(src, line_offset=line)  # line 1 of the cell is display line `line + 1`
        parts.append(src.rstrip("\n"))
        line += 1 + src.rstrip("\n").count("\n") + 1
        if size >= MAX_CODE_CHARS:
            break
    hashes = kgram_hashes(tokens)
    prints = {h: p for h, p in winnow(hashes).items() if h not in base}
    return Document(student, source, "\n".join(parts), tokens, prints)


def _matched_lines(doc: Document, hashes: set[int]) -> frozenset[int]:
    lines = set()
    for h in hashes:
        for i in doc.prints.get(h, ()):
            lines.update(range(doc.tokens[i].line, doc.tokens[min(i + K - 1, len(doc.tokens) - 1)].line + 1))
    return frozenset(lines)


def rank(documents: list[Document], *, common_cutoff: int | None = None) -> tuple[list[Pair], int]:
    """Pairs with ``score >= LIST_SCORE``, most similar first, and how many fingerprints were common.

    A fingerprint held by more than ``common_cutoff`` submissions (default max(10, n / 10), as MOSS
    ignores code in more than 10 files) is shared code, not evidence, and is left out.
    """
    n = len(documents)
    cutoff = common_cutoff if common_cutoff is not None else max(10, n // 10)
    holders: dict[int, list[int]] = {}
    for d, doc in enumerate(documents):
        for h in doc.prints:
            holders.setdefault(h, []).append(d)
    common = {h for h, ds in holders.items() if len(ds) > cutoff}
    sizes = [len(doc.prints.keys() - common) for doc in documents]
    counts: Counter = Counter()
    for h, ds in holders.items():
        if h in common:
            continue
        for i, a in enumerate(ds):
            for b in ds[i + 1:]:
                counts[a, b] += 1
    pairs = []
    for (a, b), shared in counts.items():
        score = shared / max(1, min(sizes[a], sizes[b]))
        if shared < MIN_SHARED or score < LIST_SCORE:
            continue
        both = (documents[a].prints.keys() & documents[b].prints.keys()) - common
        pairs.append(Pair(documents[a].student, documents[b].student, score, shared, score >= FLAG_SCORE,
                          _matched_lines(documents[a], both), _matched_lines(documents[b], both)))
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.a, p.b))
    return pairs, len(common)


def shared_cells(submissions: list[list[tuple[int, str]]]) -> frozenset[str]:
    """Cells found verbatim in more than half of at least 3 submissions: given code of another version
    of the template (students generated their notebooks before a change), not anyone's work."""
    if len(submissions) < 3:
        return frozenset()
    counts = Counter(src for cells in submissions for src in {s.strip() for _, s in cells if s.strip()})
    return frozenset(src for src, n in counts.items() if n > len(submissions) / 2)


def compare_folder(folder: str | Path, assignment: str, *, sandbox=None) -> Result:
    """Read every submission in ``folder`` (one assignment's batch folder) and rank its pairs."""
    from autograder.batch.layout import scan
    from autograder.sandbox.loader import SubmissionError, load_submission

    given, base = template_code(assignment)
    layout = scan(folder)
    loaded, skipped = [], []
    for entry in layout.entries:
        if entry.path is None:
            skipped.append(f"{entry.student}: {entry.error}")
            continue
        try:
            sub = load_submission(entry.path, sandbox=sandbox)
        except SubmissionError as exc:
            skipped.append(f"{entry.student}: {exc}")
            continue
        loaded.append((entry, [(c.index, c.source) for c in sub.cells]))
    given = given | shared_cells([cells for _, cells in loaded])
    documents = [document(e.student, e.source, cells, given, base) for e, cells in loaded]
    pairs, common = rank(documents)
    return Result(assignment, documents, pairs, skipped, common)


def to_csv(result: Result) -> str:
    """``student_a, student_b, score, shared_fingerprints, flagged``: one row per listed pair."""
    from autograder.grading.text import clean

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["student_a", "student_b", "score", "shared_fingerprints", "flagged"])
    for p in result.pairs:
        w.writerow([clean(p.a), clean(p.b), f"{p.score:.4f}", p.shared, int(p.flagged)])
    return out.getvalue()


def side_by_side(doc: Document, lines: frozenset[int], max_lines: int = 400) -> list[tuple[int, str, bool]]:
    """(line number, text, matched) for the first ``max_lines`` lines of a document."""
    return [(i, text, i in lines) for i, text in enumerate(doc.text.split("\n")[:max_lines], start=1)]


def page(result: Result, *, views: int = 30) -> str:
    """The similarity report: the ranked pairs, then a side-by-side view of the first ``views``."""
    from autograder.reports.render import render_page

    docs = {d.student: d for d in result.documents}
    shown = [
        {"pair": p, "left": side_by_side(docs[p.a], p.a_lines), "right": side_by_side(docs[p.b], p.b_lines)}
        for p in result.pairs[:views]
    ]
    return render_page("similarity.html.j2", sortable=True, result=result, shown=shown, flag=FLAG_SCORE,
                       min_shared=MIN_SHARED, listed=LIST_SCORE)
