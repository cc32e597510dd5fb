"""Binary cross-entropy through log-sum-exp: -ln p = ln(1 + e^-t) for the logit t of p."""

import numpy as np

EPS = 1e-12


def _logit(y_hat):
    p = np.clip(np.asarray(y_hat, dtype=np.float64), EPS, 1.0 - EPS)
    return p, np.log(p) - np.log1p(-p)


def binary_cross_entropy(y_hat, y):
    """Mean over all elements of -[y ln y_hat + (1 - y) ln(1 - y_hat)]."""
    _, t = _logit(y_hat)
    y = np.asarray(y, dtype=np.float64)
    # -ln(p) = logaddexp(0, -t) and -ln(1 - p) = logaddexp(0, t)
    per_element = y * np.logaddexp(0.0, -t) + (1.0 - y) * np.logaddexp(0.0, t)
    return float(np.mean(per_element))


def binary_cross_entropy_grad(y_hat, y):
    """dL/dy_hat of the mean: (y_hat - y) / (y_hat (1 - y_hat)) / number of elements."""
    p, _ = _logit(y_hat)
    y = np.asarray(y, dtype=np.float64)
    return (p - y) / (p * (1.0 - p)) / p.size
