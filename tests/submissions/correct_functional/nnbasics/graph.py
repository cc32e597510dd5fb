"""Scalar automatic differentiation: Value records its inputs, backward() applies the chain rule."""

import math
from collections import deque
from collections.abc import Callable, Iterable


class Value:
    """A scalar node of a computational graph."""

    __slots__ = ("data", "grad", "_inputs", "_push")

    def __init__(self, data, _inputs=(), _push=None):
        self.data = float(data)
        self.grad = 0.0
        self._inputs = tuple(_inputs)
        # _push() adds this node's grad, times the local derivatives, to its inputs
        self._push = _push

    def __repr__(self):
        return f"Value({self.data!r}, grad={self.grad!r})"

    @classmethod
    def _node(cls, data, inputs: Iterable["Value"], partials: Iterable[float]):
        """A new node with value `data` and d(node)/d(input) = partials, in order."""
        inputs = tuple(inputs)
        partials = tuple(partials)
        out = cls(data, inputs)

        def push():
            for node, partial in zip(inputs, partials, strict=True):
                node.grad += partial * out.grad

        out._push = push
        return out

    @staticmethod
    def _lift(x):
        return x if isinstance(x, Value) else Value(x)

    def _unary(self, f: Callable[[float], float], df: Callable[[float, float], float]):
        """Node f(self), with derivative df(x, f(x))."""
        y = f(self.data)
        return Value._node(y, (self,), (df(self.data, y),))

    # arithmetic -------------------------------------------------------------------------

    def __add__(self, other):
        other = Value._lift(other)
        return Value._node(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = Value._lift(other)
        return Value._node(self.data * other.data, (self, other), (other.data, self.data))

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-Value._lift(other))

    def __radd__(self, other):
        return Value._lift(other) + self

    def __rmul__(self, other):
        return Value._lift(other) * self

    def __rsub__(self, other):
        return Value._lift(other) - self

    # functions --------------------------------------------------------------------------

    def sigmoid(self):
        return self._unary(_stable_sigmoid, lambda x, s: s * (1.0 - s))

    def log(self):
        return self._unary(math.log, lambda x, y: 1.0 / x)

    def exp(self):
        return self._unary(math.exp, lambda x, y: y)

    def tanh(self):
        return self._unary(math.tanh, lambda x, t: 1.0 - t * t)

    def relu(self):
        return self._unary(lambda x: max(x, 0.0), lambda x, y: 1.0 if x > 0 else 0.0)

    # backpropagation --------------------------------------------------------------------

    def backward(self):
        """Set self.grad = 1 and push gradients to every node self depends on (Kahn order)."""
        # count, for every reachable node, how many reachable nodes use it
        users = {id(self): 0}
        nodes = {id(self): self}
        queue = deque([self])
        while queue:
            node = queue.popleft()
            for parent in node._inputs:
                if id(parent) not in nodes:
                    nodes[id(parent)] = parent
                    users[id(parent)] = 0
                    queue.append(parent)
                users[id(parent)] += 1
        self.grad = 1.0
        ready = deque([self])
        while ready:
            node = ready.popleft()
            if node._push is not None:
                node._push()
            for parent in node._inputs:
                users[id(parent)] -= 1
                if users[id(parent)] == 0:
                    ready.append(parent)


def _stable_sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
