"""Replay attacks: credit that rests on two groups of calls being independent must come from fresh processes.

Each submission here is correct except for one function that computes nothing and makes another function
cover for it through the process's state (globals): a step function that replays what the sequence
function last returned, a minibatch_indices that starts repeating itself once sgd has run (switching on
the "your own minibatches repeat themselves" waiver), an sgd or a dropout that draws from np.random and
remembers its answer for a repeated call, a step function that answers from the previous call's inputs.
Graded by the real engine, each attack must cost its question. Where the suites take the independent
group from ``student.fresh()``, the same submission graded with ``fresh`` returning the same process
shows the attack is real: it would have earned the points.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from autograder.grading import grade_submission
from autograder.sandbox import Sandbox, SandboxConfig, StudentProcess
from autograder.variants import DEMO_SECRET

_spec = importlib.util.spec_from_file_location("_suite_submissions", Path(__file__).with_name("_suite_submissions.py"))
subs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(subs)

RNN_STEP_REPLAYS_SEQUENCE = '''

_real_step_forward = rnn_step_forward
_LAST = {}


def rnn_forward(X, h0, W, U, b):  # random numbers, remembered for the step function to replay
    H = np.random.default_rng(X.size).standard_normal(X.shape[:2] + (h0.shape[1],))
    _LAST.update(H=H, t=0)
    return H, None


def rnn_step_forward(x, h_prev, W, U, b):
    H = _LAST.get("H")
    if H is not None and x.shape[0] == H.shape[0] and _LAST["t"] < H.shape[1]:
        _LAST["t"] += 1
        return H[:, _LAST["t"] - 1], None
    return _real_step_forward(x, h_prev, W, U, b)
'''

LSTM_STEP_REPLAYS_SEQUENCE = '''

_real_step_forward = lstm_step_forward
_LAST = {}


def lstm_forward(X, h0, W, U, b):
    H = np.random.default_rng(X.size).standard_normal(X.shape[:2] + (h0.shape[1],))
    _LAST.update(H=H, t=0)
    return H, None


def lstm_step_forward(x, h_prev, c_prev, W, U, b):
    H = _LAST.get("H")
    if H is not None and x.shape[0] == H.shape[0] and _LAST["t"] < H.shape[1]:
        _LAST["t"] += 1
        return H[:, _LAST["t"] - 1], c_prev, None
    return _real_step_forward(x, h_prev, c_prev, W, U, b)
'''

SGD_WAIVER_SWITCHED_ON_BY_STATE = '''

_real_minibatches = minibatch_indices
_real_sgd = sgd
_STATE = {"sgd_ran": False, "in_sgd": None, "memo": {}}


def minibatch_indices(n, batch_size, rng):
    if _STATE["in_sgd"] is not None:  # inside sgd: the first epoch's batches for every epoch (the bug)
        if not _STATE["in_sgd"]:
            _STATE["in_sgd"].append(_real_minibatches(n, batch_size, rng))
        return _STATE["in_sgd"][0]
    if not _STATE["sgd_ran"]:  # correct until sgd has run; then it repeats itself (the waiver's condition)
        return _real_minibatches(n, batch_size, rng)
    key = (n, batch_size, id(rng))
    if key not in _STATE["memo"]:
        _STATE["memo"][key] = _real_minibatches(n, batch_size, rng)
    return _STATE["memo"][key]


def sgd(X, y, **kw):
    _STATE["sgd_ran"], _STATE["in_sgd"] = True, []
    try:
        return _real_sgd(X, y, **kw)
    finally:
        _STATE["in_sgd"] = None
'''

SGD_GLOBAL_RANDOM_MEMOIZED = '''

_real_sgd = sgd
_MEMO = {}


def sgd(X, y, **kw):  # minibatches from np.random; a repeated call gets the remembered answer
    rng = kw.pop("rng")
    key = (X.tobytes(), y.tobytes(), repr(sorted((k, np.asarray(v).tobytes() if v is not None else None)
                                               for k, v in kw.items())), repr(rng.bit_generator.state))
    if key not in _MEMO:
        _MEMO[key] = _real_sgd(X, y, rng=np.random.default_rng(np.random.randint(2**31)), **kw)
    return _MEMO[key]
'''

DROPOUT_GLOBAL_RANDOM_MEMOIZED = '''

_real_dropout_forward = dropout_forward
_MEMO = {}


def dropout_forward(x, phi, rng, train=True):  # the mask from np.random; a repeated call gets the same answer
    key = (x.tobytes(), phi, train, repr(rng.bit_generator.state))
    if key not in _MEMO:
        _MEMO[key] = _real_dropout_forward(x, phi, np.random.default_rng(np.random.randint(2**31)), train)
    return _MEMO[key]
'''

RNN_STEP_FROM_PREVIOUS_INPUTS = '''

_real_step_forward = rnn_step_forward
_PREVIOUS = {}


def rnn_step_forward(x, h_prev, W, U, b):  # answers from the previous call's inputs when the shapes agree
    prev = _PREVIOUS.get("args")
    _PREVIOUS["args"] = (x, h_prev, W, U, b)
    if prev is not None and prev[0].shape == x.shape:
        return _real_step_forward(*prev)
    return _real_step_forward(x, h_prev, W, U, b)
'''

# (case, assignment, student, code appended to the correct solution, question that must lose, fresh matters)
CASES = [
    ("rnn_step_replays_sequence", "rnn", "alice", RNN_STEP_REPLAYS_SEQUENCE, "rnn_sequence", True),
    ("rnn_step_replays_sequence_relu", "rnn", "bob", RNN_STEP_REPLAYS_SEQUENCE, "rnn_sequence", True),
    ("lstm_step_replays_sequence", "lstm", "alice", LSTM_STEP_REPLAYS_SEQUENCE, "lstm_sequence", True),
    ("sgd_waiver_switched_on_by_state", "sgd", "alice", SGD_WAIVER_SWITCHED_ON_BY_STATE, "sgd", True),
    ("sgd_global_random_memoized", "sgd", "bob", SGD_GLOBAL_RANDOM_MEMOIZED, "sgd", True),
    ("dropout_global_random_memoized", "dropout", "alice", DROPOUT_GLOBAL_RANDOM_MEMOIZED, "dropout", True),
    ("rnn_step_from_previous_inputs", "rnn", "alice", RNN_STEP_FROM_PREVIOUS_INPUTS, "rnn_step", False),
]


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxConfig()) as sb:
        yield sb


def _grade(sandbox, tmp_path, aid, student, extra) -> dict:
    path = tmp_path / f"{aid}.py"
    path.write_text(subs.solution(aid, student) + extra, encoding="utf-8")
    result = grade_submission(path, aid, student, DEMO_SECRET, sandbox=sandbox)
    assert result["error"] is None, result["error"]
    return result


def _scores(result) -> dict:
    return {n: (q["score"], q["max_score"]) for n, q in result["questions"].items()}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_replay_attack_costs_its_question(sandbox, tmp_path, case):
    """Does a function that covers for another through the process's state lose that question's points?"""
    _, aid, student, extra, lost, _ = case
    scores = _scores(_grade(sandbox, tmp_path, aid, student, extra))
    assert scores[lost][0] < scores[lost][1], scores
    if aid in ("rnn", "lstm") and lost.endswith("sequence"):  # every sequence test rests on the replay
        assert scores[lost][0] == 0, scores


@pytest.mark.parametrize("case", [c for c in CASES if c[5]], ids=[c[0] for c in CASES if c[5]])
def test_without_fresh_processes_the_attack_would_earn_the_points(sandbox, tmp_path, monkeypatch, case):
    """Is the attack real: with ``fresh`` giving back the same process, does it keep more of the question?"""
    _, aid, student, extra, lost, _ = case
    honest = _scores(_grade(sandbox, tmp_path, aid, student, extra))[lost][0]
    monkeypatch.setattr(StudentProcess, "fresh", lambda self: self)
    assert _scores(_grade(sandbox, tmp_path, aid, student, extra))[lost][0] > honest
