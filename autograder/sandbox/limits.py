"""Per-child protections, applied inside the sandbox (stdlib only; shipped with the zygote).

The zygote forks an intermediate process A for each student child:

1. ``enter_namespaces`` (in A): ``unshare`` a new user, PID and mount namespace;
   A then forks B, the student's process.
2. ``protect_child`` (in B, PID 1 of its own namespace, so killing it kills every
   process it started): not dumpable (not ptrace-able), its own memory cgroup
   when the grader prepared one, a private size-limited tmpfs on /tmp and
   /dev/shm, then, when the grader is root, the switch to an unprivileged uid
   (RLIMIT_NPROC is not enforced for uid 0), all capabilities dropped,
   no_new_privs, then, where bubblewrap is not in use, ``confine``: a directory
   of its own, Landlock (``landlock.py``: read only the runtime, write only that
   directory) and a seccomp filter (``seccomp.py``: no sockets, no setsid), then rlimits.

Without namespaces (a container without CAP_SYS_ADMIN, a JupyterHub without user
namespaces) there is no PID 1 to kill: B is a process-group leader, and the
filter keeps every process it starts in that group.

Memory is bounded per submission, not per process: B makes a cgroup of its own
inside the sandbox's (``sandbox_cgroup``, made by the grader and bound into the
sandbox), sets its limit and moves itself in, so B and everything it forks
share one budget. Without a cgroup the budget is split: a few processes
(RLIMIT_NPROC) each with a share of it as new address space (RLIMIT_AS beyond
what the zygote had already mapped). RLIMIT_NPROC is counted per user namespace
and uid, so one child's processes never count against another's.

Every step is best effort; the returned dict says what took effect, and the
grader turns the missing ones into plain-language warnings.
"""

from __future__ import annotations

import ctypes
import os
import resource

from . import landlock, seccomp

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


# -- memory cgroups ---------------------------------------------------------------------------
CGROUP_FILES = {1: ("memory.limit_in_bytes", "memory.memsw.limit_in_bytes"), 2: ("memory.max", "memory.swap.max")}
STALE_CGROUP_S = 60.0  # an empty child cgroup older than this is removed by the next child


def _own_cgroup_dir(version: int) -> str | None:
    """Directory of the calling process's memory cgroup (v1) or unified cgroup (v2), from /proc."""
    try:
        own = open("/proc/self/cgroup").read().splitlines()
        mounts = open("/proc/self/mountinfo").read().splitlines()
    except OSError:
        return None
    for line in own:
        _, controllers, path = line.split(":", 2)
        if (version == 2 and controllers == "") or (version == 1 and "memory" in controllers.split(",")):
            break
    else:
        return None
    for line in mounts:
        fields, _, tail = line.partition(" - ")
        fields, tail = fields.split(), tail.split()
        if len(tail) < 3 or tail[0] != ("cgroup2" if version == 2 else "cgroup"):
            continue
        if version == 1 and "memory" not in tail[2].split(","):
            continue
        root, mountpoint = fields[3], fields[4]
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return os.path.join(mountpoint, path[len(root.rstrip("/")):].lstrip("/"))
    return None


def sandbox_cgroup(tag: str) -> tuple[str, int] | None:
    """(directory, version) of a new cgroup for one sandbox's children, under the caller's own; or None.

    Runs in the grader. cgroup v2 needs the memory controller delegated to the
    caller's cgroup (it is then enabled for the new one's children); v1 needs a
    writable memory hierarchy. None when neither works: no cgroup is used.
    """
    for version in (2, 1):
        parent = _own_cgroup_dir(version)
        if not parent or not os.access(parent, os.W_OK):
            continue
        path = os.path.join(parent, tag)
        try:
            if version == 2:
                if "memory" not in open(os.path.join(parent, "cgroup.controllers")).read().split():
                    continue
                if "memory" not in open(os.path.join(parent, "cgroup.subtree_control")).read().split():
                    _write(os.path.join(parent, "cgroup.subtree_control"), "+memory")
            os.mkdir(path)
            if version == 2:
                _write(os.path.join(path, "cgroup.subtree_control"), "+memory")
        except OSError:
            remove_cgroup(path)
            continue
        return path, version
    return None


def remove_cgroup(path: str, tries: int = 50) -> bool:
    """Remove a sandbox's cgroup and its children's (their processes must be gone); True when gone."""
    import time

    for _ in range(tries):
        try:
            for name in os.listdir(path):
                if os.path.isdir(os.path.join(path, name)):
                    _rmdir(os.path.join(path, name))
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(0.02)  # a process just killed is still being torn down
    return False


def _write(path: str, text: str):
    with open(path, "w") as f:
        f.write(text)


def _rmdir(path: str) -> bool:
    try:
        os.rmdir(path)
        return True
    except OSError:
        return False


def join_memory_cgroup(base: str, version: int, limit: int) -> bool:
    """In B: make a cgroup of its own in ``base`` with ``limit`` bytes (no swap) and move into it."""
    import time

    try:
        for name in os.listdir(base):  # children that have ended; a busy one refuses rmdir
            path = os.path.join(base, name)
            if name.startswith("child-") and time.time() - os.stat(path).st_mtime > STALE_CGROUP_S:
                _rmdir(path)
        path = os.path.join(base, "child-" + os.urandom(8).hex())
        os.mkdir(path)
        memory, swap = CGROUP_FILES[version]
        _write(os.path.join(path, memory), str(limit))
        try:
            _write(os.path.join(path, swap), str(limit) if version == 1 else "0")
        except OSError:
            pass  # no swap accounting: nothing to limit
        _write(os.path.join(path, "cgroup.procs"), "0")
    except (OSError, KeyError):
        return False
    return True


def _address_space() -> int:
    """Bytes of address space the calling process has mapped (VmSize)."""
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def memory_rlimits(limits: dict, memory: dict | None, joined: bool) -> tuple[dict, str]:
    """(rlimits to set, what bounds the submission's memory, in words).

    In a cgroup of its own the submission's processes share ``memory["bytes"]``
    (RLIMIT_AS stays as a per-process backstop). Otherwise at most
    ``memory["fallback_processes"]`` processes, each with an equal share of the
    budget as address space beyond what it inherited from the zygote.
    """
    if not memory:
        return limits, f"{limits.get('RLIMIT_AS', 0) >> 20} MiB address space per process"
    budget = int(memory["bytes"])
    if joined:
        return limits, f"cgroup v{memory['version']}, {budget >> 20} MiB per submission"
    n = int(memory["fallback_processes"])
    share = budget // n
    limits = dict(limits, RLIMIT_NPROC=min(n, limits.get("RLIMIT_NPROC", n)), RLIMIT_AS=_address_space() + share)
    return limits, f"{n} processes x {share >> 20} MiB address space (beyond the zygote's)"


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


def _readable(path: str) -> bool:
    try:
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC))
    except OSError:
        return False
    return True


def confine(info: dict, settings: dict) -> dict:
    """In B, after no_new_privs, where bubblewrap is not in use: its own directory, Landlock, seccomp.

    ``settings``: {rules (Landlock read rules, see landlock.rules), workdir (where the
    own directory is made when there is no private tmpfs), secrets (files that must
    stay unreadable: which still are is reported), runtime (dirs the child must read)}.
    """
    done, own = {}, None
    if not info["private_tmp"]:
        try:
            own = os.path.join(settings["workdir"], "child-" + os.urandom(8).hex())
            os.mkdir(own, 0o700)
            info["tmp_dir"] = own
        except OSError:
            pass
    write = [info["tmp_dir"]] if info["private_tmp"] or own else []
    result = landlock.restrict(list(map(tuple, settings["rules"])) + [(p, "write") for p in write + ["/dev/null"]])
    done.update(landlock=result["abi"] if result["filesystem"] else 0, landlock_network=result["network"],
                landlock_scoped=result["scoped"], seccomp=seccomp.confine_child())
    if not info["private_tmp"] and own and result["filesystem"]:
        info["private_tmp"] = "directory"  # its own, unreachable by other children (Landlock); not size-limited
    done["readable_secrets"] = [p for p in settings.get("secrets", ()) if _readable(p)]
    done["runtime_readable"] = all(os.access(p, os.R_OK | os.X_OK) for p in settings.get("runtime", ()))
    return done


def protect_child(info: dict, tmp_bytes: int, limits: dict, uid: int | None,
                  keep=(), fallback: str | None = None) -> dict:
    """In B, before any student code: memory cgroup, private tmp, then no privileges, then rlimits.

    ``limits`` maps RLIMIT_* names to values and may hold ``memory``: {bytes,
    fallback_processes, cgroup (the sandbox's cgroup dir inside, or None), version},
    and ``confine`` (see ``confine``) where bubblewrap is not in use.
    """
    info = dict(info)
    info["not_dumpable"] = prctl(PR_SET_DUMPABLE, 0)
    if not info["pid_namespace"]:
        try:
            os.setsid()  # at least a process group the grader can kill at once
        except OSError:
            pass
    limits = dict(limits)
    confinement = limits.pop("confine", None)
    memory = limits.pop("memory", None)  # the submission's memory budget (see memory_rlimits)
    cgroup = memory and memory.get("cgroup")
    info["memory_cgroup"] = bool(cgroup) and join_memory_cgroup(cgroup, memory["version"], memory["bytes"])
    if cgroup and info["user_namespace"]:  # the sandbox's cgroup stays out of the student's reach
        _private_tmpfs(cgroup, 4096)
    limits, info["memory"] = memory_rlimits(limits, memory, info["memory_cgroup"])
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
    if confinement and info["no_new_privs"]:
        info.update(confine(info, confinement))
    info["rlimits"] = set_rlimits(limits)
    return info
