"""Benchmark of the HTML reports (issue 13): a 300-student dashboard and feedback page, rendered in
headless Chromium; the similarity report on 500 submissions.

Targets: a page for 300 students renders in Chromium in under 2 s; similarity over 500 submissions in
under 30 s on 2 cores. Figures are printed with the time of a blank page rendered in the same run
(Chromium's own start-up) for comparison.

    python bench/reports.py [--students 300] [--submissions 500]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path

_here = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _here]  # bench/reference.py is not `reference`
_spec = importlib.util.spec_from_file_location("_reports_support", _here.parent / "tests" / "reports" / "_support.py")
support = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(support)
_spec = importlib.util.spec_from_file_location("_reports_corpus", _here.parent / "tests" / "reports" / "_corpus.py")
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)


def _median_load(path: Path, runs: int = 3) -> float:
    from autograder.reports import browser

    return statistics.median(browser.load(path).elapsed_s for _ in range(runs))


def bench_pages(tmp: Path, students: int) -> None:
    from autograder.reports import dashboard, feedback_html
    from autograder.reports.render import write_page

    gb = support.make_class(tmp / "grades.sqlite", n=students)
    t = time.perf_counter()
    board = dashboard.write(gb, tmp / "dashboard.html")
    build = time.perf_counter() - t
    t = time.perf_counter()
    pages = feedback_html.write_all(gb, tmp / "feedback")
    fb = time.perf_counter() - t
    blank = write_page(tmp / "blank.html", "<!DOCTYPE html><html><body><p>blank</p></body></html>")
    base, render = _median_load(blank), _median_load(board)
    print(f"dashboard, {students} students: built in {build:.2f} s ({board.stat().st_size / 1e3:.0f} kB); "
          f"Chromium load + render {render:.2f} s (median of 3) vs a blank page {base:.2f} s (target < 2 s)")
    print(f"feedback: {len(pages)} pages in {fb:.2f} s ({1e3 * fb / len(pages):.1f} ms per page); "
          f"one page in Chromium {_median_load(pages[0]):.2f} s")


def bench_similarity(tmp: Path, n: int) -> None:
    from autograder.reports import similarity
    from autograder.sandbox import Sandbox, SandboxConfig

    folder = tmp / "subs"
    folder.mkdir()
    for i in range(n):  # the 20 corpus styles, each with its names changed per student
        bodies = {fn: b.replace("Z", f"Z{i}").replace("rss", f"rss{i}") for fn, b in corpus.independent(i % 20).items()}
        (folder / f"st{i:04d}.ipynb").write_bytes(corpus.notebook(bodies, answer=f"test_r2 = 0.4{i:04d}"))
    similarity.template_code("ar")  # the template's fingerprints: once per assignment, timed apart
    t = time.perf_counter()
    with Sandbox(SandboxConfig()) as sandbox:
        result = similarity.compare_folder(folder, "ar", sandbox=sandbox)
    compare = time.perf_counter() - t
    t = time.perf_counter()
    html = similarity.page(result)
    page = time.perf_counter() - t
    print(f"similarity, {n} submissions: {compare:.1f} s to read (sandboxed loader), fingerprint and rank "
          f"(target < 30 s); {len(result.pairs)} pairs listed; report rendered in {page:.2f} s ({len(html) / 1e3:.0f} kB)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--students", type=int, default=300)
    ap.add_argument("--submissions", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        bench_pages(Path(d), args.students)
        bench_similarity(Path(d), args.submissions)


if __name__ == "__main__":
    main()
