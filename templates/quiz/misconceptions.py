"""Typical wrong computations of the ``quiz`` blanks, recognized by value (trusted; never in a bundle).

The network is yhat = beta ReLU(w x), the loss R = (y - yhat)^2 / 2, one gradient step with learning rate rho.
Each entry computes what a student who makes that mistake writes into one blank, from the variant's numbers;
see ``autograder.grading.diagnose``.
"""

from autograder.grading.diagnose import BlankMistake


def _forward(v):
    z = v["w"] * v["x"]
    a = max(z, 0.0)
    return z, a, v["beta"] * a


def _residual(v):
    return _forward(v)[2] - v["y"]


def _relu_slope(v):
    return 1.0 if _forward(v)[0] > 0 else 0.0


BLANK_MISTAKES = [
    BlankMistake("activation left out", "yhat applies beta to the unit's activation ReLU(z), not to z itself",
                 "yhat", lambda v: v["beta"] * v["w"] * v["x"]),
    BlankMistake("loss without the ½", "This loss has a factor one half in front of the squared error", "R",
                 lambda v: _residual(v) ** 2),
    BlankMistake("sign of the residual flipped", "Differentiating (y - yhat)^2 / 2 with respect to yhat gives "
                 "yhat - y, not y - yhat", "dR_dbeta", lambda v: -_residual(v) * _forward(v)[1]),
    BlankMistake("ReLU gradient passed for z ≤ 0", "ReLU's slope is 0 where z is 0 or below, so no gradient "
                 "reaches w there", "dR_dw", lambda v: _residual(v) * v["beta"] * v["x"]),
    BlankMistake("beta missing from the chain rule", "The gradient reaches w through the output weight beta",
                 "dR_dw", lambda v: _residual(v) * _relu_slope(v) * v["x"]),
    BlankMistake("step in the gradient's direction", "A descent step moves against the gradient", "w_new",
                 lambda v: v["w"] + v["rho"] * _residual(v) * v["beta"] * _relu_slope(v) * v["x"]),
    BlankMistake("step applied with ρ twice", "The step is the gradient times rho, once", "w_new",
                 lambda v: v["w"] - v["rho"] ** 2 * _residual(v) * v["beta"] * _relu_slope(v) * v["x"]),
    BlankMistake("gradient taken at the updated beta", "Both parameters step from the gradients at the old "
                 "parameters", "w_new",
                 lambda v: v["w"] - v["rho"] * _residual(v) * (v["beta"] - v["rho"] * _residual(v) * _forward(v)[1])
                 * _relu_slope(v) * v["x"]),
    BlankMistake("beta stepped uphill", "A descent step moves against the gradient", "beta_new",
                 lambda v: v["beta"] + v["rho"] * _residual(v) * _forward(v)[1]),
]
