"""Calls sys.exit(0) while the module is imported."""

import sys

from ._honest_gradcheck import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

sys.exit(0)
