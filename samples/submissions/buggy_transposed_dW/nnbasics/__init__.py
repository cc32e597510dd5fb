"""nnbasics: assignment 3 (neural networks)."""
