"""Do the hostile classes gain nothing in the places courses grade (issue 9), for real?

Each mode runs ``_mode_driver.py`` in a real process set up as that place is:

- mode 2, Gradescope-like: root under ``capsh --drop=cap_sys_admin`` and the seccomp filter
  Docker's default profile gives a container without CAP_SYS_ADMIN (no new namespaces);
- mode 3, TA laptop: the unprivileged user ``ta``, user namespaces available;
- mode 4, JupyterHub-like: the unprivileged user ``ta`` under the same Docker-like filter.

(Mode 1, root with bubblewrap, is what the rest of tests/sandbox runs in.) As root the tests
create ``ta`` and a venv of Debian's python3 that every user may read (/var/tmp, made once,
reused); as an unprivileged user they run modes 3 and 4 as that user. In every mode each
attack fails, or the protection that would stop it is reported off (and warned about) -- never
silently; a submission importing the reference scores 0; an honest function still works.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

from autograder.sandbox import seccomp

REPO = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("_mode_driver.py")
VENV = Path("/var/tmp/deepgrade-modes-venv")
PACKAGES = [f"numpy=={numpy.__version__}", "pytest", "nbformat", "click", "rich"]
USER = "ta"

# attack -> the protection that must stop it (if that protection is reported off, the attack may succeed)
GUARDS = {
    "read_reference": "hidden_paths", "import_reference": "hidden_paths", "read_hidden_suite": "hidden_paths",
    "read_secret_file": "hidden_paths", "read_grader_home": "hidden_paths", "read_grader_environ": "hidden_paths",
    "tcp": "network_isolated", "udp": "network_isolated",
    "delete_gradebook": "readonly_filesystem", "overwrite_gradebook": "readonly_filesystem",
    "kill_grader": "signals",
}
SUCCESS = ("read:", "imported:", "connected", "sent", "deleted", "written", "signalled")


def _run(argv, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="session")
def mode_python() -> str:
    """An interpreter with what grading needs (numpy, pytest, nbformat, click, rich) that ``ta`` and
    ``nobody`` may read."""
    if os.geteuid() != 0:
        return sys.executable
    stamp = VENV / ".deepgrade-packages"
    if stamp.exists() and stamp.read_text() == " ".join(PACKAGES):
        return str(VENV / "bin" / "python")
    system = shutil.which("python3", path="/usr/bin:/bin")
    if not system:
        pytest.skip("modes 2-4 need Debian's python3 (apt-get install python3 python3-venv); none in /usr/bin")
    shutil.rmtree(VENV, ignore_errors=True)
    made = _run([system, "-m", "venv", str(VENV)])
    if made.returncode == 0:
        made = _run([str(VENV / "bin" / "pip"), "install", "-q", *PACKAGES])
    if made.returncode != 0:
        pytest.skip(f"cannot make a venv for modes 2-4 here: {made.stderr.strip()[-300:]}")
    stamp.write_text(" ".join(PACKAGES))
    _run(["chmod", "-R", "a+rX", str(VENV)])
    return str(VENV / "bin" / "python")


@pytest.fixture(scope="session")
def user() -> list[str]:
    """argv prefix that runs a command as the unprivileged user (nothing when we are not root)."""
    if os.geteuid() != 0:
        return ["env"]
    try:
        pwd.getpwnam(USER)
    except KeyError:
        if _run(["useradd", "-m", USER]).returncode != 0:
            pytest.skip(f"cannot create the unprivileged user {USER!r} (useradd failed)")
    home = pwd.getpwnam(USER).pw_dir
    prefix = ["runuser", "-u", USER, "--", "env", "-i", "PATH=/usr/bin:/bin", f"HOME={home}"]
    if _run(prefix + ["test", "-r", str(REPO / "autograder" / "__init__.py")]).returncode != 0:
        pytest.skip(f"{USER} cannot read the checkout at {REPO}; make it readable to run modes 3 and 4")
    return prefix


def _drive(argv: list[str]) -> dict:
    done = _run(argv, cwd="/tmp", env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _userns_available(prefix) -> bool:
    return _run(prefix + ["unshare", "--user", "true"]).returncode == 0


def _check(report: dict, mode: str):
    p, results, warnings = report["protections"], report["results"], report["warnings"]
    print(f"\n{mode}: " + json.dumps(p, indent=1) + "\nwarnings: " + json.dumps(warnings, indent=1))
    for attack, guard in GUARDS.items():
        won = str(results[attack]).startswith(SUCCESS)
        if won:
            assert not p.get(guard), f"{mode}: {attack} succeeded ({results[attack]}) though {guard} is reported on"
            assert warnings, f"{mode}: {attack} succeeded and nothing was said"
    if p["readonly_filesystem"]:
        assert results["gradebook_intact"], mode
    assert not results["secret_in_output"], mode
    assert report["thief_score"][0] == 0, f"{mode}: importing the reference scored {report['thief_score']}"
    assert report["control"] == 45.0, f"{mode}: an honest function failed"
    assert isinstance(results["fork_bomb_started"], int) and results["fork_bomb_started"] < 64, results
    assert results["fork_bomb_started"] == 0 or results["fork_bomb_running"] > 0, results  # the count sees them
    if p["pid_namespace"] and p["process_limit"]:
        assert results["fork_bomb_survivors"] == 0, f"{mode}: the fork bomb's processes outlived it"


def _mode_2(mode_python, command: str) -> list[str]:
    """argv running ``command`` (a shell line) as root without CAP_SYS_ADMIN under the Docker-like filter."""
    if os.geteuid() != 0:
        pytest.skip("mode 2 needs root to simulate (this run is unprivileged)")
    if not shutil.which("capsh"):
        pytest.skip("mode 2 needs capsh (apt-get install libcap2-bin)")
    if not seccomp.machine():
        pytest.skip(f"no seccomp filter for {os.uname().machine} (x86_64 and aarch64 only)")
    return [mode_python, str(DRIVER), "--docker-like", "capsh", "--drop=cap_sys_admin", "--", "-c", command]


def test_mode_2_gradescope_like_root_without_cap_sys_admin(mode_python):
    report = _drive(_mode_2(mode_python, f"exec {mode_python} {DRIVER}"))
    p = report["protections"]
    assert p["bwrap"] is False and p["user_namespace"] is False, p  # bubblewrap cannot start there
    assert p["unprivileged_user"] == "uid 65534", p
    _check(report, "mode 2")


def test_mode_3_ta_laptop_unprivileged_with_user_namespaces(mode_python, user):
    if not _userns_available(user):
        pytest.skip("mode 3 needs user namespaces, which this machine refuses to an unprivileged user")
    report = _drive(user + [f"PYTHONPATH={REPO}", mode_python, str(DRIVER)])
    assert report["uid"] != 0
    if shutil.which("bwrap"):
        assert report["protections"]["bwrap"], report["warnings"]
    _check(report, "mode 3")


def test_mode_4_jupyterhub_like_unprivileged_without_user_namespaces(mode_python, user):
    if not seccomp.machine():
        pytest.skip(f"no seccomp filter for {os.uname().machine} (x86_64 and aarch64 only)")
    report = _drive(user + [f"PYTHONPATH={REPO}", mode_python, str(DRIVER), "--docker-like", mode_python,
                            str(DRIVER)])
    p = report["protections"]
    assert report["uid"] != 0 and p["bwrap"] is False and p["user_namespace"] is False, p
    _check(report, "mode 4")


def test_mode_2_doctor_names_the_missing_pid_namespace_and_grade_refuses_without_it(mode_python, tmp_path):
    sub = tmp_path / "alice.py"
    sub.write_text("def rnn_step_forward(*args):\n    return 0\n")
    cli = f"{mode_python} -m autograder.cli"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    doctor = _run(_mode_2(mode_python, f"{cli} doctor --json --require hidden-files,no-network,pid-namespace"),
                  env=env, cwd="/tmp")
    assert doctor.returncode == 1, doctor.stderr[-2000:]
    report = json.loads(doctor.stdout)
    assert report["missing"] == ["pid-namespace"] and "container" in report["mode"], report
    assert all(report["requirements"][n] for n in ("hidden-files", "no-network", "read-only-files", "unprivileged"))
    graded = _run(_mode_2(mode_python, f"{cli} grade {sub} -a rnn -s alice --demo --require hidden-files,pid-namespace"),
                  env=env, cwd="/tmp")
    assert graded.returncode == 1 and "refusing to grade" in graded.stderr and "pid-namespace" in graded.stderr
    assert "total" not in graded.stdout  # nothing was graded
    allowed = _run(_mode_2(mode_python, f"{cli} grade {sub} -a rnn -s alice --demo --require hidden-files,no-network"),
                   env=env, cwd="/tmp")
    assert allowed.returncode == 0 and "total" in allowed.stdout, allowed.stderr[-2000:]
