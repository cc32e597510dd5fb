"""nnbasics: neural-network basics, written with plain loops."""
