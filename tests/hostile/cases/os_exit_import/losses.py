"""Calls os._exit(0) while the module is imported (neuron, network and train import it)."""

import os

from ._honest_losses import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

os._exit(0)
