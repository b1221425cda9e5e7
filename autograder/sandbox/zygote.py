"""The fork server that runs INSIDE the sandbox (stdlib + numpy (+ torch) only).

Started once per ``Sandbox`` as ``python -I -S -c <boot> <settings json>``; it
imports numpy (and torch, with one thread, if asked), then serves the grader on
one control socket:

    {"op": "fork", "module": name} -> {"ok", "pid", "info"} + fds [channel socket, output pipe]
    {"op": "kill", "pid": p}       -> {"ok", "status"}   (SIGKILL if alive, then reap)

It never imports ``autograder`` or ``reference`` and holds no secret: it only
knows paths and limits. When the control socket closes it kills its children
and exits. This file is shipped into the sandbox with ``channel``, ``child`` and
``limits`` as the package ``_deepgrade_sandbox``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time

MAX_CONTROL_FRAME = 1 << 20
KILL_WAIT = 10.0


def _load_heavy(settings: dict) -> dict:
    """Import what every student child should find already loaded."""
    versions = {}
    if settings.get("torch"):
        try:
            import torch

            torch.set_num_threads(1)
            torch.set_num_interop_threads(1)
            versions["torch"] = torch.__version__
        except Exception as exc:  # torch missing or broken: grading goes on without it
            versions["torch"] = f"not loaded ({type(exc).__name__}: {exc})"
    import numpy
    import numpy.random  # noqa: F401  (lazily imported by numpy; load it before any sandbox layer)

    versions["numpy"] = numpy.__version__
    try:  # what a loader process needs to read a notebook (notebook.py), loaded once here
        # jsonschema's IRI format checks (rfc3987_syntax, ~1 s to import) are unused by nbformat's schema
        sys.modules.setdefault("rfc3987_syntax", None)
        import nbformat
        from IPython.core.inputtransformer2 import TransformerManager  # noqa: F401

        nbformat.validator.get_validator(version=4)
        versions["nbformat"] = nbformat.__version__
    except Exception as exc:  # grading .py files still works
        versions["nbformat"] = f"not loaded ({type(exc).__name__})"
    for name in settings.get("preload", ()):
        try:
            __import__(name)
        except Exception as exc:
            versions[name] = f"not loaded ({type(exc).__name__})"
    return versions


class Zygote:
    def __init__(self, settings: dict, control: socket.socket):
        self.settings = settings
        self.control = control
        self.alive: set[int] = set()
        self.status: dict[int, int] = {}
        self.groups: set[int] = set()  # children without a PID namespace: their process group dies with them

    # -- forking ----------------------------------------------------------------
    def fork(self, request: dict):
        from . import child, limits

        s = self.settings
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out_r, out_w = os.pipe()
        pid_r, pid_w = os.pipe()
        ready_r, ready_w = os.pipe()  # A -> zygote: "y" namespaces entered / "n" not
        go_r, go_w = os.pipe()  # zygote -> A: id maps written
        we_map = s["drop_uid"] is not None and os.geteuid() == 0  # root: we may write A's maps
        sys.stdout.flush()
        sys.stderr.flush()
        a = os.fork()
        if a == 0:  # A: enter namespaces, fork B, report B's pid, exit
            code = 70
            try:
                self.control.close()
                ours.close()
                for fd in (out_r, pid_r, ready_r, go_w):
                    os.close(fd)
                info = limits.enter_namespaces(s["namespaces"], self_map=not we_map)
                os.write(ready_w, b"y" if info["user_namespace"] else b"n")
                os.read(go_r, 1)
                os.close(ready_w)
                os.close(go_r)
                b = os.fork()
                if b == 0:
                    os.close(pid_w)
                    child.main(theirs, out_w, request, s, info)  # never returns
                os.write(pid_w, json.dumps({"pid": b, "info": info}).encode())
                code = 0
            finally:
                os._exit(code)
        for fd in (out_w, pid_w, ready_w, go_r):
            os.close(fd)
        theirs.close()
        try:
            if os.read(ready_r, 1) == b"y" and we_map:
                limits.write_id_maps(a, s["drop_uid"], s["drop_uid"])
            os.write(go_w, b"g")
        except OSError:
            pass  # A died; reported below as no pid
        os.close(ready_r)
        os.close(go_w)
        raw = b""
        while chunk := os.read(pid_r, 4096):
            raw += chunk
        os.close(pid_r)
        os.waitpid(a, 0)
        if not raw:
            ours.close()
            os.close(out_r)
            return {"ok": False, "error": "could not start the student's process"}, []
        report = json.loads(raw)
        self.alive.add(report["pid"])
        if not report["info"].get("pid_namespace"):
            self.groups.add(report["pid"])
        return {"ok": True, "pid": report["pid"], "info": report["info"]}, [ours, out_r]

    # -- killing and reaping -------------------------------------------------------
    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.alive:
                self.alive.discard(pid)
                self.status[pid] = status
                self.end_group(pid)

    def end_group(self, pid: int):
        """Kill what is left of a child's process group (its pid stays reserved while the group lives)."""
        if pid in self.groups:
            self.groups.discard(pid)
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass

    def kill(self, pid: int) -> int | None:
        if pid in self.alive:
            for send in (os.kill, os.killpg):  # killpg: the process group, when there is no PID namespace
                try:
                    send(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            deadline = time.monotonic() + KILL_WAIT
            while time.monotonic() < deadline:
                try:
                    done, status = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if done:
                    self.status[pid] = status
                    break
                time.sleep(0.001)
            else:
                return None  # could not be killed (it stays in ``alive``; killed again at exit)
            self.alive.discard(pid)
            self.end_group(pid)
        return self.status.pop(pid, None)

    # -- serving -----------------------------------------------------------------
    def serve(self, versions: dict):
        from . import channel

        self.control.sendall(channel.pack({"ok": True, "pid": os.getpid(), "versions": versions}))
        while True:
            frame = channel.recv_frame(self.control, MAX_CONTROL_FRAME)
            if frame is None:
                break
            request, _ = frame
            self.reap()
            fds = []
            if request.get("op") == "fork":
                reply, objs = self.fork(request)
                fds = [o if isinstance(o, int) else o.fileno() for o in objs]
            elif request.get("op") == "kill":
                reply, objs = {"ok": True, "status": self.kill(int(request["pid"]))}, []
            else:
                reply, objs = {"ok": False, "error": f"unknown op {request.get('op')!r}"}, []
            socket.send_fds(self.control, [channel.pack(reply)], fds)
            for o in objs:
                o.close() if hasattr(o, "close") else os.close(o)
        for pid in list(self.alive):
            self.kill(pid)


def main(settings: dict):
    """Entry point inside the sandbox; ``settings`` comes from the grader (runner.py)."""
    from . import limits

    sys.path[:0] = [p for p in settings["site"] if p not in sys.path]
    for key, value in settings.get("env", {}).items():
        os.environ[key] = value
    control = socket.socket(fileno=settings["control_fd"])
    limits.prctl(limits.PR_SET_DUMPABLE, 0)
    limits.become_subreaper()
    versions = _load_heavy(settings)
    from . import channel, child, notebook  # noqa: F401  (imported before any fork: children need no disk access)

    notebook.warm_up()

    Zygote(settings, control).serve(versions)  # returns once the grader hung up and the children are killed
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # no interpreter shutdown (numpy, torch, nbformat): the grader waits for this exit
