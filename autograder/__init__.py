"""The hidden test suite of nnbasics: importing this package registers every check in
`grading.checks.suite.CHECKS` (one module per part; see README.md for what each covers)."""

from autograder import (  # noqa: F401 - imported for their @check registrations
    checks_activations,
    checks_gradcheck,
    checks_graph,
    checks_layers,
    checks_losses,
    checks_network,
    checks_neuron,
    checks_train,
)
