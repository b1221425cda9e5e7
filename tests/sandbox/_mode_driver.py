"""Run the hostile classes against a real Sandbox in whatever mode this process finds itself in.

Started by test_modes.py as root under capsh and a Docker-like seccomp filter, or as the
unprivileged user ``ta`` with or without user namespaces (``--docker-like -- CMD`` applies
the filter, then runs CMD). Prints one JSON line:
{protections, warnings, results: {attack: outcome}, thief_score, control}.

The course folder it makes is deliberately open (secret 0644, gradebook 0666 in a 0777
folder): only the sandbox, not file permissions, stands between the student and them.
"""

import json
import os
import shutil
import socket
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from autograder.grading import grade_submission
from autograder.sandbox import Sandbox, SandboxConfig, StudentError, load_submission
from autograder.variants import DEMO_SECRET

REPO = Path(__file__).resolve().parents[2]
SECRET = "hunter2-course-secret"

ATTACKS = '''
import ctypes, glob, os, signal, socket, sys

def read(path):
    try:
        with open(path, "rb") as f:
            return "read:" + f.read(40).decode("latin-1")
    except OSError as e:
        return type(e).__name__

def import_reference():
    sys.path[:0] = [{repo!r}] + glob.glob("/work/*") + glob.glob("/home/*/*")
    try:
        import reference.rnn
        return "imported:" + reference.rnn.__file__
    except Exception as e:
        return type(e).__name__

def tcp(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        return "connected"
    except OSError as e:
        return type(e).__name__

def udp():
    try:
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("1.1.1.1", 53))
        return "sent"
    except OSError as e:
        return type(e).__name__

def delete(path):
    try:
        os.unlink(path)
        return "deleted"
    except OSError as e:
        return type(e).__name__

def overwrite(path):
    try:
        with open(path, "w") as f:
            f.write("A+")
        return "written"
    except OSError as e:
        return type(e).__name__

def kill(pid):
    try:
        os.kill(pid, signal.SIGTERM)
        return "signalled"
    except OSError as e:
        return type(e).__name__

def bomb():
    n = 0
    while n < 5000:
        try:
            if os.fork() == 0:
                ctypes.CDLL(None).prctl(15, b"dg-bomb", 0, 0, 0)  # PR_SET_NAME: found by name on the host
                try:
                    os.setsid()
                except OSError:
                    pass
                while True:
                    signal.pause()
            n += 1
        except OSError:
            return n
    return n

def benign(n):
    import decimal, email.mime.text, json  # modules the zygote did not preload
    import numpy as np
    return float(np.arange(n).sum())
'''

THIEF = '''
import glob, sys
sys.path[:0] = [{repo!r}] + glob.glob("/work/*") + glob.glob("/home/*/*")
from reference.rnn import *  # noqa
'''


def _listener() -> int:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)

    def serve():
        while True:
            conn, _ = server.accept()
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return server.getsockname()[1]


def _survivors() -> int:
    """Live processes named dg-bomb (the fork bomb's children), wherever they are."""
    n = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            comm = open(f"/proc/{pid}/comm").read().strip()
            state = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        n += comm == "dg-bomb" and state != "Z"
    return n


def main():
    course = Path(tempfile.mkdtemp(prefix="deepgrade-course-"))
    work = Path(tempfile.mkdtemp(prefix="deepgrade-subs-"))
    try:
        return attack(course, work)
    finally:
        shutil.rmtree(course, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def attack(course: Path, work: Path):
    os.environ["DEEPGRADE_SECRET"] = SECRET
    grades = course / "grades"
    grades.mkdir()
    (course / "course.key").write_text(SECRET)
    (grades / "grades.sqlite").write_text("alice,11")
    os.chmod(course, 0o755)
    os.chmod(course / "course.key", 0o644)
    os.chmod(grades, 0o777)
    os.chmod(grades / "grades.sqlite", 0o666)
    port = _listener()
    (work / "attacks.py").write_text(textwrap.dedent(ATTACKS.format(repo=str(REPO))))
    (work / "rnn_thief.py").write_text(THIEF.format(repo=str(REPO)))
    config = SandboxConfig(call_timeout=5.0, cell_timeout=5.0, run_timeout=30.0, memory_bytes=1 << 30,
                           hide=(str(course),))
    results = {}
    with Sandbox(config) as sb:
        with sb.start(load_submission(work / "attacks.py")) as proc:
            results["read_reference"] = proc.call("read", str(REPO / "reference" / "rnn.py"))
            results["import_reference"] = proc.call("import_reference")
            results["read_hidden_suite"] = proc.call("read", str(REPO / "templates" / "rnn" / "suite.py"))
            results["read_secret_file"] = proc.call("read", str(course / "course.key"))
            results["read_grader_environ"] = proc.call("read", f"/proc/{os.getpid()}/environ")
            results["read_grader_home"] = proc.call("read", os.path.expanduser("~/.bashrc"))
            results["tcp"] = proc.call("tcp", port)
            results["udp"] = proc.call("udp")
            results["delete_gradebook"] = proc.call("delete", str(grades / "grades.sqlite"))
            results["overwrite_gradebook"] = proc.call("overwrite", str(grades / "grades.sqlite"))
            results["kill_grader"] = proc.call("kill", os.getpid())
            control = proc.call("benign", 10)
        with sb.start(load_submission(work / "attacks.py")) as proc:
            try:
                results["fork_bomb_started"] = proc.call("bomb", timeout=20)
            except StudentError as exc:
                results["fork_bomb_started"] = exc.kind
            time.sleep(0.3)  # the newest children name themselves
            results["fork_bomb_running"] = _survivors()
        time.sleep(0.5)
        results["fork_bomb_survivors"] = _survivors()
        thief = grade_submission(str(work / "rnn_thief.py"), "rnn", "alice", DEMO_SECRET, sandbox=sb)
        protections, warnings = sb.protections, sb.warnings
    results["gradebook_intact"] = (grades / "grades.sqlite").read_text() == "alice,11"
    results["secret_in_output"] = SECRET in json.dumps(results)
    print(json.dumps({"protections": protections, "warnings": warnings, "results": results, "control": control,
                      "thief_score": [thief["score"], thief["max_score"]], "uid": os.getuid()}))


def docker_like_exec(argv):
    """Apply the seccomp filter of a Docker container without CAP_SYS_ADMIN, then exec ``argv``."""
    import ctypes

    from autograder.sandbox import seccomp

    if os.getuid() != 0:  # an unprivileged process may install a filter only with no_new_privs
        ctypes.CDLL(None).prctl(38, 1, 0, 0, 0)
    if not seccomp.install(seccomp.docker_like()):
        sys.exit("could not install the Docker-like seccomp filter")
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--docker-like"]:
        docker_like_exec(sys.argv[2:])
    sys.exit(main())
