"""Per-child protections, applied inside the sandbox (stdlib only; shipped with the zygote).

The zygote forks an intermediate process A for each student child:

1. ``enter_namespaces`` (in A): ``unshare`` a new user, PID and mount namespace;
   A then forks B, the student's process.
2. ``protect_child`` (in B, PID 1 of its own namespace, so killing it kills every
   process it started): not dumpable (not ptrace-able), a private size-limited
   tmpfs on /tmp and /dev/shm, then, when the grader is root, the switch to an
   unprivileged uid (RLIMIT_NPROC is not enforced for uid 0), all capabilities
   dropped, no_new_privs, rlimits.

Every step is best effort; the returned dict says what took effect, and the
grader turns the missing ones into plain-language warnings.
"""

from __future__ import annotations

import ctypes
import os
import resource

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
# A child's own namespaces: nothing (files, SysV IPC, abstract or loopback sockets, signals) reaches it
# from another child -- another student's, or another process of the same submission (fresh copies).
CHILD_NAMESPACES = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NO_NEW_PRIVS = 38
MS_NOSUID, MS_NODEV = 2, 4
CAP_VERSION_3 = 0x20080522

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:  # pragma: no cover - not on Linux
    _libc = None


def _call(name: str, *args) -> bool:
    fn = getattr(_libc, name, None)
    if fn is None:
        return False
    return fn(*args) == 0


def prctl(option: int, arg: int = 0) -> bool:
    return _call("prctl", ctypes.c_int(option), ctypes.c_ulong(arg), ctypes.c_ulong(0),
                 ctypes.c_ulong(0), ctypes.c_ulong(0))


def become_subreaper() -> bool:
    """Orphaned grandchildren are re-parented to (and reaped by) the caller."""
    return prctl(PR_SET_CHILD_SUBREAPER, 1)


def enter_namespaces(namespaces: bool, self_map: bool) -> dict:
    """In A: enter fresh user, PID, mount, IPC and network namespaces (the last two optional).

    The new user namespace needs a uid/gid map before files can be created on its
    tmpfs. With ``self_map`` A maps its own ids (its /proc/self/*_map files are
    root's while it is not dumpable, so it is dumpable for the few microseconds of
    the write); otherwise the zygote writes the maps (``write_id_maps``).
    """
    info = {"host_euid": os.geteuid(), "pid_namespace": False, "user_namespace": False,
            "ipc_namespace": False, "net_namespace": False}
    if not namespaces:
        return info
    uid, gid = os.geteuid(), os.getegid()
    if self_map:
        prctl(PR_SET_DUMPABLE, 1)
    if _call("unshare", ctypes.c_int(CHILD_NAMESPACES)):
        info["pid_namespace"] = info["user_namespace"] = info["ipc_namespace"] = info["net_namespace"] = True
    elif _call("unshare", ctypes.c_int(CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS)):
        info["pid_namespace"] = info["user_namespace"] = True
    if info["user_namespace"]:
        if self_map:
            write_id_maps("self", uid, gid, deny_setgroups=True)
    if self_map:
        prctl(PR_SET_DUMPABLE, 0)
    return info


def write_id_maps(pid, uid: int, gid: int, deny_setgroups: bool = False) -> bool:
    """Map ``uid``/``gid`` to themselves in the user namespace of process ``pid``."""
    steps = [("setgroups", "deny")] if deny_setgroups else []
    steps += [("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")]
    try:
        for name, text in steps:
            with open(f"/proc/{pid}/{name}", "w") as f:
                f.write(text)
    except OSError:
        return False
    return True


def drop_uid(uid: int) -> bool:
    """Become ``uid`` (and gid ``uid``) for good; every capability goes with root."""
    try:
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    except OSError:
        return False
    return True


def _private_tmpfs(path: str, size: int) -> bool:
    if not os.path.isdir(path):
        return False
    opts = f"size={size},mode=1777".encode()
    return _call("mount", b"tmpfs", path.encode(), b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV), opts)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def drop_bounding_set():
    for cap in range(64):
        if not prctl(PR_CAPBSET_DROP, cap) and ctypes.get_errno() == 22:  # EINVAL: past the last cap
            break


def drop_capabilities() -> bool:
    header, data = _CapHeader(CAP_VERSION_3, 0), (_CapData * 2)()
    return _call("capset", ctypes.byref(header), data)


def set_rlimits(limits: dict) -> bool:
    """``limits`` maps RLIMIT_* names to a soft value (hard = soft, CPU gets 2 s more)."""
    ok = True
    for name, soft in limits.items():
        hard = soft + 2 if name == "RLIMIT_CPU" else soft
        try:
            resource.setrlimit(getattr(resource, name), (soft, hard))
        except (ValueError, OSError, AttributeError):
            ok = False
    return ok


def private_tmp_target(keep, fallback: str | None) -> str:
    """Where the child's private tmpfs goes: /tmp, unless that would shadow something in ``keep``.

    A virtual environment (or Python) that lives under /tmp must stay visible; the child
    then gets its private tmpfs on ``fallback`` (a directory the sandbox made for it) and
    TMPDIR/HOME point there, while /tmp itself stays the sandbox's root-owned tmpfs.
    """
    if fallback and any(k.startswith("/tmp/") for k in keep):
        return fallback
    return "/tmp"


def protect_child(info: dict, tmp_bytes: int, limits: dict, uid: int | None,
                  keep=(), fallback: str | None = None) -> dict:
    """In B, before any student code: private tmp, then no privileges, then rlimits."""
    info = dict(info)
    info["not_dumpable"] = prctl(PR_SET_DUMPABLE, 0)
    if not info["pid_namespace"]:
        try:
            os.setsid()  # at least a process group the grader can kill at once
        except OSError:
            pass
    info["tmp_dir"] = private_tmp_target(keep, fallback)
    info["private_tmp"] = info["user_namespace"] and _private_tmpfs(info["tmp_dir"], tmp_bytes)
    if info["private_tmp"]:
        _private_tmpfs("/dev/shm", tmp_bytes)
    drop_bounding_set()
    info["uid_dropped"] = uid is not None and info["host_euid"] == 0 and drop_uid(uid)
    info["nproc_enforced"] = info["uid_dropped"] or info["host_euid"] != 0
    info["capabilities_dropped"] = drop_capabilities()
    info["no_new_privs"] = prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_DUMPABLE, 0)  # changing uid resets it
    info["rlimits"] = set_rlimits(limits)
    return info
