"""Dropout (ISLP section 10.7.3): randomly remove units during training.

ISLP's phi is the probability of DROPPING a unit. In training each activation is set to 0
with probability phi, independently, and the survivors are scaled by 1/(1 - phi) ("inverted
dropout"), so every unit keeps its expected value: E[out] = x. At test time nothing is
dropped and nothing is scaled (out = x).

The keep-mask is drawn as ``rng.random(x.shape) >= phi``, so a given generator state always
drops the same units.
"""

from __future__ import annotations

import numpy as np

from .validate import Dims, scalar


def dropout_forward(x, phi, rng, train=True):
    """Inverted dropout with drop probability phi.

    Inputs:
    - x: (any shape) activations
    - phi: probability of dropping each unit, 0 <= phi < 1
    - rng: np.random.Generator (may be None when train=False)
    - train: if False, return x unchanged
    Returns:
    - out: (same shape as x); each entry is 0 or x / (1 - phi) in training, x at test time
    - cache: (mask, phi, train), mask: (same shape as x) bool, True where the unit is kept
    """
    x = np.asarray(x)
    x = Dims().array("x", x, " ".join(f"d{i}" for i in range(x.ndim)))
    phi = scalar("phi", phi, 0.0, 1.0, high_open=True)
    if not isinstance(train, (bool, np.bool_)):
        raise ValueError(f"train is {train!r}; expected True or False")
    if not train:
        return x.copy(), (None, phi, False)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng is a {type(rng).__name__}; expected a np.random.Generator in training")
    mask = rng.random(x.shape) >= phi
    out = np.where(mask, x / (1.0 - phi), 0.0)
    return out, (mask, phi, True)


def dropout_backward(dout, cache):
    """Backward of dropout: gradient flows only through kept units, scaled by 1/(1 - phi).

    Inputs:
    - dout: (same shape as x) upstream gradient
    - cache: (mask, phi, train) from dropout_forward
    Returns:
    - dx: (same shape as x)
    """
    mask, phi, train = cache
    dout = np.asarray(dout)
    if not train:
        return Dims().array("dout", dout, " ".join(f"d{i}" for i in range(dout.ndim))).copy()
    dout = Dims().array("dout", dout, " ".join(str(s) for s in mask.shape))
    return np.where(mask, dout / (1.0 - phi), 0.0)
