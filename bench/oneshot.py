"""One submission, one process: where the wall time of a one-shot grading goes (Gradescope's mode).

    .venv/bin/python bench/oneshot.py [--rounds 5] [--assignment rnn]

Gradescope starts a fresh container and process per submission, so what a warm batch worker pays once
(interpreter, imports, the sandbox's fork server, pytest's set-up) is paid by every submission. Each
round runs, as fresh processes and in this order:

- ``python -c pass`` (the interpreter), ``import numpy``, ``import nbformat`` + its validator and
  IPython's transformer (what the fork server imports before it answers), ``import
  autograder.grading.engine`` (pytest, the engine) and ``import autograder.cli`` + click and rich;
- the phases of one grading inside one process: imports, sandbox start (fork server + probe), loading
  the notebook (in the sandbox), starting the student's child (its cells run), the hidden suite, closing;
- ``deepgrade grade NB -a ID -s S`` (the CLI, end to end) and ``run_autograder`` (the Gradescope
  export's entry point, on a temporary tree laid out like /autograder), end to end.

Prints medians and minimums of wall seconds, and for the imports the CPU seconds they used (user +
system; the sandbox's processes are not all accounted to their ancestors, so end-to-end lines show none).
On a shared machine wall time swings with the load (printed); CPU time does not. The target (issue 10): one ``rnn`` notebook in at most 0.6 s wall here.

Measured (2-core Intel Xeon x86_64, 24 GiB, no GPU, shared; 5 rounds, medians (minimums)). Before the fork
server skipped jsonschema's ``rfc3987_syntax`` (load 1.4-1.7): ``deepgrade grade`` 1.67 s, ``run_autograder``
1.56 s, of which the sandbox's start 1.06 s (0.9 s of it that one import: it builds a grammar at import;
nbformat's schema checks no IRI) and its close 0.17 s. After (commit b58591f, load 3.6): ``deepgrade grade``
0.75 s (0.70 s), ``run_autograder`` 0.63 s (0.59 s): sandbox start 0.28 s, imports 0.19 s, close 0.07 s,
loading, cells and the hidden suite 0.10 s together.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# bench/ holds reference.py, which would shadow the `reference` package: drop this folder from sys.path.
sys.path[:] = [d for d in sys.path if Path(d or ".").resolve() != Path(__file__).resolve().parent]
PY = sys.executable
SECRET = b"oneshot-bench-secret"

PHASES = r"""
import json, sys, time
t = [time.perf_counter()]
import autograder.grading.engine as E
from autograder import sandbox as sb
from autograder.grading.plugin import GradingContext
from autograder.grading.runner import run_suite
from autograder.manifest import load_manifest
from autograder.variants import hidden_seed, variant
t.append(time.perf_counter())
s = sb.Sandbox(sb.SandboxConfig()); t.append(time.perf_counter())
sub = sb.load_submission(sys.argv[1], sandbox=s); t.append(time.perf_counter())
p = s.start(E.with_grader_given(sub, sys.argv[2])); t.append(time.perf_counter())
secret = sys.argv[4].encode()
ctx = GradingContext(p, dict(variant(sys.argv[2], sys.argv[3], secret)),
                     E.grading_seed(hidden_seed(sys.argv[2], sys.argv[3], secret), sub), load_manifest(sys.argv[2]), None)
run_suite(sys.argv[2], ctx); t.append(time.perf_counter())
p.close(); s.close(); t.append(time.perf_counter())
names = ["imports", "sandbox start", "load notebook", "start child (cells)", "hidden suite", "close"]
print(json.dumps({n: b - a for n, a, b in zip(names, t, t[1:])}))
"""


def timed(cmd: list[str], **kw) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s of the process and its children, result) of one run of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return wall, cpu, done


def gradescope_tree(base: Path, assignment: str, student: str, notebook: Path) -> tuple[Path, dict]:
    """/autograder for one submission, from a real export (no setup.sh: this venv is the install)."""
    out = base / "export"
    key = base / "course.key"
    key.write_bytes(SECRET)
    timed([PY, "-m", "autograder.cli", "export", assignment, "--format", "gradescope", "--out", str(out),
           "--secret-file", str(key)], cwd=base)
    root = base / "autograder"
    for folder in ("source", "submission", "results"):
        (root / folder).mkdir(parents=True)
    zipfile.ZipFile(out / "gradescope.zip").extractall(root / "source")
    shutil.copy(notebook, root / "submission" / notebook.name)
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": student, "id": 1}]}))
    return root, dict(os.environ, DEEPGRADE_GS_ROOT=str(root))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--assignment", default="rnn")
    args = ap.parse_args()
    a, student = args.assignment, "alice@example.edu"
    from autograder.generate.bundle import build_bundle

    base = Path(tempfile.mkdtemp(prefix="deepgrade-oneshot-"))
    try:
        notebook = base / f"{a}.ipynb"
        notebook.write_bytes(build_bundle(a, student, SECRET, solutions=True).solution_files[f"{a}.ipynb"])
        root, gs_env = gradescope_tree(base, a, student, notebook)
        env = {k: v for k, v in os.environ.items() if k != "DEEPGRADE_SECRET"}
        key = base / "course.key"
        commands = {
            "python -c pass": [PY, "-c", "pass"],
            "import numpy": [PY, "-c", "import numpy"],
            "import nbformat + validator + IPython transformer": [
                PY, "-c", "import nbformat; nbformat.validator.get_validator(version=4); "
                "from IPython.core.inputtransformer2 import TransformerManager"],
            "the same, jsonschema's rfc3987_syntax blocked": [
                PY, "-c", "import sys; sys.modules['rfc3987_syntax'] = None; import nbformat; "
                "nbformat.validator.get_validator(version=4); "
                "from IPython.core.inputtransformer2 import TransformerManager"],
            "import autograder.grading.engine (pytest)": [PY, "-c", "import autograder.grading.engine"],
            "import autograder.cli + click + rich": [PY, "-c", "import autograder.cli, click, rich.console"],
            "deepgrade grade (CLI, end to end)": [PY, "-m", "autograder.cli", "grade", str(notebook), "-a", a,
                                                  "-s", student, "--secret-file", str(key)],
            # run_autograder's command (python -I -m ...), with this checkout first on the path as PYTHONPATH would
            "run_autograder (Gradescope entry, end to end)": [
                PY, "-I", "-c", f"import sys; sys.path.insert(0, {str(REPO)!r}); "
                "from autograder.export.gradescope_run import main; sys.exit(main())"],
        }
        work = base / "work"  # not base: a folder named autograder there would shadow the package for -c
        work.mkdir()
        walls: dict[str, list[float]] = {k: [] for k in commands}
        cpus: dict[str, list[float]] = {k: [] for k in commands}
        phases: dict[str, list[float]] = {}
        loads = []
        for _ in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for name, cmd in commands.items():
                gs = "run_autograder" in name  # run in /autograder as Gradescope does (-I: not on sys.path)
                wall, cpu, _ = timed(cmd, cwd=root if gs else work, env=gs_env if gs else env)
                walls[name].append(wall)
                cpus[name].append(cpu)
            _, _, done = timed([PY, "-c", PHASES, str(notebook), a, student, SECRET.decode()], cwd=work, env=env)
            for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items():
                phases.setdefault(k, []).append(v)
        results = json.loads((root / "results" / "results.json").read_text())
    finally:
        shutil.rmtree(base, ignore_errors=True)

    print(f"one-shot grading of one {a} solution notebook; {args.rounds} rounds; python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs; 1-min load average {min(loads):.1f}-{max(loads):.1f}")
    print(f"run_autograder's score: {results['score']} (the solution's full marks expected)\n")
    print(f"{'process':52s} {'wall median':>11s} {'wall min':>9s} {'CPU median':>11s}")
    for name in commands:
        # the sandbox's processes (a new session, under bwrap) are not all accounted to their ancestors
        cpu = "-" if "end to end" in name else f"{statistics.median(cpus[name]):.3f}s"
        print(f"{name:52s} {statistics.median(walls[name]):10.3f}s {min(walls[name]):8.3f}s {cpu:>11s}")
    print(f"\n{'phases of one grading, in one process':52s} {'median':>11s} {'min':>9s}")
    for name, values in phases.items():
        print(f"  {name:50s} {statistics.median(values):10.3f}s {min(values):8.3f}s")
    total = [sum(v) for v in zip(*phases.values())]
    print(f"  {'sum':50s} {statistics.median(total):10.3f}s {min(total):8.3f}s")


if __name__ == "__main__":
    main()
