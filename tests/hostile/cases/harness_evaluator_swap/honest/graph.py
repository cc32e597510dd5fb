"""The honest counterpart of harness_evaluator_swap: the same Value, whose backward overwrites
gradients (grad = ... instead of grad += ...), without the attack."""

from pathlib import Path

_source = (Path(__file__).parent / "_honest_graph.py").read_text()
_namespace = {"__name__": __name__}
exec(compile(_source.replace(".grad += ", ".grad = "), "graph.py", "exec"), _namespace)
Value = _namespace["Value"]
