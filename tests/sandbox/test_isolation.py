"""Isolation: the child sees only the Python runtime (an allowlist), and nothing crosses between students."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import autograder
from autograder.cli import main
from autograder.grading.runner import suite_path
from autograder.sandbox import Sandbox, SandboxConfig, StudentError, load_submission

REPO = Path(autograder.__file__).resolve().parents[1]
FAST = dict(call_timeout=20.0, cell_timeout=20.0, run_timeout=60.0)

LOOK = """
import os, subprocess, sys

def read(path):
    try:
        with open(path, "rb") as f:
            return "read " + f.read(40).decode(errors="replace")
    except OSError as e:
        return type(e).__name__

def listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError as e:
        return type(e).__name__

def run(argv):
    try:
        return subprocess.run(argv, capture_output=True, timeout=5).returncode
    except OSError as e:
        return type(e).__name__

def import_from(folder, name):
    sys.path.insert(0, folder)
    try:
        return __import__(name).__file__
    except ImportError as e:
        return type(e).__name__
"""


@pytest.fixture(scope="module")
def look(sandbox, tmp_path_factory):
    path = tmp_path_factory.mktemp("look") / "look.py"
    path.write_text(LOOK)
    with sandbox.start(load_submission(path)) as proc:
        yield proc


@pytest.fixture
def outside():
    """A scratch folder outside the repository and outside /tmp (removed afterwards)."""
    base = "/opt" if os.access("/opt", os.W_OK) else "/var/tmp"
    folder = Path(tempfile.mkdtemp(prefix="deepgrade-leak-test-", dir=base))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def needs_bwrap(sandbox):
    if not sandbox.protections["bwrap"]:
        pytest.fail("bubblewrap is required for this test (apt-get install bubblewrap)")


def on_the_way(runtime_paths, folder: str) -> set[str]:
    """Names inside ``folder`` that lie on the way to a bound runtime path (they must exist)."""
    prefix = folder.rstrip("/") + "/"
    return {p[len(prefix):].split("/")[0] for p in runtime_paths if p.startswith(prefix)}


# -- part 3: the child sees only what it needs ------------------------------------------------


def test_a_copy_of_reference_elsewhere_cannot_be_imported_or_listed(sandbox, look, outside):
    """A second checkout outside the repository: is ``import reference`` after sys.path.insert refused?"""
    needs_bwrap(sandbox)
    shutil.copytree(REPO / "reference", outside / "reference")
    assert (outside / "reference" / "rnn.py").exists()
    assert look.call("import_from", str(outside), "reference") == "ModuleNotFoundError"
    assert look.call("listing", str(outside)) == "FileNotFoundError"
    assert look.call("read", str(outside / "reference" / "rnn.py")) == "FileNotFoundError"
    assert look.call("import_from", str(REPO), "reference") == "ModuleNotFoundError"


def test_host_folders_and_system_files_are_absent(sandbox, look):
    needs_bwrap(sandbox)
    bound = [p for p in sandbox.protections["filesystem"].split(": ", 1)[1].split(";")[0].split(", ")]
    for folder in ("/root", "/home", "/work", "/opt", "/srv", "/var", "/etc", "/usr", "/"):
        seen = look.call("listing", folder)
        if not os.path.isdir(folder) or isinstance(seen, str):
            assert seen in ("FileNotFoundError", "PermissionError"), folder
            continue
        # only the directories leading to a bound path (e.g. /root/.pyenv for a pyenv Python)
        allowed = on_the_way(bound, folder) | ({"dev", "proc", "tmp"} if folder == "/" else set())
        assert set(seen) <= allowed, (folder, seen)
    for path in ("/etc/passwd", "/etc/shadow", "/etc/hostname", os.path.expanduser("~/.bashrc"),
                 str(REPO / "pyproject.toml"), str(REPO / "autograder" / "suites"), str(suite_path("rnn")),
                 str(REPO / "templates")):
        if os.path.exists(path):
            assert look.call("read", path) in ("FileNotFoundError", "IsADirectoryError"), path
    for exe in ("/bin/sh", "/usr/bin/env", "/usr/bin/python3"):
        assert look.call("run", [exe, "-c", "true"]) == "FileNotFoundError", exe


def test_protections_say_what_is_mounted(sandbox):
    needs_bwrap(sandbox)
    fs = sandbox.protections["filesystem"]
    assert fs.startswith("allowlist") and os.path.realpath(sys.executable) in fs and "/usr/lib" in fs
    assert str(REPO) + "," not in fs and "/home" not in fs and "/usr/bin," not in fs


GRADE_PROBE = """
import json, os
PATHS = {paths}
found = {{}}
for name, path in PATHS.items():
    try:
        found[name] = "listed" if os.path.isdir(path) and os.listdir(path) is not None else open(path).read(8)
    except OSError as e:
        found[name] = type(e).__name__
raise RuntimeError("PROBE" + json.dumps(found) + "END")
"""


def test_deepgrade_grade_hides_secret_submissions_classmates_and_solutions(outside):
    """Graded with ``deepgrade grade``: can a submission read the secret, a classmate's file, the solutions?"""
    secret = outside / "course" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("not-the-demo-secret-" + os.urandom(8).hex())
    runner = CliRunner()
    made = runner.invoke(main, ["generate", "sgd", "--student", "bob", "--out", str(outside / "out" / "bob"),
                                "--solutions", str(outside / "solutions"), "--secret-file", str(secret)])
    assert made.exit_code == 0, made.output
    subs = outside / "submissions"
    (subs / "alice").mkdir(parents=True)
    (subs / "bob").mkdir()
    shutil.copy(outside / "out" / "bob" / "sgd.py", subs / "bob" / "sgd.py")
    paths = {"secret": str(secret), "own_folder": str(subs / "alice"), "classmate": str(subs / "bob" / "sgd.py"),
             "solutions": str(outside / "solutions"), "solution": str(outside / "solutions" / "sgd.py")}
    assert all(os.path.exists(p) for p in paths.values())
    (subs / "alice" / "sgd.py").write_text(GRADE_PROBE.format(paths=repr(paths)))
    done = runner.invoke(main, ["grade", str(subs / "alice" / "sgd.py"), "-a", "sgd", "-s", "alice",
                                "--secret-file", str(secret), "--json"])
    assert done.exit_code == 0, done.output
    text = done.output.replace('\\"', '"')
    assert "PROBE" in text, done.output
    found = json.loads(text[text.index("PROBE") + 5:text.index("END")])
    assert found == {name: "FileNotFoundError" for name in paths}, found


def test_hide_still_covers_paths_inside_the_runtime_and_our_packages_installed_there(tmp_path):
    """A venv under /tmp with ``autograder``/``reference`` installed and a secret file in site-packages."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    ours = Path(sys.modules["numpy"].__file__).parent.parent
    for name in ("numpy", "numpy.libs"):
        if (ours / name).exists():
            shutil.copytree(ours / name, site / name, symlinks=True)
    shutil.copytree(REPO / "reference", site / "reference")
    (site / "autograder").mkdir()
    (site / "autograder" / "__init__.py").write_text("SECRET = 1\n")
    (site / "gradebook.csv").write_text("alice,100\n")
    (tmp_path / "look.py").write_text(LOOK)
    config = SandboxConfig(python=str(venv / "bin" / "python"), hide=(str(site / "gradebook.csv"),), **FAST)
    with Sandbox(config) as sb, sb.start(load_submission(tmp_path / "look.py")) as proc:
        needs_bwrap(sb)
        assert proc.call("import_from", "/nowhere", "numpy").startswith(str(site))
        for name in ("reference", "autograder"):
            assert proc.call("listing", str(site / name)) == []  # an empty tmpfs: at most a bare namespace
        assert proc.call("import_from", "/nowhere", "reference.rnn") == "ModuleNotFoundError"
        assert proc.call("import_from", "/nowhere", "autograder.SECRET") == "ModuleNotFoundError"
        assert proc.call("read", str(site / "gradebook.csv")) in ("read ", "PermissionError")  # /dev/null
        assert str(site / "gradebook.csv") in sb.protections["hidden_paths"]


HEAVY = """
import os

def science():
    import numpy as np
    import scipy.sparse
    a = scipy.sparse.random(40, 40, density=0.2, random_state=np.random.default_rng(0), format="csr")
    return float((a @ np.ones(40)).sum() - a.sum())

def plot():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ax.plot([0, 1, 4, 9])
    ax.set_title("loss")
    path = os.path.join(os.environ["TMPDIR"], "fig.png")
    fig.savefig(path)
    return list(open(path, "rb").read(4))

def autograd():
    import torch
    x = torch.arange(4.0, requires_grad=True)
    (x ** 2).sum().backward()
    return x.grad.tolist()
"""


def test_numpy_scipy_and_matplotlib_work_in_the_child(sandbox, script):
    with sandbox.start(script(HEAVY)) as proc:
        assert abs(proc.call("science", timeout=30)) < 1e-9
        assert bytes(proc.call("plot", timeout=30)) == b"\x89PNG"


@pytest.mark.parametrize("memory_cgroup", [None, False], ids=["cgroup-if-available", "rlimits"])
def test_torch_works_in_a_torch_zygote(script, memory_cgroup):
    pytest.importorskip("torch")
    config = SandboxConfig(torch=True, memory_cgroup=memory_cgroup, **FAST)
    with Sandbox(config) as sb, sb.start(script(HEAVY)) as proc:
        assert not sb.versions["torch"].startswith("not loaded"), sb.versions
        assert proc.call("autograd") == [0.0, 2.0, 4.0, 6.0]


def test_subprocesses_find_no_shell(sandbox, script):
    sub = script(textwrap.dedent("""
        import os
        def system():
            return os.system("echo hi > /tmp/x")
    """))
    with sandbox.start(sub) as proc:
        assert proc.call("system") != 0
    with pytest.raises(StudentError):
        with sandbox.start(script("import subprocess\nsubprocess.run(['ls'], check=True)\n")) as proc:
            proc.call("missing_function")


def test_mount_plan_binds_the_allowlist_and_covers_secrets_inside_it(tmp_path):
    from autograder.sandbox.bwrap import mount_plan

    repo = tmp_path / "repo"
    for d in ("reference", ".venv/lib/site-packages/autograder", "notes"):
        (repo / d).mkdir(parents=True)
    (tmp_path / "home").mkdir()
    absent, revealed, rehidden = mount_plan(
        hide=[str(repo), str(repo / "reference"), str(tmp_path / "home"),
              str(repo / ".venv/lib/site-packages/autograder")],
        reveal=[str(repo / ".venv/lib/site-packages"), str(repo / ".venv/lib"), "/usr/lib"],
    )
    assert revealed == sorted([str(repo / ".venv/lib"), "/usr/lib"])  # outermost only, also outside hidden ones
    assert absent == sorted([str(repo), str(tmp_path / "home")])  # the venv inside repo is bound, nothing else
    assert rehidden == [str(repo / ".venv/lib/site-packages/autograder")]


# -- part 4: nothing crosses between students; memory limited per submission --------------------

SHARED = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
KEY, IPC_CREAT = 0x1234, 0o1000

def plant():
    sid = libc.shmget(KEY, 1 << 20, IPC_CREAT | 0o666)
    assert sid >= 0, ctypes.get_errno()
    addr = libc.shmat(sid, None, 0)
    ctypes.memmove(addr, b"MARKER-FROM-CHILD-1", 19)
    with open("/dev/shm/posix-marker", "w") as f:
        f.write("hi")
    return [line.split()[0] for line in open("/proc/sysvipc/shm").read().splitlines()[1:]]

def find():
    sid = libc.shmget(KEY, 0, 0)
    if sid < 0:
        return ["shmget failed: errno %d" % ctypes.get_errno(), sorted(os.listdir("/dev/shm"))]
    addr = libc.shmat(sid, None, 0)
    return [ctypes.string_at(addr, 19).decode(), sorted(os.listdir("/dev/shm"))]
"""


def host_segments() -> set[str]:
    return {line.split()[1] for line in Path("/proc/sysvipc/shm").read_text().splitlines()[1:]}


def test_shared_memory_does_not_cross_to_the_next_submission_and_dies_with_the_child(sandbox, script):
    """SysV segment (key 0x1234) and a /dev/shm file of child 1: can child 2 find them; do they outlive it?"""
    needs_bwrap(sandbox)
    before = host_segments()
    first = sandbox.start(script(SHARED, name="first.py"))
    assert "4660" in first.call("plant")  # 0x1234, seen in its own IPC namespace
    assert host_segments() == before  # not in the grader's namespace
    with sandbox.start(script(SHARED, name="second.py")) as second:
        assert second.call("find") == ["shmget failed: errno 2", []]  # ENOENT
        assert first.call("find") == ["MARKER-FROM-CHILD-1", ["posix-marker"]]
    first.close()  # killed: its IPC namespace and the segment go with it
    with sandbox.start(script(SHARED, name="third.py")) as third:
        assert third.call("find") == ["shmget failed: errno 2", []]
    assert host_segments() == before


HOG = """
import os, select, time
import numpy as np

def hog(helpers, mib):
    r, w = os.pipe()
    for _ in range(helpers):
        if os.fork() == 0:
            try:
                block = np.ones(mib << 17)  # mib MiB of float64, every page touched
                os.write(w, b"y")
                os.close(w)  # the parent reads to the end once every helper has answered or died
            except MemoryError:
                os.write(w, b"m")
                os._exit(3)
            time.sleep(60)
            os._exit(0)
    os.close(w)
    got, deadline = b"", time.monotonic() + 20
    while len(got) < helpers and time.monotonic() < deadline:
        if select.select([r], [], [], 0.1)[0]:
            chunk = os.read(r, 16)
            if not chunk:
                break
            got += chunk
    return got.decode()

def normal():
    a = np.random.default_rng(0).normal(size=(500, 500))
    return float(np.linalg.norm(a @ a.T)) > 0
"""


@pytest.mark.parametrize("memory_cgroup", [None, False], ids=["cgroup-if-available", "rlimits"])
def test_helpers_of_one_submission_share_one_memory_budget(script, memory_cgroup):
    """Three forked helpers each touching 1 GiB under a 2 GiB budget: at most the budget is ever held."""
    config = SandboxConfig(memory_bytes=2 << 30, memory_cgroup=memory_cgroup, **FAST)
    with Sandbox(config) as sb:
        assert sb.protections["memory"], sb.protections
        if memory_cgroup is False:
            assert sb.protections["memory"].startswith("8 processes x 256 MiB")
        with sb.start(script(HOG)) as proc:
            try:
                held = proc.call("hog", 3, 1024)
            except StudentError as exc:  # the OOM killer chose the submission's first process
                assert exc.kind == "crash", exc
                held = ""
            assert held.count("y") <= 2, (held, sb.protections["memory"])  # never more than 2 GiB at once
        with sb.start(script(HOG, name="ok.py")) as proc:
            assert proc.call("normal") is True
            assert proc.call("hog", 2, 64) == "yy"


def test_the_process_limit_of_one_submission_does_not_count_another_s(script):
    """Two workers, both children uid 65534: does a full process table in one leave the other its own?"""
    bomb = """
        import os, time
        def bomb():
            n = 0
            while True:
                try:
                    if os.fork() == 0:
                        time.sleep(30)
                        os._exit(0)
                    n += 1
                except OSError:
                    return n
    """
    config = SandboxConfig(max_processes=16, **FAST)
    with Sandbox(config) as one, Sandbox(config) as two:
        needs_bwrap(one)
        assert one.protections["process_limit"]
        limit = config.max_processes if one.protections["memory"].startswith("cgroup") else config.fallback_processes
        with one.start(script(bomb, name="a.py")) as a, two.start(script(bomb, name="b.py")) as b:
            first = a.call("bomb")
            second = b.call("bomb")
            assert 0 < first < limit and second == first, (first, second)
