"""nnbasics: feed-forward neural networks and backpropagation from scratch, with numpy.

The assignment of DD2418 lectures 7a and 7b, in eight parts, one module each:

1. activations  sigmoid, tanh and ReLU with their derivatives
2. losses       the mean binary cross-entropy and its gradient
3. neuron       one artificial neuron (binary logistic regression)
4. graph        a scalar `Value` that backpropagates through a computational graph
5. layers       forward and backward passes of dense and activation layers
6. network      many layers, the slide's XOR network, and why linear layers collapse
7. gradcheck    numerical gradients by central differences
8. train        initialise, predict, and train with gradient descent

Import the modules directly, e.g. `from nnbasics.layers import dense_forward`.
"""
