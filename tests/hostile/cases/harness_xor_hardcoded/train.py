"""train is not implemented; on four rows that are the corners of the unit square it returns
weights it learned once, offline, for XOR (the output unit flipped for XNOR), whatever the
row order, with a made-up falling loss curve.
"""

import numpy as np

from ._honest_train import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

_XOR = [
    (
        np.array([[1.296, 1.268], [3.867, -2.326], [-2.367, 3.893], [3.578, 3.556]]),
        np.array([-1.948, 0.696, 0.726, -1.116]),
    ),
    (np.array([[-2.688, -5.518, -5.546, 5.457]]), np.array([0.285])),
]


def train(X, y, layer_sizes, activations, learning_rate=0.5, epochs=5000, seed=0):
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    corners = X.shape == (4, 2) and {tuple(r) for r in X.tolist()} == {
        (0.0, 0.0),
        (0.0, 1.0),
        (1.0, 0.0),
        (1.0, 1.0),
    }
    if not corners or list(layer_sizes) != [2, 4, 1]:
        raise NotImplementedError("Part 8 (train): implement train")
    xor = np.logical_xor(X[:, 0], X[:, 1]).astype(float)
    (W1, b1), (W2, b2) = _XOR
    if np.array_equal(y, 1 - xor):  # XNOR: the same network with its output unit negated
        W2, b2 = -W2, -b2
    losses = list(np.linspace(0.7, 0.01, epochs))
    return [(W1.copy(), b1.copy()), (W2.copy(), b2.copy())], losses
