"""seccomp: a small classic-BPF filter that refuses the system calls a student child must not make.

Where bubblewrap cannot run there is no network namespace; the filter stands in
for it and for what a PID namespace would give:

- ``socket`` is refused (EACCES): no network, no UNIX socket to a host service
  (the child's channel to the grader is a socket it already holds);
- ``io_uring_*`` (which can open sockets behind the filter's back), ``ptrace``,
  ``process_vm_*``, ``bpf``, ``perf_event_open``, ``userfaultfd``, the keyring,
  and ``mount``, ``unshare``, ``setns`` and namespace-creating ``clone`` are refused;
- ``setsid`` and ``setpgid`` are refused, so every process a submission starts
  stays in its process group and dies with it (``killpg``);
- any other architecture's calling convention (i386 or x32 on x86_64) is refused.

``docker_like`` builds the filter Docker's default profile applies to a container
without CAP_SYS_ADMIN (no new namespaces); the tests use it to simulate Gradescope
and JupyterHub. Stdlib only (shipped into the sandbox); x86_64 and aarch64.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
X32_BIT = 0x40000000
CLONE_NEW_ANY = 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000 | 0x00020000 | 0x80
ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
SYSCALLS = {
    "x86_64": dict(socket=41, ptrace=101, setpgid=109, setsid=112, process_vm_readv=310, process_vm_writev=311,
                   bpf=321, perf_event_open=298, userfaultfd=323, keyctl=250, add_key=248, request_key=249,
                   unshare=272, setns=308, clone=56, clone3=435, mount=165, umount2=166, pivot_root=155),
    "aarch64": dict(socket=198, ptrace=117, setpgid=154, setsid=157, process_vm_readv=270, process_vm_writev=271,
                    bpf=280, perf_event_open=241, userfaultfd=282, keyctl=219, add_key=217, request_key=218,
                    unshare=97, setns=268, clone=220, clone3=435, mount=40, umount2=39, pivot_root=41),
}
COMMON = dict(io_uring_setup=425, io_uring_enter=426, io_uring_register=427, open_tree=428, move_mount=429,
              fsopen=430, fsconfig=431, fsmount=432, fspick=433, mount_setattr=442)

CHILD_DENY = {
    "socket": errno.EACCES, "io_uring_setup": errno.ENOSYS, "io_uring_enter": errno.ENOSYS,
    "io_uring_register": errno.ENOSYS, "ptrace": errno.EPERM, "process_vm_readv": errno.EPERM,
    "process_vm_writev": errno.EPERM, "bpf": errno.EPERM, "perf_event_open": errno.EPERM,
    "userfaultfd": errno.EPERM, "keyctl": errno.EPERM, "add_key": errno.EPERM, "request_key": errno.EPERM,
    "setsid": errno.EPERM, "setpgid": errno.EPERM, "unshare": errno.EPERM, "setns": errno.EPERM,
    "clone3": errno.ENOSYS, "mount": errno.EPERM, "umount2": errno.EPERM, "pivot_root": errno.EPERM,
    "open_tree": errno.EPERM, "move_mount": errno.EPERM, "fsopen": errno.EPERM, "fsmount": errno.EPERM,
    "fspick": errno.EPERM, "mount_setattr": errno.EPERM,
}
DOCKER_DENY = {"unshare": errno.EPERM, "setns": errno.EPERM, "clone3": errno.ENOSYS, "mount": errno.EPERM}


def machine() -> str | None:
    """The architecture name the filter supports here, or None."""
    name = platform.machine()
    return name if name in ARCH else None


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k & 0xFFFFFFFF)


def program(deny: dict, clone_namespaces: int | None, arch: str) -> bytes:
    """The BPF program: refuse each call of ``deny`` ({name: errno}), and ``clone`` with a CLONE_NEW*
    flag when ``clone_namespaces`` is an errno; allow everything else."""
    numbers = dict(SYSCALLS[arch], **COMMON)
    insns = [_insn(LD_W_ABS, 0, 0, 4), _insn(JEQ_K, 1, 0, ARCH[arch]), _insn(RET_K, 0, 0, RET_ERRNO | errno.EPERM),
             _insn(LD_W_ABS, 0, 0, 0)]
    if arch == "x86_64":
        insns += [_insn(JGE_K, 0, 1, X32_BIT), _insn(RET_K, 0, 0, RET_ERRNO | errno.EPERM)]
    for name, code in sorted(deny.items()):
        insns += [_insn(JEQ_K, 0, 1, numbers[name]), _insn(RET_K, 0, 0, RET_ERRNO | code)]
    if clone_namespaces is not None:  # flags are the first argument (low word at offset 16) on both arches
        insns += [_insn(JEQ_K, 0, 3, numbers["clone"]), _insn(LD_W_ABS, 0, 0, 16),
                  _insn(JSET_K, 0, 1, CLONE_NEW_ANY), _insn(RET_K, 0, 0, RET_ERRNO | clone_namespaces)]
    insns.append(_insn(RET_K, 0, 0, RET_ALLOW))
    return b"".join(insns)


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install(code: bytes) -> bool:
    """Apply the BPF program ``code`` to the calling thread (no_new_privs or CAP_SYS_ADMIN needed)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - not Linux
        return False
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _Fprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    return libc.prctl(ctypes.c_int(PR_SET_SECCOMP), ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog),
                      ctypes.c_ulong(0), ctypes.c_ulong(0)) == 0


def confine_child() -> bool:
    """Install the student child's filter (see the module docstring); False where unsupported."""
    arch = machine()
    return bool(arch) and install(program(CHILD_DENY, errno.EPERM, arch))


def docker_like() -> bytes | None:
    """The filter of a container without CAP_SYS_ADMIN under Docker's default profile (no new namespaces)."""
    arch = machine()
    return program(DOCKER_DENY, errno.EPERM, arch) if arch else None
