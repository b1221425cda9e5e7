"""Known mistakes of the ``dropout`` assignment, as wrong variants of the reference functions (trusted; never in
a bundle). Masks are drawn as the reference draws them, from the generator the call was given, so a variant
meets a student's output on the same hidden inputs; see ``autograder.grading.diagnose``.
"""

import numpy as np

from autograder.grading.diagnose import Misconception


def forward_scaled_by_keep(x, phi, rng, train=True):
    if not train:
        return x.copy(), (None, phi, False)
    mask = rng.random(x.shape) >= phi
    return np.where(mask, x * (1.0 - phi), 0.0), (mask, phi, True)


def backward_scaled_by_keep(dout, cache):
    mask, phi, train = cache
    if not train:
        return dout.copy()
    return np.where(mask, dout * (1.0 - phi), 0.0)


def forward_phi_keeps(x, phi, rng, train=True):
    if not train:
        return x.copy(), (None, phi, False)
    mask = rng.random(x.shape) < phi
    return np.where(mask, x / phi, 0.0), (mask, phi, True)


def backward_phi_keeps(dout, cache):
    mask, phi, train = cache
    if not train:
        return dout.copy()
    return np.where(mask, dout / phi, 0.0)


def forward_drops_at_test_time(x, phi, rng, train=True):
    mask = rng.random(x.shape) >= phi
    return np.where(mask, x / (1.0 - phi), 0.0), (mask, phi, True)


def forward_scales_at_test_time(x, phi, rng, train=True):
    if not train:
        return x / (1.0 - phi), (None, phi, False)
    mask = rng.random(x.shape) >= phi
    return np.where(mask, x / (1.0 - phi), 0.0), (mask, phi, True)


def forward_keeps_rng(x, phi, rng, train=True):
    if not train:
        return x.copy(), (None, phi, False, rng)
    mask = rng.random(x.shape) >= phi
    return np.where(mask, x / (1.0 - phi), 0.0), (mask, phi, True, rng)


def backward_new_mask(dout, cache):
    mask, phi, train, rng = cache
    if not train:
        return dout.copy()
    mask = rng.random(dout.shape) >= phi
    return np.where(mask, dout / (1.0 - phi), 0.0)


def backward_unscaled(dout, cache):
    mask, phi, train = cache
    if not train:
        return dout.copy()
    return np.where(mask, dout, 0.0)


def relu_backward_at_zero(dout, cache):
    x = cache
    return dout * (x >= 0)


def relu_backward_dout_sign(dout, cache):
    return dout * (dout > 0)


def relu_forward_max(x):
    return np.max(x, 0), x


MISCONCEPTIONS = [
    Misconception("kept units scaled by 1 - phi", "Inverted dropout makes up for the dropped units by enlarging "
                  "the kept ones, so that each unit keeps its expected value",
                  {"dropout_forward": forward_scaled_by_keep, "dropout_backward": backward_scaled_by_keep}),
    Misconception("phi used as the keep probability", "In ISLP phi is the probability of dropping a unit",
                  {"dropout_forward": forward_phi_keeps, "dropout_backward": backward_phi_keeps}),
    Misconception("units dropped at test time", "Dropout is a training-time regularizer: with train=False the "
                  "layer leaves its input as it is", {"dropout_forward": forward_drops_at_test_time}),
    Misconception("scaled at test time", "With inverted dropout the scaling happens in training only; at test "
                  "time the layer is the identity", {"dropout_forward": forward_scales_at_test_time}),
    Misconception("new mask in the backward pass", "The backward pass must reuse the mask the forward pass drew "
                  "(keep it in the cache), not draw another one",
                  {"dropout_forward": forward_keeps_rng, "dropout_backward": backward_new_mask}),
    Misconception("backward pass not scaled", "The forward pass scales the kept units, so their gradient is "
                  "scaled by the same factor", {"dropout_backward": backward_unscaled}),
    Misconception("ReLU gradient passed at zero", "ReLU's derivative is 0 where its input is 0 or below; yours "
                  "lets the gradient through at exactly 0", {"relu_backward": relu_backward_at_zero}),
    Misconception("ReLU gradient gated by the upstream gradient", "Whether the gradient passes depends on the "
                  "sign of the forward input z, not on the sign of the incoming gradient",
                  {"relu_backward": relu_backward_dout_sign}),
    Misconception("np.max instead of np.maximum", "np.max reduces an array along an axis; the elementwise "
                  "maximum of an array and 0 is another numpy function", {"relu_forward": relu_forward_max}),
]
