"""Benchmark: generate 500 students' bundles (student + solution version) of one assignment.

    .venv/bin/python bench/generate.py [--assignment rnn] [--students 500]

Target: <= 10 s for 500 students on the development machine (2 cores). Reported against one
`otter assign` run of a comparable notebook, about 8 s on that machine (a stated figure, not rerun here:
otter is not a dependency). nbformat is imported once, before the timed loop starts.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

# bench/reference.py would shadow the `reference` package: drop this script's folder from the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

OTTER_ASSIGN_S = 8.0  # one `otter assign` of a comparable notebook on this machine (stated figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignment", default="rnn")
    parser.add_argument("--students", type=int, default=500)
    args = parser.parse_args()

    t0 = time.perf_counter()
    from autograder.generate.bundle import build_bundle, write_files
    from autograder.generate.notebook import _nbformat
    from autograder.variants import DEMO_SECRET

    _nbformat()
    build_bundle(args.assignment, "warmup", DEMO_SECRET, solutions=True)  # templates, sources, keys cached
    setup = time.perf_counter() - t0

    root = Path(tempfile.mkdtemp(prefix="deepgrade-bench-"))
    per = []
    try:
        start = time.perf_counter()
        for i in range(args.students):
            t = time.perf_counter()
            sid = f"s{i:04d}"
            b = build_bundle(args.assignment, sid, DEMO_SECRET, solutions=True)
            write_files(root / "students" / sid, b.files)
            write_files(root / "solutions" / sid, b.solution_files)
            per.append(time.perf_counter() - t)
        total = time.perf_counter() - start
    finally:
        shutil.rmtree(root, ignore_errors=True)

    median = statistics.median(per)
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(f"assignment {args.assignment}: {args.students} students (bundle + solution)")
    print(f"  setup (imports, first render):  {setup:6.2f} s")
    print(f"  total:                          {total:6.2f} s   (target <= 10 s for 500)")
    print(f"  per student: median {median * 1e3:.1f} ms, max {max(per) * 1e3:.1f} ms")
    print(f"  one otter assign (stated):      {OTTER_ASSIGN_S:6.2f} s   -> deepgrade per variant is "
          f"{OTTER_ASSIGN_S / median:.0f}x faster")


if __name__ == "__main__":
    main()
