"""Naming known mistakes: the fraction of catalogue entries recognized, and the time it adds (issue 14).

Every catalogue entry of every assignment is submitted as a student's code (as ``tests/grading/test_diagnose.py``
builds it: a correct submission with the entry's wrong functions, or a quiz answer computed the wrong way) for
``--students`` students, and graded by the real engine on one sandbox. Per submission it records whether the
failing tests name that entry (and no other), the grading wall time, the number of failing tests, and the time
spent in the trusted side's diagnosis (evaluating the catalogue's variants, matching, and recording the calls
whose caches a backward pass later needs), measured in the same run.

    .venv/bin/python bench/diagnose.py [--students 1] [--json out.json]
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

# bench/ holds reference.py, which would shadow the `reference` package: drop this folder from sys.path.
sys.path[:] = [d for d in sys.path if Path(d or ".").resolve() != Path(__file__).resolve().parent]
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.grading import diagnose, grade_submission  # noqa: E402
from autograder.sandbox import Sandbox, SandboxConfig  # noqa: E402
from autograder.variants import DEMO_SECRET  # noqa: E402

_spec = importlib.util.spec_from_file_location("test_diagnose", ROOT / "tests" / "grading" / "test_diagnose.py")
td = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(td)

SPENT = [0.0]


def _timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            SPENT[0] += time.perf_counter() - start
    return wrapper


for _name in ("diagnose", "diagnose_blank", "record_call", "record_plain"):
    setattr(diagnose, _name, _timed(getattr(diagnose, _name)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    rows = []
    with Sandbox(SandboxConfig()) as sandbox, tempfile.TemporaryDirectory() as tmp:
        for aid, entry in td.ENTRIES:
            sentences = diagnose.catalogue(aid).sentences
            for student in td.students(aid, entry, args.students):
                path = Path(tmp) / f"{aid}-{student}.py"
                path.write_text(td.submission(aid, student, entry), encoding="utf-8")
                SPENT[0] = 0.0
                start = time.perf_counter()
                result = grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox)
                wall = time.perf_counter() - start
                failed = [t for t in result["tests"] if t["status"] == "failed"]
                named = {diagnose.named_in(t["output"], sentences) for t in failed} - {None}
                rows.append({"assignment": aid, "entry": entry.name, "student": student, "recognized": named == {
                    entry.name}, "wall_s": wall, "diagnose_s": SPENT[0], "failing_tests": len(failed)})
                print(f"{aid:8s} {entry.name[:48]:48s} {student:4s} named={named == {entry.name}!s:5s} "
                      f"grading {wall:6.3f} s, diagnosis {1000 * SPENT[0]:7.2f} ms over {len(failed)} failing tests",
                      flush=True)
    per_test = [r["diagnose_s"] / r["failing_tests"] for r in rows if r["failing_tests"]]
    share = [r["diagnose_s"] / r["wall_s"] for r in rows]
    summary = {
        "entries": len(td.ENTRIES), "submissions": len(rows),
        "recognized": sum(r["recognized"] for r in rows) / len(rows),
        "ms_per_failing_test_median": 1000 * statistics.median(per_test),
        "ms_per_failing_test_max": 1000 * max(per_test),
        "share_of_grading_time_median": statistics.median(share), "share_of_grading_time_max": max(share),
        "grading_s_median": statistics.median(r["wall_s"] for r in rows),
    }
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
