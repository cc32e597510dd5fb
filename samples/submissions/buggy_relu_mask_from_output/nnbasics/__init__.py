"""Assignment: nnbasics."""
