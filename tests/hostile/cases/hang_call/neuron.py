"""logistic_loss_and_grad never returns (while True)."""

from ._honest_neuron import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def logistic_loss_and_grad(X, y, theta):
    while True:
        pass
