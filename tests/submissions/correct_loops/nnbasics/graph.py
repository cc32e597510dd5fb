"""A scalar Value that records a computational graph and backpropagates through it.

Every node keeps the list of its parents and, next to it, the list of local
derivatives d(node)/d(parent), computed when the node is made. backward() sorts
the graph with an explicit stack (no recursion) and applies the chain rule.
"""

import math


class Value:
    """One scalar in a computational graph."""

    def __init__(self, data, parents=(), local_grads=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = list(parents)
        self.local_grads = list(local_grads)
        self.op = op

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    @staticmethod
    def _wrap(other):
        return other if isinstance(other, Value) else Value(other)

    # -- operations ---------------------------------------------------------------------

    def __add__(self, other):
        other = Value._wrap(other)
        return Value(self.data + other.data, [self, other], [1.0, 1.0], "+")

    def __radd__(self, other):
        return Value._wrap(other) + self

    def __mul__(self, other):
        other = Value._wrap(other)
        return Value(self.data * other.data, [self, other], [other.data, self.data], "*")

    def __rmul__(self, other):
        return Value._wrap(other) * self

    def __neg__(self):
        return Value(-self.data, [self], [-1.0], "neg")

    def __sub__(self, other):
        other = Value._wrap(other)
        return Value(self.data - other.data, [self, other], [1.0, -1.0], "-")

    def __rsub__(self, other):
        return Value._wrap(other) - self

    def sigmoid(self):
        x = self.data
        if x >= 0:
            s = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            s = e / (1.0 + e)
        return Value(s, [self], [s * (1.0 - s)], "sigmoid")

    def log(self):
        return Value(math.log(self.data), [self], [1.0 / self.data], "log")

    def exp(self):
        e = math.exp(self.data)
        return Value(e, [self], [e], "exp")

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, [self], [1.0 - t * t], "tanh")

    def relu(self):
        positive = self.data > 0
        return Value(self.data if positive else 0.0, [self], [1.0 if positive else 0.0], "relu")

    # -- backpropagation ----------------------------------------------------------------

    def _topological_order(self):
        """Nodes this one depends on, each after all of its parents (iterative DFS)."""
        order = []
        visited = set()
        stack = [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
                continue
            if id(node) in visited:
                continue
            visited.add(id(node))
            stack.append((node, True))
            for parent in node.parents:
                if id(parent) not in visited:
                    stack.append((parent, False))
        return order

    def backward(self):
        """Fill .grad of every node this one depends on, with dL/dL = 1."""
        order = self._topological_order()
        self.grad = 1.0
        for node in reversed(order):
            for parent, local in zip(node.parents, node.local_grads, strict=True):
                parent.grad += local * node.grad
