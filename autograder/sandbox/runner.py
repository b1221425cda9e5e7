"""The grader's side of the sandbox: start the zygote once, fork one child per submission.

``Sandbox`` copies the child-side modules (channel, child, limits, zygote) to a
private temp dir, starts ``python -I -S`` on the zygote under bubblewrap (or, on
a host without it, as a plain process with a scrubbed environment), and talks to
it over a control socket. A probe child, forked once at start, reports which
protections took effect; ``protections`` lists them and ``warnings`` says in
plain words which are off. If the zygote dies it is started again on the next fork.
"""

from __future__ import annotations

import array
import dataclasses
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

from . import bwrap, channel, landlock, limits
from .config import SandboxConfig

SHIPPED = ("channel.py", "child.py", "landlock.py", "limits.py", "notebook.py", "seccomp.py", "transform.py",
           "zygote.py")
PACKAGE = "_deepgrade_sandbox"
BOOT = (
    "import json, sys; s = json.loads(sys.argv[1]); sys.dont_write_bytecode = True; "
    "sys.path.insert(0, s['package_parent']); from _deepgrade_sandbox import zygote; zygote.main(s)"
)
CHILD_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "MPLBACKEND": "Agg",
}
NOBODY = 65534

DEVICES = ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom")  # readable without bubblewrap too
WARNINGS = {
    "bwrap": "bubblewrap (bwrap) is not in use, so the submission sees the grader's files (reference/, "
    "hidden suites, gradebook), may write wherever the grader's user may, and may use the network",
    "bwrap_replaced": "bubblewrap (bwrap) is not in use; Landlock and seccomp stand in for it: reference/, the "
    "hidden suites and the gradebook stay unreadable, writes go only to the submission's own directory (not "
    "size-limited), there is no network; names of files outside the allowlist can still be seen (stat)",
    "network_isolated": "network access is not blocked",
    "readonly_filesystem": "the submission may write (and delete) wherever the grader's user may",
    "filesystem": "the submission sees the whole filesystem, not only the Python runtime it needs",
    "hidden_paths": "reference/, the hidden suites and the grader's home are readable by the submission",
    "unprivileged_user": "the submission runs as root (uid 0) on the host",
    "pid_namespace": "processes a submission starts may outlive it (no PID namespace)",
    "signals": "the submission may signal (kill) other processes of its user, the grader's among them (no PID "
    "namespace, no Landlock scoping)",
    "process_limit": "the number of processes is not limited (RLIMIT_NPROC does not apply to root): a fork "
    "bomb is stopped only by the time limit",
    "private_tmp": "/tmp is shared between submissions",
    "capabilities_dropped": "Linux capabilities could not be dropped",
    "no_new_privs": "no_new_privs could not be set",
    "not_dumpable": "student processes could not be made non-dumpable (other processes of the same user may "
    "inspect them)",
    "rlimits": "some resource limits (memory, CPU, file size, processes) could not be set",
}


RUNTIME_SCRIPT = """
import glob, json, os, site, sys, sysconfig

def runtime():
    var = sysconfig.get_config_var
    stdlib = [sysconfig.get_path("stdlib"), os.path.dirname(os.__file__), var("DESTSHARED") or ""]
    libs = glob.glob(os.path.join(var("LIBDIR") or "/nonexistent", "libpython*.so*")) if var("Py_ENABLE_SHARED") else []
    return {"executable": os.path.realpath(sys.executable), "site": site.getsitepackages(),
            "stdlib": [os.path.realpath(p) for p in stdlib if p and os.path.isdir(p)], "libs": libs,
            "prefixes": [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
                         os.path.dirname(os.path.realpath(sys.executable))]}
"""


def _site_and_prefixes(python: str) -> dict:
    """What the zygote's interpreter needs: ``executable`` (real path), ``stdlib`` and lib-dynload dirs,
    ``libs`` (a shared libpython), ``site`` (site-packages dirs, real paths), install ``prefixes``."""
    if python == sys.executable:
        namespace: dict = {}
        exec(RUNTIME_SCRIPT, namespace)
        found = namespace["runtime"]()
    else:
        out = subprocess.run([python, "-I", "-c", RUNTIME_SCRIPT + "print(json.dumps(runtime()))"],
                             capture_output=True, text=True, timeout=60, check=True)
        found = json.loads(out.stdout)
    found["site"] = list(dict.fromkeys(os.path.realpath(d) for d in found["site"] if os.path.isdir(d)))
    return found


def _samples(hide) -> list[str]:
    """A few files that must stay unreadable: in each hidden directory (our packages, the repository,
    ``SandboxConfig.hide``) its first regular file, and each hidden file itself."""
    found = []
    for path in dict.fromkeys(list(hide) + bwrap.package_dirs()):
        if os.path.isfile(path):
            found.append(path)
        elif os.path.isdir(path):
            try:
                names = sorted(os.listdir(path))
            except OSError:
                continue
            first = next((os.path.join(path, n) for n in names if os.path.isfile(os.path.join(path, n))), None)
            if first:
                found.append(first)
    return found[:32]


class Sandbox:
    """Fork server for student processes; use as a context manager or call ``close()``."""

    def __init__(self, config: SandboxConfig | None = None):
        self.config = config or SandboxConfig()
        self.protections: dict[str, bool | str] = {}
        self.warnings: list[str] = []
        self._proc = None
        self._control = None
        self._closed = False
        self._tmp = Path(tempfile.mkdtemp(prefix="deepgrade-sandbox-"))
        try:
            self._package = self._ship()
            self._start_zygote()
            self._probe()
        except BaseException:
            self.close()
            raise

    # -- setup -------------------------------------------------------------------------
    def _ship(self) -> Path:
        package = self._tmp / PACKAGE
        package.mkdir()
        here = Path(__file__).parent
        for name in SHIPPED:
            shutil.copyfile(here / name, package / name)
        (package / "__init__.py").write_text('"""Child side of the deepgrade sandbox (a copy)."""\n')
        (self._tmp / "work").mkdir()
        os.chmod(self._tmp / "work", 0o1777)
        os.chmod(self._tmp, 0o755)
        return package

    def _plan(self) -> tuple[list[str], dict, bool]:
        """(argv, settings, using_bwrap)."""
        c = self.config
        runtime = _site_and_prefixes(c.python)
        root = os.geteuid() == 0
        path = None if c.use_bwrap is False else bwrap.find_bwrap()
        if c.use_bwrap and path is None:
            raise RuntimeError("SandboxConfig(use_bwrap=True) but bwrap is not installed (apt-get install bubblewrap)")
        drop = c.uid if c.uid is not None else (NOBODY if root else None)
        env = dict(CHILD_ENV, HOME="/tmp" if path else str(self._tmp / "work"), TMPDIR="/tmp" if path else str(self._tmp / "work"))
        visible = bwrap.allowlist(runtime) + runtime["prefixes"]
        if not hasattr(self, "_cgroup"):  # once per Sandbox; removed when it is collected (or at exit)
            use = path and c.memory_cgroup is not False
            self._cgroup = limits.sandbox_cgroup(f"deepgrade-{os.getpid()}-{os.urandom(4).hex()}") if use else None
            if c.memory_cgroup and not self._cgroup:
                raise RuntimeError("SandboxConfig(memory_cgroup=True) but no writable memory cgroup was found")
            if self._cgroup:
                weakref.finalize(self, limits.remove_cgroup, self._cgroup[0])
        cgroup = self._cgroup if path else None
        settings = {
            "site": runtime["site"],
            # a venv or Python under /tmp must not be shadowed by a child's private /tmp
            "keep": sorted({os.path.realpath(d) for d in visible if os.path.realpath(d).startswith("/tmp/")}),
            "tmp_fallback": bwrap.INNER_TMP_FALLBACK if path else str(self._tmp / "work"),
            "env": env,
            "torch": c.torch,
            "preload": list(c.preload),
            "drop_uid": drop,
            "namespaces": True,
            "tmp_bytes": int(c.tmp_bytes),
            "rlimits": dict(c.rlimits(), memory={
                "bytes": int(c.memory_bytes), "fallback_processes": int(c.fallback_processes),
                "cgroup": bwrap.INNER_CGROUP if cgroup else None, "version": cgroup[1] if cgroup else 0}),
            "max_value_bytes": int(c.max_value_bytes),
            "workdir": "/tmp" if path else str(self._tmp / "work"),
            "package_parent": bwrap.INNER_PACKAGE_PARENT if path else str(self._tmp),
        }
        argv = [c.python, "-I", "-S", "-c", BOOT]
        self.protections.update(bwrap=False, filesystem=False)
        hide = bwrap.default_hidden(c.hide, runtime["site"])
        if not path:  # Landlock and seccomp in each child stand in for bubblewrap (limits.confine)
            _, revealed, rehidden = bwrap.mount_plan(hide, bwrap.allowlist(runtime) + [str(self._package)])
            settings["rlimits"]["confine"] = {
                "rules": landlock.rules(revealed + [d for d in DEVICES if os.path.exists(d)], holes=rehidden),
                "workdir": settings["workdir"], "secrets": _samples(hide),
                "runtime": [d for d in runtime["stdlib"] + runtime["site"] if os.path.isdir(d)],
            }
            self._readable = revealed
        if path:
            prefix, bound, rehidden = bwrap.command(
                path, hide=hide, runtime=runtime,
                package_dir=str(self._package), env=env, as_root=root, cgroup=cgroup and cgroup[0],
            )
            argv = prefix + [runtime["executable"]] + argv[1:]  # the real interpreter: a venv's link is not there
            self.protections.update(
                bwrap=bwrap.bwrap_version(path),
                filesystem="allowlist, read-only: " + ", ".join(bound) + "; fresh /dev, /proc; private /tmp",
                hidden_paths="everything not in the allowlist" + (", and inside it " + ", ".join(rehidden)
                                                                  if rehidden else ""),
            )
        return argv, settings, bool(path)

    def _start_zygote(self):
        argv, settings, using_bwrap = self._plan()
        try:
            self._launch(argv, settings, using_bwrap)
        except RuntimeError as exc:
            if not using_bwrap or self.config.use_bwrap:
                raise
            self.warnings.append(f"bubblewrap is installed but could not start the sandbox ({exc})")
            self.config = dataclasses.replace(self.config, use_bwrap=False)
            argv, settings, using_bwrap = self._plan()
            self._launch(argv, settings, using_bwrap)
        self._using_bwrap = using_bwrap
        for key in ("network_isolated", "readonly_filesystem"):
            self.protections[key] = using_bwrap
        self.protections.setdefault("hidden_paths", False)
        self.protections["scrubbed_environment"] = True

    def _launch(self, argv, settings, using_bwrap):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        settings = dict(settings, control_fd=theirs.fileno())
        self._log = open(self._tmp / "zygote.log", "w+b")
        env = {} if using_bwrap else dict(settings["env"])
        try:
            self._proc = subprocess.Popen(
                argv + [json.dumps(settings)], pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                stdout=self._log, stderr=self._log, env=env, cwd=self._tmp / "work", start_new_session=True,
            )
        finally:
            theirs.close()
        self._control = ours
        try:
            hello, _ = self._zygote_call(None, self.config.start_timeout)
        except RuntimeError:
            self._stop_zygote()
            raise
        self.versions = hello.get("versions", {})

    def _probe(self):
        from .process import open_child

        conn, info = open_child(self, "__probe__", self.config.start_timeout)
        conn.close(self)
        root_host = os.geteuid() == 0
        self.probe_info = info
        self.protections.update(
            unprivileged_user=f"uid {self.config.uid or NOBODY}" if info.get("uid_dropped") else not root_host,
            user_namespace=bool(info.get("user_namespace")),
            pid_namespace=bool(info.get("pid_namespace")),
            process_limit=bool(info.get("nproc_enforced")),
            private_tmp=bool(info.get("private_tmp")),
            capabilities_dropped=bool(info.get("capabilities_dropped")),
            no_new_privs=bool(info.get("no_new_privs")),
            not_dumpable=bool(info.get("not_dumpable")),
            rlimits=bool(info.get("rlimits")),
            memory=(info.get("memory") or False) if info.get("memory_cgroup") or info.get("nproc_enforced")
            else f"{info.get('memory')}, but the number of processes is not limited",
            timeouts="wall clock per cell and call, then SIGKILL",
        )
        if not self._using_bwrap:
            self._confined(info)
        else:
            self.protections["signals"] = "PID namespace" if info.get("pid_namespace") else False
        off = [k for k, v in self.protections.items() if v is False]
        if "bwrap" in off:
            covered = not {"network_isolated", "readonly_filesystem", "hidden_paths"} & set(off)
            self.warnings.append(WARNINGS["bwrap_replaced" if covered else "bwrap"])
            off = [k for k in off if k not in ("bwrap", "network_isolated", "readonly_filesystem", "hidden_paths",
                                               "filesystem")]
        self.warnings.extend(WARNINGS[k] for k in off if k in WARNINGS)
        if info.get("readable_secrets"):
            self.warnings.append("the submission can read " + ", ".join(info["readable_secrets"]))
        if info.get("runtime_readable") is False:
            self.warnings.append(f"the Python runtime ({self.config.python}) is not readable by uid "
                                 f"{self.config.uid or NOBODY}: a submission can import only what the sandbox "
                                 "preloaded; install Python where every user may read it (not under /root)")

    def _confined(self, info: dict):
        """Protections without bubblewrap: what the namespaces, Landlock and seccomp of the probe child gave."""
        p, lock = self.protections, info.get("landlock") or 0
        secrets_hidden = not info.get("readable_secrets")
        p["landlock"] = f"ABI {lock}" if lock else False
        p["seccomp"] = "socket, setsid, ptrace, io_uring, mount and namespaces refused" if info.get("seccomp") else False
        if info.get("net_namespace"):
            p["network_isolated"] = "network namespace"
        elif info.get("seccomp"):
            p["network_isolated"] = "seccomp refuses socket()" + (", Landlock refuses TCP" if info.get("landlock_network") else "")
        if lock:
            p["readonly_filesystem"] = "Landlock: writes only in the submission's own directory"
            p["filesystem"] = "Landlock allowlist, read-only: " + ", ".join(self._readable)
        if lock and secrets_hidden:
            p["hidden_paths"] = "everything outside the allowlist (Landlock), names visible to stat"
        elif secrets_hidden and info.get("uid_dropped"):
            p["hidden_paths"] = f"by file permissions only (uid {self.config.uid or NOBODY} cannot read them)"
        else:
            p["hidden_paths"] = False
        if info.get("private_tmp") == "directory":
            p["private_tmp"] = "its own directory (Landlock), not size-limited"
        if not info.get("pid_namespace") and info.get("seccomp"):
            p["pid_namespace"] = "no; its processes cannot leave its process group (seccomp) and die with it"
        p["signals"] = ("PID namespace" if info.get("pid_namespace") else
                        "Landlock scope" if info.get("landlock_scoped") else False)

    # -- zygote control ----------------------------------------------------------------------
    def _zygote_call(self, request: dict | None, timeout: float) -> tuple[dict, list[int]]:
        """Send ``request`` (None: only read the hello) and return (reply, received fds)."""
        if self._control is None:
            raise RuntimeError("the sandbox is closed")
        sock = self._control
        sock.settimeout(timeout)
        fds: list[int] = []
        reader = channel.FrameReader(1 << 20)
        try:
            if request is not None:
                sock.sendall(channel.pack(request))
            deadline = time.monotonic() + timeout
            while True:
                sock.settimeout(max(0.001, deadline - time.monotonic()))
                data, anc, _, _ = sock.recvmsg(1 << 16, socket.CMSG_SPACE(16), socket.MSG_CMSG_CLOEXEC)
                for level, kind, payload in anc:
                    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                        fds.extend(array.array("i", payload[: len(payload) - len(payload) % 4]))
                if not data:
                    raise EOFError
                frame = reader.feed(data)
                if frame is not None:
                    return frame[0], fds
        except (OSError, EOFError, channel.ChannelError) as exc:
            for fd in fds:
                os.close(fd)
            self._stop_zygote()
            raise RuntimeError(f"the sandbox's fork server stopped ({type(exc).__name__}); {self._log_tail()}") from None

    def _log_tail(self) -> str:
        try:
            text = (self._tmp / "zygote.log").read_bytes()[-1500:].decode(errors="replace").strip()
        except OSError:
            text = ""
        return f"its log ends: {text}" if text else "it logged nothing"

    def fork(self, module: str):
        """(socket, output fd, pid, info) of a new child; restarts a dead zygote once."""
        if self._closed:
            raise RuntimeError("the sandbox is closed")
        if self._control is None:
            self._start_zygote()
        try:
            reply, fds = self._zygote_call({"op": "fork", "module": module}, self.config.start_timeout)
        except RuntimeError:
            self._start_zygote()
            reply, fds = self._zygote_call({"op": "fork", "module": module}, self.config.start_timeout)
        if not reply.get("ok") or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            raise RuntimeError(f"the sandbox could not fork a child: {reply.get('error')}; {self._log_tail()}")
        return socket.socket(fileno=fds[0]), fds[1], int(reply["pid"]), reply.get("info", {})

    def kill(self, pid: int) -> int | None:
        """SIGKILL the child ``pid`` (and, through its PID namespace, everything it started); its wait status."""
        if self._control is None:
            return None
        try:
            reply, fds = self._zygote_call({"op": "kill", "pid": pid}, 30)
        except RuntimeError:
            return None
        return reply.get("status")

    # -- public ----------------------------------------------------------------------------
    def start(self, submission):
        """A ``StudentProcess`` that has run ``submission``'s cells."""
        from .loader import Submission
        from .process import StudentProcess

        if not isinstance(submission, Submission):
            raise TypeError(f"Sandbox.start expects a Submission (from load_submission), got {type(submission).__name__}")
        return StudentProcess(self, submission)

    def _stop_zygote(self):
        if self._control is not None:
            self._control.close()
            self._control = None
        if self._proc is not None:
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
            self._log.close()

    def close(self):
        self._closed = True
        self._stop_zygote()
        if getattr(self, "_cgroup", None):  # after the zygote: its children had to leave the cgroup first
            limits.remove_cgroup(self._cgroup[0])
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if not getattr(self, "_closed", True):
            self.close()
