"""Settings of a sandbox, and the small value types the grader exchanges with it."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, fields

KINDS = ("missing", "exception", "timeout", "crash", "bad_value", "output_limit", "stale_handle")


class StudentError(Exception):
    """Student code failed; ``kind`` is one of ``KINDS``, ``message`` is plain language for feedback.

    - missing: the name is not defined (or not a function) in the submission
    - exception: student code raised; the message has the type, message and the student's frames
    - timeout: the call ran past its wall-clock limit and the process was killed
    - crash: the process died (segfault, os._exit, sys.exit, an rlimit) or broke the channel
    - bad_value: the result cannot cross the channel (object array, too large...)
    - output_limit: one cell or call printed more than ``SandboxConfig.output_hard_limit`` bytes (endless output)
    - stale_handle: a Handle from an earlier process (it crashed since) or another submission
    """

    def __init__(self, kind: str, message: str):
        if kind not in KINDS:
            raise ValueError(f"StudentError kind must be one of {KINDS}, got {kind!r}")
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class Handle:
    """An object that stays in the student's process (a cache, an rng...); pass it back as an argument."""

    id: int
    type_name: str
    owner: int = field(default=0, repr=False)
    generation: int = field(default=0, repr=False)


@dataclass(frozen=True)
class Rng:
    """As an argument, becomes ``np.random.default_rng(seed)`` in the student's process."""

    seed: int | tuple[int, ...]

    def __post_init__(self):
        seed = self.seed if isinstance(self.seed, tuple) else (self.seed,)
        if not seed or not all(type(s) is int and s >= 0 for s in seed):
            raise ValueError(f"Rng seed must be a non-negative int or a tuple of them, got {self.seed!r}")


@dataclass(frozen=True)
class SandboxConfig:
    """Limits and switches; every time is in seconds and every size in bytes."""

    use_bwrap: bool | None = None  # None: use bubblewrap when it is installed and works
    python: str = sys.executable  # interpreter for the zygote (same version and packages as the grader)
    torch: bool = False  # import torch (one thread) in the zygote, so children need not
    preload: tuple[str, ...] = ()  # more modules for the zygote to import (e.g. "matplotlib.pyplot")
    call_timeout: float = 10.0  # per call/get, unless call(timeout=...) says otherwise
    cell_timeout: float = 10.0  # per cell
    run_timeout: float = 60.0  # all cells of one run together
    submission_timeout: float = 180.0  # one submission in all: cells, calls, restarts, fresh copies
    remember_timeouts: bool | None = None  # a function that timed out once fails fast after (None: env, default on)
    start_timeout: float = 30.0  # zygote start (importing torch can take a few seconds)
    memory_bytes: int = 2 << 30  # memory of one submission, all its processes together (see memory_cgroup)
    memory_cgroup: bool | None = None  # None: a memory cgroup per child where the host allows; False: never
    fallback_processes: int = 8  # without a cgroup: RLIMIT_NPROC, and each process gets memory_bytes / this
    cpu_seconds: int = 120  # RLIMIT_CPU of a child, over its whole life
    file_bytes: int = 16 << 20  # RLIMIT_FSIZE
    tmp_bytes: int = 64 << 20  # size of the child's private /tmp and /dev/shm
    max_processes: int = 64  # RLIMIT_NPROC inside the child's user namespace (not enforced for root)
    max_open_files: int = 256  # RLIMIT_NOFILE
    output_limit: int = 2 << 20  # past this, one cell's or call's output is dropped (head and tail kept), with a warning
    output_hard_limit: int = 128 << 20  # bytes one cell or call may print before it is stopped (endless output)
    output_tail: int = 8192  # bytes of output kept for feedback: the first and the last half
    max_value_bytes: int = 64 << 20  # largest result (or argument) that may cross
    max_restarts: int = 20  # fresh children per submission before giving up
    hide: tuple[str, ...] = ()  # more paths to hide (gradebook dir, secret file...)
    uid: int | None = None  # None: 65534 (nobody) when the grader is root and bwrap is used

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type in ("float", "int") and not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f"SandboxConfig.{f.name} must be a positive number, got {value!r}")
        if not isinstance(self.hide, tuple) or not isinstance(self.preload, tuple):
            raise ValueError("SandboxConfig.hide and .preload must be tuples of strings")

    def rlimits(self) -> dict:
        """Per-process limits with a memory cgroup (RLIMIT_AS is then only a backstop); see limits.py."""
        return {
            "RLIMIT_AS": int(self.memory_bytes),
            "RLIMIT_CPU": int(self.cpu_seconds),
            "RLIMIT_FSIZE": int(self.file_bytes),
            "RLIMIT_NPROC": int(self.max_processes),
            "RLIMIT_NOFILE": int(self.max_open_files),
            "RLIMIT_CORE": 0,
        }
