"""The instructor's confidence check before release (``deepgrade validate ID``).

For N students (``validate-000``, ``validate-001``, ... under the course secret) it builds each bundle and
checks, top-down:

* ``solution``: the solution version gets full marks;
* ``blank``: the student version, handed in untouched, gets 0;
* ``partly wrong``: the demo's partly wrong submission (``autograder/demo/submissions.py``: one function a
  little off or one blank changed, the folder's ``demo.py`` ``BREAK`` or the engine's choice) loses points
  on the question that function or blank belongs to, and only there;
* ``hostile``: the demo's hostile submission (the attack its folder's ``demo.py`` names) earns nothing, for the
  first student (an attack may cost its time limits);
* ``leak scan``: the bundle passes :func:`autograder.generate.leaks.scan`;
* ``public checks``: the bundle's own ``deepgrade_check.py`` passes on the solution notebook, run as a
  student runs it (a plain Python process in the bundle's folder);
* ``variants``: no two students share a variant (the keys that vary between students).

Every grading runs in one sandbox. :func:`validate` returns a :class:`Validation`; it prints nothing.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.demo import submissions
from autograder.manifest import Manifest, load_manifest

CHECKS = ("solution", "blank", "partly wrong", "hostile", "leak scan", "public checks", "variants")
CLASS_CHECKS = ("hostile", "variants")  # checked once for the whole class, not per student
PUBLIC_TIMEOUT = 300.0  # seconds for one solution's public self-checks


def student_ids(n: int) -> list[str]:
    """The made-up students validation tries: validate-000, validate-001, ..."""
    return [f"validate-{i:03d}" for i in range(n)]


@dataclass
class Failure:
    check: str  # one of CHECKS
    student: str  # "" when the check is about the whole class (variants)
    detail: str


@dataclass
class Validation:
    assignment: str
    students: list[str]
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def failed(self, check: str) -> list[Failure]:
        return [f for f in self.failures if f.check == check]


def wrong_submissions(solution: bytes, manifest: Manifest) -> list[tuple[str, str, bytes]]:
    """(label, declared question, notebook) of each demo wrong submission: the partly wrong one."""
    name = submissions.broken_name(manifest)
    return [("partly wrong", manifest.question_for(name).name, submissions.partly_wrong(solution, manifest))]


def _below_full(result: dict) -> str:
    """The questions that lost points, with their first failing test's first line."""
    parts = []
    for name, q in result["questions"].items():
        if q["score"] < q["max_score"]:
            failing = [t for t in result["tests"] if t["question"] == name and t["status"] != "passed"]
            why = failing[0]["name"] + ": " + (failing[0]["output"] or failing[0]["status"]).strip().split("\n")[0] \
                if failing else ""
            parts.append(f"{name} {q['score']:g}/{q['max_score']:g}" + (f" ({why[:160]})" if why else ""))
    if result.get("error"):
        parts.insert(0, f"could not be graded: {result['error'][:200]}")
    return "; ".join(parts)


def check_solution(result: dict) -> str | None:
    if result["score"] == result["max_score"] and not result.get("error"):
        return None
    return f"{result['score']:g}/{result['max_score']:g}, not full marks: {_below_full(result)}"


def check_blank(result: dict) -> str | None:
    earned = [f"{n} {q['score']:g}/{q['max_score']:g}" for n, q in result["questions"].items() if q["score"] > 0]
    return f"the blank earns {result['score']:g}, not 0: {', '.join(earned)}" if earned else None


def check_wrong(result: dict, question: str) -> str | None:
    """None when ``result`` lost points on ``question`` and nowhere else."""
    problems = []
    q = result["questions"].get(question)
    if q is None:
        problems.append(f"declared question {question!r} is not graded")
    elif q["score"] >= q["max_score"]:
        problems.append(f"loses nothing on its declared question {question} ({q['score']:g}/{q['max_score']:g})")
    elsewhere = {n: r for n, r in result["questions"].items() if n != question and r["score"] < r["max_score"]}
    if elsewhere:
        problems.append(f"loses points elsewhere: {_below_full({**result, 'questions': elsewhere, 'error': None})}")
    if result.get("error"):
        problems.append(f"could not be graded: {result['error'][:200]}")
    return "; ".join(problems) or None


def check_hostile(result: dict, attack: str) -> str | None:
    """None when the hostile submission earned nothing (whether or not it could be graded at all)."""
    if result["score"] == 0:
        return None
    earned = [f"{n} {q['score']:g}/{q['max_score']:g}" for n, q in result["questions"].items() if q["score"] > 0]
    return f"the hostile submission ({attack}) earns {result['score']:g}: {', '.join(earned)}"


def run_public_checks(folder: Path, notebook: str) -> str | None:
    """Run the bundle's ``deepgrade_check.py`` on ``notebook`` in ``folder``; None when every check passes."""
    try:
        done = subprocess.run([sys.executable, "deepgrade_check.py", notebook], cwd=folder, capture_output=True,
                              text=True, timeout=PUBLIC_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"the public checks did not finish in {PUBLIC_TIMEOUT:g} s"
    if done.returncode == 0:
        return None
    lines = [ln for ln in (done.stdout + done.stderr).splitlines() if ln.strip() and not ln.startswith("checking ")]
    bad = [ln for ln in lines if "FAIL" in ln or "PROBLEM" in ln or "raised" in ln or "Error" in ln] or lines[-3:]
    return " | ".join(ln.strip() for ln in bad[:4])


def duplicate_variants(assignment_id: str, students: list[str], secret: bytes) -> list[str]:
    """'a = b' for each student whose variant (the keys that vary) an earlier student already has."""
    from autograder.variants import variant, varying_keys

    keys = varying_keys(assignment_id)
    seen: dict[str, str] = {}
    same = []
    for s in students:
        v = variant(assignment_id, s, secret)
        form = repr([v[k] for k in keys])
        if form in seen:
            same.append(f"{seen[form]} = {s}")
        seen.setdefault(form, s)
    return same


def validate(assignment_id: str, secret: bytes, n_students: int = 20, *, timeout: float | None = None,
             progress: Callable[[str], None] | None = None) -> Validation:
    """Validate ``assignment_id`` for ``n_students`` made-up students (see the module docstring)."""
    from autograder.generate.bundle import build_bundle, write_files
    from autograder.generate.leaks import scan
    from autograder.grading import grade_submission
    from autograder.sandbox import Sandbox, SandboxConfig
    from autograder.variants import space_size

    manifest = load_manifest(assignment_id)
    students = student_ids(n_students)
    report = Validation(assignment_id, students)

    def fail(check: str, student: str, detail: str | None) -> None:
        if detail:
            report.failures.append(Failure(check, student, detail))

    notebook = f"{assignment_id}.ipynb"
    with tempfile.TemporaryDirectory(prefix="deepgrade-validate-") as tmp:
        config = SandboxConfig(hide=(tmp,)) if timeout is None else SandboxConfig(hide=(tmp,), call_timeout=timeout)
        with Sandbox(config) as sandbox:
            for i, student in enumerate(students, 1):
                if progress:
                    progress(f"{assignment_id}: student {i}/{len(students)} ({student})")
                bundle = build_bundle(assignment_id, student, secret, solutions=True)
                folder = Path(tmp) / student
                write_files(folder / "student", bundle.files)
                write_files(folder / "solution", bundle.solution_files)

                def grade(path: Path, student: str = student) -> dict:
                    return grade_submission(path, assignment_id, student, secret, sandbox=sandbox)

                fail("solution", student, check_solution(grade(folder / "solution" / notebook)))
                fail("blank", student, check_blank(grade(folder / "student" / notebook)))
                for label, question, data in wrong_submissions(bundle.solution_files[notebook], manifest):
                    path = folder / f"{label.replace(' ', '_')}.ipynb"
                    path.write_bytes(data)
                    fail(label, student, check_wrong(grade(path), question))
                if i == 1:
                    attack = submissions.attack_for(manifest)
                    path = folder / "hostile.ipynb"
                    path.write_bytes(submissions.hostile(bundle.files[notebook], manifest))
                    fail("hostile", "", check_hostile(grade(path), attack))
                for problem in scan(bundle, secret):
                    fail("leak scan", student, problem)
                fail("public checks", student, run_public_checks(folder / "solution", notebook))
    same = duplicate_variants(assignment_id, students, secret)
    if same:
        fail("variants", "", f"students share a variant ({', '.join(same[:5])}); the variant space holds "
                             f"{space_size(assignment_id)}")
    return report
