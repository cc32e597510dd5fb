"""nnbasics, written in a functional style: small pure functions, dict dispatch."""
