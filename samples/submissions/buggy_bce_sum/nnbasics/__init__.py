"""Neural network basics (lab 3)."""
