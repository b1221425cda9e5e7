"""Grader-side faults in a batch: an engine that raises, a worker that dies or hangs, workers that
cannot start. The real engine never does these on purpose, so a stand-in engine (a file given to
the workers through ``engine=``) plays the faulty grader; the workers and the gradebook are real."""

import pytest

from autograder.batch import PoolError, run_batch
from autograder.gradebook import Gradebook
from autograder.variants import DEMO_SECRET

FAULTY_ENGINE = '''
import os, time

def grade_submission(path, assignment, student, secret, *, sandbox=None, timeout=None):
    if student == "boom":
        raise RuntimeError("a bug in the grader")
    if student == "die":
        os._exit(9)
    if student == "hang":
        time.sleep(60)
    return {"score": 1.0, "max_score": 1.0, "variant": {}, "warnings": [], "error": None,
            "tests": [{"name": "t", "question": "rnn_step", "score": 1.0, "max_score": 1.0,
                       "status": "passed", "output": ""}],
            "questions": {"rnn_step": {"score": 1.0, "max_score": 1.0}}}
'''


def test_grader_faults_cost_no_other_grade_and_are_graded_again_next_time(tmp_path):
    engine = tmp_path / "engine.py"
    engine.write_text(FAULTY_ENGINE)
    subs, gb_path = tmp_path / "subs", tmp_path / "g.sqlite"
    subs.mkdir()
    for s in ("ok1", "boom", "die", "hang", "ok2"):
        (subs / f"{s}.py").write_text(f"# {s}\n")
    report = run_batch(subs, gb_path, "rnn", DEMO_SECRET, engine=f"{engine}:grade_submission", watchdog_s=1.5)
    status = {o.student: o.status for o in report.outcomes}
    assert status == {"boom": "grader-error", "die": "grader-error", "hang": "grader-error",
                      "ok1": "graded", "ok2": "graded"}  # fmt: skip
    assert report.crashes == 4  # die and hang, each tried twice
    errors = {o.student: o.error for o in report.outcomes}
    assert "RuntimeError: a bug in the grader" in errors["boom"]
    assert "exit code 9" in errors["die"] and "twice" in errors["die"]
    assert "ran longer than 1.5 s" in errors["hang"]
    with Gradebook(gb_path) as gb:
        boom = next(g for g in gb.current() if g.student == "boom")
        assert boom.score == 0 and boom.max_score == 11  # every question of the manifest at 0
        assert "RuntimeError" not in boom.feedback and "not your fault" in boom.feedback

    # the next run grades only the grader-error ones again (still failing here), never the good ones
    engine.write_text(FAULTY_ENGINE.replace('"boom"', '"nobody"'))
    again = run_batch(subs, gb_path, "rnn", DEMO_SECRET, engine=f"{engine}:grade_submission", watchdog_s=1.5)
    status = {o.student: o.status for o in again.outcomes}
    assert status == {"boom": "graded", "die": "grader-error", "hang": "grader-error",
                      "ok1": "skipped", "ok2": "skipped"}  # fmt: skip


def test_workers_that_cannot_start_stop_the_batch_with_a_clear_error(tmp_path):
    engine = tmp_path / "engine.py"
    engine.write_text("import no_such_module_here\n")
    (tmp_path / "subs").mkdir()
    (tmp_path / "subs" / "ana.py").write_text("")
    with pytest.raises(PoolError, match="could not start(.|\n)*no_such_module_here"):
        run_batch(tmp_path / "subs", tmp_path / "g.sqlite", "rnn", DEMO_SECRET,
                  engine=f"{engine}:grade_submission")  # fmt: skip
