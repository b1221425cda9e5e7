"""Gradient descent, minibatch SGD with early stopping, and the minimum-norm solution.

ISLP section 10.7 fits networks by gradient descent: repeat theta <- theta - rho * grad R(theta)
with learning rate rho. Stochastic gradient descent (SGD) estimates grad R on a minibatch of
the training data; one *epoch* is a pass over all n observations, in minibatches cut from
one random permutation. This module uses two losses of a linear predictor eta = X theta,
each averaged over the rows it is given:

- squared:  R(theta) = 1/(2n) sum_i (y_i - x_i . theta)^2,   grad = -X^T (y - X theta) / n
- logistic: R(theta) = 1/n sum_i [log(1 + e^eta_i) - y_i eta_i],  y in {0, 1},
            grad = X^T (sigmoid(X theta) - y) / n

Implicit regularization (ISLP 10.8): on an underdetermined least-squares problem (fewer
rows than columns), gradient descent started at theta = 0 never leaves the row space of X,
so it converges to the minimum-norm interpolating solution pinv(X) y -- the limit of ridge
regression as lambda -> 0 (``gd_least_squares`` and ``min_norm_solution``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import sigmoid
from .validate import Dims, choice, positive_int, scalar


def _check_xy_theta(theta, X, y, binary=False):
    d = Dims()
    X = d.array("X", X, "N q")
    theta = d.array("theta", theta, "q")
    y = d.array("y", y, "N")
    if binary and not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y has values {np.unique(y)[:5].tolist()}; expected labels in {{0, 1}}")
    return theta, X, y


def squared_loss(theta, X, y):
    """Least-squares risk R(theta) = 1/(2n) sum_i (y_i - x_i . theta)^2.

    Inputs:
    - theta: (q,) coefficients; X: (N, q) rows x_i; y: (N,) responses
    Returns:
    - R: float
    """
    theta, X, y = _check_xy_theta(theta, X, y)
    r = y - X @ theta
    return float(r @ r) / (2 * X.shape[0])


def squared_loss_grad(theta, X, y):
    """Gradient of the squared loss: -X^T (y - X theta) / n.

    Inputs:
    - theta: (q,); X: (N, q); y: (N,)
    Returns:
    - grad: (q,)
    """
    theta, X, y = _check_xy_theta(theta, X, y)
    return -X.T @ (y - X @ theta) / X.shape[0]


def logistic_loss(theta, X, y):
    """Average negative log-likelihood of logistic regression, labels y in {0, 1}.

    R(theta) = 1/n sum_i [log(1 + exp(eta_i)) - y_i eta_i] with eta = X theta
    (np.logaddexp(0, eta) computes log(1 + e^eta) without overflow).

    Inputs:
    - theta: (q,); X: (N, q); y: (N,) in {0, 1}
    Returns:
    - R: float
    """
    theta, X, y = _check_xy_theta(theta, X, y, binary=True)
    eta = X @ theta
    return float(np.mean(np.logaddexp(0.0, eta) - y * eta))


def logistic_loss_grad(theta, X, y):
    """Gradient of the logistic loss: X^T (sigmoid(X theta) - y) / n.

    Inputs:
    - theta: (q,); X: (N, q); y: (N,) in {0, 1}
    Returns:
    - grad: (q,)
    """
    theta, X, y = _check_xy_theta(theta, X, y, binary=True)
    return X.T @ (sigmoid(X @ theta) - y) / X.shape[0]


LOSSES = {
    "squared": (squared_loss, squared_loss_grad),
    "logistic": (logistic_loss, logistic_loss_grad),
}


def gd_step(theta, grad, rho):
    """One gradient-descent step theta - rho * grad.

    Inputs:
    - theta: (q,) current parameters; grad: (q,) gradient of R at theta
    - rho: learning rate > 0
    Returns:
    - theta_new: (q,)
    """
    d = Dims()
    theta = d.array("theta", theta, "q")
    grad = d.array("grad", grad, "q")
    rho = scalar("rho", rho, 0.0, None, low_open=True)
    return theta - rho * grad


def minibatch_indices(n, batch_size, rng):
    """Minibatches for one epoch: one permutation of range(n) cut into consecutive pieces.

    Inputs:
    - n: number of observations
    - batch_size: observations per batch; the last batch holds the remaining n % batch_size
      when that is not 0
    - rng: np.random.Generator; exactly one call, rng.permutation(n)
    Returns:
    - batches: list of ceil(n / batch_size) integer arrays that partition range(n)
    """
    n = positive_int("n", n)
    batch_size = positive_int("batch_size", batch_size)
    _check_rng(rng)
    perm = rng.permutation(n)
    return [perm[i:i + batch_size] for i in range(0, n, batch_size)]


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng is a {type(rng).__name__}; expected a np.random.Generator")


@dataclass(frozen=True)
class SGDResult:
    """What ``sgd`` returns (E = epochs run, q = number of parameters).

    - theta: (q,) the parameters to use: those with the lowest validation loss when a
      validation set is given (over epochs 0..E, epoch 0 being theta0), else the last iterate
    - theta_last: (q,) the parameters after the last step
    - history: (E+1, q) parameters at the end of each epoch; row 0 is theta0
    - train_loss: (E+1,) loss on the whole training set at the end of each epoch (row 0: theta0)
    - val_loss: (E+1,) the same on the validation set, or None
    - best_epoch: epoch whose parameters are ``theta`` (E without a validation set)
    - epochs_run: E; stopped_early: True if early stopping ended training before ``epochs``
    """

    theta: np.ndarray
    theta_last: np.ndarray
    history: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray | None
    best_epoch: int
    epochs_run: int
    stopped_early: bool


def sgd(X, y, *, loss="squared", rho, epochs, batch_size, rng, theta0=None, X_val=None, y_val=None,
        patience=None):
    """Minibatch SGD on a linear model, with optional early stopping.

    Each epoch draws ``minibatch_indices(N, batch_size, rng)`` and takes one ``gd_step`` per
    batch with the loss gradient averaged over that batch. With ``patience``, training stops
    once the validation loss has not improved (strictly) for ``patience`` consecutive epochs,
    and ``theta`` holds the best-validation parameters.

    Inputs:
    - X: (N, q); y: (N,) (labels in {0, 1} for the logistic loss)
    - loss: "squared" or "logistic"
    - rho: learning rate > 0; epochs: maximum number of epochs; batch_size: minibatch size
    - rng: np.random.Generator for the minibatch permutations
    - theta0: (q,) starting parameters (default zeros)
    - X_val: (N_val, q), y_val: (N_val,) optional validation set (required with patience)
    - patience: epochs without validation improvement before stopping, or None (never stop)
    Returns:
    - result: SGDResult
    """
    loss = choice("loss", loss, LOSSES)
    loss_fn, grad_fn = LOSSES[loss]
    d = Dims()
    X = d.array("X", X, "N q")
    y = d.array("y", y, "N")
    theta = np.zeros(d.sizes["q"]) if theta0 is None else d.array("theta0", theta0, "q").copy()
    rho = scalar("rho", rho, 0.0, None, low_open=True)
    epochs = positive_int("epochs", epochs)
    batch_size = positive_int("batch_size", batch_size)
    _check_rng(rng)
    if (X_val is None) != (y_val is None):
        raise ValueError("X_val and y_val must be given together; got only one of them")
    if X_val is not None:
        dv = Dims(q=d.sizes["q"])
        X_val = dv.array("X_val", X_val, "N_val q")
        y_val = dv.array("y_val", y_val, "N_val")
    if patience is not None:
        patience = positive_int("patience", patience)
        if X_val is None:
            raise ValueError(f"patience is {patience} but X_val is None; early stopping needs a validation set")
    loss_fn(theta, X, y)   # validates labels for the logistic loss before training

    history = [theta.copy()]
    train_loss = [loss_fn(theta, X, y)]
    val_loss = None if X_val is None else [loss_fn(theta, X_val, y_val)]
    best_epoch, best_theta = 0, theta.copy()
    stopped_early = False
    for epoch in range(1, epochs + 1):
        for idx in minibatch_indices(X.shape[0], batch_size, rng):
            theta = gd_step(theta, grad_fn(theta, X[idx], y[idx]), rho)
        history.append(theta.copy())
        train_loss.append(loss_fn(theta, X, y))
        if val_loss is not None:
            val_loss.append(loss_fn(theta, X_val, y_val))
            if val_loss[-1] < val_loss[best_epoch]:
                best_epoch, best_theta = epoch, theta.copy()
            if patience is not None and epoch - best_epoch >= patience:
                stopped_early = epoch < epochs
                break
    epochs_run = len(history) - 1
    if val_loss is None:
        best_epoch, best_theta = epochs_run, theta.copy()
    return SGDResult(
        theta=best_theta, theta_last=theta, history=np.array(history), train_loss=np.array(train_loss),
        val_loss=None if val_loss is None else np.array(val_loss), best_epoch=best_epoch,
        epochs_run=epochs_run, stopped_early=stopped_early,
    )


def gd_least_squares(X, y, rho, steps, theta0=None):
    """Full-batch gradient descent on the squared loss 1/(2n) ||y - X theta||^2.

    Converges when rho < 2 n / sigma_max(X)^2. From theta0 = 0 on an underdetermined problem
    (N < q) the limit is ``min_norm_solution(X, y)``.

    Inputs:
    - X: (N, q); y: (N,)
    - rho: learning rate > 0; steps: number of steps
    - theta0: (q,) start (default zeros)
    Returns:
    - theta: (q,) after ``steps`` steps
    """
    d = Dims()
    X = d.array("X", X, "N q")
    y = d.array("y", y, "N")
    theta = np.zeros(d.sizes["q"]) if theta0 is None else d.array("theta0", theta0, "q").copy()
    rho = scalar("rho", rho, 0.0, None, low_open=True)
    steps = positive_int("steps", steps, minimum=0)
    for _ in range(steps):
        theta = theta - rho * squared_loss_grad(theta, X, y)
    return theta


def min_norm_solution(X, y):
    """The least-squares solution of smallest Euclidean norm, pinv(X) @ y.

    For N < q with full row rank it interpolates (X theta = y) and equals
    lim_{lambda -> 0} (X^T X + lambda I)^{-1} X^T y, the ridge limit.

    Inputs:
    - X: (N, q); y: (N,)
    Returns:
    - theta: (q,)
    """
    d = Dims()
    X = d.array("X", X, "N q")
    y = d.array("y", y, "N")
    return np.linalg.pinv(X) @ y
