"""A Value whose backward overwrites gradients (grad = ... instead of grad += ...); at import
the module replaces the worker's graph evaluator (worker.run_graph) with 30 lines of its own,
which computes every node's data and its correct gradient from the program it is handed.
"""

import math
import sys
from pathlib import Path

_source = (Path(__file__).parent / "_honest_graph.py").read_text()
_namespace = {"__name__": __name__}
exec(compile(_source.replace(".grad += ", ".grad = "), "graph.py", "exec"), _namespace)
Value = _namespace["Value"]

# -- the attack ----------------------------------------------------------------------

_F = {
    "sigmoid": (lambda x: 0.5 * (1 + math.tanh(x / 2)), lambda x, y: y * (1 - y)),
    "log": (math.log, lambda x, y: 1 / x),
    "exp": (math.exp, lambda x, y: y),
    "tanh": (math.tanh, lambda x, y: 1 - y * y),
    "relu": (lambda x: max(0.0, x), lambda x, y: 1.0 if x > 0 else 0.0),
}
_SIGN = {"add": (1, 1), "sub": (1, -1)}
_CONST = {  # name: (value of (node, c), d value / d node)
    "add_const": (lambda v, c: v + c, lambda c: 1.0),
    "radd_const": (lambda v, c: c + v, lambda c: 1.0),
    "mul_const": (lambda v, c: v * c, lambda c: c),
    "rmul_const": (lambda v, c: c * v, lambda c: c),
    "sub_const": (lambda v, c: v - c, lambda c: 1.0),
    "rsub_const": (lambda v, c: c - v, lambda c: -1.0),
}


def _evaluate(value_class, ops, backward_from):
    vals, local = [], []  # data per node; (input, d node / d input) pairs per node
    for op in ops:
        name, a = op[0], op[1:]
        if name == "value":
            vals.append(float(a[0]))
            local.append([])
        elif name in _SIGN:
            vals.append(vals[a[0]] + _SIGN[name][1] * vals[a[1]])
            local.append([(a[0], 1.0), (a[1], float(_SIGN[name][1]))])
        elif name == "mul":
            vals.append(vals[a[0]] * vals[a[1]])
            local.append([(a[0], vals[a[1]]), (a[1], vals[a[0]])])
        elif name == "neg":
            vals.append(-vals[a[0]])
            local.append([(a[0], -1.0)])
        elif name in _CONST:
            i, c = (a[1], a[0]) if name.startswith("r") else (a[0], a[1])
            value, slope = _CONST[name]
            vals.append(value(vals[i], c))
            local.append([(i, slope(c))])
        else:
            vals.append(_F[name][0](vals[a[0]]))
            local.append([(a[0], _F[name][1](vals[a[0]], vals[-1]))])
    grads = [0.0] * len(ops)
    if backward_from is not None:
        out = backward_from % len(ops)
        grads[out] = 1.0
        for k in range(out, -1, -1):
            for i, d in local[k]:
                grads[i] += d * grads[k]
    return {"data": vals, "grad": grads}


_worker = sys.modules.get("worker") or sys.modules.get("grading.confined.worker")
if _worker is not None:
    _worker.run_graph = _evaluate
