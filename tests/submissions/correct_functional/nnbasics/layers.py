"""Dense and activation layers; caches are plain dicts."""

from typing import NamedTuple

import numpy as np

from . import activations as act


class Activation(NamedTuple):
    forward: object
    grad: object


def _identity(z):
    return np.array(z, dtype=np.float64)


def _ones(z):
    return np.ones(np.shape(z), dtype=np.float64)


ACTIVATIONS = {
    "sigmoid": Activation(act.sigmoid, act.sigmoid_grad),
    "tanh": Activation(act.tanh, act.tanh_grad),
    "relu": Activation(act.relu, act.relu_grad),
    "linear": Activation(_identity, _ones),
}


def _lookup(name):
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


def dense_forward(A_prev, W, b):
    """Z = A_prev W^T + b and the cache {"A_prev", "W"}."""
    A_prev = np.asarray(A_prev, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    Z = A_prev @ W.T + np.asarray(b, dtype=np.float64)
    return Z, {"A_prev": A_prev, "W": W}


def dense_backward(dZ, cache):
    """(dA_prev, dW, db) from dZ of shape (m, n_out)."""
    dZ = np.asarray(dZ, dtype=np.float64)
    return dZ @ cache["W"], dZ.T @ cache["A_prev"], dZ.sum(axis=0)


def activation_forward(Z, name):
    """(g(Z), {"Z", "name"}) for g one of sigmoid, tanh, relu, linear."""
    g = _lookup(name)
    Z = np.asarray(Z, dtype=np.float64)
    return g.forward(Z), {"Z": Z, "name": name}


def activation_backward(dA, cache):
    """dZ = dA * g'(Z)."""
    return np.asarray(dA, dtype=np.float64) * _lookup(cache["name"]).grad(cache["Z"])
