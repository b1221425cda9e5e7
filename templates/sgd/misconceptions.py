"""Known mistakes of the ``sgd`` assignment, as wrong variants of the reference functions (trusted; never in a
bundle). The wrong ``sgd`` variants draw their minibatches as the reference does, from the generator the call
was given; see ``autograder.grading.diagnose``.
"""

import numpy as np

from autograder.grading.diagnose import Misconception
from reference.sgd import SGDResult


def step_uphill(theta, grad, rho):
    return theta + rho * grad


def step_without_rho(theta, grad, rho):
    return theta - grad


def batches_in_order(n, batch_size, rng):
    idx = np.arange(n)
    return [idx[i:i + batch_size] for i in range(0, n, batch_size)]


def batches_drop_last(n, batch_size, rng):
    perm = rng.permutation(n)
    return [perm[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]


def sgd_one_shuffle(X, y, *, loss="squared", rho, epochs, batch_size, rng, theta0=None, X_val=None, y_val=None,
                    patience=None):
    def loss_and_grad(theta, Xb, yb):  # the given losses, inline
        eta = Xb @ theta
        if loss == "squared":
            r = yb - eta
            return float(r @ r) / (2 * len(yb)), -(Xb.T @ r) / len(yb)
        return (float(np.mean(np.logaddexp(0.0, eta) - yb * eta)),
                Xb.T @ (0.5 * (1.0 + np.tanh(0.5 * eta)) - yb) / len(yb))

    theta = np.zeros(X.shape[1]) if theta0 is None else np.array(theta0, dtype=float)
    history, train_loss = [theta.copy()], [loss_and_grad(theta, X, y)[0]]
    val_loss = None if X_val is None else [loss_and_grad(theta, X_val, y_val)[0]]
    best_epoch, best_theta, stopped_early = 0, theta.copy(), False
    perm = rng.permutation(X.shape[0])
    batches = [perm[i:i + batch_size] for i in range(0, X.shape[0], batch_size)]
    for epoch in range(1, epochs + 1):
        for idx in batches:
            theta = theta - rho * loss_and_grad(theta, X[idx], y[idx])[1]
        history.append(theta.copy())
        train_loss.append(loss_and_grad(theta, X, y)[0])
        if val_loss is not None:
            val_loss.append(loss_and_grad(theta, X_val, y_val)[0])
            if val_loss[-1] < val_loss[best_epoch]:
                best_epoch, best_theta = epoch, theta.copy()
            if patience is not None and epoch - best_epoch >= patience:
                stopped_early = epoch < epochs
                break
    if val_loss is None:
        best_epoch, best_theta = len(history) - 1, theta.copy()
    return SGDResult(theta=best_theta, theta_last=theta, history=np.array(history), train_loss=np.array(train_loss),
                     val_loss=None if val_loss is None else np.array(val_loss), best_epoch=best_epoch,
                     epochs_run=len(history) - 1, stopped_early=stopped_early)


def sgd_last_not_best(X, y, *, loss="squared", rho, epochs, batch_size, rng, theta0=None, X_val=None, y_val=None,
                      patience=None):
    def loss_and_grad(theta, Xb, yb):  # the given losses, inline
        eta = Xb @ theta
        if loss == "squared":
            r = yb - eta
            return float(r @ r) / (2 * len(yb)), -(Xb.T @ r) / len(yb)
        return (float(np.mean(np.logaddexp(0.0, eta) - yb * eta)),
                Xb.T @ (0.5 * (1.0 + np.tanh(0.5 * eta)) - yb) / len(yb))

    theta = np.zeros(X.shape[1]) if theta0 is None else np.array(theta0, dtype=float)
    history, train_loss = [theta.copy()], [loss_and_grad(theta, X, y)[0]]
    val_loss = None if X_val is None else [loss_and_grad(theta, X_val, y_val)[0]]
    best_epoch, stopped_early = 0, False
    for epoch in range(1, epochs + 1):
        perm = rng.permutation(X.shape[0])
        for idx in (perm[i:i + batch_size] for i in range(0, X.shape[0], batch_size)):
            theta = theta - rho * loss_and_grad(theta, X[idx], y[idx])[1]
        history.append(theta.copy())
        train_loss.append(loss_and_grad(theta, X, y)[0])
        if val_loss is not None:
            val_loss.append(loss_and_grad(theta, X_val, y_val)[0])
            if val_loss[-1] < val_loss[best_epoch]:
                best_epoch = epoch
            if patience is not None and epoch - best_epoch >= patience:
                stopped_early = epoch < epochs
                break
    if val_loss is None:
        best_epoch = len(history) - 1
    return SGDResult(theta=theta, theta_last=theta, history=np.array(history), train_loss=np.array(train_loss),
                     val_loss=None if val_loss is None else np.array(val_loss), best_epoch=best_epoch,
                     epochs_run=len(history) - 1, stopped_early=stopped_early)


def sgd_patience_plus_one(X, y, *, loss="squared", rho, epochs, batch_size, rng, theta0=None, X_val=None,
                          y_val=None, patience=None):
    def loss_and_grad(theta, Xb, yb):  # the given losses, inline
        eta = Xb @ theta
        if loss == "squared":
            r = yb - eta
            return float(r @ r) / (2 * len(yb)), -(Xb.T @ r) / len(yb)
        return (float(np.mean(np.logaddexp(0.0, eta) - yb * eta)),
                Xb.T @ (0.5 * (1.0 + np.tanh(0.5 * eta)) - yb) / len(yb))

    theta = np.zeros(X.shape[1]) if theta0 is None else np.array(theta0, dtype=float)
    history, train_loss = [theta.copy()], [loss_and_grad(theta, X, y)[0]]
    val_loss = None if X_val is None else [loss_and_grad(theta, X_val, y_val)[0]]
    best_epoch, best_theta, stopped_early = 0, theta.copy(), False
    for epoch in range(1, epochs + 1):
        perm = rng.permutation(X.shape[0])
        for idx in (perm[i:i + batch_size] for i in range(0, X.shape[0], batch_size)):
            theta = theta - rho * loss_and_grad(theta, X[idx], y[idx])[1]
        history.append(theta.copy())
        train_loss.append(loss_and_grad(theta, X, y)[0])
        if val_loss is not None:
            val_loss.append(loss_and_grad(theta, X_val, y_val)[0])
            if val_loss[-1] < val_loss[best_epoch]:
                best_epoch, best_theta = epoch, theta.copy()
            if patience is not None and epoch - best_epoch > patience:
                stopped_early = epoch < epochs
                break
    if val_loss is None:
        best_epoch, best_theta = len(history) - 1, theta.copy()
    return SGDResult(theta=best_theta, theta_last=theta, history=np.array(history), train_loss=np.array(train_loss),
                     val_loss=None if val_loss is None else np.array(val_loss), best_epoch=best_epoch,
                     epochs_run=len(history) - 1, stopped_early=stopped_early)


MISCONCEPTIONS = [
    Misconception("step in the gradient's direction", "The gradient points uphill; a descent step moves the "
                  "other way", {"gd_step": step_uphill}),
    Misconception("learning rate left out", "The step is the gradient scaled by the learning rate rho",
                  {"gd_step": step_without_rho}),
    Misconception("minibatches not shuffled", "Each call draws a new random order of the examples from the rng "
                  "it is given", {"minibatch_indices": batches_in_order}),
    Misconception("last short batch dropped", "When batch_size does not divide n, the examples left over form a "
                  "last, smaller batch: every example is used once per epoch", {"minibatch_indices": batches_drop_last}),
    Misconception("no reshuffle per epoch", "Each epoch goes through the examples in a new random order",
                  {"sgd": sgd_one_shuffle}),
    Misconception("last instead of best parameters", "With a validation set, theta is the parameters of the "
                  "epoch with the lowest validation loss; the last ones are theta_last", {"sgd": sgd_last_not_best}),
    Misconception("patience off by one", "Training stops as soon as `patience` epochs in a row have passed "
                  "without a new best validation loss", {"sgd": sgd_patience_plus_one}),
]
