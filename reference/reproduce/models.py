"""The torch models of ISLP's chapter-10 lab, as used by ``deepgrade reproduce``.

Shapes: N batch, V vocabulary (bag-of-words columns), L sequence length or lag, p series,
m embedding size, K hidden units. Every model returns a score of shape (N,): a logit for the
IMDb classifiers, a prediction of standardized log volume for NYSE.

- ``BowMLP``: x (N, V) binary bag-of-words -> Linear(V, 16) -> ReLU -> Linear(16, 16) -> ReLU
  -> Linear(16, 1). The first layer also accepts the sparse form (indices, offsets) of a batch
  and then computes the same x W^T + b as a sum of the weight columns of the words present
  (``embedding_bag``), which avoids building (N, V) dense batches.
- ``SequenceClassifier``: ids (N, L) -> Embedding(V+1, m) -> LSTM(m, K) or tanh RNN(m, K) ->
  h_L -> Linear(K, 1). Id 0 is the front padding (see ``reference.data``). ``packed=True`` runs
  the recurrence over each review's own words only, as a ``PackedSequence`` would: h_L is then
  the state after the review's last word, reached from h_0 = 0 at its first, and no state used
  has read padding.
  ``phi`` > 0 adds dropout (probability phi) on the embedded words and on h_L. ``init="keras"``
  (the default) initializes it as Keras does, which the lecture's numbers were made with:
  embedding U(-0.05, 0.05), input weights Glorot-uniform, recurrent weights orthogonal (one
  orthogonal block per gate), zero biases and, for the LSTM, a forget-gate bias of 1 -- so a
  500-step recurrence starts near an isometry instead of shrinking or saturating. ``init="torch"``
  keeps PyTorch's defaults (embedding N(0, 1), every RNN weight U(-1/sqrt(K), 1/sqrt(K))).
- ``NyseRNN``: Z (N, L, p=3) -> RNN(3, 12) -> h_L -> Dropout(0.1) -> Linear(12, 1).
- ``NonlinearAR``: F (N, 20) -> Linear(20, 32) -> ReLU -> Dropout(0.5) -> Linear(32, 1).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F_


class SparseBinaryLinear(nn.Linear):
    """``nn.Linear(V, K)`` (same parameters and initialization) that also takes sparse batches.

    ``forward(x)`` with x a dense (N, V) tensor is ``nn.Linear``; with x = (indices, offsets)
    (CSR columns of N binary rows, ``offsets`` (N,) the start of each row in ``indices``), it is
    the same product computed as sum_{j in row} W[:, j] + b.
    """

    def forward(self, x):
        if isinstance(x, torch.Tensor):
            return super().forward(x)
        indices, offsets = x
        return F_.embedding_bag(indices, self.weight.t().contiguous(), offsets, mode="sum") + self.bias


class BowMLP(nn.Module):
    """ISLP's IMDb network: V -> K -> ReLU -> K -> ReLU -> 1 (V = 10,000, K = 16)."""

    def __init__(self, V=10_000, K=16):
        super().__init__()
        self.hidden1 = SparseBinaryLinear(V, K)
        self.hidden2 = nn.Linear(K, K)
        self.output = nn.Linear(K, 1)

    def forward(self, x):
        """x: (N, V) dense or (indices, offsets) sparse binary rows -> logits (N,)."""
        h = torch.relu(self.hidden1(x))
        h = torch.relu(self.hidden2(h))
        return self.output(h).squeeze(1)


class SequenceClassifier(nn.Module):
    """Embedding(V+1, m) -> LSTM or tanh RNN with K units -> last hidden state -> Linear(K, 1)."""

    def __init__(self, V=10_000, m=32, K=32, cell="lstm", init="keras", packed=False, phi=0.0):
        super().__init__()
        if cell not in ("lstm", "rnn"):
            raise ValueError(f"cell is {cell!r}; expected 'lstm' or 'rnn'")
        if init not in ("keras", "torch"):
            raise ValueError(f"init is {init!r}; expected 'keras' or 'torch'")
        if not 0.0 <= float(phi) < 1.0:
            raise ValueError(f"phi is {phi}; expected a dropout probability in [0, 1)")
        self.cell = cell
        self.packed = bool(packed)
        self.embedding = nn.Embedding(V + 1, m)
        self.dropout = nn.Dropout(float(phi))
        rnn = nn.LSTM if cell == "lstm" else nn.RNN
        self.rnn = rnn(m, K, batch_first=True)
        self.output = nn.Linear(K, 1)
        if init == "keras":
            self._keras_init()

    @torch.no_grad()
    def _keras_init(self):
        K = self.rnn.hidden_size
        nn.init.uniform_(self.embedding.weight, -0.05, 0.05)
        gates = 4 if self.cell == "lstm" else 1
        for g in range(gates):                         # torch stacks the gates' weights: (gates K, .)
            nn.init.xavier_uniform_(self.rnn.weight_ih_l0[g * K:(g + 1) * K])
            nn.init.orthogonal_(self.rnn.weight_hh_l0[g * K:(g + 1) * K])
        self.rnn.bias_ih_l0.zero_()
        self.rnn.bias_hh_l0.zero_()
        if self.cell == "lstm":
            self.rnn.bias_ih_l0[K:2 * K] = 1.0         # gate order i, f, g, o: forget bias 1
        nn.init.xavier_uniform_(self.output.weight)
        self.output.bias.zero_()

    def embed(self, ids):
        """ids: (N, L) integers in [0, V] -> x: (N, L, m)."""
        return self.embedding(ids)

    def forward_embedded(self, x):
        """x: (N, L, m) embedded sequences -> logits (N,); used by the vanishing-gradient plot."""
        return self.output(self.rnn(x)[0][:, -1]).squeeze(1)

    def forward(self, ids):
        """ids: (N, L), front-padded with 0 -> logits (N,)."""
        if not self.packed:
            return self.output(self.dropout(self.rnn(self.dropout(self.embed(ids)))[0][:, -1])).squeeze(1)
        N, L = ids.shape
        lengths = (ids != 0).sum(dim=1).clamp(min=1)           # an empty review reads one padding id
        # move each review's words to the front: position t of row i reads t + L - length_i (mod L);
        # the recurrence is causal, so its state at t = length_i - 1 is the state after the review's
        # last word reached from h_0 = 0 at its first -- what a PackedSequence gives, at the speed of
        # the fused dense kernels (torch's packed LSTM on a CPU runs 10-15x slower).
        shift = torch.arange(L, device=ids.device)[None, :] + (L - lengths)[:, None]
        h = self.rnn(self.dropout(self.embed(ids.gather(1, shift % L))))[0]    # (N, L, K)
        h_last = h[torch.arange(N, device=ids.device), lengths - 1]
        return self.output(self.dropout(h_last)).squeeze(1)


class NyseRNN(nn.Module):
    """ISLP's NYSE RNN: RNN(p, K) over the L lags -> Dropout(phi) on h_L -> Linear(K, 1)."""

    def __init__(self, p=3, K=12, phi=0.1):
        super().__init__()
        self.rnn = nn.RNN(p, K, batch_first=True)
        self.dropout = nn.Dropout(phi)
        self.output = nn.Linear(K, 1)

    def forward(self, Z):
        """Z: (N, L, p) lagged series, oldest first -> predictions (N,)."""
        h = self.rnn(Z)[0][:, -1]
        return self.output(self.dropout(h)).squeeze(1)


class NonlinearAR(nn.Module):
    """ISLP's nonlinear AR: Linear(q, K) -> ReLU -> Dropout(phi) -> Linear(K, 1), q = 15 lags + 5 days."""

    def __init__(self, q=20, K=32, phi=0.5):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(q, K), nn.ReLU(), nn.Dropout(phi), nn.Linear(K, 1))

    def forward(self, F):
        """F: (N, q) flattened lags and weekday dummies -> predictions (N,)."""
        return self.net(F).squeeze(1)
