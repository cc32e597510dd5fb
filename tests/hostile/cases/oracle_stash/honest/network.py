"""The honest counterpart of oracle_stash: the network as the solution has it."""

from ._honest_network import *  # noqa: F403
