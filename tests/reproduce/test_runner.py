"""Tests for the table runner: tasks run beside the others keep their place, value and own time."""

import dataclasses
import threading

from reference.reproduce import runner, table


def test_background_task_runs_in_a_thread_and_keeps_its_row(tmp_path, monkeypatch):
    """Does a task marked background run in another thread, with the same value and in table order?"""
    ar, dow = (table._BY_NAME[n] for n in ("nyse-ar", "nyse-ar-dow"))
    seen = {}

    def spy(name, run):
        def wrapped(ctx):
            seen[name] = threading.get_ident()
            return run(ctx)
        wrapped.__doc__ = run.__doc__
        return wrapped

    tasks = [dataclasses.replace(ar, run=spy("nyse-ar", ar.run)),
             dataclasses.replace(dow, run=spy("nyse-ar-dow", dow.run), background=True)]
    monkeypatch.setattr(runner, "select_tasks", lambda names: tasks)
    beside = runner.run_table(out=tmp_path / "a", progress=False, background=True)
    threads_beside = dict(seen)
    alone = runner.run_table(out=tmp_path / "b", progress=False, background=False)
    me = threading.get_ident()
    assert threads_beside["nyse-ar"] == me and threads_beside["nyse-ar-dow"] != me
    assert seen == {"nyse-ar": me, "nyse-ar-dow": me}
    assert beside["settings"]["background"] == ["nyse-ar-dow"] and alone["settings"]["background"] == []
    assert [r["task"] for r in beside["tasks"]] == ["nyse-ar", "nyse-ar-dow"]
    assert [r["value"] for r in beside["tasks"]] == [r["value"] for r in alone["tasks"]]
    assert all(r["passed"] and r["runtime_s"] >= 0 for r in beside["tasks"])


def test_background_is_only_for_cuda_by_default(tmp_path):
    """Does a CPU run keep every task in order in the calling thread (the lasso is not put beside)?"""
    results = runner.run_table(["nyse-ar"], out=tmp_path, progress=False)
    assert results["settings"]["background"] == [] and table._BY_NAME["imdb-lasso"].background
