"""Mutation testing of the hidden suite: how many plausible bugs it catches."""
