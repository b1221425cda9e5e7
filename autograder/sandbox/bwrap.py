"""The bubblewrap command line that starts the zygote: an allowlist of what the sandbox may see.

The sandbox's root is an empty read-only tmpfs. Into it are bound, read-only and
at their own paths, only what the Python runtime needs (``allowlist``): the
interpreter file (the real one behind a venv's symlink), its standard library and
lib-dynload, libpython when it is shared, the site-packages directories, the
system's shared libraries (/usr/lib, /lib, /lib64, ... and /etc/ld.so.cache).
Then a fresh /dev and /proc, a private /tmp, and the shipped sandbox package.
Nothing else exists inside: no /etc/passwd, no /usr/bin, no /home, /root or /work
beyond the directories on the way to a bound path, no repository, submissions
folder, gradebook, secret or solutions folder, wherever they are. Paths that must
stay hidden (``default_hidden``: deepgrade's own packages, ``SandboxConfig.hide``...)
are covered again where they lie inside a bound directory, e.g. ``autograder`` and
``reference`` installed into site-packages.

No network, IPC, UTS or PID sharing, a cleared environment, no capabilities. As
root, bwrap runs without a user namespace but keeps CAP_SETUID/CAP_SETGID, so
that each child can become ``nobody`` (see limits.py), and CAP_KILL, so that the
zygote can kill it; otherwise it runs in a user namespace as the grader's user.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

from autograder.folders import COURSE_ENV

HIDDEN_ALWAYS = ("/root", "/home", "/run", "/srv", "/mnt", "/media")
OWN_PACKAGES = ("autograder", "reference")  # hidden even where installed into a bound site-packages
SYSTEM_LIBS = ("/usr/lib", "/usr/lib64", "/usr/lib32", "/lib", "/lib64", "/lib32", "/libx32")
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/alternatives")  # the loader's cache; Debian's BLAS/LAPACK links
INNER_PACKAGE_PARENT = "/tmp/.deepgrade"
INNER_TMP_FALLBACK = "/tmp/.deepgrade-tmp"  # a child's private tmp when /tmp holds the venv
INNER_CGROUP = "/tmp/.deepgrade-cgroup"  # the sandbox's memory cgroup, covered once a child has joined


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
    for name in OWN_PACKAGES:
        spec = importlib.util.find_spec(name)
        for location in (spec.submodule_search_locations or []) if spec else []:
            dirs.append(os.path.realpath(location))
    return dirs


def default_hidden(extra=(), site=()) -> list[str]:
    """Paths that must never be visible: repository, its parent, home, data dirs, our packages, a course's
    folder (``$DEEPGRADE_COURSE``: its hidden suites and reference), ``extra``.

    Outside the allowlist nothing is visible anyway; these matter where they lie
    inside a bound directory (a package installed into site-packages, a hidden file
    the grader named with ``SandboxConfig.hide``).
    """
    paths = list(HIDDEN_ALWAYS) + [os.path.expanduser("~")] + list(extra)
    if os.environ.get(COURSE_ENV):
        paths.append(os.path.realpath(os.environ[COURSE_ENV]))
    paths += [os.path.join(s, name) for s in site for name in OWN_PACKAGES]
    for pkg in package_dirs():
        paths.append(pkg)
        repo = Path(pkg).parent
        if (repo / "pyproject.toml").exists() or (repo / ".git").exists():
            paths.append(str(repo))
            if str(repo.parent) != "/":
                paths.append(str(repo.parent))
    return paths


def allowlist(runtime: dict) -> list[str]:
    """Paths the sandbox binds: the Python runtime described by ``runtime`` and the system libraries.

    ``runtime`` has ``executable`` (real path), ``stdlib`` and ``libs`` (lists) and
    ``site`` (site-packages dirs), as ``runner._site_and_prefixes`` finds them.
    """
    paths = [runtime["executable"], *runtime["stdlib"], *runtime["libs"], *runtime["site"]]
    return paths + [p for p in SYSTEM_LIBS + SYSTEM_FILES if os.path.lexists(p)]


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def _outermost(paths) -> list[str]:
    real = sorted({os.path.realpath(p) for p in paths if p and os.path.lexists(p)} - {"/"})
    return [p for p in real if not any(q != p and _inside(p, q) for q in real)]


def mount_plan(hide, reveal) -> tuple[list[str], list[str], list[str]]:
    """(absent, revealed, re-hidden): what bwrap binds and what it covers again inside those binds.

    ``revealed`` are the outermost real paths of ``reveal``; ``absent`` the outermost
    paths of ``hide`` that simply are not there (not inside anything revealed);
    ``re-hidden`` the paths of ``hide`` (and deepgrade's packages) inside a revealed one.
    A hidden path that contains a revealed one (the venv inside the repository) stays
    absent except for that revealed path.
    """
    secrets = {os.path.realpath(p) for p in list(hide) + package_dirs() if os.path.lexists(p)}
    revealed = [r for r in _outermost(reveal) if r not in secrets]
    rehidden = sorted(p for p in secrets if any(_inside(p, r) and p != r for r in revealed))
    absent = [h for h in _outermost(hide) if not any(_inside(h, r) for r in revealed)]
    return absent, revealed, rehidden


def _hide_args(path: str) -> list[str]:
    return ["--tmpfs", path] if os.path.isdir(path) else ["--ro-bind", "/dev/null", path]


def _parents(path: str, made: set[str], covered) -> list[str]:
    """``--dir`` arguments (mode 0755, bwrap's default is 0700) for the missing parents of ``path``."""
    args = []
    for parent in map(str, reversed(Path(path).parents)):
        if parent not in ("/", "/tmp") and parent not in made and not any(_inside(parent, c) for c in covered):
            made.add(parent)
            args += ["--perms", "0755", "--dir", parent]
    return args


def command(bwrap: str, *, hide, runtime: dict, package_dir: str, env: dict, as_root: bool,
            cgroup: str | None = None) -> tuple[list[str], list[str], list[str]]:
    """(argv prefix ending in ``--``, bound paths, re-hidden paths) for running the zygote under bwrap."""
    links = [p for p in SYSTEM_LIBS if os.path.islink(p)]  # /lib -> usr/lib on merged-/usr systems
    reveal = [p for p in allowlist(runtime) if p not in links]
    _, revealed, rehidden = mount_plan(hide, reveal)
    argv = [bwrap, "--tmpfs", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    made: set[str] = set()
    for path in revealed:  # outermost first, in sorted order: a parent is bound before what lies inside
        argv += _parents(path, made, revealed) + ["--ro-bind", path, path]
    for path in links:
        argv += ["--symlink", os.readlink(path), path]
    for path in rehidden:
        argv += _hide_args(path)
    argv += ["--ro-bind", package_dir, f"{INNER_PACKAGE_PARENT}/{os.path.basename(package_dir)}"]
    argv += ["--perms", "0755", "--dir", INNER_TMP_FALLBACK]
    if cgroup:
        argv += ["--bind", cgroup, INNER_CGROUP]
    argv += ["--remount-ro", "/"]
    argv += ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    argv += ["--die-with-parent", "--new-session", "--clearenv", "--chdir", "/tmp", "--cap-drop", "ALL"]
    if as_root:
        argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
    else:
        argv += ["--unshare-user"]
    for key, value in env.items():
        argv += ["--setenv", key, value]
    return argv + ["--"], revealed + links, rehidden
