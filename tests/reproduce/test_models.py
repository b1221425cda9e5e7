"""Tests for the torch side of reproduce: models, batching, seeding, training."""

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from torch import nn

from reference.reproduce.models import BowMLP, NonlinearAR, NyseRNN, SequenceClassifier
from reference.reproduce.train import (
    SparseRows,
    TensorRows,
    configure_torch,
    fit,
    predict,
    resolve_device,
    seeded,
)


def test_sparse_first_layer_equals_dense_linear():
    """Does BowMLP give the same logits for a dense batch and its (indices, offsets) form?"""
    torch.manual_seed(0)
    X = sp.random(6, 30, density=0.2, format="csr", random_state=1)
    X.data[:] = 1.0
    model = BowMLP(V=30, K=4)
    rows = SparseRows(X, torch.device("cpu"))
    idx = np.array([4, 0, 2])
    dense = torch.tensor(X[idx].toarray(), dtype=torch.float32)
    torch.testing.assert_close(model(rows.take(idx)), model(dense), rtol=1e-5, atol=1e-6)
    assert model(dense).shape == (3,)


def test_model_output_shapes():
    """Does every model map a batch to one score per row?"""
    ids = torch.randint(0, 11, (5, 9))
    for cell in ("lstm", "rnn"):
        assert SequenceClassifier(V=10, m=3, K=4, cell=cell)(ids).shape == (5,)
    assert NyseRNN()(torch.randn(5, 5, 3)).shape == (5,)
    assert NonlinearAR()(torch.randn(5, 20)).shape == (5,)
    with pytest.raises(ValueError, match="cell"):
        SequenceClassifier(cell="gru")


def _tiny_fit(seed):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 20)).astype(np.float32)
    y = X[:, 0] - X[:, 1] + 0.1 * rng.normal(size=200)
    with configure_torch(1), seeded(seed, "cpu"):
        model = NonlinearAR(q=20, K=8, phi=0.5)
        hist = fit(model, torch.from_numpy(X), y, loss="mse", epochs=5, batch_size=32, lr=1e-2,
                   rng=np.random.default_rng(seed), device=torch.device("cpu"),
                   monitor=lambda m: -float(np.mean((predict(m, X, torch.device("cpu")) - y) ** 2)),
                   monitor_name="-mse")
    return model, hist


def test_training_is_deterministic_for_a_seed_and_learns():
    """Do two runs with one seed give identical weights, another seed different ones, and the loss fall?"""
    m1, h1 = _tiny_fit(1)
    m2, h2 = _tiny_fit(1)
    m3, _ = _tiny_fit(2)
    for a, b in zip(m1.state_dict().values(), m2.state_dict().values()):
        assert torch.equal(a, b)
    assert not torch.equal(m1.net[0].weight, m3.net[0].weight)
    assert h1.train_loss == h2.train_loss and h1.train_loss[-1] < h1.train_loss[0]
    assert len(h1.monitor) == 5 and h1.best_epoch == 5


def test_seeded_restores_the_global_generator():
    """Does seeded() leave torch's global random state as it found it?"""
    before = torch.random.get_rng_state()
    with seeded(123, "cpu"):
        torch.rand(3)
    assert torch.equal(before, torch.random.get_rng_state())


def test_tensor_rows_and_predict_cover_every_row():
    """Does predict run over all rows in batches and return float64 numbers?"""
    X = torch.arange(10.0).reshape(5, 2)
    rows = TensorRows(X, torch.device("cpu"))
    torch.testing.assert_close(rows.take([4, 1]), X[[4, 1]])
    out = predict(nn.Sequential(nn.Flatten(0), nn.Identity()).eval(), X[:, :1], torch.device("cpu"), batch_size=2)
    assert out.dtype == np.float64 and out.tolist() == [0.0, 2.0, 4.0, 6.0, 8.0]


def test_resolve_device_names_the_problem(monkeypatch):
    """Is an unknown device or CUDA without a GPU a ValueError saying so?"""
    with pytest.raises(ValueError, match="expected 'cpu' or 'cuda'"):
        resolve_device("tpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="cuda.*is_available"):
        resolve_device("cuda")
    assert resolve_device("cpu").type == "cpu"


def test_keras_init_is_orthogonal_with_forget_bias_one():
    """Does init="keras" give orthogonal recurrent blocks, small embeddings and a forget-gate bias of 1?"""
    with seeded(0, "cpu"):
        lstm = SequenceClassifier(V=50, m=8, K=6, cell="lstm")
        torch_default = SequenceClassifier(V=50, m=8, K=6, cell="rnn", init="torch")
    K = 6
    for g in range(4):
        U = lstm.rnn.weight_hh_l0[g * K:(g + 1) * K].detach()
        torch.testing.assert_close(U @ U.T, torch.eye(K), atol=1e-5, rtol=0)
    assert lstm.embedding.weight.abs().max() <= 0.05
    assert torch.all(lstm.rnn.bias_ih_l0[K:2 * K] == 1) and torch.all(lstm.rnn.bias_ih_l0[:K] == 0)
    assert torch_default.embedding.weight.abs().max() > 1          # N(0, 1): PyTorch's default kept
    with pytest.raises(ValueError, match="init"):
        SequenceClassifier(init="glorot")


def test_fit_records_train_metric_and_clips():
    """Does fit record a training accuracy per epoch, and does clip bound every update's gradient norm?"""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(256, 20)).astype(np.float32)
    y = (X[:, 0] > 0).astype(np.float64)
    norms = []
    with configure_torch(1), seeded(0, "cpu"):
        model = NonlinearAR(q=20, K=8, phi=0.0)
        orig = torch.nn.utils.clip_grad_norm_

        def spy(params, max_norm):
            params = list(params)
            total = orig(params, max_norm)
            norms.append(float(torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in params]))))
            return total

        torch.nn.utils.clip_grad_norm_ = spy
        try:
            hist = fit(model, torch.from_numpy(X), y, loss="bce", epochs=4, batch_size=32, lr=1e-2,
                       rng=np.random.default_rng(0), device=torch.device("cpu"),
                       monitor=lambda m: 0.0, monitor_name="none", clip=0.01)
        finally:
            torch.nn.utils.clip_grad_norm_ = orig
    assert len(hist.train_monitor) == 4 and hist.train_monitor[-1] > 0.8
    assert len(norms) == 4 * 8 and max(norms) <= 0.01 + 1e-6


def test_packed_is_the_packed_sequence_state_after_the_last_word():
    """Does packed=True give, for front-padded reviews, what nn.LSTM/RNN give on a PackedSequence?"""
    ids = torch.tensor([[0, 0, 3, 4, 5], [1, 2, 3, 4, 5], [0, 0, 0, 0, 7], [0, 0, 0, 0, 0]])
    back = torch.tensor([[3, 4, 5, 0, 0], [1, 2, 3, 4, 5], [7, 0, 0, 0, 0], [0, 0, 0, 0, 0]])
    lengths = torch.tensor([3, 5, 1, 1])                       # an empty review reads one padding id
    for cell in ("lstm", "rnn"):
        with seeded(0, "cpu"):
            model = SequenceClassifier(V=20, m=4, K=5, cell=cell, packed=True).eval()
        packed = nn.utils.rnn.pack_padded_sequence(model.embed(back), lengths, batch_first=True,
                                                   enforce_sorted=False)
        h = model.rnn(packed)[1]
        expected = model.output((h[0] if cell == "lstm" else h)[-1]).squeeze(1)
        torch.testing.assert_close(model(ids), expected, rtol=1e-5, atol=1e-6)
        unpacked = SequenceClassifier(V=20, m=4, K=5, cell=cell).eval()
        unpacked.load_state_dict(model.state_dict())
        assert not torch.allclose(unpacked(ids)[0], expected[0])   # the padded run reads padding first
        torch.testing.assert_close(unpacked(ids[1:2]), expected[1:2])   # a full-length review: the same


def test_dropout_phi_acts_in_training_only():
    """Is phi checked, and does dropout change training outputs but not evaluation ones?"""
    with pytest.raises(ValueError, match="phi"):
        SequenceClassifier(phi=1.0)
    ids = torch.randint(1, 21, (6, 7))
    with seeded(0, "cpu"):
        model = SequenceClassifier(V=20, m=4, K=5, packed=True, phi=0.4)
    plain = SequenceClassifier(V=20, m=4, K=5, packed=True)
    plain.load_state_dict(model.state_dict())
    torch.testing.assert_close(model.eval()(ids), plain.eval()(ids))
    assert not torch.allclose(model.train()(ids), plain(ids))
