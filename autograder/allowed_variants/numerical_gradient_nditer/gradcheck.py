"""Allowed variant: numerical_gradient walks x with np.nditer and its multi_index (the CS231n
  style).
Allowed by: gradcheck.py: "grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)" for x of any shape,
  "x holds its original values when this returns"; how the elements are visited is free.

Part 7: numerical gradient checking (lecture 7b, 'Training neural networks').

A backward pass is easy to get subtly wrong. Central differences give an independent
estimate of every partial derivative,
    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h),
that an analytic gradient must agree with: the grader accepts your backward passes when
their relative error (relative_error below) against central differences is below 1e-6.
numerical_gradient itself is checked against the exact gradient of smooth functions, to a
relative error below 1e-7 (central differences reach about 1e-10 there, forward
differences only about 1e-5).
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function f at the array x.

    Inputs:
    - f: function taking an array shaped like x and returning one number
    - x: float64 array of any shape; perturbed in place one element at a time, so f may
      also read x through a closure (e.g. f = lambda _: loss(W) with x = W)
    - h: step size

    Returns:
    - grad: float64 array shaped like x, grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)

    x holds its original values when this returns (even if f raises).
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        try:
            x[ix] = old + h
            fxph = f(x)
            x[ix] = old - h
            fxmh = f(x)
        finally:
            x[ix] = old
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad


def relative_error(a, b):
    """Relative error between two arrays, as used to compare gradients.

    Inputs:
    - a, b: arrays of the same shape (or numbers)

    Returns:
    - err: one number (a float, a numpy float64 or a 0-d array), the max over elements of
      |a - b| / max(1e-8, |a| + |b|) (0.0 for empty arrays)
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    return float(np.max(err, initial=0.0))
