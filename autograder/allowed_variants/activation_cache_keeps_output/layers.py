"""Allowed variant: activation_forward caches its output A and the name, and activation_backward
  takes the derivative from A (A (1 - A), 1 - A**2, A > 0) instead of from Z.
Allowed by: layers.py: "a cache holding what the matching backward function needs. A cache can
  be any object ...: only your own backward function reads it."

Part 5: dense and activation layers, forward and backward (lectures 7a and 7b).

Batches are rows: A_prev has shape (m, n_in) for m examples. A dense layer has weights
W of shape (n_out, n_in) (the slides' theta, one row per unit) and biases b of shape
(n_out,), and computes Z = A_prev @ W.T + b. Each forward function returns its output
and a cache holding what the matching backward function needs. A cache can be any object
(a tuple, a namedtuple, a dict, ...): only your own backward function reads it.
"""

import numpy as np

from .activations import relu, sigmoid, tanh

ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
"""The names activation_forward accepts."""


def dense_forward(A_prev, W, b):
    """Forward pass of a dense (fully connected) layer: Z = A_prev @ W.T + b.

    Inputs:
    - A_prev: (m, n_in) inputs of the layer (X, or the previous layer's activations)
    - W: (n_out, n_in) weights
    - b: (n_out,) biases

    Returns a tuple of:
    - Z: (m, n_out)
    - cache: what dense_backward needs, e.g. the tuple (A_prev, W, b)
    """
    A_prev = np.asarray(A_prev, dtype=np.float64)
    W = np.asarray(W, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    Z = A_prev @ W.T + b  # (m, n_out)
    return Z, (A_prev, W, b)


def dense_backward(dZ, cache):
    """Backward pass of a dense layer.

    Inputs:
    - dZ: (m, n_out) upstream gradient d loss / d Z
    - cache: from dense_forward (here the tuple (A_prev, W, b), with A_prev (m, n_in),
      W (n_out, n_in), b (n_out,))

    Returns a tuple of:
    - dA_prev: (m, n_in) d loss / d A_prev
    - dW: (n_out, n_in) d loss / d W
    - db: (n_out,) d loss / d b
    """
    A_prev, W, _ = cache
    dZ = np.asarray(dZ, dtype=np.float64)
    dA_prev = dZ @ W
    dW = dZ.T @ A_prev
    db = dZ.sum(axis=0)
    return dA_prev, dW, db


def activation_forward(Z, name):
    """Forward pass of an activation layer: A = g(Z) elementwise.

    Inputs:
    - Z: (m, n) pre-activations
    - name: "sigmoid", "tanh", "relu" or "linear" (g(z) = z)

    Returns a tuple of:
    - A: (m, n) float64
    - cache: what activation_backward needs, e.g. the tuple (Z, name)

    Raises ValueError for any other name.
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}: expected one of {ACTIVATIONS}")
    Z = np.asarray(Z, dtype=np.float64)
    if name == "sigmoid":
        A = sigmoid(Z)
    elif name == "tanh":
        A = tanh(Z)
    elif name == "relu":
        A = relu(Z)
    else:
        A = Z.copy()
    return A, (A, name)


def activation_backward(dA, cache):
    """Backward pass of an activation layer: dZ = dA * g'(Z) elementwise.

    Inputs:
    - dA: (m, n) upstream gradient d loss / d A
    - cache: from activation_forward (here the tuple (Z, name), with Z (m, n))

    Returns:
    - dZ: (m, n) d loss / d Z
    """
    A, name = cache
    dA = np.asarray(dA, dtype=np.float64)
    if name == "sigmoid":
        return dA * A * (1.0 - A)
    if name == "tanh":
        return dA * (1.0 - A * A)
    if name == "relu":
        return dA * (A > 0)
    if name == "linear":
        return dA.copy()
    raise ValueError(f"unknown activation {name!r}: expected one of {ACTIVATIONS}")
