"""Time the numpy reference RNN and LSTM (forward + backward) against torch autograd on CPU.

Both run in this process, in float64, on the same inputs: ours is ``rnn_forward`` +
``rnn_backward`` (``lstm_*``), torch's is ``torch.nn.RNN`` (``LSTM``) forward plus
``backward`` of the same upstream gradient. Prints the median of several repeats and the
ratio numpy / torch (target: at most 2). Both use one thread by default: at these sizes
extra threads barely help, and on a shared machine they make timings erratic.

    .venv/bin/python bench/reference.py [--repeats 7] [--threads 1]   # --threads 0: library defaults
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

# This script is itself named reference.py: drop its folder from sys.path so that
# `reference` below is the package, not this file.
sys.path[:] = [d for d in sys.path if Path(d or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402
import torch  # noqa: E402
from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

from reference import lstm, rnn  # noqa: E402

N, L, p, K = 64, 100, 32, 64


def median_seconds(fns, repeats: int) -> list[float]:
    """Median wall time of each function; repeats interleave them so load affects all alike."""
    for fn in fns:
        fn()  # warm-up
    times = [[] for _ in fns]
    for _ in range(repeats):
        for fn, ts in zip(fns, times):
            start = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - start)
    return [float(np.median(ts)) for ts in times]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def numpy_rnn(X, h0, W, U, b, dH):
    def run():
        H, cache = rnn.rnn_forward(X, h0, W, U, b, "tanh")
        rnn.rnn_backward(dH, cache)
    return run


def numpy_lstm(X, h0, W, U, b, dH):
    def run():
        H, cache = lstm.lstm_forward(X, h0, W, U, b)
        lstm.lstm_backward(dH, cache)
    return run


def torch_run(net, X, h0, dH, with_cell: bool):
    Xt, h0t, dHt = (torch.from_numpy(a) for a in (X, h0, dH))

    def run():
        x, h = Xt.clone().requires_grad_(), h0t[None].clone().requires_grad_()
        state = (h, torch.zeros_like(h)) if with_cell else h
        H, _ = net(x, state)
        H.backward(dHt)
        net.zero_grad(set_to_none=True)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads for both torch and numpy's BLAS; 0 keeps each library's default")
    args = parser.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)
    blas = [f"{i['internal_api']} threads={i['num_threads']}" for i in threadpool_info() if i["user_api"] == "blas"]
    rng = np.random.default_rng(0)
    X, h0, dH = rng.normal(size=(N, L, p)), rng.normal(size=(N, K)), rng.normal(size=(N, L, K))

    print(f"N={N} L={L} p={p} K={K}, float64, median of {args.repeats} interleaved repeats (forward + backward)")
    print(f"cpu: {cpu_name()}, {os.cpu_count()} cores; torch {torch.__version__} threads={torch.get_num_threads()}; "
          f"numpy {np.__version__} blas: {', '.join(blas) or 'unknown'}")
    print(f"{'model':6} {'numpy (ms)':>11} {'torch (ms)':>11} {'numpy/torch':>12}")
    for name, gates, ours, module, with_cell, to_state in [
        ("RNN", 1, numpy_rnn, torch.nn.RNN, False, rnn.to_torch_rnn_state),
        ("LSTM", 4, numpy_lstm, torch.nn.LSTM, True, lstm.to_torch_lstm_state),
    ]:
        W = rng.normal(size=(p, gates * K)) / np.sqrt(p)
        U = rng.normal(size=(K, gates * K)) / np.sqrt(K)
        b = rng.normal(size=gates * K) * 0.1
        net = module(p, K, batch_first=True).double()
        net.load_state_dict({k: torch.from_numpy(v) for k, v in to_state(W, U, b).items()})
        t_np, t_torch = median_seconds(
            [ours(X, h0, W, U, b, dH), torch_run(net, X, h0, dH, with_cell)], args.repeats
        )
        print(f"{name:6} {1e3 * t_np:11.2f} {1e3 * t_torch:11.2f} {t_np / t_torch:12.2f}")


if __name__ == "__main__":
    main()
