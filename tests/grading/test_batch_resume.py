"""Does a ``deepgrade grade-batch`` killed with SIGKILL mid-batch resume without losing or doubling grades?"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from autograder.generate.bundle import build_bundle
from autograder.variants import DEMO_SECRET

N = 10


def slow_solution(student: str) -> bytes:
    raw = build_bundle("rnn", student, DEMO_SECRET, solutions=True).solution_files["rnn.ipynb"]
    nb = json.loads(raw)
    nb["cells"].insert(0, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": "import time\ntime.sleep(0.5)"})  # fmt: skip
    return json.dumps(nb).encode()


def recorded(path) -> int:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        return db.execute("SELECT COUNT(*) FROM current").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet


def grade_batch(subs, gb):
    cmd = [sys.executable, "-m", "autograder.cli", "grade-batch", str(subs), "--assignment", "rnn",
           "--gradebook", str(gb), "--demo", "--workers", "2"]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "COLUMNS": "200"}, text=True)  # fmt: skip


def test_kill_9_mid_batch_then_restart_grades_each_student_exactly_once(tmp_path):
    subs, gb = tmp_path / "subs", tmp_path / "grades.sqlite"
    subs.mkdir()
    students = [f"st{i:02d}" for i in range(N)]
    for s in students:
        (subs / f"{s}.ipynb").write_bytes(slow_solution(s))

    first = grade_batch(subs, gb)
    deadline = time.monotonic() + 90
    while recorded(gb) < 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the CLI, its workers and their sandboxes
    first.wait(timeout=30)
    before = recorded(gb)
    assert 3 <= before < N, f"the kill should land mid-batch; {before} of {N} were recorded"

    second = grade_batch(subs, gb)
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, out
    assert f"{before} of {N} submissions already graded" in out

    db = sqlite3.connect(gb)
    # every student once, from one grading each: nothing lost, nothing counted twice
    assert db.execute("SELECT student, COUNT(*), SUM(attempts) FROM grades GROUP BY student").fetchall() == [
        (s, 1, 1) for s in students
    ]
    assert db.execute("SELECT COUNT(*) FROM current").fetchone()[0] == N
    assert db.execute("SELECT DISTINCT status, score FROM grades").fetchall() == [("graded", 11.0)]
    per_grade = db.execute("SELECT grade_id, COUNT(*) FROM tests GROUP BY grade_id").fetchall()
    assert len(per_grade) == N and len({n for _, n in per_grade}) == 1  # every grade has all its tests
