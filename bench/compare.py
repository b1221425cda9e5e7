"""deepgrade beside otter-grader and nbgrader: the same 20 ``rnn`` notebooks, graded four ways, timed.

    .venv/bin/python bench/compare.py [--rounds 3] [--blocked-rounds 1] [--otter-notebooks 20]

The notebooks (one variant, the export's student; the same code in the answer cells in every tool's own
format): 8 solutions, 6 blanks, 6 partly wrong (the rnn slips of tests/grading/_suite_submissions.py's
``WRONG`` and of the export tests, applied to the solution's answer cells). Each round, in this order:

- (a) ``deepgrade grade-batch`` of the 20 notebooks with 2 workers, into a fresh gradebook (each notebook
  named for a student id whose variant has the export student's activation, so the same bytes are right);
- (b) ``deepgrade grade --json`` once per notebook, one process each (Gradescope's mode);
- (c) real ``otter run -a dist/autograder/rnn-autograder_*.zip`` once per notebook on the ``--format otter``
  export after ``otter assign`` (the autograder's notebook-run, its tests calling deepgrade for each question);
- (d) real ``nbgrader autograde rnn --student S --create --force`` once per notebook on the ``--format
  nbgrader`` export after ``generate_assignment``;
- (c') and (d') again with ``rfc3987_syntax`` blocked (a ``sitecustomize.py`` on PYTHONPATH sets
  ``sys.modules['rfc3987_syntax'] = None`` in every Python process of the tree), in the first
  ``--blocked-rounds`` rounds.

Per submission: wall seconds (perf_counter around the process), CPU seconds (user + system of the process
and of every descendant: the command runs under a child subreaper, so processes that detach from their
parents, as the sandbox's do, are reaped and counted too), peak RSS (``ru_maxrss`` of the reaped
descendants: the largest single process of the tree). For (a): the batch's wall and CPU divided by 20, and the workers'
own seconds per submission (the gradebook's ``duration_s``). Agreement: per notebook, the total points of
every tool (and per question for (b), (c), (d)), within 1e-4 points (otter's results.json keeps 5
decimals). Prints the load averages before each round and at the end.

Measured: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# bench/ holds reference.py, which would shadow the `reference` package: drop this folder from sys.path.
sys.path[:] = [d for d in sys.path if Path(d or ".").resolve() != Path(__file__).resolve().parent]
BIN = Path(sys.executable).parent
SECRET = b"compare-bench-secret"
STUDENT = "alice"
# the slips of tests/grading/_suite_submissions.py's WRONG (rnn; its ReLU slip lives in rnn_given.py, not in
# the notebook: a transposed U in rnn_step_backward instead) and of tests/export/test_*.py
SLIPS = {
    "bptt_forgets_dh_prev": {"rnn_step_backward(dH[:, t, :] + dh_next, steps[t])": "rnn_step_backward(dH[:, t, :], steps[t])"},
    "embedding_fancy_index": {"np.add.at(dE, idx, dX)": "dE[idx] += dX"},
    "dh_prev_untransposed": {"return da @ W.T, da @ U.T,": "return da @ W.T, da @ U,"},
    "readout_mean": {"float(do.sum())": "float(do.mean())"},
    "db_overwritten": {"        db += db_t": "        db = db_t"},
    "embedding_and_db": {"np.add.at(dE, idx, dX)": "dE[idx] += dX", "        db += db_t": "        db = db_t"},
}
# otter's results.json keeps 5 decimals (1.33333 for deepgrade's 1.333333): points agree within this
TOL = 1e-4
KINDS = ["solution"] * 8 + ["blank"] * 6 + list(SLIPS)


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


# Runs the command as a child of a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so the processes that
# detach from their parents (the sandbox's, a kernel's) are reparented here and reaped, and their CPU time
# counts; writes wall (the command's own), CPU (user + system of every reaped descendant) and the peak RSS
# of the largest single descendant.
WRAPPER = r"""
import ctypes, json, os, resource, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)
start = time.perf_counter()
rc = subprocess.Popen(sys.argv[2:]).wait()
wall = time.perf_counter() - start
deadline, lingering = time.monotonic() + 10, 0
while True:
    try:
        pid, _ = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        break
    if pid == 0:
        if time.monotonic() > deadline:
            lingering = 1
            break
        time.sleep(0.01)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_mb": ru.ru_maxrss / 1024,
               "lingering": lingering}, f)
sys.exit(rc)
"""


def run(cmd: list[str], cwd: Path, env: dict | None = None, check: bool = True) -> dict:
    """Run ``cmd`` under WRAPPER: {wall, cpu, rss_mb, lingering, proc}."""
    fd, stats = tempfile.mkstemp(prefix="deepgrade-compare-time-")
    os.close(fd)
    proc = subprocess.run([sys.executable, "-c", WRAPPER, stats, *cmd], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1200)
    result = json.loads(Path(stats).read_text())
    os.unlink(stats)
    if check and proc.returncode != 0:
        raise SystemExit(f"{cmd} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    if result["lingering"]:
        print(f"  note: processes of {cmd[:2]} still running 10 s after it exited (not counted)", flush=True)
    return {**result, "proc": proc}


def mutated(nb: dict, slips: dict[str, str]) -> dict:
    nb = json.loads(json.dumps(nb))
    for old, new in slips.items():
        hits = [c for c in nb["cells"] if c["cell_type"] == "code" and old in text(c)]
        assert len(hits) == 1 and text(hits[0]).count(old) == 1, (old, len(hits))
        hits[0]["source"] = text(hits[0]).replace(old, new)
    return nb


def prepare(base: Path, env: dict) -> dict:
    """The exports and the 20 notebooks in each tool's format."""
    from autograder.generate.bundle import build_bundle
    from autograder.variants import variant

    key = base / "course.key"
    key.write_bytes(SECRET)
    dg = str(BIN / "deepgrade")
    # otter
    otter_dir = base / "otter"
    run([dg, "export", "rnn", "--format", "otter", "--out", str(otter_dir), "--secret-file", str(key),
         "--student", STUDENT], cwd=base, env=env)
    run([str(BIN / "otter"), "assign", "rnn.ipynb", "dist"], cwd=otter_dir, env=env)
    (zip_path,) = (otter_dir / "dist" / "autograder").glob("*.zip")
    # nbgrader
    course = base / "course"
    run([dg, "export", "rnn", "--format", "nbgrader", "--out", str(course), "--secret-file", str(key),
         "--student", STUDENT], cwd=base, env=env)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'deepgrade-bench'\n"
        f"c.CourseDirectory.root = {str(course)!r}\nc.Execute.timeout = 300\n")
    run([str(BIN / "nbgrader"), "generate_assignment", "rnn", "--force"], cwd=course, env=env)
    source = {c["metadata"]["nbgrader"]["grade_id"]: text(c)
              for c in json.loads((course / "source" / "rnn" / "rnn.ipynb").read_text())["cells"]
              if c["metadata"].get("nbgrader", {}).get("solution")}
    release = json.loads((course / "release" / "rnn" / "rnn.ipynb").read_text())
    nb_solution = json.loads(json.dumps(release))
    for cell in nb_solution["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            cell["source"] = "\n".join(line for line in source[meta["grade_id"]].split("\n")
                                       if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
    formats = {
        "deepgrade": (json.loads(build_bundle("rnn", STUDENT, SECRET, solutions=True).solution_files["rnn.ipynb"]),
                      json.loads(build_bundle("rnn", STUDENT, SECRET, solutions=False).files["rnn.ipynb"])),
        "otter": (json.loads((otter_dir / "dist" / "autograder" / "rnn.ipynb").read_text()),
                  json.loads((otter_dir / "dist" / "student" / "rnn.ipynb").read_text())),
        "nbgrader": (nb_solution, release),
    }
    act = variant("rnn", STUDENT, SECRET)["activation"]
    ids = [s for s in (f"s{i:03d}" for i in range(400)) if variant("rnn", s, SECRET)["activation"] == act][:len(KINDS)]
    notebooks: dict[str, list[Path]] = {}
    for fmt, (solution, blank) in formats.items():
        folder = base / f"notebooks-{fmt}"
        folder.mkdir()
        notebooks[fmt] = []
        for sid, kind in zip(ids, KINDS):
            nb = solution if kind == "solution" else blank if kind == "blank" else mutated(solution, SLIPS[kind])
            path = folder / f"{sid}.ipynb"
            path.write_text(json.dumps(nb))
            notebooks[fmt].append(path)
    return {"key": key, "zip": zip_path, "course": course, "ids": ids, "notebooks": notebooks}


def grade_batch(base: Path, setup: dict, env: dict, rnd: int) -> tuple[dict, dict, list[float]]:
    book = base / f"batch-{rnd}.db"
    folder = setup["notebooks"]["deepgrade"][0].parent
    r = run([str(BIN / "deepgrade"), "grade-batch", str(folder), "-a", "rnn", "-g", str(book), "-j", "2",
             "--secret-file", str(setup["key"])], cwd=base, env=env)
    with sqlite3.connect(book) as db:
        rows = db.execute("SELECT g.student, g.score, g.duration_s FROM grades g JOIN current c ON c.grade_id = g.id"
                          " WHERE g.assignment = 'rnn'").fetchall()
    scores = {s: {"total": score} for s, score, _ in rows}
    assert len(scores) == len(KINDS), rows
    return r, scores, [d for _, _, d in rows]


def grade_one(base: Path, setup: dict, env: dict, nb: Path) -> tuple[dict, dict]:
    r = run([str(BIN / "deepgrade"), "grade", str(nb), "-a", "rnn", "-s", STUDENT, "--json",
             "--secret-file", str(setup["key"])], cwd=base, env=env)
    result = json.loads(r["proc"].stdout)
    q = {name: v["score"] for name, v in result["questions"].items()}
    return r, {**q, "total": sum(q.values())}


def otter_one(base: Path, setup: dict, env: dict, nb: Path, tag: str) -> tuple[dict, dict]:
    out = base / f"otter-out-{tag}-{nb.stem}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    r = run([str(BIN / "otter"), "run", "-a", str(setup["zip"]), "-o", str(out), "--no-logo", str(nb)], cwd=out, env=env)
    tests = json.loads((out / "results.json").read_text())["tests"]
    q = {t["name"]: t["score"] for t in tests if t["name"] != "Public Tests"}
    return r, {**q, "total": sum(q.values())}


def nbgrader_one(setup: dict, env: dict, nb: Path, sid: str) -> tuple[dict, dict]:
    from nbgrader.api import Gradebook

    course = setup["course"]
    folder = course / "submitted" / sid / "rnn"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(nb, folder / "rnn.ipynb")
    r = run([str(BIN / "nbgrader"), "autograde", "rnn", "--student", sid, "--create", "--force"], cwd=course, env=env)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        q = {g.name: g.auto_score for g in gb.find_submission_notebook("rnn", "rnn", sid).grades}
    return r, {**q, "total": sum(q.values())}


def summary(values: list[float], fmt: str = "{:.2f}") -> str:
    if not values:
        return "-"
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--blocked-rounds", type=int, default=1, help="rounds that also run (c') and (d')")
    ap.add_argument("--otter-notebooks", type=int, default=len(KINDS), help="notebooks otter runs per round "
                    "(the first ones of each kind, spread over solutions, blanks and slips)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args()
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    env = {k: v for k, v in os.environ.items() if k != "DEEPGRADE_SECRET"}
    env["PATH"] = f"{BIN}:{env['PATH']}"  # nbgrader runs alembic from PATH; otter's kernel runs this python
    env["PYTHONPATH"] = str(REPO)
    base = Path(tempfile.mkdtemp(prefix="deepgrade-compare-"))
    blocker = base / "block-rfc3987"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['rfc3987_syntax'] = None\n")
    env_blocked = dict(env, PYTHONPATH=f"{blocker}:{REPO}")
    print(f"work folder {base}", flush=True)

    t0 = time.perf_counter()
    setup = prepare(base, env)
    print(f"exports and notebooks ready in {time.perf_counter() - t0:.0f} s", flush=True)
    n = len(KINDS)
    # otter's subset: interleave kinds so a cut keeps solutions, blanks and slips
    order = sorted(range(n), key=lambda i: (KINDS[:i + 1].count(KINDS[i]) if KINDS[i] in ("solution", "blank")
                                            else list(SLIPS).index(KINDS[i]) + 1, i))
    otter_idx = sorted(order[:args.otter_notebooks])

    tools = ["(a) deepgrade grade-batch -j 2", "(b) deepgrade grade, 1 process each", "(c) otter run",
             "(d) nbgrader autograde, 1 per notebook", "(c') otter run, rfc3987_syntax blocked",
             "(d') nbgrader autograde, rfc3987_syntax blocked"]
    walls = {t: [] for t in tools}
    cpus = {t: [] for t in tools}
    rsss = {t: [] for t in tools}
    batch_worker: list[float] = []
    batch_rounds: list[tuple[float, float]] = []
    scores: dict[str, dict[str, dict]] = {t: {} for t in tools}  # tool -> sid -> {question: points, total}
    loads, round_s = [], []

    def record(tool, r, sid, sc):
        walls[tool].append(r["wall"])
        cpus[tool].append(r["cpu"])
        rsss[tool].append(r["rss_mb"])
        if sid in scores[tool] and scores[tool][sid] != sc:
            print(f"  {tool}: {sid}'s score changed between rounds: {scores[tool][sid]} -> {sc}")
        scores[tool][sid] = sc

    for rnd in range(args.rounds):
        loads.append(os.getloadavg())
        print(f"round {rnd + 1}/{args.rounds}: load averages {loads[-1][0]:.2f} {loads[-1][1]:.2f} {loads[-1][2]:.2f}",
              flush=True)
        t_round = time.perf_counter()
        t = time.perf_counter()
        r, sc, durations = grade_batch(base, setup, env, rnd)
        tool = tools[0]
        walls[tool].append(r["wall"] / n)
        cpus[tool].append(r["cpu"] / n)
        rsss[tool].append(r["rss_mb"])
        batch_worker += durations
        batch_rounds.append((r["wall"], r["cpu"]))
        for sid in sc:
            scores[tool][sid] = sc[sid]
        print(f"  {tool}: {time.perf_counter() - t:.0f} s", flush=True)

        t = time.perf_counter()
        for sid, nb in zip(setup["ids"], setup["notebooks"]["deepgrade"]):
            r, sc = grade_one(base, setup, env, nb)
            record(tools[1], r, sid, sc)
        print(f"  {tools[1]}: {time.perf_counter() - t:.0f} s", flush=True)

        blocked = rnd < args.blocked_rounds
        for tool, e, tag in [(tools[2], env, "plain"), (tools[4], env_blocked, "blocked")][:2 if blocked else 1]:
            t = time.perf_counter()
            for i in otter_idx:
                r, sc = otter_one(base, setup, e, setup["notebooks"]["otter"][i], tag)
                record(tool, r, setup["ids"][i], sc)
            print(f"  {tool}: {time.perf_counter() - t:.0f} s ({len(otter_idx)} notebooks)", flush=True)
        for tool, e in [(tools[3], env), (tools[5], env_blocked)][:2 if blocked else 1]:
            t = time.perf_counter()
            for sid, nb in zip(setup["ids"], setup["notebooks"]["nbgrader"]):
                r, sc = nbgrader_one(setup, e, nb, sid)
                record(tool, r, sid, sc)
            print(f"  {tool}: {time.perf_counter() - t:.0f} s", flush=True)
        round_s.append(time.perf_counter() - t_round)
    loads.append(os.getloadavg())

    print(f"\nrnn, {n} notebooks ({KINDS.count('solution')} solutions, {KINDS.count('blank')} blanks, "
          f"{len(SLIPS)} partly wrong); {args.rounds} rounds ({', '.join(f'{s:.0f}' for s in round_s)} s); "
          f"otter: {len(otter_idx)} notebooks per round; blocked rfc3987_syntax: {min(args.blocked_rounds, args.rounds)} round(s)")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, python {sys.version.split()[0]}; "
          f"load averages (1/5/15 min) before each round and at the end: "
          + "; ".join(f"{a:.2f} {b:.2f} {c:.2f}" for a, b, c in loads))
    print("\n| tool | runs | wall s per submission (min / median / max) | CPU s per submission (min / median / max) "
          "| peak RSS MB (max) |")
    print("|---|---|---|---|---|")
    for tool in tools:
        if not walls[tool]:
            continue
        runs = f"{len(walls[tool])} batches of {n}" if tool == tools[0] else str(len(walls[tool]))
        print(f"| {tool} | {runs} | {summary(walls[tool])} | {summary(cpus[tool])} | {max(rsss[tool]):.0f} |")
    print(f"\n(a) per batch: wall {summary([w for w, _ in batch_rounds], '{:.1f}')} s, CPU "
          f"{summary([c for _, c in batch_rounds], '{:.1f}')} s; the workers' own seconds per submission "
          f"(gradebook duration_s, {len(batch_worker)} gradings): {summary(batch_worker, '{:.3f}')}")

    print("\nagreement (total points per notebook; per question for (b), (c), (d)):")
    agree_all = True
    print("| notebook | kind | " + " | ".join(t.split(" ")[0] for t in tools) + " |")
    print("|---|---|" + "---|" * len(tools))
    for sid, kind in zip(setup["ids"], KINDS):
        row = [scores[t].get(sid) for t in tools]
        totals = [f"{s['total']:.4g}" if s else "-" for s in row]
        got = [s for s in row if s]
        same_total = all(abs(s["total"] - got[0]["total"]) < TOL for s in got)
        perq = [s for t, s in zip(tools, row) if s and t != tools[0]]
        same_q = all(set(s) == set(perq[0]) and all(abs(s[k] - perq[0][k]) < TOL for k in s) for s in perq)
        agree_all &= same_total and same_q
        flag = "" if same_total and same_q else " **differ**"
        print(f"| {sid} | {kind} | " + " | ".join(totals) + f" |{flag}")
    print(f"\nall tools agree score for score (within {TOL:g} points): {'yes' if agree_all else 'NO'}")
    if args.keep:
        print(f"kept {base}")
    else:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
