"""Landlock (Linux >= 5.13): a process limits itself to reading an allowlist and writing one directory.

Used where bubblewrap cannot run (a Gradescope-like container, a JupyterHub
without user namespaces): each student child, after dropping privileges and
setting no_new_privs, calls ``restrict``. From then on it, and everything it
starts, may only

- read (open, list, execute) the paths of ``read`` rules: the Python runtime and
  the system libraries, as bwrap's allowlist;
- write, create and delete inside its own directory (``write`` rules);
- (ABI >= 4) neither bind nor connect TCP sockets;
- (ABI >= 6) neither signal processes nor reach abstract UNIX sockets outside its
  own Landlock domain (the grader, the zygote, other students).

Landlock only grants: a secret that lies inside an allowed directory (deepgrade
installed into site-packages) is carved out by ``rules``, which allows the
directory's listing and each entry beside the secret, never the secret itself.
``stat`` is not mediated: a child may learn that a path exists, not read it.

Stdlib only: three system calls through ctypes (shipped into the sandbox).
"""

from __future__ import annotations

import ctypes
import os
import stat

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446  # the same on every architecture
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
MAKE_REG, MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15  # ABI 2, 3, 5
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV  # the only rights a rule on a file may hold
READ = EXECUTE | READ_FILE | READ_DIR
WRITE = (READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | MAKE_SOCK | MAKE_FIFO
         | MAKE_SYM | REFER | TRUNCATE)

try:
    _libc = ctypes.CDLL(None, use_errno=True)
    _syscall = _libc.syscall
    _syscall.restype = ctypes.c_long
except (OSError, AttributeError):  # pragma: no cover - not Linux
    _syscall = None


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi() -> int:
    """Landlock ABI version of the running kernel; 0 when Landlock is unavailable or disabled."""
    if _syscall is None:
        return 0
    version = _syscall(ctypes.c_long(SYS_CREATE_RULESET), None, ctypes.c_size_t(0),
                       ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(int(version), 0)


def handled_fs(version: int) -> int:
    """Every filesystem right the given ABI knows (all of them are refused unless a rule allows)."""
    rights = (1 << 13) - 1
    if version >= 2:
        rights |= REFER
    if version >= 3:
        rights |= TRUNCATE
    if version >= 5:
        rights |= IOCTL_DEV
    return rights


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip("/") + "/")


def rules(read, holes=(), write=()) -> list[tuple[str, str]]:
    """[(path, "read" | "list" | "write")]: ``read`` trees without ``holes``, and the ``write`` dirs.

    A tree with a hole inside gets "list" (its names only) and a rule for each entry
    beside the hole, recursively; the hole and what lies under it get nothing.
    Runs in the grader, once per sandbox.
    """
    holes = sorted({os.path.realpath(h) for h in holes})
    out: list[tuple[str, str]] = []

    def add(path: str):
        if any(_inside(path, h) for h in holes):
            return
        inner = [h for h in holes if _inside(h, path)]
        if not inner or not os.path.isdir(path) or os.path.islink(path):
            out.append((path, "read"))
            return
        out.append((path, "list"))
        try:
            names = sorted(os.listdir(path))
        except OSError:
            return
        for name in names:
            add(os.path.join(path, name))

    for root in sorted({os.path.realpath(p) for p in read if os.path.exists(p)}):
        add(root)
    out += [(os.path.realpath(p), "write") for p in write if os.path.exists(p)]
    return out


def restrict(rule_list, *, network: bool = True, scope: bool = True) -> dict:
    """Restrict the calling thread (and its future children) to ``rule_list``; needs no_new_privs.

    ``rule_list``: [(path, "read" | "list" | "write")] as ``rules`` makes them; a path that
    cannot be opened is skipped. Returns {"abi", "filesystem", "network", "scoped"}: what took effect.
    """
    done = {"abi": abi(), "filesystem": False, "network": False, "scoped": False}
    version = done["abi"]
    if not version:
        return done
    fs = handled_fs(version)
    attr = _RulesetAttr(handled_access_fs=fs)
    size = 8
    if network and version >= 4:
        attr.handled_access_net, size = NET_BIND_TCP | NET_CONNECT_TCP, 16
    if scope and version >= 6:
        attr.scoped, size = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL, 24
    fd = _syscall(ctypes.c_long(SYS_CREATE_RULESET), ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if fd < 0:
        return done
    try:
        wanted = {"read": READ, "list": READ_DIR, "write": WRITE}
        for path, kind in rule_list:
            try:
                target = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                rights = wanted[kind] & fs
                if not _is_dir(target):
                    rights &= FILE_RIGHTS
                rule = _PathBeneath(allowed_access=rights, parent_fd=target)
                _syscall(ctypes.c_long(SYS_ADD_RULE), ctypes.c_int(fd), ctypes.c_int(RULE_PATH_BENEATH),
                         ctypes.byref(rule), ctypes.c_uint32(0))
            finally:
                os.close(target)
        if _syscall(ctypes.c_long(SYS_RESTRICT_SELF), ctypes.c_int(fd), ctypes.c_uint32(0)) != 0:
            return done
    finally:
        os.close(fd)
    done.update(filesystem=True, network=bool(attr.handled_access_net), scoped=bool(attr.scoped))
    return done


def _is_dir(fd: int) -> bool:
    try:
        return stat.S_ISDIR(os.fstat(fd).st_mode)
    except OSError:
        return False
