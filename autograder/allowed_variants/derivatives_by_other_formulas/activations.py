"""Allowed variant: sigmoid_grad as e^-z / (1 + e^-z)^2 and tanh_grad as 1 / cosh(z)^2, not
  through sigmoid and tanh (the contract asks numerical stability of sigmoid only).
Allowed by: docs/ASSIGNMENT_API.md: "sigmoid_grad(z): dσ/dz elementwise, σ(z)(1-σ(z))",
  "tanh_grad(z): 1 - tanh(z)^2"; only sigmoid must be stable for z as large as ±1e4.

Part 1: activation functions and their derivatives (lecture 7a, 'Activation functions').

Every function works elementwise on a numpy array of any shape (or on a plain number)
and returns float64 values of the same shape. For a plain number in, a float or a 0-d
float64 array out are both fine. None of them modifies its input.
"""

import numpy as np


def sigmoid(z):
    """The logistic sigmoid, sigma(z) = 1 / (1 + exp(-z)), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - s: float64 array shaped like z, values in [0, 1]; no overflow warning and no nan,
      even for z as large as +-1e4
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z):
    """The derivative of the sigmoid, d sigma / dz = sigma(z) * (1 - sigma(z)), elementwise.

    Inputs:
    - z: array of any shape, or a number (the input of the sigmoid, not its output)

    Returns:
    - ds: float64 array shaped like z
    """
    e = np.exp(-np.asarray(z, dtype=np.float64))
    return e / (1.0 + e) ** 2


def tanh(z):
    """The hyperbolic tangent, (e^z - e^-z) / (e^z + e^-z), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - t: float64 array shaped like z, values in [-1, 1]
    """
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_grad(z):
    """The derivative of tanh, 1 - tanh(z)^2, elementwise.

    Inputs:
    - z: array of any shape, or a number (the input of tanh, not its output)

    Returns:
    - dt: float64 array shaped like z
    """
    return 1.0 / np.cosh(np.asarray(z, dtype=np.float64)) ** 2


def relu(z):
    """The rectified linear unit, max(0, z), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - r: float64 array shaped like z
    """
    return np.maximum(0.0, np.asarray(z, dtype=np.float64))


def relu_grad(z):
    """The derivative of ReLU: 1.0 where z > 0, else 0.0 (we take 0 at z = 0).

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - dr: float64 array shaped like z, holding only 0.0 and 1.0
    """
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)
