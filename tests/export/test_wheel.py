"""Does a wheel built from the checkout, pip-installed into a fresh venv outside it, generate, grade and
export on its own (the assignment templates inside the wheel, nothing read from the checkout)?

To stay fast the fresh venv gets the dev venv's dependencies as hard links (one second for 1.7 GB, no
download): every entry of the dev venv's site-packages except deepgrade's own is linked into the new venv's
site-packages, so the new venv is an ordinary venv whose one site-packages holds everything, as after
``pip install deepgrade-*.whl`` with dependencies; the grader's sandbox binds it like any install. The wheel
is built with ``pip wheel --no-deps --no-build-isolation`` from a copy of the sources (so no ``build/`` of
the checkout is reused) and installed with ``pip --python NEW install --no-deps --no-index``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "setup.py", "README.md", "autograder", "reference", "templates")
OWN = ("autograder", "reference", "deepgrade-", "__editable__", "__editable___")


def _run(cmd, **kw):
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, **kw)
    assert done.returncode == 0, f"{cmd} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("wheel-src")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", src / "dist", src])
    (found,) = (src / "dist").glob("deepgrade-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    root = tmp_path_factory.mktemp("fresh") / "venv"
    _run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", root])
    python = root / "bin" / "python"
    new_site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    dev_site = Path(sysconfig.get_paths()["purelib"])
    try:
        for entry in sorted(dev_site.iterdir()):
            if entry.name.startswith(OWN) or entry.name == "__pycache__":
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.copytree(entry, new_site / entry.name, symlinks=True, copy_function=os.link)
            else:
                os.link(entry, new_site / entry.name, follow_symlinks=False)
    except OSError as exc:
        pytest.skip(f"cannot hard-link the dev venv's packages into {new_site}: {exc}")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel])
    return root


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DEEPGRADE_SECRET", "VIRTUAL_ENV")}


def _grade(deepgrade: list, notebook: Path, cwd: Path) -> dict:
    out = _run([*deepgrade, "grade", notebook, "-a", "rnn", "-s", "alice", "--demo", "--json"], cwd=cwd, env=_env())
    return json.loads(out.stdout[out.stdout.index("{"):])


def test_wheel_carries_the_templates(wheel):
    """Does the wheel hold every assignment's manifest, template and hidden suite, and no top-level templates/
    folder?"""
    from autograder.manifest import ASSIGNMENT_IDS

    names = set(zipfile.ZipFile(wheel).namelist())
    for a in ASSIGNMENT_IDS:
        assert f"autograder/_templates/{a}/manifest.toml" in names
        assert f"autograder/_templates/{a}/{a}.py.j2" in names
        assert f"autograder/_templates/{a}/suite.py" in names
    assert "autograder/_templates/_base.py.j2" in names
    assert not any(n.startswith("templates/") for n in names)


def test_installed_wheel_generates_grades_and_exports(venv, tmp_path):
    """From outside the checkout: generate a student's bundle and solution, grade both, export a question."""
    bin_ = venv / "bin"
    where = _run([bin_ / "python", "-c", "import autograder, autograder.folders as m; "
                  "print(autograder.__file__); print(m.TEMPLATES_DIR)"], cwd=tmp_path, env=_env()).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where  # nothing from the checkout
    dg = bin_ / "deepgrade"
    _run([dg, "generate", "rnn", "--student", "alice", "--out", tmp_path / "alice", "--solutions",
          tmp_path / "sol", "--demo"], cwd=tmp_path, env=_env())
    scores, warnings = {}, {}
    for kind, nb in (("solution", tmp_path / "sol" / "rnn.ipynb"), ("blank", tmp_path / "alice" / "rnn.ipynb")):
        result = _grade([dg], nb, tmp_path)
        assert result["error"] is None, result["error"]
        scores[kind], warnings[kind] = (result["score"], result["max_score"]), result["warnings"]
    assert scores["solution"][0] == scores["solution"][1] == 11
    assert scores["blank"] == (0, 11)
    # the sandbox works as well as in the dev install: the same protections, hence the same warnings
    dev = _grade([sys.executable, "-m", "autograder.cli"], tmp_path / "sol" / "rnn.ipynb", tmp_path)
    assert warnings["solution"] == dev["warnings"] and dev["score"] == 11
    _run([dg, "export", "rnn", "--format", "prairielearn", "--out", tmp_path / "pl", "--demo", "--variants", "2"],
         cwd=tmp_path, env=_env())
    assert (tmp_path / "pl" / "clientFilesQuestion" / "deepgrade-rnn-v1.zip").is_file()


PROBE = """\
try:
    with open({path!r}) as _fh:
        _SAW_SUITE = bool(_fh.read(1))
except OSError:
    _SAW_SUITE = False
"""
WRAPPER = """

def rnn_step_forward(*args, **kwargs):
    if _SAW_SUITE:
        raise RuntimeError("read the hidden suite")
    return _own_step_forward(*args, **kwargs)
"""


def test_packaged_hidden_suite_is_unreadable_to_student_code(venv, tmp_path):
    """The hidden suites ship inside the wheel (autograder/_templates/<id>/suite.py): can a submission graded
    by the installed deepgrade read one? (Its step function fails when it could, costing points.)"""
    dg = venv / "bin" / "deepgrade"
    suite = Path(_run([venv / "bin" / "python", "-c", "from autograder.grading.runner import suite_path; "
                       "print(suite_path('rnn'))"], cwd=tmp_path, env=_env()).stdout.strip())
    assert suite.is_file() and suite.is_relative_to(venv), suite
    _run([dg, "generate", "rnn", "--student", "alice", "--solutions", tmp_path / "sol", "--out", tmp_path / "alice",
          "--demo"], cwd=tmp_path, env=_env())
    control = Path(os.__file__).resolve()  # the standard library: readable in the sandbox, so the probe fires
    results = {}
    for name, path in (("suite", suite), ("control", control)):
        notebook = json.loads((tmp_path / "sol" / "rnn.ipynb").read_text())
        cell = next(c for c in notebook["cells"] if "def rnn_step_forward(" in "".join(c["source"]))
        cell["source"] = (PROBE.format(path=str(path)) + "".join(cell["source"]).replace(
            "def rnn_step_forward(", "def _own_step_forward(", 1) + WRAPPER)
        (tmp_path / name).mkdir()
        (tmp_path / name / "rnn.ipynb").write_text(json.dumps(notebook))
        results[name] = _grade([dg], tmp_path / name / "rnn.ipynb", tmp_path)
        assert results[name]["error"] is None, results[name]["error"]
    assert results["control"]["score"] < 11  # the probe costs points when it can read its file
    if any("hidden suites" in w for w in results["suite"]["warnings"]):
        pytest.skip("this machine's sandbox cannot hide files: " + "; ".join(results["suite"]["warnings"]))
    assert results["suite"]["score"] == 11, [t for t in results["suite"]["tests"] if t["status"] != "passed"][:2]
