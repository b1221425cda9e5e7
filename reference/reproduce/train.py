"""Training loop, devices and seeding for the torch models of ``deepgrade reproduce``.

Design choices (measured on a 2-core x86_64 CPU; see bench/reproduce.py):

- A batch is one indexing operation on a tensor built (and moved to the device) once
  (``TensorRows``), or a slice of a CSR matrix as (indices, offsets) for ``BowMLP``'s sparse
  first layer (``SparseRows``); no DataLoader, no per-sample collation.
- Minibatches come from ``reference.sgd.minibatch_indices`` with a ``np.random.Generator``;
  initialization and dropout draw from torch's generator, seeded inside ``seeded(seed)``,
  which restores the global state afterwards (``torch.random.fork_rng``).
- ``configure_torch`` fixes the thread count (torch's and BLAS's: numpy's many small SVDs in
  double descent ran 2x slower on 2 threads than on 1 here, and several seeds side by side on a
  many-core machine would otherwise oversubscribe it), flushes denormal floats to zero (the vanishing
  gradients of a 500-step backward pass become denormal, and x86 arithmetic on denormals is
  slow: an ``nn.LSTM`` forward + backward at N=128, L=500 takes 3x longer without it) and, on the
  CPU, asks for deterministic algorithms, so CPU results repeat exactly for a given seed and
  thread count.
"""

from __future__ import annotations

import contextlib
import copy
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import torch

from ..sgd import minibatch_indices


def resolve_device(name):
    """``torch.device`` for "cpu" or "cuda"; ValueError naming the problem otherwise."""
    if name not in ("cpu", "cuda"):
        raise ValueError(f"device is {name!r}; expected 'cpu' or 'cuda'")
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was asked for but torch.cuda.is_available() is False "
                         f"(torch {torch.__version__}); use --device cpu")
    return torch.device(name)


@contextlib.contextmanager
def configure_torch(threads=1, device="cpu"):
    """Set threads (torch's and the BLAS libraries' numpy and scipy use), denormal flushing and
    (CPU) deterministic algorithms; restore them on exit."""
    from threadpoolctl import threadpool_limits

    saved = (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled())
    torch.set_num_threads(int(threads))
    blas = threadpool_limits(limits=int(threads), user_api="blas")
    torch.set_flush_denormal(True)
    if torch.device(device).type == "cpu":
        torch.use_deterministic_algorithms(True)
    try:
        yield
    finally:
        blas.restore_original_limits()
        torch.set_num_threads(saved[0])
        torch.use_deterministic_algorithms(saved[1])
        torch.set_flush_denormal(False)


@contextlib.contextmanager
def seeded(seed, device):
    """Run the body with torch's generator(s) seeded by ``seed``; the global state is restored after."""
    devices = [torch.device(device).index or 0] if torch.device(device).type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(int(seed))
        yield


class TensorRows:
    """Rows of a dense tensor X: (n, ...), moved to ``device`` once and sliced there."""

    def __init__(self, X, device):
        self.X = torch.as_tensor(X).to(device)
        self.device = device
        self.n = self.X.shape[0]

    def take(self, idx):
        return self.X[torch.as_tensor(idx, device=self.device)]


class SparseRows:
    """Rows of a binary CSR matrix (n, V) as (indices, offsets) batches for ``SparseBinaryLinear``."""

    def __init__(self, X, device):
        X = sp.csr_matrix(X)
        self.indices = X.indices.astype(np.int64)
        self.indptr = X.indptr.astype(np.int64)
        self.device = device
        self.n = X.shape[0]

    def take(self, idx):
        idx = np.asarray(idx)
        starts, ends = self.indptr[idx], self.indptr[idx + 1]
        lengths = ends - starts
        offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        # position k of the batch's concatenated indices comes from starts[row] + (k - offsets[row])
        pos = np.arange(lengths.sum()) + np.repeat(starts - offsets, lengths)
        return (torch.from_numpy(self.indices[pos]).to(self.device),
                torch.from_numpy(offsets).to(self.device))


def rows(X, device):
    """``SparseRows`` for a scipy sparse matrix, ``TensorRows`` otherwise."""
    return SparseRows(X, device) if sp.issparse(X) else TensorRows(X, device)


def predict(model, X, device, batch_size=2048):
    """Model outputs on every row of X (eval mode, no gradients), as a float64 numpy array (n,)."""
    data = X if isinstance(X, (TensorRows, SparseRows)) else rows(X, device)
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, data.n, batch_size):
            out.append(model(data.take(np.arange(start, min(start + batch_size, data.n)))).float().cpu())
    model.train()
    return torch.cat(out).numpy().astype(np.float64)


@dataclass
class History:
    """Per-epoch record of a training run (E epochs).

    - train_loss: (E,) mean minibatch loss of each epoch
    - monitor: (E,) the monitored metric after each epoch (validation accuracy, or test R^2
      for NYSE where ISLP's lab monitors the test set; see ``monitor_name``)
    - train_monitor: (E,) the same metric on the training minibatches of each epoch, as they
      were seen (accuracy for "bce", R^2 for "mse"; Keras' running training metric)
    - best_epoch: 1-based epoch whose weights were kept (the last one without selection)
    - seconds: wall time of the training
    """

    monitor_name: str
    train_loss: list = field(default_factory=list)
    monitor: list = field(default_factory=list)
    train_monitor: list = field(default_factory=list)
    best_epoch: int = 0
    seconds: float = 0.0

    def to_dict(self):
        return {"monitor_name": self.monitor_name, "train_loss": [float(v) for v in self.train_loss],
                "monitor": [float(v) for v in self.monitor],
                "train_monitor": [float(v) for v in self.train_monitor], "best_epoch": self.best_epoch,
                "seconds": round(self.seconds, 3)}


def fit(model, X, y, *, loss, epochs, batch_size, lr, rng, device, monitor, monitor_name,
        select_best=False, patience=None, on_epoch=None, clip=None, plateau_factor=None):
    """Train ``model`` with RMSprop on minibatches; return its ``History``.

    Inputs:
    - model: nn.Module mapping a batch of X's rows to (B,) outputs; moved to ``device``
    - X: (n, ...) tensor or array, or a scipy sparse (n, V) matrix; y: (n,) targets
    - loss: "bce" (logits vs 0/1 labels) or "mse"
    - epochs, batch_size, lr: RMSprop's schedule and learning rate rho
    - rng: np.random.Generator shuffling the minibatches (``minibatch_indices``)
    - monitor: callable(model) -> float, larger is better, evaluated after every epoch
    - select_best: keep the weights of the epoch with the best monitor value (early-stopping
      style model selection; only with a validation monitor); patience: stop after this many
      epochs without improvement (None: run all epochs)
    - clip: rescale each minibatch gradient to global norm <= clip (None: no clipping)
    - plateau_factor: multiply the learning rate by this after each epoch that does not improve
      the monitor (None: constant rate)
    - on_epoch: optional callable(epoch, train_loss, monitor_value) for progress bars
    Returns:
    - history: History
    """
    import time

    loss_fn = {"bce": torch.nn.BCEWithLogitsLoss(), "mse": torch.nn.MSELoss()}[loss]
    data = rows(X, device)
    target = torch.as_tensor(np.asarray(y), dtype=torch.float32).to(device)
    model.to(device).train()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=lr)
    history = History(monitor_name)
    best, best_state, stale = -np.inf, None, 0
    start = time.perf_counter()
    sst = float(((target - target.mean()) ** 2).sum())
    for epoch in range(1, epochs + 1):
        # One host-to-device copy of the epoch's permutation and no host sync inside the epoch: on a
        # GPU a step of a small model is otherwise dominated by waiting (losses summed on the device).
        batches = minibatch_indices(data.n, batch_size, rng)
        perm = torch.as_tensor(np.concatenate(batches), device=device)
        total = torch.zeros((), device=device)
        seen = torch.zeros((), device=device)        # correct answers (bce) or squared errors (mse)
        first = 0
        for idx in batches:
            rows_ = perm[first:first + len(idx)]
            first += len(idx)
            optimizer.zero_grad(set_to_none=True)
            out = model(data.take(idx if isinstance(data, SparseRows) else rows_))
            batch_y = target[rows_]
            batch_loss = loss_fn(out, batch_y)
            with torch.no_grad():
                seen += ((out > 0) == (batch_y > 0.5)).sum() if loss == "bce" else ((out - batch_y) ** 2).sum()
                total += batch_loss.detach() * len(idx)
            batch_loss.backward()
            if clip is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            optimizer.step()
        total = float(total)
        value = float(monitor(model))
        history.train_loss.append(total / data.n)
        history.train_monitor.append(float(seen) / data.n if loss == "bce" else 1.0 - float(seen) / sst)
        history.monitor.append(value)
        if on_epoch is not None:
            on_epoch(epoch, total / data.n, value)
        if value > best:
            best, stale, history.best_epoch = value, 0, epoch
            if select_best:
                best_state = copy.deepcopy(model.state_dict())
        else:
            stale += 1
            if patience is not None and stale >= patience:
                break
            if plateau_factor is not None:
                for group in optimizer.param_groups:
                    group["lr"] *= plateau_factor
    if select_best and best_state is not None:
        model.load_state_dict(best_state)
    else:
        history.best_epoch = len(history.monitor)
    history.seconds = time.perf_counter() - start
    return history
