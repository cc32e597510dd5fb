"""collapse_linear calls os._exit(0)."""

import os

from ._honest_network import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------


def collapse_linear(weights):
    os._exit(0)
