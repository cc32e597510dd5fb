"""Ignores SIGTERM and sleeps forever while the module is imported."""

import signal
import time

from ._honest_graph import *  # noqa: F403

# -- the attack ----------------------------------------------------------------------

signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    time.sleep(3600)
