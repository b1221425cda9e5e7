"""The one-weight-per-layer network of the seed lecture's quiz, by hand.

One input x, one hidden unit, one output, squared-error loss:

    z    = w * x            (pre-activation)
    a    = ReLU(z)          (activation, max(0, z))
    yhat = beta * a         (output)
    R    = 1/2 (y - yhat)^2 (loss)

Backpropagation is the chain rule read from the loss back to each weight:

    dR/dyhat = yhat - y
    dR/dbeta = dR/dyhat * a
    dR/dw    = dR/dyhat * beta * g'(z) * x,   g'(z) = 1 if z > 0 else 0

so a unit with z <= 0 is "dead": dR/dw = 0 and w does not move. One gradient-descent step
with learning rate rho updates both weights from the SAME (old) gradients.
All inputs and outputs are Python floats.
"""

from __future__ import annotations

from .validate import scalar

QUIZ_KEYS = ("z", "a", "yhat", "R", "dR_dbeta", "dR_dw", "w_new", "beta_new")


def scalar_forward(x, w, beta):
    """Forward pass of the scalar network.

    Inputs:
    - x: input; w: input->hidden weight; beta: hidden->output weight (all real numbers)
    Returns:
    - values: dict with floats z = w*x, a = max(0, z), yhat = beta*a
    """
    x, w, beta = scalar("x", x), scalar("w", w), scalar("beta", beta)
    z = w * x
    a = max(0.0, z)
    return {"z": z, "a": a, "yhat": beta * a}


def scalar_loss(y, yhat):
    """Squared-error loss R = 1/2 (y - yhat)^2.

    Inputs:
    - y: target; yhat: prediction
    Returns:
    - R: float
    """
    y, yhat = scalar("y", y), scalar("yhat", yhat)
    return 0.5 * (y - yhat) ** 2


def scalar_gradients(x, y, w, beta):
    """Gradients of R with respect to both weights (ReLU derivative 0 at z <= 0).

    Inputs:
    - x: input; y: target; w, beta: weights
    Returns:
    - grads: dict with floats dR_dbeta = (yhat - y) a and dR_dw = (yhat - y) beta 1[z > 0] x
    """
    f = scalar_forward(x, w, beta)
    y = scalar("y", y)
    dyhat = f["yhat"] - y
    dR_dw = dyhat * beta * float(x) if f["z"] > 0 else 0.0
    # "+ 0.0" turns a negative zero (e.g. -1.5 * 0.0) into 0.0 for display in the quiz.
    return {"dR_dbeta": dyhat * f["a"] + 0.0, "dR_dw": dR_dw + 0.0}


def scalar_step(x, y, w, beta, rho):
    """One gradient-descent step on both weights.

    Inputs:
    - x, y: one observation; w, beta: current weights; rho: learning rate > 0
    Returns:
    - (w_new, beta_new): floats w - rho dR/dw and beta - rho dR/dbeta
    """
    rho = scalar("rho", rho, 0.0, None, low_open=True)
    g = scalar_gradients(x, y, w, beta)
    return float(w) - rho * g["dR_dw"], float(beta) - rho * g["dR_dbeta"]


def scalar_quiz_answers(x, y, w, beta, rho):
    """Every quantity the quiz asks for, keyed by ``QUIZ_KEYS``.

    Inputs:
    - x, y: one observation; w, beta: weights; rho: learning rate > 0
    Returns:
    - answers: dict with float values for z, a, yhat, R, dR_dbeta, dR_dw, w_new, beta_new
    """
    f = scalar_forward(x, w, beta)
    g = scalar_gradients(x, y, w, beta)
    w_new, beta_new = scalar_step(x, y, w, beta, rho)
    return {**f, "R": scalar_loss(y, f["yhat"]), **g, "w_new": w_new, "beta_new": beta_new}
