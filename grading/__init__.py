"""nnkit: an auto-graded assignment kit for neural-network basics."""
