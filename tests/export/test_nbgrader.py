"""``deepgrade export ID --format nbgrader``: the source notebook in a real nbgrader course directory,
``nbgrader generate_assignment``, submissions copied in, ``nbgrader autograde``; the gradebook's points per
grade cell are deepgrade's points per question."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.grading import grade_submission
from autograder.manifest import load_manifest

SECRET = b"a-course-secret-for-the-nbgrader-tests"
STUDENT = "bob"
BIN = Path(sys.executable).parent
SLIPS = {"np.add.at(dE, idx, dX)": "dE[idx] += dX", "        db += db_t": "        db = db_t"}


def nbgrader(*args: str, course: Path) -> None:
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}  # nbgrader runs alembic from PATH
    proc = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course directory with bob's variant of rnn as its source, after generate_assignment."""
    course = tmp_path_factory.mktemp("nbgrader") / "course"
    key = course.parent / "course.key"
    key.write_bytes(SECRET)
    res = CliRunner().invoke(main, ["export", "rnn", "--format", "nbgrader", "--out", str(course), "--secret-file",
                                    str(key), "--student", STUDENT])
    assert res.exit_code == 0, res.output
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        "c.CourseDirectory.course_id = 'deepgrade-test'\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.Execute.timeout = 300\n")
    nbgrader("generate_assignment", "rnn", "--force", course=course)
    return course


def notebook(path: Path) -> dict:
    return json.loads(path.read_text())


def text(cell: dict) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_one_grade_cell_per_question_with_its_points(course):
    """Does the source carry one locked grade cell per manifest question, its points and a hidden test?"""
    cells = notebook(course / "source" / "rnn" / "rnn.ipynb")["cells"]
    meta = [c["metadata"]["nbgrader"] for c in cells if "nbgrader" in c["metadata"]]
    assert all(m["schema_version"] == 3 for m in meta)
    assert len({m["grade_id"] for m in meta}) == len(meta)
    grades = [(m["grade_id"], m["points"]) for m in meta if m["grade"]]
    assert grades == [(q.name, q.points) for q in load_manifest("rnn").questions]
    assert all(m["locked"] and not m["solution"] for m in meta if m["grade"])
    hidden = [text(c) for c in cells if c["metadata"].get("nbgrader", {}).get("grade")]
    assert all("### BEGIN HIDDEN TESTS" in h and "question_score" in h for h in hidden)
    assert sum(m["solution"] for m in meta) == 8  # the eight functions of rnn


def test_release_has_no_solution_no_hidden_test_and_no_secret(course):
    """Does the students' release keep blanks only, without the hidden tests, and is the secret nowhere?"""
    release = (course / "release" / "rnn" / "rnn.ipynb").read_text()
    assert "np.add.at(dE, idx, dX)" in (course / "source" / "rnn" / "rnn.ipynb").read_text()
    assert "np.add.at(dE, idx, dX)" not in release and "kernel_grade" not in release
    assert release.count("raise NotImplementedError()") >= 8
    for path in course.rglob("*"):
        if path.is_file() and path.suffix != ".db":
            assert SECRET not in path.read_bytes(), path


def filled(course: Path, slips: dict[str, str]) -> dict:
    """The release with every solution cell answered from the source (with ``slips`` applied)."""
    source = {c["metadata"]["nbgrader"]["grade_id"]: text(c) for c in notebook(course / "source" / "rnn" / "rnn.ipynb")["cells"]
              if c["metadata"].get("nbgrader", {}).get("solution")}
    nb = notebook(course / "release" / "rnn" / "rnn.ipynb")
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            answer = "\n".join(line for line in source[meta["grade_id"]].split("\n")
                               if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
            for right, wrong in slips.items():
                answer = answer.replace(right, wrong)
            cell["source"] = answer
    return nb


def test_autograde_gives_deepgrades_points(course):
    """Do nbgrader's grade cells score the solution full, the blank zero and a partly wrong notebook as
    deepgrade does, question by question?"""
    from nbgrader.api import Gradebook

    submissions = {"solution": filled(course, {}),
                   "blank": notebook(course / "release" / "rnn" / "rnn.ipynb"),
                   "wrong": filled(course, SLIPS)}
    assert json.dumps(submissions["wrong"]).count("dE[idx] += dX") == 1
    for who, nb in submissions.items():
        folder = course / "submitted" / who / "rnn"
        folder.mkdir(parents=True)
        (folder / "rnn.ipynb").write_text(json.dumps(nb))
    nbgrader("autograde", "rnn", "--create", course=course)

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        points = {who: {g.name: g.auto_score for g in gb.find_submission_notebook("rnn", "rnn", who).grades}
                  for who in submissions}
    full = {q.name: q.points for q in load_manifest("rnn").questions}
    assert points["solution"] == pytest.approx(full)
    assert points["blank"] == pytest.approx(dict.fromkeys(full, 0.0))
    for who in submissions:
        result = grade_submission(course / "submitted" / who / "rnn" / "rnn.ipynb", "rnn", STUDENT, SECRET)
        assert points[who] == pytest.approx({k: q["score"] for k, q in result["questions"].items()}, abs=1e-6), who
    assert 0 < points["wrong"]["embedding"] < full["embedding"]
    assert 0 < points["wrong"]["rnn_sequence"] < full["rnn_sequence"]
