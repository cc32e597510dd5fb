"""Part 1: activation functions and their derivatives (lecture 7a, 'Activation functions').

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
    # STUB: # Hint: exp(-z) overflows for very negative z. Use e = np.exp(-np.abs(z)) and pick
    # STUB: # 1/(1+e) where z >= 0 and e/(1+e) where z < 0 (np.where); both equal sigma(z).
    # STUB: raise NotImplementedError("Part 1 (activations): implement sigmoid")
    # BEGIN SOLUTION
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    # END SOLUTION


def sigmoid_grad(z):
    """The derivative of the sigmoid, d sigma / dz = sigma(z) * (1 - sigma(z)), elementwise.

    Inputs:
    - z: array of any shape, or a number (the input of the sigmoid, not its output)

    Returns:
    - ds: float64 array shaped like z
    """
    # STUB: # Hint: call your sigmoid once and combine as sigma * (1 - sigma) (slide formula).
    # STUB: raise NotImplementedError("Part 1 (activations): implement sigmoid_grad")
    # BEGIN SOLUTION
    s = sigmoid(z)
    return s * (1.0 - s)
    # END SOLUTION


def tanh(z):
    """The hyperbolic tangent, (e^z - e^-z) / (e^z + e^-z), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - t: float64 array shaped like z, values in [-1, 1]
    """
    # STUB: # Hint: np.tanh is stable; the slide's formula overflows for large |z|.
    # STUB: raise NotImplementedError("Part 1 (activations): implement tanh")
    # BEGIN SOLUTION
    return np.tanh(np.asarray(z, dtype=np.float64))
    # END SOLUTION


def tanh_grad(z):
    """The derivative of tanh, 1 - tanh(z)^2, elementwise.

    Inputs:
    - z: array of any shape, or a number (the input of tanh, not its output)

    Returns:
    - dt: float64 array shaped like z
    """
    # STUB: # Hint: 1 - tanh(z)**2, with z the input of tanh (not its output).
    # STUB: raise NotImplementedError("Part 1 (activations): implement tanh_grad")
    # BEGIN SOLUTION
    t = tanh(z)
    return 1.0 - t * t
    # END SOLUTION


def relu(z):
    """The rectified linear unit, max(0, z), elementwise.

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - r: float64 array shaped like z
    """
    # STUB: # Hint: np.maximum compares elementwise (np.max would reduce to one number).
    # STUB: raise NotImplementedError("Part 1 (activations): implement relu")
    # BEGIN SOLUTION
    return np.maximum(0.0, np.asarray(z, dtype=np.float64))
    # END SOLUTION


def relu_grad(z):
    """The derivative of ReLU: 1.0 where z > 0, else 0.0 (we take 0 at z = 0).

    Inputs:
    - z: array of any shape, or a number

    Returns:
    - dr: float64 array shaped like z, holding only 0.0 and 1.0
    """
    # STUB: # Hint: a boolean mask (z > 0) converted with .astype(np.float64); 0 at z = 0.
    # STUB: raise NotImplementedError("Part 1 (activations): implement relu_grad")
    # BEGIN SOLUTION
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)
    # END SOLUTION
