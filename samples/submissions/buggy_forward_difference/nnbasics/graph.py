"""Computational graph with reverse-mode autodiff (like micrograd)."""

import math


def _as_value(x):
    return x if isinstance(x, Value) else Value(x)


class Value:
    def __init__(self, data, _children=()):
        self.data = float(data)
        self.grad = 0.0
        self._children = _children
        self._backward = None

    def __repr__(self):
        return f"Value({self.data:.4f}, grad={self.grad:.4f})"

    def __add__(self, other):
        other = _as_value(other)
        out = Value(self.data + other.data, (self, other))

        def backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = backward
        return out

    def __mul__(self, other):
        other = _as_value(other)
        out = Value(self.data * other.data, (self, other))

        def backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = backward
        return out

    def __neg__(self):
        out = Value(-self.data, (self,))

        def backward():
            self.grad += -out.grad

        out._backward = backward
        return out

    def __sub__(self, other):
        return self + (-_as_value(other))

    def __radd__(self, other):
        return _as_value(other) + self

    def __rmul__(self, other):
        return _as_value(other) * self

    def __rsub__(self, other):
        return _as_value(other) - self

    def sigmoid(self):
        if self.data >= 0:
            s = 1.0 / (1.0 + math.exp(-self.data))
        else:
            s = math.exp(self.data) / (1.0 + math.exp(self.data))
        out = Value(s, (self,))

        def backward():
            self.grad += s * (1 - s) * out.grad

        out._backward = backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,))

        def backward():
            self.grad += (1 / self.data) * out.grad

        out._backward = backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,))

        def backward():
            self.grad += out.data * out.grad

        out._backward = backward
        return out

    def tanh(self):
        out = Value(math.tanh(self.data), (self,))

        def backward():
            self.grad += (1 - out.data**2) * out.grad

        out._backward = backward
        return out

    def relu(self):
        out = Value(self.data if self.data > 0 else 0.0, (self,))

        def backward():
            self.grad += (1.0 if self.data > 0 else 0.0) * out.grad

        out._backward = backward
        return out

    def backward(self):
        # build a topological order with a loop instead of recursion
        order = []
        seen = set()
        todo = [self]
        while todo:
            node = todo[-1]
            if node in seen:
                todo.pop()
                continue
            pending = [c for c in node._children if c not in seen]
            if pending:
                todo.extend(pending)
            else:
                seen.add(node)
                order.append(node)
                todo.pop()
        self.grad = 1.0
        for node in reversed(order):
            if node._backward is not None:
                node._backward()
