"""Does a student bundle hold no hidden-test input and no hidden expected value, and do its public inputs
differ from the hidden ones?

The hidden suites draw their inputs at grading time, so they can only be seen by grading. Here a correct
submission (the generated solution notebook) of each assignment is graded by the real engine, and every
value crossing the channel is recorded on the trusted side: the arguments the suites pass to the
student's functions (hidden inputs) and what the functions return, which for a correct solution are the
hidden tests' expected values. The same student's bundle, written by `deepgrade generate`, is then
searched for them: as numeric arrays in ``*_public.json`` and as number tokens in every text file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from autograder.answer_key import answer_key
from autograder.cli import main
from autograder.grading import grade_submission
from autograder.manifest import ASSIGNMENT_IDS
from autograder.sandbox import Handle, Sandbox, SandboxConfig, StudentProcess
from autograder.variants import variant

SECRET = b"tests-hidden-leak-secret-93b1c0"
# Under SECRET their RNNs use relu, relu, tanh and their quiz units are dead (z <= 0), live, dead (tested below).
STUDENTS = ("s001", "s002", "dev")
MIN_SIZE = 4  # arrays shorter than this carry too little to call a leak
TOL = 1e-12


# ---------------------------------------------------------------- recording on the trusted side


def _record_process(monkeypatch, log: list) -> None:
    """Wrap the StudentProcess methods the suites call, appending ("in"/"out", value) to ``log``."""
    call, get, fetch = StudentProcess.call, StudentProcess.get, StudentProcess.fetch

    def recording_call(self, name, *args, timeout=None, keep=None, **kwargs):
        log.append(("in", (args, kwargs)))
        result = call(self, name, *args, timeout=timeout, keep=keep, **kwargs)
        log.append(("out", result))
        return result

    def recording_get(self, name, *args, **kwargs):
        result = get(self, name, *args, **kwargs)
        log.append(("out", result))
        return result

    def recording_fetch(self, handle, *args, **kwargs):
        result = fetch(self, handle, *args, **kwargs)
        log.append(("out", result))
        return result

    monkeypatch.setattr(StudentProcess, "call", recording_call)
    monkeypatch.setattr(StudentProcess, "get", recording_get)
    monkeypatch.setattr(StudentProcess, "fetch", recording_fetch)


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))


def _leaves(value, arrays: list, words: list) -> None:
    """Numeric arrays (lists of numbers included) and lists of words found anywhere in ``value``."""
    if value is None or isinstance(value, (Handle, str, bool)):
        return
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":
            arrays.append(value.astype(np.float64))
        return
    if _is_number(value):
        arrays.append(np.array([value], dtype=np.float64))
    elif isinstance(value, (list, tuple)):
        if value and all(_is_number(x) for x in value):
            arrays.append(np.array(value, dtype=np.float64))
        elif value and all(isinstance(x, str) for x in value):
            words.append(list(value))
        else:
            for x in value:
                _leaves(x, arrays, words)
    elif isinstance(value, dict):
        for x in value.values():
            _leaves(x, arrays, words)


@pytest.fixture(scope="module")
def hidden(tmp_path_factory):
    """{(assignment, student): {"bundle": student bundle folder, "in"/"out": (arrays, word lists)}}."""
    root = tmp_path_factory.mktemp("hidden_leak")
    (root / "secret").write_bytes(SECRET)
    found = {}
    with pytest.MonkeyPatch.context() as mp, Sandbox(SandboxConfig()) as sandbox:
        mp.delenv("DEEPGRADE_SECRET", raising=False)
        for a in ASSIGNMENT_IDS:
            for s in STUDENTS:
                stu, sol = root / "student" / a / s, root / "solution" / a / s
                r = CliRunner().invoke(main, ["generate", a, "--student", s, "--out", str(stu), "--solutions",
                                              str(sol), "--secret-file", str(root / "secret")])
                assert r.exit_code == 0, r.output
                log: list = []
                with pytest.MonkeyPatch.context() as rec:
                    _record_process(rec, log)
                    result = grade_submission(sol / f"{a}.ipynb", a, s, SECRET, sandbox=sandbox)
                failed = [t["name"] for t in result["tests"] if t["status"] != "passed"]
                assert result["score"] == result["max_score"] and not failed, (a, s, failed, result["error"])
                entry = {"bundle": stu, "in": ([], []), "out": ([], [])}
                for side, value in log:
                    _leaves(value, *entry[side])
                found[a, s] = entry
    return found


# ---------------------------------------------------------------- what a bundle holds


def _public_json(bundle: Path) -> dict:
    return json.loads(next(bundle.glob("*_public.json")).read_text(encoding="utf-8"))


def _public_arrays(obj, inputs_only: bool, arrays: list, words: list) -> None:
    """Every numeric array and list of words of a public JSON (``inputs_only``: not the expected values)."""
    if isinstance(obj, dict):
        if "array" in obj and "shape" in obj:
            arrays.append(np.array(obj["array"], dtype=np.float64).ravel())
            return
        for k, v in obj.items():
            if not (inputs_only and k == "expect"):
                _public_arrays(v, inputs_only, arrays, words)
    elif isinstance(obj, list):
        if obj and all(_is_number(x) for x in obj):
            arrays.append(np.array(obj, dtype=np.float64))
        elif obj and all(isinstance(x, str) for x in obj):
            words.append(obj)
        else:
            for x in obj:
                _public_arrays(x, inputs_only, arrays, words)


_NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?:[eE][-+]?\d+)?(?![\d.])|(?<![\w.])\d+[eE][-+]?\d+(?![\d.])")


def _texts(bundle: Path) -> str:
    """Everything readable in the bundle; a notebook's cell sources unescaped."""
    parts = []
    for p in sorted(bundle.iterdir()):
        text = p.read_text(encoding="utf-8")
        parts.append(text)
        if p.suffix == ".ipynb":
            parts += [c["source"] for c in json.loads(text)["cells"]]
    return "\n".join(parts)


def _distinctive(a: np.ndarray) -> bool:
    """A float array of >= MIN_SIZE entries with at least two different non-integer values."""
    v = a.ravel()
    v = v[np.isfinite(v) & (v != np.round(v))]
    return a.size >= MIN_SIZE and np.unique(v).size >= 2


def _random_looking(v: np.ndarray) -> np.ndarray:
    """The values that need at least 8 significant digits: chance cannot make two of them equal."""
    v = v[np.isfinite(v)]
    return np.array([x for x in v if float(f"{x:.7g}") != x])


def _near(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """For each of ``values``: is some entry of the sorted ``pool`` equal within TOL (relative)?"""
    pool = np.concatenate([[-np.inf], pool, [np.inf]])
    i = np.searchsorted(pool, values)  # pool[i - 1] < value <= pool[i]
    gap = np.minimum(np.abs(pool[i] - values), np.abs(pool[i - 1] - values))
    return gap <= TOL * np.abs(values)


def _contains_run(haystack: np.ndarray, needle: np.ndarray) -> bool:
    """Is ``needle`` equal (allclose at TOL) to a contiguous run of ``haystack``?"""
    n = needle.size
    if n > haystack.size:
        return False
    for start in np.flatnonzero(np.isclose(haystack[: haystack.size - n + 1], needle[0], rtol=TOL, atol=TOL)):
        if np.allclose(haystack[start: start + n], needle, rtol=TOL, atol=TOL):
            return True
    return False


# ---------------------------------------------------------------- the tests


def test_recording_saw_the_hidden_tests(hidden):
    """Did grading record real traffic (hidden arrays, documents, answers) for students covering both RNN
    activations and both sides of the quiz's ReLU?"""
    for a in ("rnn", "lstm", "ar", "sgd", "dropout"):
        for s in STUDENTS:
            ins, outs = hidden[a, s]["in"][0], hidden[a, s]["out"][0]
            assert sum(map(_distinctive, ins)) >= 3 and sum(map(_distinctive, outs)) >= 3, (a, s)
    assert all(len(hidden["bow", s]["in"][1]) >= 10 for s in STUDENTS)  # documents of words
    assert all(len(hidden["quiz", s]["out"][0]) >= 8 for s in STUDENTS)  # the numeric answers
    assert {variant("rnn", s, SECRET)["activation"] for s in STUDENTS} == {"tanh", "relu"}
    assert {answer_key(variant("quiz", s, SECRET))["z"] > 0 for s in STUDENTS} == {True, False}


def _leaks(bundle: Path, hidden_arrays: list[np.ndarray]) -> list[str]:
    """Where the bundle holds a hidden array: as an equal array or contiguous run of a public array, value by
    value (values needing 8+ significant digits, which chance cannot repeat), or written out as a number
    with 6 to 17 significant digits in any file."""
    public: list[np.ndarray] = []
    _public_arrays(_public_json(bundle), False, public, [])
    tokens = set(_NUMBER.findall(_texts(bundle)))
    pool = np.unique(np.concatenate(public + [np.array([float(t) for t in tokens])]))
    problems = []
    for h in hidden_arrays:
        flat = h.ravel()
        if _distinctive(h) and any(_contains_run(p, flat) for p in public):
            problems.append(f"a hidden array {h.shape} is (a run of) an array of *_public.json")
        rnd = _random_looking(flat)
        hits = rnd[_near(rnd, pool)]
        if hits.size:
            problems.append(f"{hits.size} value(s) of a hidden array {h.shape} are in the bundle, e.g. {hits[0]!r}")
        for x in rnd[:5]:
            written = {f"{abs(x):.{k}g}" for k in range(6, 18)} & tokens
            if written:
                problems.append(f"hidden value {x!r} is written as {sorted(written)} in the bundle")
    return problems


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_no_hidden_value_in_the_bundle(hidden, assignment):
    """Does no hidden input and no expected value of a hidden test appear anywhere in the student's bundle?"""
    for s in STUDENTS:
        entry = hidden[assignment, s]
        problems = _leaks(entry["bundle"], entry["in"][0] + entry["out"][0])
        assert not problems, f"{assignment}/{s}: " + "; ".join(problems[:5])


def test_the_scan_sees_a_planted_leak(hidden, tmp_path):
    """Would the scan notice hidden values copied into a bundle: as a public array, a few of them, a rounded number?"""
    entry = hidden["rnn", STUDENTS[0]]
    arrays = [h for h in entry["out"][0] if _distinctive(h)]
    h = max(arrays, key=lambda a: a.size)
    for plant, expected in (("array", "is (a run of) an array"), ("run", "value(s) of a hidden array"),
                            ("text", "is written as")):
        bundle = tmp_path / plant
        bundle.mkdir()
        for p in entry["bundle"].iterdir():
            (bundle / p.name).write_bytes(p.read_bytes())
        path = next(bundle.glob("*_public.json"))
        public = json.loads(path.read_text())
        if plant == "array":
            public["checks"]["rnn_forward"][0]["outputs"][0]["expect"]["array"] = h.ravel().tolist()
        elif plant == "run":
            public["checks"]["rnn_step_forward"][0]["call"]["args"][0]["array"][1:5] = h.ravel()[:4].tolist()
        else:
            py = next(bundle.glob("*.py"))
            py.write_text(py.read_text() + f"\n# expected: {_random_looking(h.ravel())[0]:.6g}\n")
        path.write_text(json.dumps(public))
        problems = " ".join(_leaks(bundle, [h]))
        assert expected in problems, (plant, problems)


@pytest.mark.parametrize("assignment", ["ar", "quiz"])
def test_no_numeric_answer_in_the_bundle(hidden, assignment):
    """Is no numeric answer key (the expected value of a hidden answer test) written in the student bundle, in
    the form the solution writes it or rounded to 4 decimals, unless the variant itself states that number?"""
    for s in STUDENTS:
        v = variant(assignment, s, SECRET)
        stated = {abs(x) for x in v.values() if _is_number(x)}
        tokens = set(_NUMBER.findall(_texts(hidden[assignment, s]["bundle"])))
        solution = _texts(hidden[assignment, s]["bundle"].parents[2] / "solution" / assignment / s)
        for name, value in answer_key(v).items():
            if not _is_number(value) or value == 0 or abs(value) in stated:
                continue
            written = repr(abs(round(value, 6)) + 0.0)
            line = rf"^{name}\s*=\s*{re.escape(repr(round(value, 6) + 0.0))}\s*$"
            assert re.search(line, solution, flags=re.M), name  # the form searched for is the one written
            found = {written, f"{abs(value):.4f}", f"{abs(value):.6g}"} & tokens
            assert not found, f"{assignment}/{s}: the answer {name} = {value!r} is in the bundle as {found}"


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_public_inputs_differ_from_hidden_inputs(hidden, assignment):
    """Does every public input differ from every hidden input of the same student's variant?"""
    for s in STUDENTS:
        entry = hidden[assignment, s]
        public, public_words = [], []
        _public_arrays(_public_json(entry["bundle"]), True, public, public_words)
        hidden_arrays, hidden_words = entry["in"]
        pool = np.unique(np.concatenate(public)) if public else np.array([])
        for h in hidden_arrays:
            flat = h.ravel()
            if flat.size < MIN_SIZE or np.ptp(flat) == 0:  # a constant array (zeros) is no one's secret
                continue
            same = [p.size for p in public if p.size == flat.size and np.allclose(p, flat, rtol=TOL, atol=TOL)]
            assert not same, f"{assignment}/{s}: a hidden input {h.shape} equals a public input"
            rnd = _random_looking(flat)
            assert not _near(rnd, pool).any(), f"{assignment}/{s}: hidden input values reappear in public inputs"
        long_public = {tuple(w) for w in public_words if len(w) >= MIN_SIZE}
        shared = [w for w in hidden_words if len(w) >= MIN_SIZE and tuple(w) in long_public]
        assert not shared, f"{assignment}/{s}: hidden documents {shared[:2]} are public check inputs"
