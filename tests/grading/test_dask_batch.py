"""Batch grading on a real dask.distributed cluster on loopback: the same grades as the local pool,
no secret in any task, a worker killed mid-batch, a submission that keeps killing workers."""

import importlib.util
import os
import signal
from pathlib import Path

import cloudpickle
import dask
import pytest
from distributed import LocalCluster

from autograder.batch import run_batch
from autograder.batch.dask_backend import PLUGIN, DaskPool
from autograder.grading.remote import TASK_KEYS
from autograder.variants import hidden_seed, variant

_spec = importlib.util.spec_from_file_location("_dask_submissions", Path(__file__).with_name("_dask_submissions.py"))
batch = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(batch)

SECRET = b"course-secret-" + os.urandom(16).hex().encode()  # nothing else in the process holds these bytes
TIMEOUT = 5.0


@pytest.fixture(scope="module")
def subs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dask") / "subs"
    return folder, batch.write_batch(folder, SECRET)


@pytest.fixture(scope="module")
def local_grades(subs, tmp_path_factory):
    """The local process pool's gradebook of the batch: the reference the dask runs must equal."""
    gb = tmp_path_factory.mktemp("local") / "grades.sqlite"
    run_batch(subs[0], gb, "rnn", SECRET, workers=2, timeout=TIMEOUT)
    return batch.grades(gb)


@pytest.fixture(scope="module")
def scheduler():
    """A running 2-worker cluster that grade-batch joins by its tcp:// address, as on real machines."""
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    yield cluster
    cluster.close()


def test_a_cluster_grades_like_the_local_pool_and_never_sends_the_secret(subs, local_grades, scheduler, tmp_path):
    """Are the gradebooks equal score for score, is every task free of the secret, and does each
    worker report its own progress?"""
    folder, students = subs
    assert scheduler.scheduler_address.startswith("tcp://127.0.0.1:")
    sent = []
    with DaskPool(scheduler.scheduler_address, SECRET, timeout=TIMEOUT) as pool:
        submit = pool.client.submit

        def spy(fn, *args, **kwargs):
            sent.append(cloudpickle.dumps((fn, args, kwargs)))  # what the client puts on the wire
            assert set(args[0]) == TASK_KEYS
            return submit(fn, *args, **kwargs)

        pool.client.submit = spy
        events = []
        report = run_batch(folder, tmp_path / "g.sqlite", "rnn", SECRET, pool=pool,
                           on_event=lambda kind, payload: events.append((kind, payload)))  # fmt: skip
        plugins = pool.client.run(lambda dask_worker: repr(vars(dask_worker.plugins[PLUGIN])))
        timeouts = pool.client.run(lambda dask_worker: dask_worker.plugins[PLUGIN].timeout)

    dask_grades = batch.grades(tmp_path / "g.sqlite")
    assert sorted(dask_grades) == students
    assert dask_grades == local_grades
    assert {g[0] for g in dask_grades.values()} >= {"graded", "error"}
    assert dask_grades["sol00"][1] == dask_grades["sol00"][2] == 11.0
    assert dask_grades["blank0"][1] == 0.0 and 0 < dask_grades["wrong0"][1] < 11.0

    assert len(sent) == len(students)  # one task each: nothing in this batch is refused by the scan
    for payload in sent:
        for form in (SECRET, SECRET.hex().encode(), SECRET.decode().encode("utf-16-le")):
            assert form not in payload
    assert len(plugins) == 2 and not any(SECRET.decode() in state for state in plugins.values())
    assert set(timeouts.values()) == {TIMEOUT}  # the workers' sandboxes use the batch's limits
    # what the workers got instead: each student's own variant and hidden seed
    task = cloudpickle.loads(sent[0])[1][0]
    assert task["variant"] == variant("rnn", task["student"], SECRET)
    assert task["seed"] == hidden_seed("rnn", task["student"], SECRET)

    per_worker = {}
    for kind, payload in events:
        if kind == "worker-done":
            per_worker[payload["address"]] = per_worker.get(payload["address"], 0) + 1
    assert len(per_worker) == 2 and sum(per_worker.values()) == len(report.outcomes)
    assert sum(1 for kind, _ in events if kind == "worker") == 2


def test_a_worker_killed_mid_batch_costs_no_grade_and_records_each_once(subs, local_grades, scheduler, tmp_path):
    """Is a SIGKILLed dask worker's task graded elsewhere, and every student recorded exactly once?"""
    folder, students = subs
    gb = tmp_path / "g.sqlite"
    with DaskPool(scheduler.scheduler_address, SECRET, timeout=TIMEOUT) as pool:
        victim = {}

        def on_event(kind, payload):
            if kind == "worker-done" and not victim:  # both workers are busy now: kill the other one
                pids = pool.worker_pids()
                address = next(a for a in pids if a != payload["address"])
                victim[address] = pids[address]
                os.kill(pids[address], signal.SIGKILL)

        report = run_batch(folder, gb, "rnn", SECRET, pool=pool, on_event=on_event)
        assert victim and report.crashes >= 1
        assert list(victim.values())[0] not in pool.worker_pids().values()  # the nanny started a new one
    assert batch.recorded_once(gb) == {s: 1 for s in students}
    assert batch.grades(gb) == local_grades


KILLER_ENGINE = '''
import os, signal

def engine(path, assignment, student, variant, seed, *, sandbox=None, timeout=None):
    if student == "killer":
        os.kill(os.getpid(), signal.SIGKILL)  # the dask worker process itself, every time
    return {"score": 1.0, "max_score": 1.0, "variant": variant, "warnings": [], "error": None,
            "tests": [], "questions": {"rnn_step": {"score": 1.0, "max_score": 1.0}}}
'''


def test_a_submission_that_kills_every_worker_is_given_up_after_n_tries(tmp_path):
    """Does a task that killed `tries` workers become that student's grader-error while the rest is graded?"""
    engine = tmp_path / "engine.py"
    engine.write_text(KILLER_ENGINE)
    folder = tmp_path / "subs"
    folder.mkdir()
    others = [f"a{i}" for i in range(8)]
    for s in ("killer", *others):
        (folder / f"{s}.py").write_text(f"# {s}\n")
    with DaskPool("local:2", SECRET, tries=2, max_in_flight=3, engine=f"{engine}:engine") as pool:
        submit, out = pool.client.submit, []
        done = []

        def spy(fn, *args, **kwargs):  # streaming: never more than 3 submissions out at once
            out.append(len(out) + 1 - len(done))
            return submit(fn, *args, **kwargs)

        pool.client.submit = spy
        report = run_batch(folder, tmp_path / "g.sqlite", "rnn", SECRET, pool=pool,
                           on_event=lambda kind, payload: kind == "outcome" and done.append(payload))  # fmt: skip
    assert len(out) == 9 and max(out) == 3
    got = {o.student: o for o in report.outcomes}
    assert {s: o.status for s, o in got.items()} == {**dict.fromkeys(others, "graded"), "killer": "grader-error"}
    assert "killed 2 grading workers" in got["killer"].error and "not the student's fault" in got["killer"].error
    assert report.crashes == 2
    assert batch.recorded_once(tmp_path / "g.sqlite") == dict.fromkeys(("killer", *others), 1)

    # a worker running another grader (code) than the client: its grades are refused, never recorded
    (folder / "killer.py").unlink()
    with DaskPool("local:1", SECRET, engine=f"{engine}:engine") as pool:
        pool.version = "deepgrade 0.0.1+000000000000"
        report = run_batch(folder, tmp_path / "other.sqlite", "rnn", SECRET, pool=pool)
    assert {o.status for o in report.outcomes} == {"grader-error"}
    assert all("install the same deepgrade on every worker" in o.error for o in report.outcomes)
