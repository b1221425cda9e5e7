"""A batch of 30 rnn submissions for the dask tests (loaded by path, not collected): solutions,
blanks, partly wrong and hostile, as notebooks and scripts."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

from autograder.generate.bundle import build_bundle

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

WRONG_READOUT = "\n\ndef readout_forward(h, beta, beta0):\n    return h @ beta, (h, beta)  # forgot beta0\n"
HOSTILE = {
    "exit": "import os\nos._exit(3)\n",
    "parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
    "memory": "x = bytearray(10**11)\n",
    "fork": "import os\nfor _ in range(10000):\n    os.fork()\n",
    "binary": None,  # not a notebook at all
    "printer": "print('\\x1b[2J' * 200000)\n",
}


def notebook(student: str, secret: bytes, solution: bool = True, sleep: float = 0.0) -> bytes:
    bundle = build_bundle("rnn", student, secret, solutions=solution)
    raw = (bundle.solution_files if solution else bundle.files)["rnn.ipynb"]
    if not sleep:
        return raw
    nb = json.loads(raw)
    nb["cells"].insert(0, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": f"import time\ntime.sleep({sleep})"})  # fmt: skip
    return json.dumps(nb).encode()


def write_batch(folder: Path, secret: bytes, sleep: float = 0.0) -> list[str]:
    """Write 30 submissions into ``folder``; their student ids."""
    folder.mkdir(parents=True, exist_ok=True)
    students = []
    for i in range(12):
        s = f"sol{i:02d}"
        (folder / f"{s}.ipynb").write_bytes(notebook(s, secret, sleep=sleep))
        students.append(s)
    for i in range(6):
        s = f"blank{i}"
        (folder / f"{s}.ipynb").write_bytes(notebook(s, secret, solution=False, sleep=sleep))
        students.append(s)
    for i in range(6):
        s = f"wrong{i}"
        (folder / f"{s}.py").write_text(subs.solution("rnn", s, secret) + WRONG_READOUT, encoding="utf-8")
        students.append(s)
    for name, source in HOSTILE.items():
        s = f"hostile-{name}"
        path = folder / f"{s}.py"
        path.write_bytes(b"\x00\xff not python \x00" if source is None else source.encode())
        students.append(s)
    return sorted(students)


def grades(gradebook: Path) -> dict[str, tuple]:
    """``{student: (status, score, max_score, {question: score})}`` of the current grades."""
    db = sqlite3.connect(gradebook)
    out = {}
    for gid, student, status, score, max_score in db.execute(
        "SELECT g.id, g.student, g.status, g.score, g.max_score FROM grades g JOIN current c ON c.grade_id = g.id"
    ):
        questions = dict(db.execute("SELECT name, score FROM questions WHERE grade_id = ?", (gid,)))
        out[student] = (status, score, max_score, questions)
    db.close()
    return out


def recorded_once(gradebook: Path) -> dict[str, int]:
    """``{student: number of times a grade was written}`` (rows times attempts)."""
    db = sqlite3.connect(gradebook)
    rows = dict(db.execute("SELECT student, SUM(attempts) FROM grades GROUP BY student"))
    db.close()
    return rows
