"""The ``run_autograder`` of an exported Gradescope autograder: ``python -I -m autograder.export.gradescope_run``.

Gradescope starts a fresh container per submission and runs ``/autograder/run_autograder`` as root in
``/autograder`` (docs: "Autograder Specifications"). This job:

1. reads ``source/deepgrade.json`` (assignment, identity field, test visibility, required protections)
   and the course secret ``source/deepgrade.key``, and makes ``/autograder`` root-only (mode 0700): the
   sandbox's children run as uid 65534, so file modes alone keep everything there from them, and
   Landlock (where the kernel has it) and the sandbox's hidden paths do so again;
2. takes the student id from ``submission_metadata.json``: ``users[0][identity]``. A group submission
   is graded once, as its first member's variant; Gradescope gives the score to every member;
3. finds the one notebook (or .py) in ``submission/``: none, two, a renamed one or an unreadable one is
   a clear message and score 0;
4. grades it in the sandbox, refusing to grade (score 0, "tell your course staff") when a required
   protection is off in this container, and writes ``results/results.json`` atomically, so a file that
   student code may have left there is replaced.

One process per submission makes start-up the cost that counts: the grading engine (pytest, the
suite's imports) is imported in a thread while the sandbox's fork server starts in another process.
Nothing here imports click or rich. ``--check`` (run by ``setup.sh``) checks the install and says which
protections the sandbox has. ``$DEEPGRADE_GS_ROOT`` replaces ``/autograder``, for tests only.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
import time
import traceback
from pathlib import Path

from autograder.export import job_files

ROOT_ENV = "DEEPGRADE_GS_ROOT"
KEY_FILE = "deepgrade.key"  # as in autograder.export.gradescope (not imported: it pulls in the exporter)
CONFIG_FILE = "deepgrade.json"
MAX_METADATA_BYTES = 64 << 20  # previous_submissions holds every earlier results.json; Gradescope writes it
MAX_ENTRIES = 2000  # files looked at in submission/ (an upload of a whole tree must not stall the grader)
MAX_DEPTH = 3
IGNORED_DIRS = ("__MACOSX", ".ipynb_checkpoints", "__pycache__")
SUPPORT_FILES = ("deepgrade_check.py", "deepgrade_gradcheck.py", "deepgrade_submit.py")  # + <id>_given.py
STAFF = "The autograder could not grade this submission (a problem on the course's side, not in your work); " \
        "your course staff have been told in the autograder's log. Please tell them too."


class NotGradable(Exception):
    """The student's submission cannot be graded; the message tells the student why (score 0)."""


def read_secret(source: Path) -> bytes:
    return job_files.read_secret(source / KEY_FILE)


def students(metadata: dict, identity: str) -> list[str]:
    """The deepgrade student id of each user of the submission (``users[i][identity]``), first user first."""
    from autograder.variants import check_student_id

    users = metadata.get("users")
    if not isinstance(users, list) or not users or not all(isinstance(u, dict) for u in users):
        raise RuntimeError("submission_metadata.json has no users list")
    ids = []
    for i, user in enumerate(users):
        value = user.get(identity)
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            raise RuntimeError(f"submission_metadata.json: users[{i}] has no {identity!r} (the autograder was "
                               f"exported with --identity {identity}; fields there: {', '.join(sorted(user))})")
        ids.append(str(value).strip())
    try:
        check_student_id(ids[0])
    except ValueError as exc:
        raise RuntimeError(f"submission_metadata.json: users[0].{identity}: {exc}") from None
    return ids


def _files(folder: Path) -> tuple[list[str], list[str]]:
    """(regular files, links and other non-files) under ``folder``, as relative paths; bounded walk."""
    files, odd, seen = [], [], 0
    stack = [(folder, 0)]
    while stack:
        here, depth = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if seen > MAX_ENTRIES:
                return files, odd
            if entry.name.startswith(".") or entry.name in IGNORED_DIRS:
                continue
            rel = os.path.relpath(entry.path, folder)
            if entry.is_dir(follow_symlinks=False):
                if depth < MAX_DEPTH:
                    stack.append((Path(entry.path), depth + 1))
            elif entry.is_file(follow_symlinks=False):
                files.append(rel)
            else:
                odd.append(rel)
    return files, odd


def find_submission(folder: Path, assignment: str) -> Path:
    """The one notebook (``<id>.ipynb``) or Python file (``<id>.py``) in ``folder``; NotGradable otherwise."""
    from autograder.grading.text import clean

    expected = (f"{assignment}.ipynb", f"{assignment}.py")
    support = (*SUPPORT_FILES, f"{assignment}_given.py")
    files, odd = _files(folder)
    code = [p for p in files + odd if p.lower().endswith((".ipynb", ".py")) and os.path.basename(p) not in support]

    def names(paths, n=8):
        shown = ", ".join(clean(p)[:80] for p in paths[:n])
        return shown + (f" and {len(paths) - n} more" if len(paths) > n else "")

    if not code:
        found = f"it holds {names(files + odd)}" if files or odd else "it is empty"
        raise NotGradable(f"no notebook was found in your submission ({found}); submit {expected[0]} "
                          f"(or {expected[1]})")
    if len(code) > 1:
        raise NotGradable(f"{len(code)} notebooks or Python files were submitted ({names(code)}); submit only "
                          f"{expected[0]} (or {expected[1]}), so that it is clear which one to grade")
    (rel,) = code
    if os.path.basename(rel) not in expected:
        raise NotGradable(f"the submitted file is named {clean(os.path.basename(rel))[:80]}, not {expected[0]} "
                          f"(or {expected[1]}); submit your notebook under the name it was given")
    path = folder / rel
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotGradable(f"{clean(rel)[:80]} is not a regular file (a link?); submit the notebook itself")
    return path


def _use_course(source: Path) -> None:
    """The course folder the export shipped (``source/course``), for an assignment of a course."""
    from autograder.export.course_files import activate

    activate(source)


def _preload(assignment: str) -> None:
    """Import what grading needs (pytest, the engine, the suite's helpers and the reference) while the
    sandbox starts; an import that fails here fails again, with its message, where grading needs it."""
    import importlib.util

    try:
        importlib.import_module("autograder.grading.engine")
        importlib.import_module("autograder.suites._support")
        if importlib.util.find_spec(f"reference.{assignment}") is not None:
            importlib.import_module(f"reference.{assignment}")
    except Exception:
        pass


def _result_of_nothing(assignment: str, student: str, message: str) -> dict:
    """What ``grade_submission`` returns for a submission that could not be read: every question 0."""
    from autograder.grading.score import all_failed
    from autograder.grading.text import clean
    from autograder.manifest import load_manifest

    result = {"assignment": assignment, "student": student, "variant": {}, "warnings": [], "error": clean(message)}
    result.update(all_failed(load_manifest(assignment), f"Your submission could not be graded: {clean(message)}"))
    return result


def grade(root: Path) -> dict:
    """Grade the submission laid out under ``root`` (Gradescope's ``/autograder``); Gradescope's results.

    The order is the fast one: the sandbox's fork server is launched as soon as its module is imported,
    and the engine is imported in a thread while that process starts on the other core.
    """
    start = time.perf_counter()
    source = root / "source"
    _use_course(source)
    config = job_files.read_json_object(source / CONFIG_FILE, 1 << 16, "autograder config")
    assignment, visibility = str(config["assignment"]), str(config.get("visibility", "after_published"))
    secret = read_secret(source)
    metadata = job_files.read_json_object(root / "submission_metadata.json", MAX_METADATA_BYTES, "submission metadata")
    if os.geteuid() == 0:  # uid 65534 may not even enter /autograder: file modes alone, Landlock or not, keep
        os.chmod(root, 0o700)  # the secret, the metadata, the submission and the results from student code
    preload = threading.Thread(target=_preload, args=(assignment,), name="deepgrade-preload", daemon=True)
    from autograder.sandbox import Sandbox, SandboxConfig

    preload.start()
    with Sandbox(SandboxConfig(hide=(str(root),))) as sandbox:
        preload.join()
        members = students(metadata, str(config.get("identity", "email")))
        try:
            path = find_submission(root / "submission", assignment)
        except NotGradable as exc:
            result = _result_of_nothing(assignment, members[0], str(exc))
        else:
            result = _grade_sandboxed(sandbox, path, assignment, members[0], secret, str(config.get("require", "")))
    from autograder.grading.formats import summary, to_gradescope

    result["duration_s"] = time.perf_counter() - start
    output = summary(result)
    if len(members) > 1:
        output += (f"\nGroup submission: graded once, as the variant of {members[0]}; Gradescope gives this "
                   f"score to all {len(members)} members.")
    return to_gradescope(result, test_visibility=visibility, output=output)


def _grade_sandboxed(sandbox, path: Path, assignment: str, student: str, secret: bytes, require: str) -> dict:
    from autograder.grading import grade_submission
    from autograder.sandbox.requirements import parse, refusal

    message = refusal(sandbox.protections, parse(require))
    if message:
        raise RuntimeError(message)
    return grade_submission(path, assignment, student, secret, sandbox=sandbox)


def failure_results(message: str) -> dict:
    """Results for a grader fault: score 0, the student told to ask staff; the detail only in the log."""
    return {"score": 0.0, "output": STAFF, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden", "tests": [], "extra_data": {"grader_error": message[:2000]}}


def write_results(root: Path, results: dict) -> Path:
    from autograder.grading.formats import write_json

    return write_json(root / "results" / "results.json", results)


def check(root: Path) -> int:
    """For ``setup.sh``: can this install grade? Config, secret, manifest, engine, and the sandbox's protections."""
    from autograder.manifest import load_manifest
    from autograder.sandbox import Sandbox, SandboxConfig
    from autograder.sandbox.requirements import parse, refusal

    source = root / "source"
    _use_course(source)
    config = job_files.read_json_object(source / CONFIG_FILE, 1 << 16, "autograder config")
    read_secret(source)
    manifest = load_manifest(str(config["assignment"]))
    import autograder.grading.engine  # noqa: F401

    with Sandbox(SandboxConfig(hide=(str(root),))) as sandbox:
        protections, warnings = sandbox.protections, sandbox.warnings
    print(f"deepgrade autograder for {manifest.id} ({manifest.title}): installed")
    print("protections here: " + json.dumps(protections, indent=1))
    for w in warnings:
        print(f"warning: {w}")
    message = refusal(protections, parse(str(config.get("require", ""))))
    if message:  # the image build may have fewer rights than a grading container: warn, do not fail
        print("warning: at build time " + message)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(os.environ.get(ROOT_ENV) or "/autograder")
    if argv == ["--check"]:
        return check(root)
    if argv:
        print("usage: python -m autograder.export.gradescope_run [--check]", file=sys.stderr)
        return 2
    try:
        results, status = grade(root), 0
    except Exception as exc:  # a broken autograder: say so, never leave Gradescope without results
        traceback.print_exc()
        results, status = failure_results(f"{type(exc).__name__}: {exc}"), 1
    write_results(root, results)
    print(results["output"])
    return status


if __name__ == "__main__":
    sys.exit(main())
