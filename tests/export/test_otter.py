"""``deepgrade export ID --format otter``: the master notebook goes through real ``otter assign``, and real
``otter run`` on its autograder zip gives the points ``deepgrade grade`` gives (Docker is absent here, so
never ``otter grade``)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.export.notebook_parts import split_questions
from autograder.export.otter import solution_source
from autograder.generate.cells import parse_percent
from autograder.generate.render import render
from autograder.grading import grade_submission
from autograder.manifest import ASSIGNMENT_IDS, load_manifest
from autograder.variants import DEMO_SECRET, variant

SECRET = b"a-course-secret-for-the-otter-tests"
STUDENT = "alice"
OTTER = str(Path(sys.executable).with_name("otter"))


def otter(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    proc = subprocess.run([OTTER, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


@pytest.fixture(scope="module")
def assigned(tmp_path_factory):
    """The export for alice's variant of rnn, after ``otter assign rnn.ipynb dist``."""
    out = tmp_path_factory.mktemp("otter") / "rnn"
    key = out.parent / "course.key"
    key.write_bytes(SECRET)
    res = CliRunner().invoke(main, ["export", "rnn", "--format", "otter", "--out", str(out), "--secret-file",
                                    str(key), "--student", STUDENT])
    assert res.exit_code == 0, res.output
    otter("assign", "rnn.ipynb", "dist", cwd=out)
    return out


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_master_declares_each_manifest_question_with_its_points(assigned):
    """Does the master have an ASSIGNMENT CONFIG and one BEGIN QUESTION per manifest question, in order?"""
    raw = [text(c) for c in cells(assigned / "rnn.ipynb") if c["cell_type"] == "raw"]
    assert raw[0].startswith("# ASSIGNMENT CONFIG")
    questions = [r.split("\n")[1:3] for r in raw if r.startswith("# BEGIN QUESTION")]
    assert questions == [[f"name: {q.name}", f"points: {q.points:g}"] for q in load_manifest("rnn").questions]


def test_student_version_has_no_solution_no_hidden_test_and_no_secret(assigned):
    """Does otter's student folder hold the blanks, the public tests only, and nothing secret?"""
    student = assigned / "dist" / "student"
    nb = (student / "rnn.ipynb").read_text()
    assert "np.add.at(dE, idx, dX)" in (assigned / "dist" / "autograder" / "rnn.ipynb").read_text()
    assert "np.add.at(dE, idx, dX)" not in nb
    assert "kernel_grade" not in nb
    assert {p.name for p in student.iterdir()} >= {"rnn.ipynb", "rnn_given.py", "rnn_public.json", "deepgrade_check.py"}
    for path in [*assigned.rglob("*")]:
        if path.is_file() and path.name != "course.key":
            assert SECRET not in path.read_bytes(), path


def broken(solution: Path, out: Path) -> Path:
    """The solution with two common slips: fancy-index assignment in embedding_backward (repeated words lose
    gradient) and db overwritten instead of accumulated in rnn_backward."""
    nb = json.loads(solution.read_text())
    slips = {"np.add.at(dE, idx, dX)": "dE[idx] += dX", "        db += db_t": "        db = db_t"}
    done = 0
    for cell in nb["cells"]:
        source = text(cell)
        for right, wrong in slips.items():
            if right in source:
                source, done = source.replace(right, wrong), done + 1
        cell["source"] = source
    assert done == len(slips)
    out.mkdir(parents=True)
    (out / "rnn.ipynb").write_text(json.dumps(nb))
    return out / "rnn.ipynb"


def otter_points(assigned: Path, notebook: Path, out: Path) -> dict[str, float]:
    """Per-question points of real ``otter run`` with the autograder zip (results.json, Gradescope's form)."""
    out.mkdir(parents=True)
    (zip_path,) = (assigned / "dist" / "autograder").glob("*.zip")
    otter("run", "-a", str(zip_path), "-o", str(out), "--no-logo", str(notebook), cwd=out)
    tests = json.loads((out / "results.json").read_text())["tests"]
    return {t["name"]: t["score"] for t in tests if t["name"] != "Public Tests"}


def deepgrade_points(notebook: Path) -> dict[str, float]:
    result = grade_submission(notebook, "rnn", STUDENT, SECRET)
    return {name: q["score"] for name, q in result["questions"].items()}


def test_otter_run_gives_deepgrades_points(assigned, tmp_path):
    """Does otter run give the solution full marks, the blank zero, and a partly wrong notebook deepgrade's
    points for each question?"""
    manifest = load_manifest("rnn")
    full = {q.name: q.points for q in manifest.questions}
    solution = assigned / "dist" / "autograder" / "rnn.ipynb"
    blank = assigned / "dist" / "student" / "rnn.ipynb"
    wrong = broken(solution, tmp_path / "wrong")

    assert otter_points(assigned, solution, tmp_path / "out-solution") == pytest.approx(full)
    assert otter_points(assigned, blank, tmp_path / "out-blank") == pytest.approx(dict.fromkeys(full, 0.0))

    got = otter_points(assigned, wrong, tmp_path / "out-wrong")
    expected = deepgrade_points(wrong)
    assert got == pytest.approx(expected, abs=1e-4)
    assert 0 < expected["embedding"] < full["embedding"] and 0 < expected["rnn_sequence"] < full["rnn_sequence"]
    assert expected["rnn_step"] == full["rnn_step"] and expected["readout"] == full["readout"]


@pytest.mark.parametrize("assignment", ASSIGNMENT_IDS)
def test_every_assignment_splits_into_its_manifest_questions(assignment):
    """Does every assignment's rendering split into its manifest's questions, each with an answer cell?"""
    manifest = load_manifest(assignment)
    parts = split_questions(manifest, parse_percent(render(manifest, variant(assignment, "demo", DEMO_SECRET))))
    assert [p.question.name for p in parts if p.question] == [q.name for q in manifest.questions]


def test_a_placeholder_stays_for_students_and_the_solution_replaces_it():
    """Does a student region (quiz's ``z = None``) stay before an otter NO PROMPT solution?"""
    source = "# answer\n### BEGIN STUDENT\nz = None\n### END STUDENT\n### BEGIN SOLUTION\nz = -0.3\n### END SOLUTION"
    assert solution_source(source) == "# answer\nz = None\n# BEGIN SOLUTION NO PROMPT\nz = -0.3\n# END SOLUTION"
    body = "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"
    assert solution_source(body) == "def f(x):\n    # YOUR CODE HERE\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION"
