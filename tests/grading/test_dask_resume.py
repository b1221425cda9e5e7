"""``deepgrade grade-batch --cluster local:N``: killed with SIGKILL mid-batch and run again, every
submission is recorded exactly once; the options are checked before anything starts."""

import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import dask
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.variants import DEMO_SECRET

_spec = importlib.util.spec_from_file_location("_dask_submissions", Path(__file__).with_name("_dask_submissions.py"))
batch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(batch)


def recorded(path) -> int:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        return db.execute("SELECT COUNT(*) FROM current").fetchone()[0]
    except sqlite3.Error:
        return 0  # not created yet


def grade_batch(subs, gb):
    cmd = [sys.executable, "-m", "autograder.cli", "grade-batch", str(subs), "--assignment", "rnn",
           "--gradebook", str(gb), "--demo", "--cluster", "local:2", "--timeout", "5"]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "COLUMNS": "200"}, text=True)  # fmt: skip


def test_kill_9_the_client_mid_batch_then_rerun_records_each_submission_exactly_once(tmp_path):
    subs, gb = tmp_path / "subs", tmp_path / "grades.sqlite"
    students = batch.write_batch(subs, DEMO_SECRET, sleep=0.3)

    first = grade_batch(subs, gb)
    deadline = time.monotonic() + 120
    while recorded(gb) < 3 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the client and the LocalCluster's worker processes
    first.wait(timeout=30)
    before = recorded(gb)
    assert 3 <= before < len(students), f"the kill should land mid-batch; {before} of {len(students)} were recorded"

    second = grade_batch(subs, gb)
    out, _ = second.communicate(timeout=180)
    assert second.returncode == 0, out
    assert f"{before} of {len(students)} submissions already graded" in out
    assert batch.recorded_once(gb) == {s: 1 for s in students}
    grades = batch.grades(gb)
    assert grades["sol00"][1] == 11.0 and grades["blank0"][1] == 0.0
    assert "tcp://127.0.0.1:" in out and "(pid " in out  # a progress row per worker


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cluster", "local:2", "--scheduler", "tcp://127.0.0.1:1"], "exclude each other"),
        (["--cluster", "tcp://127.0.0.1:8786"], "expected local:N"),
        (["--cluster", "local:0"], "expected local:N"),
        (["--scheduler", "127.0.0.1:8786"], "expected a scheduler address"),
    ],
)
def test_cluster_options_are_checked_before_anything_starts(tmp_path, args, message):
    result = CliRunner().invoke(main, ["grade-batch", str(tmp_path), "-a", "rnn", "-g", str(tmp_path / "g.sqlite"),
                                       "--demo", *args])  # fmt: skip
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "g.sqlite").exists()


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = CliRunner().invoke(main, ["grade-batch", str(tmp_path), "-a", "rnn", "-g", str(tmp_path / "g.sqlite"),
                                           "--demo", "--scheduler", "tcp://127.0.0.1:9"])  # fmt: skip
    assert result.exit_code == 1 and "cannot use the dask cluster tcp://127.0.0.1:9" in result.output
