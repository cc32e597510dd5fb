"""The eight parts of the assignment: one per module of the student package `nnbasics`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Part:
    """One part of the assignment.

    `module` is the file in `nnbasics/` the part lives in; `points` its share of 100;
    `slides` where the lecture covers it; `summary` one line for the student README.
    """

    number: int
    module: str
    title: str
    points: int
    slides: str
    summary: str


PARTS: tuple[Part, ...] = (
    Part(
        1,
        "activations",
        "Activation functions",
        10,
        "7a, 'Activation functions' and 'Using three neurons'",
        "sigmoid, tanh and ReLU with their derivatives, numerically stable.",
    ),
    Part(
        2,
        "losses",
        "Binary cross-entropy",
        10,
        "7b, 'Cross-entropy loss function'",
        "the mean binary cross-entropy and its gradient with respect to y_hat.",
    ),
    Part(
        3,
        "neuron",
        "One neuron: logistic regression",
        12,
        "7a, 'Binary logistic regression'; 7b, 'Backpropagation again'",
        "one artificial neuron, its loss and gradient, and weights that compute AND.",
    ),
    Part(
        4,
        "graph",
        "Backpropagation on a computational graph",
        15,
        "7b, 'Backward differentiation', L = (x + y)z",
        "a scalar `Value` that records operations and backpropagates through them.",
    ),
    Part(
        5,
        "layers",
        "Dense and activation layers",
        15,
        "7a, 'Vector notation'; 7b, 'Backpropagation with a hidden layer'",
        "forward and backward passes of a dense layer and an activation layer.",
    ),
    Part(
        6,
        "network",
        "A feed-forward network",
        15,
        "7a, 'Solving XOR using three neurons', 'Are non-linearities essential?'; "
        "7b, 'Backpropagation with a hidden layer'",
        "forward and backward through many layers, the slide's XOR network, and why "
        "linear layers collapse.",
    ),
    Part(
        7,
        "gradcheck",
        "Numerical gradient checking",
        10,
        "7b, 'Training neural networks' (checking a backward pass)",
        "central differences, to check any backward pass you write.",
    ),
    Part(
        8,
        "train",
        "Training with gradient descent",
        13,
        "7b, 'Learning in logistic regression'",
        "initialise a network, predict, and train it on XOR with gradient descent.",
    ),
)

PARTS_BY_MODULE: dict[str, Part] = {part.module: part for part in PARTS}

assert sum(part.points for part in PARTS) == 100
