"""nnbasics (HW3)."""
