"""nnbasics, my implementation."""
