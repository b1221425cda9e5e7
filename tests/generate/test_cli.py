"""Do `deepgrade generate`, `variant` and `check` behave, and refuse bad input without writing anything?"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.variants import DEMO_SECRET, variant


@pytest.fixture
def run(monkeypatch):
    monkeypatch.delenv("DEEPGRADE_SECRET", raising=False)

    def invoke(*args, **kwargs):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False, **kwargs)
    return invoke


def test_generate_one_student(run, tmp_path):
    """Does --student write the notebook, the script and the self-check files, saying --demo is in use?"""
    r = run("generate", "dropout", "--student", "ann", "--out", tmp_path / "b", "--demo")
    assert r.exit_code == 0, r.output
    assert "public demo secret" in r.output
    names = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert names == ["deepgrade_check.py", "deepgrade_gradcheck.py", "deepgrade_submit.py", "dropout.ipynb",
                     "dropout.py", "dropout_given.py", "dropout_public.json"]
    nb = json.loads((tmp_path / "b" / "dropout.ipynb").read_text())
    assert nb["metadata"]["deepgrade"]["student"] == "ann"


def test_generate_needs_a_secret(run, tmp_path):
    """Without --secret-file, $DEEPGRADE_SECRET or --demo, is it an error that writes nothing?"""
    r = run("generate", "rnn", "--student", "ann", "--out", tmp_path / "b")
    assert r.exit_code != 0 and "DEEPGRADE_SECRET" in r.output
    assert not (tmp_path / "b").exists()


def test_secret_file_and_env(run, tmp_path, monkeypatch):
    """Do --secret-file and $DEEPGRADE_SECRET give the variant `variant` computes with that secret?"""
    (tmp_path / "s").write_text("course-secret\n")
    r = run("variant", "rnn", "--student", "ann", "--json", "--secret-file", tmp_path / "s")
    assert json.loads(r.output) == variant("rnn", "ann", b"course-secret")
    monkeypatch.setenv("DEEPGRADE_SECRET", "course-secret")
    r = run("variant", "rnn", "--student", "ann", "--json")
    assert json.loads(r.output) == variant("rnn", "ann", b"course-secret")


def test_variant_json_demo(run):
    """Does `variant --json --demo` print the demo variant (the quiz's option order included)?"""
    r = run("variant", "quiz", "--student", "ann", "--json", "--demo")
    assert r.exit_code == 0
    out = r.output[r.output.index("{"):]
    assert json.loads(out) == variant("quiz", "ann", DEMO_SECRET)


def test_unknown_assignment(run, tmp_path):
    """Does an unknown id fail with the list of known ids, writing nothing?"""
    r = run("generate", "cnn", "--student", "ann", "--out", tmp_path / "b", "--demo")
    assert r.exit_code != 0 and "bow, rnn, lstm, ar, sgd, dropout, quiz" in r.output
    assert not (tmp_path / "b").exists()


def test_existing_folder_needs_force(run, tmp_path):
    """Is a student's existing folder kept unless --force is given?"""
    out = tmp_path / "b"
    assert run("generate", "sgd", "--student", "ann", "--out", out, "--demo").exit_code == 0
    (out / "sgd.ipynb").write_text("my work")
    r = run("generate", "sgd", "--student", "ann", "--out", out, "--demo")
    assert r.exit_code != 0 and "--force" in r.output
    assert (out / "sgd.ipynb").read_text() == "my work"
    assert run("generate", "sgd", "--student", "ann", "--out", out, "--demo", "--force").exit_code == 0
    assert (out / "sgd.ipynb").read_text() != "my work"


def _roster(tmp_path, text: str | bytes):
    p = tmp_path / "roster.csv"
    p.write_bytes(text if isinstance(text, bytes) else text.encode())
    return p


def test_roster_writes_one_folder_each(run, tmp_path):
    """Does a roster give one folder per student, and --solutions the solution versions?"""
    roster = _roster(tmp_path, "student_id,name,email\nann,Ann,a@x.org\nbob,Bob,\n")
    r = run("generate", "quiz", "--roster", roster, "--out", tmp_path / "out", "--solutions", tmp_path / "sol",
            "--demo")
    assert r.exit_code == 0, r.output
    for s in ("ann", "bob"):
        assert (tmp_path / "out" / s / "quiz.ipynb").is_file()
        assert (tmp_path / "sol" / s / "quiz.ipynb").is_file()
    assert "None" in (tmp_path / "out" / "ann" / "quiz.py").read_text()


@pytest.mark.parametrize("text, expected", [
    ("student_id\nann\nbob\nann\n", "line 4: duplicate student_id 'ann' (first on line 2)"),
    ("student_id,name\nann,A\n,B\n  ,C\n", "line 3: empty student_id"),
    ("id,name\nann,A\n", "no student_id column; columns found: 'id', 'name'"),
    (b"student_id\nann\nb\xf6b\n", "not UTF-8 text: bytes that are not UTF-8 on line(s) 3"),
    ("student_id\nann\n../evil\n", "line 3: student id '../evil' is not valid"),
    ("", "no student_id column"),
    ('student_id,name\nann,"Ann\nbob,Bob\ncid,C\n', "lines 2-4: a quoted field does not end on its line"),
    ("student_id\nann\nAnn\n", "line 3: student_id 'Ann' differs from 'ann' (line 2) only in case"),
    ("student_id;name\nann;A\n", "separated by semicolons"),
    ("student_id,note\nann," + "x" * 200_000 + "\n", "line 2: not readable as CSV"),
])
def test_bad_roster_writes_nothing(run, tmp_path, text, expected):
    """Is each bad roster refused with the offending rows named, and nothing written?"""
    r = run("generate", "rnn", "--roster", _roster(tmp_path, text), "--out", tmp_path / "out", "--demo")
    assert r.exit_code != 0
    assert expected in r.output
    assert not (tmp_path / "out").exists()


def test_solutions_apart_from_student_bundles(run, tmp_path):
    """Are --solutions folders that overlap --out refused (students would receive solutions), nothing written?"""
    roster = _roster(tmp_path, "student_id\nann\n")
    for out, sol in ((tmp_path / "o", tmp_path / "o"), (tmp_path / "o", tmp_path / "o" / "sol"),
                     (tmp_path / "o" / "stu", tmp_path / "o")):
        for who in (["--student", "ann"], ["--roster", roster]):
            r = run("generate", "rnn", *who, "--out", out, "--solutions", sol, "--demo")
            assert r.exit_code != 0 and "overlap" in r.output, r.output
            assert not (tmp_path / "o").exists()


def test_variant_json_is_clean_stdout(run):
    """Is stdout of `variant --json` pure JSON (the --demo note on stderr), and a bad id an error?"""
    r = run("variant", "rnn", "--student", "ann", "--json", "--demo")
    assert json.loads(r.stdout) == variant("rnn", "ann", DEMO_SECRET) and "demo secret" in r.stderr
    r = run("variant", "rnn", "--student", "a/b", "--json", "--demo")
    assert r.exit_code != 0 and "student id 'a/b' is not valid" in r.output


def test_roster_lists_every_bad_row(run, tmp_path):
    """Are all offending rows listed at once?"""
    r = run("generate", "rnn", "--roster", _roster(tmp_path, "student_id\n\nann\nann\n,\nbob\nbob\n"),
            "--out", tmp_path / "out", "--demo")
    assert "3 bad row(s)" in r.output and "duplicate student_id 'bob'" in r.output


def test_roster_refuses_if_any_folder_exists(run, tmp_path):
    """If one student's folder already has work, is nothing written for anyone?"""
    roster = _roster(tmp_path, "student_id\nann\nbob\n")
    (tmp_path / "out" / "bob").mkdir(parents=True)
    (tmp_path / "out" / "bob" / "rnn.ipynb").write_text("bob's work")
    r = run("generate", "rnn", "--roster", roster, "--out", tmp_path / "out", "--demo")
    assert r.exit_code != 0 and "bob" in r.output
    assert not (tmp_path / "out" / "ann").exists()


def test_check_command(run, bundle_dirs, tmp_path):
    """Does `deepgrade check` pass a solution bundle and fail a student bundle, naming the blanks?"""
    sol = tmp_path / "sol"
    shutil.copytree(bundle_dirs["rnn"][1], sol)
    r = CliRunner().invoke(main, ["check", str(sol)])
    assert r.exit_code == 0, r.output
    assert "12/12 public checks passed" in r.output
    stu = tmp_path / "stu"
    shutil.copytree(bundle_dirs["rnn"][0], stu)
    r = CliRunner().invoke(main, ["check", str(stu / "rnn.py")])
    assert r.exit_code == 1
    assert "TODO  rnn_step_forward" in r.output and "0/12 public checks passed" in r.output


def test_check_quiz_format(run, bundle_dirs, tmp_path):
    """Does the quiz check accept well-formed answers and reject a bad letter, whatever the values?"""
    stu = tmp_path / "quiz"
    shutil.copytree(bundle_dirs["quiz"][0], stu)
    py = (stu / "quiz.py").read_text()
    py = py.replace("raise NotImplementedError()", "pass")
    for name in ("z", "a", "yhat", "R", "dR_dbeta", "dR_dw", "w_new", "beta_new"):
        py = py.replace(f"\n{name} ", f"\n{name} = 123.0  #", 1)
    for c in ("bow_loses", "rnn_vs_bow", "snr", "double_descent", "saddle"):
        py = py.replace(f"\nconcept_{c} ", f"\nconcept_{c} = 'A'  #", 1)
    (stu / "quiz.py").write_text(py)
    r = CliRunner().invoke(main, ["check", str(stu / "quiz.py")])
    assert r.exit_code == 0, r.output
    (stu / "quiz.py").write_text(py.replace("concept_snr = 'A'", "concept_snr = 'E'"))
    r = CliRunner().invoke(main, ["check", str(stu / "quiz.py")])
    assert r.exit_code == 1 and "concept_snr is 'E'; expected one letter among A, B, C, D" in r.output
