"""Does ``deepgrade demo`` run end to end: generate, submit, grade in a batch, report?"""

import csv
import os
import subprocess
import sys

from autograder.demo import CLASS
from autograder.gradebook import Gradebook
from autograder.manifest import ASSIGNMENT_IDS


def test_demo_grades_a_class_end_to_end(tmp_path):
    out = tmp_path / "demo"
    out.mkdir()
    (out / "keep.txt").write_text("not the demo's")  # the demo replaces only its own paths
    res = subprocess.run([sys.executable, "-m", "autograder.cli", "demo", "--out", str(out)],
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "COLUMNS": "160"})  # fmt: skip
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert "PUBLIC demo secret" in res.stdout
    assert f"{out / 'feedback'}/<assignment>/<student>.md" in res.stdout
    assert "The demo class's gradebook" in res.stdout
    assert (out / "keep.txt").read_text() == "not the demo's"

    with Gradebook(out / "grades.sqlite") as gb:
        grades = {(g.assignment, g.student): g for g in gb.current()}
    assert set(grades) == {(a, s) for a in ASSIGNMENT_IDS for s in CLASS}
    role = {r: s for s, r in CLASS.items()}
    for aid in ASSIGNMENT_IDS:
        solution, blank = grades[aid, role["solution"]], grades[aid, role["blank"]]
        wrong, hostile = grades[aid, role["partly wrong"]], grades[aid, role["hostile"]]
        assert solution.score == solution.max_score > 0, (aid, solution.feedback)
        assert 0 < wrong.score < wrong.max_score, (aid, wrong.feedback)
        assert hostile.score <= blank.score, (aid, hostile.feedback)  # an attack gains nothing
        assert hostile.status != "grader-error", (aid, hostile.error)
        for student in CLASS:
            text = (out / "feedback" / aid / f"{student}.md").read_text()
            assert text == grades[aid, student].feedback and text.startswith(f"# {aid}: feedback for {student}")

    rows = list(csv.reader((out / "grades.csv").open()))
    assert rows[0][0] == "student_id" and rows[0][-1] == "total"
    assert [r[0] for r in rows[1:]] == sorted(CLASS)


def test_each_folder_names_its_own_attack():
    """Does each assignment's hostile submission make the attack its folder's demo.py names, every attack
    made by some built-in assignment, and the default attack where a folder has no demo.py?"""
    from autograder.demo import submissions
    from autograder.folders import assignment_module
    from autograder.manifest import Manifest, load_manifest

    attacks = {a: submissions.attack_for(load_manifest(a)) for a in ASSIGNMENT_IDS}
    assert attacks == {a: assignment_module(a, "demo").HOSTILE for a in ASSIGNMENT_IDS}
    assert set(attacks.values()) == set(submissions.ATTACKS)
    no_folder = Manifest("nofolder", "t", load_manifest("rnn").questions)
    assert submissions.attack_for(no_folder) == submissions.DEFAULT_ATTACK
