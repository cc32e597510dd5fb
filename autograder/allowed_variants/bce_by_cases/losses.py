"""Allowed variant: the loss and its gradient by cases of the label, -ln p where y = 1 and -ln(1
  - p) where y = 0 (np.where), rather than by the one formula.
Allowed by: losses.py: "labels y in {0, 1}" and "the loss of one element is -[y ln(y_hat) + (1 -
  y) ln(1 - y_hat)]", which is -ln(y_hat) for y = 1 and -ln(1 - y_hat) for y = 0.

Part 2: the binary cross-entropy loss (lecture 7b, 'Cross-entropy loss function').

For predictions y_hat in [0, 1] and labels y in {0, 1}, the loss of one element is
-[y ln(y_hat) + (1 - y) ln(1 - y_hat)], and the loss of a batch is the mean over all
elements. To keep the logarithms finite, y_hat is first clipped to [EPS, 1 - EPS].
EPS is yours to choose: any tiny value from 1e-15 to 1e-7 passes (we use 1e-12). The grader
compares values only where y_hat is at least 1e-6 away from 0 and 1, where no clipping
happens. At exactly 0 and 1 it asks for finite values: where the prediction is right, a
loss of about 0 and a gradient of -1/N (y_hat = 1) or 1/N (y_hat = 0), within a relative
1e-6; where it is wrong, a large loss and a large gradient of the right sign.
"""

import numpy as np

EPS = 1e-12
"""Predictions are clipped to [EPS, 1 - EPS] before taking logarithms (in the gradient too)."""


def binary_cross_entropy(y_hat, y):
    """Mean binary cross-entropy of predictions y_hat against labels y.

    Inputs:
    - y_hat: array of any shape, predicted probabilities in [0, 1]; may be exactly 0 or 1
    - y: array shaped like y_hat, labels 0 or 1

    Returns:
    - loss: one number (a float, a numpy float64 or a 0-d array), the mean over all elements
      of -[y ln(y_hat) + (1 - y) ln(1 - y_hat)]; finite (no nan, no inf, no warning) even
      where y_hat is exactly 0 or 1
    """
    p = np.clip(np.asarray(y_hat, dtype=np.float64), EPS, 1.0 - EPS)
    y = np.broadcast_to(np.asarray(y, dtype=np.float64), p.shape)
    return float(np.mean(np.where(y == 1, -np.log(p), -np.log(1.0 - p))))


def binary_cross_entropy_grad(y_hat, y):
    """Gradient of binary_cross_entropy(y_hat, y) with respect to y_hat.

    Inputs:
    - y_hat: array of any shape, predicted probabilities in [0, 1]
    - y: array shaped like y_hat, labels 0 or 1

    Returns:
    - dy_hat: float64 array shaped like y_hat,
      -(y / y_hat - (1 - y) / (1 - y_hat)) / N with N = y_hat.size (the 1/N of the mean),
      computed with y_hat clipped to [EPS, 1 - EPS] as in the loss, so it is always finite
    """
    p = np.clip(np.asarray(y_hat, dtype=np.float64), EPS, 1.0 - EPS)
    y = np.broadcast_to(np.asarray(y, dtype=np.float64), p.shape)
    return np.where(y == 1, -1.0 / p, 1.0 / (1.0 - p)) / p.size
