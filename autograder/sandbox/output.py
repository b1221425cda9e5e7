"""What a student's process printed, kept in bounded memory: its head, its tail, and how much.

Output is never fatal up to a hard cap: past ``SandboxConfig.output_limit`` bytes it is only dropped
(the first and last ``output_tail // 2`` bytes are kept, and a warning says how much was printed); a
single cell or call printing more than ``output_hard_limit(config)`` (``OUTPUT_HARD_FACTOR`` times
the limit, 128 MB by default) prints without end and is stopped.
"""

from __future__ import annotations

OUTPUT_HARD_FACTOR = 64


def _size(n: int) -> str:
    """``10.0 MB``, ``4 KB``, ``1.5 KB``, ``512 bytes`` (binary units)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    if n >= 1 << 10:
        return f"{n >> 10} KB" if n % (1 << 10) == 0 else f"{n / (1 << 10):.1f} KB"
    return f"{n} bytes"


class Output:
    """What a child printed: its first and last ``cap // 2`` bytes, and how many bytes in all.

    Memory stays bounded by ``cap`` whatever the child prints; each byte is handled once (linear).
    """

    def __init__(self, cap: int):
        self.head_cap = cap // 2
        self.tail_cap = cap - self.head_cap
        self.total, self.head, self.tail = 0, bytearray(), bytearray()

    def add(self, data: bytes):
        self.total += len(data)
        if len(self.head) < self.head_cap:
            room = self.head_cap - len(self.head)
            self.head += data[:room]
            data = data[room:]
        if len(data) >= self.tail_cap:
            self.tail = bytearray(data[len(data) - self.tail_cap:])
        elif data:
            self.tail += data
            del self.tail[: max(0, len(self.tail) - self.tail_cap)]

    @property
    def dropped(self) -> int:
        return self.total - len(self.head) - len(self.tail)

    def text(self) -> str:
        head = self.head.decode("utf-8", errors="replace")
        tail = self.tail.decode("utf-8", errors="replace")
        if not self.dropped:
            return head + tail
        return f"{head}\n[... {self.dropped} bytes not kept ...]\n{tail}"

    def warning(self, limit: int) -> str | None:
        """A line for feedback once more than ``limit`` bytes were printed, else None."""
        if self.total <= limit:
            return None
        return (f"your code printed {_size(self.total)}; only the first and last {_size(self.head_cap)} were kept "
                "(the rest was dropped; printing does not change your grade)")


def flood_message(limit: int) -> str:
    return (f"printed more than {_size(limit)} in one call or cell, so it was stopped as printing without end "
            "(output past the limit is only dropped; this much is not)")


def output_hard_limit(config) -> int:
    """Bytes one cell or call may print before it is stopped (past ``config.output_limit`` output is dropped)."""
    return int(getattr(config, "output_hard_limit", OUTPUT_HARD_FACTOR * config.output_limit))
