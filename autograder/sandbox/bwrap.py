"""The bubblewrap command line that starts the zygote, and which paths it hides.

The sandbox sees the host read-only (``--ro-bind / /``) with fresh /dev, /proc
and /tmp, no network, IPC, UTS or PID sharing, a cleared environment, and no
capabilities. Secrets are hidden under empty tmpfs mounts: the repository (it
holds ``reference/`` and the hidden suites) and its parent directory, the
grader's home, /root, /home, /run, /srv, /mnt, /media and whatever
``SandboxConfig.hide`` adds (the gradebook directory, a secret file...). The
Python installation is bound back read-only where it lies inside a hidden path
(the venv lives in the repo); ``autograder`` and ``reference`` are hidden again
if they are installed there. As root, bwrap runs without a user namespace but
keeps CAP_SETUID/CAP_SETGID, so that each child can become ``nobody`` (see
limits.py), and CAP_KILL, so that the zygote can kill it; otherwise it runs in a user namespace as the grader's user.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

HIDDEN_ALWAYS = ("/root", "/home", "/run", "/srv", "/mnt", "/media")
INNER_PACKAGE_PARENT = "/tmp/.deepgrade"
INNER_TMP_FALLBACK = "/tmp/.deepgrade-tmp"  # a child's private tmp when /tmp holds the venv


def find_bwrap() -> str | None:
    """Path of the bwrap executable, or None."""
    return shutil.which("bwrap")


def bwrap_version(path: str) -> str:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "bwrap"
    except (OSError, subprocess.SubprocessError):
        return "bwrap"


def package_dirs() -> list[str]:
    """Directories of the ``autograder`` and ``reference`` packages (found without importing them)."""
    dirs = []
    for name in ("autograder", "reference"):
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            dirs.append(os.path.realpath(location))
    return dirs


def default_hidden(extra=()) -> list[str]:
    """Paths to hide: repository, its parent, home, well-known data dirs and ``extra``."""
    paths = list(HIDDEN_ALWAYS) + [os.path.expanduser("~")] + list(extra)
    for pkg in package_dirs():
        paths.append(pkg)
        repo = Path(pkg).parent
        if (repo / "pyproject.toml").exists() or (repo / ".git").exists():
            paths.append(str(repo))
            if str(repo.parent) != "/":
                paths.append(str(repo.parent))
    return paths


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _outermost(paths) -> list[str]:
    real = sorted({os.path.realpath(p) for p in paths if p and os.path.lexists(p)} - {"/"})
    return [p for p in real if not any(q != p and _inside(p, q) for q in real)]


def mount_plan(hide, reveal) -> tuple[list[str], list[str], list[str]]:
    """(hidden, revealed, re-hidden) paths, in the order bwrap must apply them."""
    hidden = _outermost(hide)
    revealed = [r for r in _outermost(reveal) if any(_inside(r, h) for h in hidden)]
    secrets = {os.path.realpath(p) for p in list(hide) + package_dirs() if os.path.lexists(p)}
    rehidden = sorted(p for p in secrets if any(_inside(p, r) and p != r for r in revealed))
    return hidden, revealed, rehidden


def _hide_args(path: str) -> list[str]:
    return ["--tmpfs", path] if os.path.isdir(path) else ["--ro-bind", "/dev/null", path]


def command(bwrap: str, *, hide, reveal, package_dir: str, env: dict, as_root: bool) -> tuple[list[str], list[str]]:
    """(argv prefix ending in ``--``, hidden paths) for running the zygote under bwrap."""
    hidden, revealed, rehidden = mount_plan(hide, reveal)
    argv = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in hidden:
        argv += _hide_args(path)
    made: set[str] = set()
    for path in revealed:
        root = next(h for h in hidden if _inside(path, h))
        for parent in reversed(Path(path).parents):  # bwrap would make missing parents 0700
            if _inside(str(parent), root) and str(parent) != root and str(parent) not in made:
                made.add(str(parent))
                argv += ["--perms", "0755", "--dir", str(parent)]
        argv += ["--ro-bind", path, path]
    for path in rehidden:
        argv += _hide_args(path)
    argv += ["--ro-bind", package_dir, f"{INNER_PACKAGE_PARENT}/{os.path.basename(package_dir)}"]
    argv += ["--perms", "0755", "--dir", INNER_TMP_FALLBACK]
    argv += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    argv += ["--die-with-parent", "--new-session", "--clearenv", "--chdir", "/tmp", "--cap-drop", "ALL"]
    if as_root:
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
    else:
        argv += ["--unshare-user"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--"], hidden + rehidden
