"""Cost of isolation: zygote start, one fork per submission, one call, memory; against in-process calls.

    .venv/bin/python bench/sandbox.py [--torch] [--calls N]

Prints medians measured in this run; the ratio compares a call through the
sandbox with calling the same student function in-process (same machine, same run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from autograder.sandbox import Sandbox, SandboxConfig, load_submission

STUDENT = '''
import numpy as np

def rnn_step_forward(x, h_prev, W, U, b):
    h = np.tanh(x @ W + h_prev @ U + b)
    return h, (x, h_prev, W, U, h)

def rnn_step_backward(dh, cache):
    x, h_prev, W, U, h = cache
    da = dh * (1 - h ** 2)
    return da @ W.T, da @ U.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)

def nothing():
    return None

def bomb():
    import os, time
    n = 0
    while True:
        try:
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
            n += 1
        except OSError:
            return n
'''


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * statistics.median(times)


def tree(pid: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(entry))
    out, stack = [], [pid]
    while stack:
        for k in kids.get(stack.pop(), []):
            out.append(k)
            stack.append(k)
    return out


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB; PSS splits pages shared with the zygote."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":")
        fields[name] = int(value.split()[0]) / 1024
    return fields.get("Rss", 0.0), fields.get("Pss", 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--torch", action="store_true", help="import torch in the zygote")
    ap.add_argument("--calls", type=int, default=300)
    args = ap.parse_args()

    path = Path(tempfile.mkdtemp()) / "student.py"
    path.write_text(STUDENT)
    sub = load_submission(path)
    rng = np.random.default_rng(0)
    N, p, K = 8, 5, 16
    x, h, W, U, b = (rng.normal(size=s) for s in [(N, p), (N, K), (p, K), (K, K), (K,)])

    config = SandboxConfig(torch=args.torch)
    start_ms = median_ms(lambda: Sandbox(config).close(), 3)
    with Sandbox(config) as sb:
        print(f"protections: {sb.protections}")
        print(f"warnings: {sb.warnings or 'none'}")
        print(f"zygote start (bwrap + python + numpy{' + torch' if args.torch else ''} + probe child): {start_ms:.1f} ms")
        fork_ms = median_ms(lambda: sb.start(sub).close(), 30)
        print(f"fork + run cells + close, per submission: {fork_ms:.2f} ms")

        namespace: dict = {}
        exec(compile(STUDENT, "student", "exec"), namespace)
        with sb.start(sub) as proc:
            trivial = median_ms(lambda: proc.call("nothing"), args.calls)
            fwd = median_ms(lambda: proc.call("rnn_step_forward", x, h, W, U, b, keep=1), args.calls)
            _, cache = proc.call("rnn_step_forward", x, h, W, U, b, keep=1)
            bwd = median_ms(lambda: proc.call("rnn_step_backward", h, cache), args.calls)
            local_fwd = median_ms(lambda: namespace["rnn_step_forward"](x, h, W, U, b), args.calls)
            local_bwd = median_ms(lambda: namespace["rnn_step_backward"](h, namespace["rnn_step_forward"](
                x, h, W, U, b)[1]), args.calls)
            print(f"round trip, no arguments: {1e3 * trivial:.0f} us")
            print(f"rnn_step_forward (5 arrays in, 1 out + cache handle): {1e3 * fwd:.0f} us "
                  f"vs {1e3 * local_fwd:.0f} us in-process ({fwd / local_fwd:.0f}x)")
            print(f"rnn_step_backward (array + handle in, 5 arrays out): {1e3 * bwd:.0f} us "
                  f"vs {1e3 * local_bwd:.0f} us in-process ({bwd / local_bwd:.0f}x)")
            procs = tree(sb._proc.pid)
            rss = {pid: memory_mb(pid) for pid in procs}
            zygote = max(rss, key=lambda pid: rss[pid][0] if pid != procs[-1] else -1)
            child = procs[-1]
            print(f"zygote RSS {rss[zygote][0]:.0f} MB; child RSS {rss[child][0]:.0f} MB, "
                  f"PSS {rss[child][1]:.0f} MB (shares the zygote's pages)")
            print(f"grader process RSS {memory_mb(os.getpid())[0]:.0f} MB")
            bombed = proc.call("bomb")
            print(f"fork bomb stopped after {bombed} processes "
                  f"(RLIMIT_NPROC {'enforced' if sb.protections.get('process_limit') else 'NOT enforced'}; "
                  f"limit {config.max_processes})")
        print(f"after close, processes left under bwrap: {len(tree(sb._proc.pid))} (bwrap init + zygote)")


if __name__ == "__main__":
    main()
