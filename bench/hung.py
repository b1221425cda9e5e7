"""One hung function costs one timeout: grading time with and without it, measured in one run (issue 9).

"before" is the grader as it was: every call waits its full call timeout (10 s) and a function that
timed out is called again by each of its tests (``DEEPGRADE_TIMEOUT_MEMORY=0`` and
``DEEPGRADE_REFERENCE_TIMEOUTS=0``). "after" is the default: a call's limit is 50x the reference's
time on the same input, at least 3 s, and a function that timed out once fails at once afterwards.

* **one submission**: the ``rnn`` solution whose ``rnn_step_forward`` loops forever, graded with
  ``grade_submission`` on one sandbox; wall time, and how many calls waited for a timeout.
* **a batch**: 50 ``rnn`` solution notebooks (one per student, as ``bench/grading.py`` builds them),
  5 of which hang in ``rnn_step_forward``, graded with ``run_batch`` and 2 workers; wall time.

    .venv/bin/python bench/hung.py [--students 50] [--hanging 5] [--workers 2]
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

# bench/ holds reference.py, which would shadow the `reference` package: drop this folder from sys.path.
sys.path[:] = [d for d in sys.path if Path(d or ".").resolve() != Path(__file__).resolve().parent]
for _name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

BEFORE = {"DEEPGRADE_TIMEOUT_MEMORY": "0", "DEEPGRADE_REFERENCE_TIMEOUTS": "0"}
HUNG_CELL = "def rnn_step_forward(x, h_prev, W, U, b):\n    while True:\n        pass\n"


@contextlib.contextmanager
def grader(before: bool):
    """The environment of the "before" grader (spawned batch workers inherit it), or the default one."""
    saved = {k: os.environ.get(k) for k in BEFORE}
    for k, v in BEFORE.items():
        if before:
            os.environ[k] = v
        else:
            os.environ.pop(k, None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def hanging(notebook: bytes) -> bytes:
    """The solution notebook with a last cell redefining ``rnn_step_forward`` as an endless loop."""
    nb = json.loads(notebook)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "hung", "metadata": {},
                        "outputs": [], "source": HUNG_CELL})
    return json.dumps(nb).encode()


def one_submission(path: Path, before: bool) -> tuple[float, int, int, float]:
    """(wall s, calls that waited for a timeout, calls refused at once, score) grading ``path``."""
    from autograder.grading import grade_submission
    from autograder.sandbox import Sandbox, SandboxConfig, process
    from autograder.variants import DEMO_SECRET

    made = []
    init = process.StudentProcess.__init__

    def recording_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)

    process.StudentProcess.__init__ = recording_init
    try:
        with grader(before), Sandbox(SandboxConfig()) as sb:
            start = time.perf_counter()
            result = grade_submission(path, "rnn", path.stem, DEMO_SECRET, sandbox=sb)
            wall = time.perf_counter() - start
    finally:
        process.StudentProcess.__init__ = init
    memory = made[0].timeouts  # shared by the submission's process and its fresh copies
    return wall, memory.waited, memory.failed_fast, result["score"]


def batch(folder: Path, gradebook: Path, workers: int, before: bool) -> tuple[float, dict]:
    from autograder.batch import run_batch
    from autograder.gradebook import Gradebook
    from autograder.variants import DEMO_SECRET

    with grader(before):
        start = time.perf_counter()
        run_batch(folder, gradebook, "rnn", DEMO_SECRET, workers=workers)
        wall = time.perf_counter() - start
    with Gradebook(gradebook) as gb:
        return wall, {g.student: g.score for g in gb.current("rnn")}


def hardware() -> str:
    """The machine, as bench/grading.py describes it."""
    spec = importlib.util.spec_from_file_location("bench_grading", Path(__file__).with_name("grading.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.hardware()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--hanging", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from autograder.generate.bundle import build_bundle
    from autograder.variants import DEMO_SECRET

    students = [f"student{i:03d}" for i in range(args.students)]
    hung = set(students[:: max(1, args.students // max(1, args.hanging))][: args.hanging])
    with tempfile.TemporaryDirectory(prefix="deepgrade-hung-") as tmp:
        folder = Path(tmp) / "subs"
        folder.mkdir()
        for s in students:
            nb = build_bundle("rnn", s, DEMO_SECRET, solutions=True).solution_files["rnn.ipynb"]
            (folder / f"{s}.ipynb").write_bytes(hanging(nb) if s in hung else nb)
        single = folder / f"{sorted(hung)[0]}.ipynb"

        print(f"hardware: {hardware()}")
        print(f"one hanging submission: {single.name}")
        after1 = one_submission(single, before=False)
        before1 = one_submission(single, before=True)
        for name, (wall, waited, refused, score) in (("before", before1), ("after", after1)):
            print(f"one hanging submission, {name}: {wall:.1f} s; {waited} calls waited for a timeout, "
                  f"{refused} refused at once; score {score:g} of 11")
        print(f"  ratio before / after: {before1[0] / after1[0]:.1f}x")

        after_wall, after_scores = batch(folder, Path(tmp) / "after.sqlite", args.workers, before=False)
        before_wall, before_scores = batch(folder, Path(tmp) / "before.sqlite", args.workers, before=True)
        n = len(students)
        print(f"batch of {n} rnn solution notebooks, {len(hung)} hanging, {args.workers} workers:")
        print(f"  before {before_wall:.1f} s, after {after_wall:.1f} s; ratio before / after "
              f"{before_wall / after_wall:.1f}x")
        print(f"  same scores both ways: {before_scores == after_scores}; full marks: "
              f"{sum(after_scores[s] == 11 for s in students if s not in hung)} of {n - len(hung)} correct, "
              f"hanging ones scored {sorted({after_scores[s] for s in hung})}")
    print("(the machine's cores may be shared: compare within one run, not across runs)")


if __name__ == "__main__":  # the workers are spawned: they must not run this again
    main()
