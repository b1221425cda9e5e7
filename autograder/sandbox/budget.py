"""What one submission's processes share: its time budget, and the functions that timed out.

A submission's process and its fresh copies (``StudentProcess.fresh()``) draw on one :class:`Budget`
and one :class:`TimeoutMemory`: once the budget is spent, every further cell and call fails at once;
once a function timed out, its further calls fail at once with the first timeout's message, so one
hung function costs one timeout rather than one per test.
"""

from __future__ import annotations

import os
import time

from .config import StudentError

# Set to "0" to call a function again after it timed out (the behaviour before issue 9; benchmarks only).
TIMEOUT_MEMORY_ENV = "DEEPGRADE_TIMEOUT_MEMORY"


class Budget:
    """One submission's total time: every cell, call, restart and fresh copy draws on it."""

    def __init__(self, seconds: float):
        if not seconds > 0:
            raise ValueError(f"a submission's time budget must be a positive number of seconds, got {seconds!r}")
        self.seconds = float(seconds)
        self.deadline = time.monotonic() + self.seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def spent(self) -> StudentError:
        return StudentError("timeout", f"not run: the submission used up its total time budget of {self.seconds:g} s")


class TimeoutMemory:
    """Which functions of one submission timed out, shared by its process and fresh copies.

    A function that timed out once is not called again: its later calls fail at once with the message
    of its first timeout. ``waited`` counts requests (cells and calls) that ran into their deadline,
    ``failed_fast`` the calls refused because their function had timed out before.
    """

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.messages: dict[str, str] = {}
        self.waited = 0
        self.failed_fast = 0

    def check(self, name: str):
        """Raise the remembered timeout of ``name``, if any."""
        if self.enabled and name in self.messages:
            self.failed_fast += 1
            raise StudentError("timeout", f"{self.messages[name]} (after that first timeout, {name} was not "
                               "called again)")

    def remember(self, name: str, message: str):
        self.messages.setdefault(name, message)


def remember_timeouts(config) -> bool:
    """``config.remember_timeouts`` if set, else True unless ``$DEEPGRADE_TIMEOUT_MEMORY`` is "0"."""
    value = getattr(config, "remember_timeouts", None)
    return os.environ.get(TIMEOUT_MEMORY_ENV, "1") != "0" if value is None else bool(value)
