"""Does a student's HTML feedback page hold no hidden input, no expected value of a hidden test, and no secret?

The hidden values are recorded on the trusted side while the solution is graded (the recorder of
tests/generate/test_hidden_leak.py); partly wrong submissions of the same student are then graded on the
same hidden inputs and their pages searched for those values, written out with 6 to 17 significant digits.
(Inputs normally change with the submission's code; here they are pinned to the student, so that the
search is a real one.)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from autograder.grading import engine, grade_submission
from autograder.reports.feedback_html import page
from autograder.sandbox import Sandbox, SandboxConfig


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TESTS = Path(__file__).resolve().parents[1]
leak = _module("_hidden_leak", TESTS / "generate" / "test_hidden_leak.py")
subs = _module("_suite_submissions", TESTS / "grading" / "_suite_submissions.py")
SECRET = leak.SECRET
CASES = [(aid, student, changes) for aid, student, _name, changes, _q in subs.WRONG if aid in ("rnn", "ar", "sgd")]


def _written(html: str, hidden: list[np.ndarray]) -> list[str]:
    tokens = set(leak._NUMBER.findall(html))
    found = []
    for h in hidden:
        for x in leak._random_looking(h.ravel())[:20]:
            written = {f"{abs(x):.{k}g}" for k in range(6, 18)} & tokens
            if written:
                found.append(f"{x!r} as {sorted(written)}")
    return found


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


@pytest.mark.parametrize("aid, student, changes", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_feedback_page_shows_no_hidden_value(sandbox, tmp_path, monkeypatch, aid, student, changes):
    """Graded on the hidden inputs whose expected values were recorded, does the page of a partly wrong
    submission lose points yet show none of those inputs and values, nor the secret?"""
    monkeypatch.setattr(engine, "grading_seed", lambda seed, submission: seed)  # inputs per student only
    log: list = []
    with pytest.MonkeyPatch.context() as rec:
        leak._record_process(rec, log)
        right = grade_submission(subs.write(tmp_path, aid, subs.solution(aid, student, SECRET)), aid, student,
                                 SECRET, sandbox=sandbox)
    assert right["score"] == right["max_score"]
    arrays: list = []
    for _side, value in log:
        leak._leaves(value, arrays, [])
    hidden = [a for a in arrays if leak._distinctive(a)]
    assert len(hidden) >= 3  # the recorder saw the hidden tests
    (tmp_path / "wrong").mkdir()
    source = subs.solution(aid, student, SECRET)
    for old, new in changes:
        source = subs.mutate(source, old, new)
    path = subs.write(tmp_path / "wrong", aid, source)
    result = grade_submission(path, aid, student, SECRET, sandbox=sandbox)
    assert result["score"] < result["max_score"]
    html = page(result, assignment=aid, student=student, source=path.name)
    assert SECRET.decode() not in html
    assert not _written(html, hidden)
    planted = next(v for h in hidden for v in leak._random_looking(h.ravel()))
    assert _written(html + f"<td>{abs(planted):.8g}</td>", hidden)  # the same search finds a planted value


def test_the_search_sees_a_planted_value(sandbox, tmp_path):
    """Would the search notice an expected value written into a page?"""
    hidden = [np.array([0.123456789012, -1.98765432101, 2.5, 0.31415926535])]
    assert _written("<td>rel. error 1e-01</td>", hidden) == []
    assert _written("<td>expected 0.12345679</td>", hidden)
