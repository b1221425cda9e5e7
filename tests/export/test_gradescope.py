"""``deepgrade export ID --format gradescope``: the autograder zip, installed by its own ``setup.sh`` and run by
its own ``run_autograder`` against a tree laid out like Gradescope's ``/autograder``, in Gradescope's kind of
container: root without CAP_SYS_ADMIN under the seccomp filter Docker gives such a container (no new
namespaces, so no bubblewrap), simulated for real as tests/sandbox/test_modes.py does (capsh + filter).

The install is made offline: a venv of Debian's python3 (which uid 65534 may read, unlike a Python under
/root) in /var/tmp gets the dev venv's dependencies as hard links, as tests/export/test_wheel.py does, and
``setup.sh`` then pip-installs the zip's wheel into it with ``--no-deps --no-index``
(``DEEPGRADE_GS_OFFLINE``). ``DEEPGRADE_GS_ROOT`` and ``DEEPGRADE_GS_VENV`` place ``/autograder`` and the
venv; nothing else differs from a real image.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.export import gradescope_run as run
from autograder.generate.bundle import build_bundle
from autograder.manifest import load_manifest
from autograder.sandbox import seccomp

REPO = Path(__file__).resolve().parents[2]
DRIVER = REPO / "tests" / "sandbox" / "_mode_driver.py"
SECRET = b"gradescope-course-secret-7f3a"
EMAIL = "alice@example.edu"
OWN = ("autograder", "reference", "deepgrade-", "__editable__", "__editable___")


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)


def _export(out: Path, *args: str) -> Path:
    key = out.parent / f"{out.name}.key"
    key.write_bytes(SECRET)
    res = CliRunner().invoke(main, ["export", "rnn", "--format", "gradescope", "--out", str(out),
                                    "--secret-file", str(key), *args])
    assert res.exit_code == 0, res.output
    return out / "gradescope.zip"


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory) -> Path:
    return _export(tmp_path_factory.mktemp("gs") / "out")


def _notebook(cells_to_add: list[str], base: bytes) -> bytes:
    nb = json.loads(base)
    for source in cells_to_add:
        nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                            "source": source})
    return json.dumps(nb).encode()


def _test_names() -> list[tuple[str, str]]:
    """(question, test) of every hidden test of rnn, in the suite's order (grading a blank lists them all)."""
    from autograder.grading import grade_submission

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rnn.py"
        path.write_text("x = 1\n")
        result = grade_submission(path, "rnn", EMAIL, SECRET)
    return [(t["question"], t["name"]) for t in result["tests"]]


# -- the zip ---------------------------------------------------------------------------------------------
def test_zip_has_gradescopes_files_and_a_wheel_that_carries_the_templates(autograder_zip):
    """Does the zip hold setup.sh and run_autograder (executable) at its root, the config, the secret (0600)
    and a deepgrade wheel with the assignment templates?"""
    zf = zipfile.ZipFile(autograder_zip)
    names = set(zf.namelist())
    (wheel,) = [n for n in names if n.startswith("deepgrade-") and n.endswith(".whl")]
    assert names == {"setup.sh", "run_autograder", "deepgrade.json", "deepgrade.key", wheel}
    mode = {n: (zf.getinfo(n).external_attr >> 16) & 0o777 for n in names}
    assert mode["setup.sh"] == mode["run_autograder"] == 0o755 and mode["deepgrade.key"] == 0o600
    assert zf.read("deepgrade.key").strip() == SECRET
    config = json.loads(zf.read("deepgrade.json"))
    assert config["assignment"] == "rnn" and config["identity"] == "email"
    assert config["visibility"] == "after_published" and config["require"] == "hidden-files,no-network"
    assert zf.read("run_autograder").startswith(b"#!/bin/sh\n")
    assert b"-m autograder.export.gradescope_run" in zf.read("run_autograder")
    inner = zipfile.ZipFile(zf.open(wheel))
    assert "autograder/_templates/rnn/manifest.toml" in inner.namelist()
    assert "autograder/export/gradescope_run.py" in inner.namelist()
    assert all(SECRET not in zf.read(n) for n in names if n != "deepgrade.key")
    assert stat.S_IMODE(autograder_zip.stat().st_mode) == 0o600  # the zip itself holds the secret


def test_export_options_are_written_and_checked(tmp_path):
    """Do --identity/--visibility/--require reach the config, and do bad values fail naming the option?"""
    out = _export(tmp_path / "a", "--identity", "sid", "--visibility", "hidden", "--require", "no-network")
    config = json.loads(zipfile.ZipFile(out).read("deepgrade.json"))
    assert (config["identity"], config["visibility"], config["require"]) == ("sid", "hidden", "no-network")
    for args, word in ((["--identity", "name"], "--identity"), (["--visibility", "soon"], "--visibility"),
                       (["--require", "magic"], "--require"), (["--wheel", str(tmp_path / "x.whl")], "--wheel"),
                       (["--variants", "3"], "--variants")):
        res = CliRunner().invoke(main, ["export", "rnn", "--format", "gradescope", "--out", str(tmp_path / "b"),
                                        "--demo", *args])
        assert res.exit_code != 0 and word in res.output, (args, res.output)


# -- run_autograder in-process (dev install, this machine's sandbox): finding the submission -------------
@pytest.fixture
def tree(tmp_path, autograder_zip) -> Path:
    """A fresh /autograder as Gradescope lays it out for one submission (the zip unpacked in source/)."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    zipfile.ZipFile(autograder_zip).extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    _metadata(root, [{"email": EMAIL, "id": 1234, "name": "Alice"}])
    return root


def _metadata(root: Path, users: list[dict]) -> None:
    (root / "submission_metadata.json").write_text(json.dumps({
        "id": 1, "created_at": "2024-01-01T00:00:00-08:00", "assignment": {"id": 25828, "title": "RNN"},
        "submission_method": "upload", "users": users, "previous_submissions": []}))


def _in_process(root: Path, monkeypatch) -> tuple[int, dict]:
    monkeypatch.setenv(run.ROOT_ENV, str(root))
    status = run.main([])
    return status, json.loads((root / "results" / "results.json").read_text())


@pytest.mark.parametrize("case", ["none", "two", "renamed", "both_forms", "corrupt", "link"])
def test_bad_submissions_get_a_clear_message_and_zero(tree, monkeypatch, case):
    """Does no notebook, two, a renamed one, an .ipynb beside a .py, a corrupt file or a link score 0 with a
    message naming the problem, and the bundle's helper files not count as notebooks?"""
    blank = build_bundle("rnn", EMAIL, SECRET).files
    sub = tree / "submission"
    for helper in ("rnn_given.py", "deepgrade_check.py", "rnn_public.json"):
        (sub / helper).write_bytes(blank[helper])  # uploaded along, ignored
    if case == "two":
        (sub / "rnn.ipynb").write_bytes(blank["rnn.ipynb"])
        (sub / "scratch").mkdir()
        (sub / "scratch" / "copy.ipynb").write_bytes(blank["rnn.ipynb"])
    elif case == "renamed":
        (sub / "rnn (1).ipynb").write_bytes(blank["rnn.ipynb"])
    elif case == "both_forms":
        (sub / "rnn.ipynb").write_bytes(blank["rnn.ipynb"])
        (sub / "rnn.py").write_bytes(blank["rnn.py"])
    elif case == "corrupt":
        (sub / "rnn.ipynb").write_bytes(b'{"cells": [ this is not json')
    elif case == "link":
        os.symlink(tree / "source" / "deepgrade.key", sub / "rnn.ipynb")
    status, res = _in_process(tree, monkeypatch)
    assert status == 0
    assert res["score"] == 0 and all(t["score"] == 0 for t in res["tests"])
    assert sum(t["max_score"] for t in res["tests"]) == load_manifest("rnn").max_score
    words = {"none": ["no notebook", "rnn.ipynb", "rnn_given.py"], "two": ["2 notebooks", "scratch/copy.ipynb"],
             "renamed": ["rnn (1).ipynb", "not rnn.ipynb"], "both_forms": ["2 notebooks", "rnn.py"],
             "corrupt": ["could not be graded", "JSON"], "link": ["could not be graded"]}[case]
    assert all(w in res["output"] for w in words), res["output"]
    assert SECRET.decode() not in json.dumps(res)


def test_group_submission_is_graded_once_as_the_first_member(tree, monkeypatch):
    """Is a group graded as its first member's variant, with the output saying all members get the score?"""
    bundle = build_bundle("rnn", EMAIL, SECRET, solutions=True)
    (tree / "submission" / "rnn.ipynb").write_bytes(bundle.solution_files["rnn.ipynb"])
    _metadata(tree, [{"email": EMAIL, "id": 1}, {"email": "bob@example.edu", "id": 2}])
    status, res = _in_process(tree, monkeypatch)
    assert status == 0 and res["score"] == load_manifest("rnn").max_score, res["output"]
    assert "Group submission" in res["output"] and EMAIL in res["output"] and "all 2 members" in res["output"]
    assert res["visibility"] == "visible" and {t["visibility"] for t in res["tests"]} == {"after_published"}
    assert res["stdout_visibility"] == "hidden" and res["execution_time"] >= 1


def test_a_broken_autograder_still_writes_results(tree, monkeypatch):
    """Does metadata without the identity field give score 0, a message to tell staff, the detail for staff,
    and a non-zero exit -- never a missing results.json?"""
    (tree / "submission" / "rnn.ipynb").write_text("{}")
    _metadata(tree, [{"id": 1234, "name": "Alice"}])
    status, res = _in_process(tree, monkeypatch)
    assert status == 1 and res["score"] == 0 and "course staff" in res["output"]
    assert "email" in res["extra_data"]["grader_error"]


def test_student_id_comes_from_the_chosen_field():
    """Does users[0][identity] give the student id, for email, id and sid, and a bad one fail clearly?"""
    meta = {"users": [{"email": "a@b.edu", "id": 77, "sid": "S-1"}, {"email": "c@d.edu", "id": 78, "sid": "S-2"}]}
    assert run.students(meta, "email") == ["a@b.edu", "c@d.edu"]
    assert run.students(meta, "id") == ["77", "78"]
    assert run.students(meta, "sid") == ["S-1", "S-2"]
    for bad in ({"users": []}, {"users": [{"email": ""}]}, {"users": [{"email": "x y"}]}, {}):
        with pytest.raises(RuntimeError, match="users"):
            run.students(bad, "email")


# -- setup.sh, then run_autograder in a Gradescope-like container ----------------------------------------
@pytest.fixture(scope="module")
def image(autograder_zip):
    """An "image": /autograder with the zip unpacked, after setup.sh ran (offline) as root into a venv of
    Debian's python3 that every user may read. Yields (root, venv, setup.sh's output)."""
    if os.geteuid() != 0:
        pytest.skip("Gradescope runs setup.sh and run_autograder as root; this run is unprivileged")
    system = shutil.which("python3", path="/usr/bin:/bin")
    if not system or _run([system, "-c", "import sys, venv; sys.exit(sys.version_info[:2] != (3, 11))"]).returncode:
        pytest.skip("needs Debian's python3 3.11 with venv (the dev venv's packages are linked into it)")
    base = Path(tempfile.mkdtemp(prefix="deepgrade-gs-", dir="/var/tmp"))
    try:
        os.chmod(base, 0o755)
        venv, root = base / "venv", base / "autograder"
        made = _run([system, "-m", "venv", "--without-pip", venv])
        assert made.returncode == 0, made.stderr
        site = Path(_run([venv / "bin" / "python", "-c",
                          "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
        try:
            for entry in sorted(Path(sysconfig.get_paths()["purelib"]).iterdir()):
                if entry.name.startswith(OWN) or entry.name == "__pycache__":
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(entry, site / entry.name, symlinks=True, copy_function=os.link)
                else:
                    os.link(entry, site / entry.name, follow_symlinks=False)
        except OSError as exc:
            pytest.skip(f"cannot hard-link the dev venv's packages into {site}: {exc}")
        (root / "source").mkdir(parents=True)
        zipfile.ZipFile(autograder_zip).extractall(root / "source")
        os.chmod(root / "source" / "setup.sh", 0o755)
        env = _env(root, venv) | {"DEEPGRADE_GS_OFFLINE": "1"}
        setup = _run(["bash", root / "source" / "setup.sh"], env=env, cwd=root)
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")  # Gradescope's harness does this
        yield root, venv, site, setup.stdout
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _env(root: Path, venv: Path) -> dict:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "DEEPGRADE_GS_ROOT": str(root),
            "DEEPGRADE_GS_VENV": str(venv)}


def _gradescope_run(root: Path, venv: Path, notebook: bytes, name: str = "rnn.ipynb") -> dict:
    """One submission: a fresh submission/ and results/, then run_autograder as root without CAP_SYS_ADMIN
    under the Docker-like seccomp filter, in /autograder."""
    capsh = shutil.which("capsh", path="/usr/sbin:/sbin:/usr/bin:/bin")
    if not capsh:
        pytest.skip("the Gradescope-like container needs capsh (apt-get install libcap2-bin)")
    if not seccomp.machine():
        pytest.skip(f"no seccomp filter for {os.uname().machine} (x86_64 and aarch64 only)")
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
        (root / folder).mkdir()
    (root / "submission" / name).write_bytes(notebook)
    _metadata(root, [{"email": EMAIL, "id": 1234, "name": "Alice"}])
    (root / "results" / "results.json").write_text('{"score": 100, "output": "fake"}')  # left by someone
    env = _env(root, venv) | {"PYTHONPATH": str(REPO)}  # for the driver only: run_autograder runs python -I
    done = _run([sys.executable, DRIVER, "--docker-like", capsh, "--drop=cap_sys_admin", "--", "-c",
                 f"cd {root} && exec {root / 'run_autograder'}"], env=env, cwd=root)
    assert (root / "results" / "results.json").is_file(), done.stderr[-3000:]
    res = json.loads((root / "results" / "results.json").read_text())
    res["_rc"], res["_log"] = done.returncode, done.stdout + done.stderr
    return res


def test_setup_sh_installs_a_root_only_grader(image):
    """After setup.sh: is deepgrade installed from the wheel (not the checkout), the secret and deepgrade's
    packages unreadable by others, the Python runtime readable by all, and --check reporting protections?"""
    root, venv, site, log = image
    assert "installed" in log and "protections here" in log
    assert (site / "autograder" / "_templates" / "rnn" / "suite.py").is_file()
    for path in (root / "source", site / "autograder", site / "reference"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
    assert stat.S_IMODE((root / "source" / "deepgrade.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((site / "numpy" / "__init__.py").stat().st_mode) & 0o004
    where = _run([venv / "bin" / "python", "-I", "-c", "import autograder; print(autograder.__file__)"], cwd="/")
    assert Path(where.stdout.strip()).is_relative_to(site), where


def test_scores_equal_deepgrade_grades_in_a_gradescope_like_container(image, tmp_path):
    """Do a solution, a blank and a partly wrong notebook score in the container as `deepgrade grade` scores
    them, test by test, with the bwrap-less protections on and the fake results.json replaced?"""
    root, venv, _, _ = image
    bundle = build_bundle("rnn", EMAIL, SECRET, solutions=True)
    solution = bundle.solution_files["rnn.ipynb"]
    broken = "def rnn_step_forward(x, h_prev, W, U, b):\n    return h_prev, None\n"
    notebooks = {"solution": solution, "blank": bundle.files["rnn.ipynb"], "partly": _notebook([broken], solution)}
    key = tmp_path / "course.key"
    key.write_bytes(SECRET)
    total, scores = load_manifest("rnn").max_score, {}
    for kind, nb in notebooks.items():
        res = _gradescope_run(root, venv, nb)
        assert res["_rc"] == 0, res["_log"][-3000:]
        (tmp_path / "rnn.ipynb").write_bytes(nb)
        graded = _run([sys.executable, "-m", "autograder.cli", "grade", tmp_path / "rnn.ipynb", "-a", "rnn",
                       "-s", EMAIL, "--secret-file", key, "--json"], cwd=tmp_path,
                      env={k: v for k, v in os.environ.items() if k != "DEEPGRADE_SECRET"} | {"PYTHONPATH": str(REPO)})
        assert graded.returncode == 0, graded.stderr[-2000:]
        want = json.loads(graded.stdout[graded.stdout.index("{"):])
        assert res["score"] == want["score"], (kind, res["output"])
        assert [(t["name"], t["score"]) for t in res["tests"]] == \
               [(f"{t['question']}: {t['name']}", t["score"]) for t in want["tests"]], kind
        assert res["output"] != "fake" and "bubblewrap" in res["output"]  # said, not hidden: bwrap cannot run here
        scores[kind] = res["score"]
    assert scores["solution"] == total and scores["blank"] == 0 and 0 < scores["partly"] < total, scores


def test_hostile_submissions_gain_nothing_in_a_gradescope_like_container(image):
    """Does a notebook that reads the secret, the config and the hidden suite and imports the answer key score
    0 without the secret in its results, and one that writes a fake results.json have it replaced?"""
    root, venv, site, _ = image
    blank = build_bundle("rnn", EMAIL, SECRET).files["rnn.ipynb"]
    thief = f"""
import sys
stolen = {{}}
for p in [{str(root / 'source' / 'deepgrade.key')!r}, {str(root / 'source' / 'deepgrade.json')!r},
          {str(site / 'autograder' / '_templates' / 'rnn' / 'suite.py')!r}, {str(root / 'submission_metadata.json')!r}]:
    try:
        stolen[p] = open(p).read()[:300]
    except OSError as e:
        stolen[p] = type(e).__name__
print(stolen)
sys.path.insert(0, {str(site)!r})
from reference.rnn import *  # the answer key: must not import
"""
    res = _gradescope_run(root, venv, _notebook([thief], blank))
    assert res["_rc"] == 0, res["_log"][-3000:]
    assert res["score"] == 0, res["output"]
    assert SECRET.decode() not in json.dumps(res) and SECRET.decode() not in res["_log"]
    faker = f"""
import json, os
fake = {{"score": 11, "output": "all good", "tests": []}}
for p in [{str(root / 'results' / 'results.json')!r}, {str(root / 'results' / 'extra.json')!r}]:
    try:
        with open(p, "w") as f:
            json.dump(fake, f)
    except OSError as e:
        print(type(e).__name__)
"""
    res = _gradescope_run(root, venv, _notebook([faker], blank))
    assert res["_rc"] == 0 and res["score"] == 0 and res["output"] != "all good", res["output"]
    assert [t["name"] for t in res["tests"]] == [f"{q}: {t}" for q, t in _test_names()]
    assert not (root / "results" / "extra.json").exists()  # the student could not write there at all
    assert stat.S_IMODE(root.stat().st_mode) == 0o700  # uid 65534 cannot enter /autograder, Landlock or not


def test_an_installed_deepgrade_exports_a_zip_with_the_same_wheel(image, autograder_zip, tmp_path):
    """From a wheel install (no checkout to build from), is the wheel re-packed from the installed files, with
    the same files as the wheel it was installed from and a RECORD that matches them?"""
    root, venv, _, _ = image
    key = tmp_path / "course.key"
    key.write_bytes(SECRET)
    done = _run([venv / "bin" / "python", "-I", "-m", "autograder.cli", "export", "rnn", "--format", "gradescope",
                 "--out", tmp_path / "out", "--secret-file", key], cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]

    def wheel_of(path: Path) -> zipfile.ZipFile:
        outer = zipfile.ZipFile(path)
        (name,) = [n for n in outer.namelist() if n.endswith(".whl")]
        return zipfile.ZipFile(outer.open(name))

    original, repacked = wheel_of(autograder_zip), wheel_of(tmp_path / "out" / "gradescope.zip")
    assert set(repacked.namelist()) == set(original.namelist())
    for name in original.namelist():
        if not name.endswith("/RECORD"):
            assert repacked.read(name) == original.read(name), name
    record = dict(line.split(",")[:2] for line in repacked.read(next(n for n in repacked.namelist()
                                                                       if n.endswith("/RECORD"))).decode().split())
    assert set(record) == set(repacked.namelist())
    for name, digest in record.items():
        if digest:
            assert digest == "sha256=" + base64.urlsafe_b64encode(
                hashlib.sha256(repacked.read(name)).digest()).rstrip(b"=").decode(), name


def test_results_visibility_is_configurable_and_checked():
    """Are hidden tests' details after_published by default, another of Gradescope's values when asked, the
    total visible, and an unknown value refused?"""
    from autograder.grading.formats import to_gradescope

    result = {"assignment": "rnn", "student": EMAIL, "score": 1.0, "max_score": 2.0, "duration_s": 0.4,
              "questions": {"q": {"title": "Q", "score": 1.0, "max_score": 2.0}}, "warnings": [], "error": None,
              "tests": [{"name": "t1", "question": "q", "score": 1.0, "max_score": 1.0, "status": "passed",
                         "output": "ok"},
                        {"name": "t2", "question": "q", "score": 0.0, "max_score": 1.0, "status": "error",
                         "output": "boom"}]}
    default = to_gradescope(result)
    assert default["visibility"] == "visible" and default["stdout_visibility"] == "hidden"
    assert [t["visibility"] for t in default["tests"]] == ["after_published"] * 2
    assert [t["status"] for t in default["tests"]] == ["passed", "failed"] and default["execution_time"] == 1
    assert {t["visibility"] for t in to_gradescope(result, test_visibility="hidden")["tests"]} == {"hidden"}
    with pytest.raises(ValueError, match="after_published"):
        to_gradescope(result, test_visibility="later")
