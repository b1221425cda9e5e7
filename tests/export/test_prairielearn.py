"""``deepgrade export ID --format prairielearn``: the question directory, and its grading job run against a
tree laid out like PrairieLearn's external grader (``/grade/data/data.json``, ``/grade/student/``,
``/grade/tests/``, results in ``/grade/results/results.json``)."""

import ast
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.generate.bundle import build_bundle
from autograder.manifest import load_manifest

SECRET = b"a-course-secret-for-the-prairielearn-tests"
VARIANTS = 3


@pytest.fixture(scope="module")
def question(tmp_path_factory):
    out = tmp_path_factory.mktemp("pl") / "rnn_question"
    key = out.parent / "course.key"
    key.write_bytes(SECRET)
    res = CliRunner().invoke(main, ["export", "rnn", "--format", "prairielearn", "--out", str(out),
                                    "--secret-file", str(key), "--variants", str(VARIANTS), "--timeout", "240"])
    assert res.exit_code == 0, res.output
    return out


def job(question: Path, tmp: Path, variant: int, uploads: dict[str, bytes]) -> Path:
    """A grading job's /grade: PrairieLearn copies the question's tests/, the uploads and data.json."""
    root = tmp / "grade"
    shutil.copytree(question / "tests", root / "tests")
    (root / "student").mkdir()
    for name, data in uploads.items():
        (root / "student" / name).write_bytes(data)
    data = {"params": {"deepgrade_variant": variant}, "correct_answers": {}, "variant_seed": 1234567,
            "submitted_answers": {"_files": []}, "options": {}}
    (root / "data").mkdir()
    (root / "data" / "data.json").write_text(json.dumps(data))
    return root


def run_entrypoint(root: Path) -> dict:
    """Run tests/run.sh as PrairieLearn does (chmod +x, then execute), with this interpreter as python3."""
    bindir = root.parent / "bin"
    bindir.mkdir(exist_ok=True)
    wrapper = bindir / "python3"  # a link would lose the venv: Python finds pyvenv.cfg beside the path it was run by
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "DEEPGRADE_SECRET"}
    env |= {"PATH": f"{bindir}:{os.environ['PATH']}", "DEEPGRADE_PL_ROOT": str(root)}
    proc = subprocess.run([str(root / "tests" / "run.sh")], env=env, cwd=root.parent, capture_output=True,
                          text=True, timeout=600)
    assert (root / "results" / "results.json").is_file(), proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    results["_rc"], results["_stderr"] = proc.returncode, proc.stderr
    return results


def test_question_directory_has_prairielearns_files(question):
    """Does the export hold info.json with external grading, the upload element, generate() and tests/?"""
    info = json.loads((question / "info.json").read_text())
    assert info["gradingMethod"] == "External" and info["type"] == "v3"
    assert info["externalGradingOptions"] == {"enabled": True, "image": "deepgrade-grader",
                                              "entrypoint": "/grade/tests/run.sh", "timeout": 240}
    html = (question / "question.html").read_text()
    assert '<pl-file-upload file-names="rnn.ipynb">' in html and "<pl-external-grader-results>" in html
    zips = sorted(p.name for p in (question / "clientFilesQuestion").iterdir())
    assert zips == [f"deepgrade-rnn-v{k}.zip" for k in range(VARIANTS)]
    with zipfile.ZipFile(question / "clientFilesQuestion" / "deepgrade-rnn-v1.zip") as zf:
        nb = json.loads(zf.read("rnn.ipynb"))
        assert nb["metadata"]["deepgrade"]["student"] == "pl-v1"
        assert all(SECRET not in zf.read(n) for n in zf.namelist())
    assert all(SECRET not in p.read_bytes() for p in question.rglob("*") if p.is_file() and p.name != "deepgrade.key")
    assert (question / "tests" / "deepgrade.key").stat().st_mode & 0o077 == 0


def test_generate_fixes_the_variant_from_the_variant_seed(question):
    """Does server.py's generate() give every seed a variant in range, the same one for the same seed?"""
    namespace: dict = {}
    source = (question / "server.py").read_text()
    ast.parse(source)
    exec(compile(source, "server.py", "exec"), namespace)
    seen = set()
    for seed in (0, 1, 2, 5, 2**31 - 1, 987654321):
        data = {"params": {}, "variant_seed": seed}
        namespace["generate"](data)
        again = {"params": {}, "variant_seed": seed}
        namespace["generate"](again)
        assert data["params"] == again["params"]
        seen.add(data["params"]["deepgrade_variant"])
    assert seen == set(range(VARIANTS))


def test_uuid_survives_a_second_export(question, tmp_path):
    """Does re-exporting into the same folder keep the question's uuid (PrairieLearn keys history on it)?"""
    out = tmp_path / "q"
    args = ["export", "quiz", "--format", "prairielearn", "--out", str(out), "--demo", "--variants", "1"]
    assert CliRunner().invoke(main, args).exit_code == 0
    first = json.loads((out / "info.json").read_text())["uuid"]
    assert CliRunner().invoke(main, args).exit_code != 0  # not empty: refused without --force
    assert CliRunner().invoke(main, [*args, "--force"]).exit_code == 0
    assert json.loads((out / "info.json").read_text())["uuid"] == first


def test_solution_scores_one_blank_zero_with_per_test_points(question, tmp_path):
    """Does the entrypoint grade the variant's solution 1.0 and its blank 0, with each hidden test's points?"""
    points = {q.name: q.points for q in load_manifest("rnn").questions}
    bundle = build_bundle("rnn", "pl-v2", SECRET, solutions=True)
    solved = run_entrypoint(job(question, tmp_path / "s", 2, {"rnn.ipynb": bundle.solution_files["rnn.ipynb"]}))
    assert solved["_rc"] == 0, solved["_stderr"]
    assert solved["gradable"] is True and solved["score"] == 1.0
    assert [t["points"] for t in solved["tests"]] == [t["max_points"] for t in solved["tests"]]
    assert sum(t["max_points"] for t in solved["tests"]) == pytest.approx(sum(points.values()))
    per_question = {}
    for t in solved["tests"]:
        per_question[t["name"].split(":")[0]] = per_question.get(t["name"].split(":")[0], 0) + t["max_points"]
    assert per_question == pytest.approx(points)
    assert not (tmp_path / "s" / "grade" / "tests" / "deepgrade.key").exists()  # read, then deleted

    blank = run_entrypoint(job(question, tmp_path / "b", 2, {"rnn.ipynb": bundle.files["rnn.ipynb"]}))
    assert blank["gradable"] is True and blank["score"] == 0.0
    assert [t["points"] for t in blank["tests"]] == [0] * len(solved["tests"])
    assert [t["max_points"] for t in blank["tests"]] == [t["max_points"] for t in solved["tests"]]


def test_another_variants_solution_does_not_score_full_marks(question, tmp_path):
    """Is the upload graded as the job's own variant (0), not as the variant its notebook names?"""
    from autograder.variants import variant

    mine = variant("rnn", "pl-v0", SECRET)["activation"]
    k = next(k for k in range(1, 64) if variant("rnn", f"pl-v{k}", SECRET)["activation"] != mine)
    other = build_bundle("rnn", f"pl-v{k}", SECRET, solutions=True).solution_files["rnn.ipynb"]
    root = job(question, tmp_path, 0, {"rnn.ipynb": other})
    config = json.loads((root / "tests" / "deepgrade.json").read_text())
    (root / "tests" / "deepgrade.json").write_text(json.dumps(config | {"variants": 64}))
    res = run_entrypoint(root)
    assert res["gradable"] is True and 0 < res["score"] < 1.0


@pytest.mark.parametrize("case", ["missing", "corrupt", "symlink"])
def test_unreadable_upload_is_not_gradable(question, tmp_path, case):
    """Is a missing, corrupt or linked upload reported as gradable: false (no attempt charged), with a reason?"""
    uploads = {"missing": {"notebook.ipynb": b"{}"}, "corrupt": {"rnn.ipynb": b"{ this is not json"},
               "symlink": {}}[case]
    root = job(question, tmp_path, 1, uploads)
    if case == "symlink":
        os.symlink(root / "tests" / "deepgrade.key", root / "student" / "rnn.ipynb")
    res = run_entrypoint(root)
    assert res["_rc"] == 0, res["_stderr"]
    assert res["gradable"] is False and res["format_errors"], res
    assert "score" not in res or res["score"] == 0
    assert SECRET.decode() not in json.dumps(res)
    if case == "missing":
        assert "rnn.ipynb" in res["format_errors"][0] and "notebook.ipynb" in res["format_errors"][0]


def test_broken_job_still_writes_results(question, tmp_path):
    """Does a job whose data.json lacks the variant still leave a results.json that says what failed?"""
    root = job(question, tmp_path, 1, {"rnn.ipynb": b"{}"})
    (root / "data" / "data.json").write_text(json.dumps({"params": {}}))
    res = run_entrypoint(root)
    assert res["_rc"] == 1 and res["gradable"] is False
    assert "deepgrade_variant" in res["format_errors"][0]


def test_export_rejects_bad_arguments(tmp_path):
    """Do bad ids, options of no format, and out-of-range settings fail with a message naming them?"""
    run = lambda *a: CliRunner().invoke(main, ["export", *a, "--out", str(tmp_path / "x"), "--demo"])  # noqa: E731
    res = run("nope", "--format", "prairielearn")
    assert res.exit_code != 0 and "nope" in res.output
    res = run("rnn", "--format", "prairielearn", "--timeout", "900")
    assert res.exit_code != 0 and "--timeout" in res.output and "600" in res.output
    res = run("rnn", "--format", "prairielearn", "--variants", "0")
    assert res.exit_code != 0 and "--variants" in res.output
    res = run("rnn", "--format", "gradescope-or-so")
    assert res.exit_code != 0 and "--format" in res.output
    (tmp_path / "file").write_text("x")
    res = CliRunner().invoke(main, ["export", "rnn", "--format", "prairielearn", "--out", str(tmp_path / "file"), "--demo"])
    assert res.exit_code != 0 and "file" in res.output
