"""Run a student's submission isolated, and call it through a values-only channel.

Grading reads top-down (STYLE.md): load the submission, run it isolated, call it
through a values-only channel; comparing and scoring happen in the trusted
process, elsewhere.

    from autograder.sandbox import load_submission, Sandbox, SandboxConfig, StudentError, Handle, Rng

    sub = load_submission("alice.ipynb")            # or a .py; SubmissionError names the file if unreadable
    with Sandbox(SandboxConfig()) as sb:             # starts the zygote (fork server) once
        print(sb.protections, sb.warnings)          # what isolation is in force; plain words for what is off
        with sb.start(sub) as proc:                 # forks a child (~5 ms) that runs the cells in order
            proc.cell_results                       # [{"index", "ok", "error"}] per cell
            proc.defined("net_forward")             # bool
            out, cache = proc.call("net_forward", X, h0, W, U, b, keep=1)
            dX, dh0, dW, dU, db = proc.call("net_backward", dH, cache)    # cache: Handle
            out, cache = proc.call("mask_forward", x, 0.5, Rng(1234), keep=1)
            proc.get("answer_3")                    # a global (an answer blank)
            proc.stdout_tail                        # last bytes the child printed

**Loading** (``loader.py``): a notebook's code cells in order, ``skip-grading``
cells left out, IPython magics and ``!shell`` lines neutralized (``transform.py``);
a .py file split on ``# %%``. ``Cell.index`` is the cell's position in the notebook.
Cells run in one fresh module: ``__main__`` for a notebook (as in Jupyter), ``submission``
for a .py file (so its ``if __name__ == "__main__":`` block does not run); ``display()``
is a no-op there. ``SandboxConfig.preload=("matplotlib.pyplot",)`` saves ~0.5 s per
submission whose notebook imports matplotlib.

**Isolation** (``bwrap.py``, ``zygote.py``, ``limits.py``): the zygote runs under
bubblewrap with the host read-only, the repository, the grader's home and
``SandboxConfig.hide`` hidden, no network, a cleared environment, no
capabilities. Each child is forked from it, becomes ``nobody`` when the grader is
root, is PID 1 of its own PID namespace (killing it kills everything it started;
RLIMIT_NPROC holds since it is not root), has a private size-limited /tmp and
rlimits on memory, CPU, file size, processes and open files. Every cell and call
has a wall-clock deadline ending in SIGKILL, and a cap on what it may print.
A broken cell is recorded in ``cell_results`` and the other cells still run;
a cell that kills the child is left out when the child is started again.

**Values** (``channel.py``): arguments and results cross as ``.npy`` arrays
(numeric and bool dtypes; dtype kept, e.g. float32 stays float32) and tagged JSON
(None, bool, int, float incl. nan/inf, complex, str, list, tuple, dict with str
keys). Nothing is ever pickled. In the child, ndarray subclasses become plain
arrays, numpy scalars Python numbers, subclasses of builtins their base type;
any other object (a custom class, a generator, an object with a lying ``__eq__``)
stays in the child and comes back as a ``Handle``, which can be passed back as an
argument. Object arrays are refused (``bad_value``).

``keep`` picks what stays in the child: ``keep=None`` (default) converts the
whole result; ``keep=1`` (an index or tuple of indices) returns the result tuple
with those items as Handles to the exact objects the student returned (so a
backward receives its forward's cache itself, identity and all); ``keep=True``
returns the whole result as one Handle. (``timeout`` and ``keep`` are ``call``'s own
keywords; they never reach the student's function.) ``proc.fetch(handle)`` converts a kept
object; ``proc.rng(seed)`` creates a generator in the child and returns its Handle;
``Rng(seed)`` as an argument becomes ``np.random.default_rng(seed)`` for that call.

**Errors**: ``StudentError(kind, message)``, kind in ``KINDS``: missing,
exception, timeout, crash, bad_value, output_limit, stale_handle. After a timeout,
crash, output_limit or a broken reply the child is gone; the next request
transparently forks a fresh one and runs the cells again, and Handles from the
old child raise ``stale_handle``. A ``StudentProcess`` is not thread-safe; create
the ``Sandbox`` in the thread that uses it (bwrap dies with that thread).
"""

from .config import KINDS, Handle, Rng, SandboxConfig, StudentError
from .loader import Cell, Submission, SubmissionError, load_submission
from .process import StudentProcess
from .runner import Sandbox

__all__ = [
    "KINDS",
    "Cell",
    "Handle",
    "Rng",
    "Sandbox",
    "SandboxConfig",
    "StudentError",
    "StudentProcess",
    "Submission",
    "SubmissionError",
    "load_submission",
]
