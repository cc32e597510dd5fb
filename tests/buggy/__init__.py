"""Small buggy variants of the solution, one typical mistake each, for the diagnosis tests.

A variant is the solution package with one module patched: each `(old, new)` pair replaces
text that must occur exactly once in `solution/nnbasics/<module>.py` (so a variant fails
loudly, rather than silently testing nothing, when the solution changes). `signature` is
the diagnosis (a key of `grading.checks.diagnose.SIGNATURES`) that the failing `check` must give.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from grading.checks.slide_examples import example
from grading.course.paths import solution_package

SOLUTION_PACKAGE = solution_package()  # solution/<package>/

# The numbers the slides print for the logistic-regression example (a hard-coded answer).
_LOGISTIC = example("logistic_regression")
_SLIDE_LOSS = float(_LOGISTIC.value("loss"))
_SLIDE_GRAD = float(_LOGISTIC.value("grad").ravel()[0])


@dataclass(frozen=True)
class Variant:
    name: str
    module: str
    patches: tuple[tuple[str, str], ...]
    signature: str
    check: str


VARIANTS: tuple[Variant, ...] = (
    Variant(
        "transposed_dW",
        "layers",
        (("    dW = dZ.T @ A_prev\n", "    dW = A_prev.T @ dZ\n"),),
        "transposed",
        "layers_dense_backward_dW_gradcheck",
    ),
    Variant(
        "bce_grad_sign",
        "losses",
        (
            (
                "    return -(y / p - (1.0 - y) / (1.0 - p)) / y_hat.size\n",
                "    return (y / p - (1.0 - y) / (1.0 - p)) / y_hat.size\n",
            ),
        ),
        "sign",
        "losses_bce_grad_gradcheck",
    ),
    Variant(
        "neuron_grad_without_1_over_m",
        "neuron",
        (("    dz = (p - y) / m  # (m,)\n", "    dz = p - y\n"),),
        "factor_m",
        "neuron_grad_gradcheck",
    ),
    Variant(
        "bce_sum_instead_of_mean",
        "losses",
        (
            (
                "    return float(np.mean(-(y * np.log(p)",
                "    return float(np.sum(-(y * np.log(p)",
            ),
        ),
        "factor_m",
        "losses_bce_random",
    ),
    Variant(
        "dW_divided_by_m",
        "layers",
        (("    dW = dZ.T @ A_prev\n", "    dW = dZ.T @ A_prev / A_prev.shape[0]\n"),),
        "divided_m",
        "layers_dense_backward_dW_gradcheck",
    ),
    Variant(
        "activation_derivative_at_output",
        "layers",
        (("    return A, (Z, name)\n", "    return A, (A, name)\n"),),
        "derivative_of_output",
        "layers_activation_backward_sigmoid_gradcheck",
    ),
    Variant(
        "sigmoid_grad_of_sigmoid",
        "activations",
        (
            (
                "    s = sigmoid(z)\n    return s * (1.0 - s)\n",
                "    s = sigmoid(sigmoid(z))\n    return s * (1.0 - s)\n",
            ),
        ),
        "derivative_of_output",
        "activations_sigmoid_grad_gradcheck",
    ),
    Variant(
        "relu_mask_from_dA",
        "layers",
        (("        return dA * relu_grad(Z)\n", "        return dA * (dA > 0)\n"),),
        "relu_mask_wrong_array",
        "layers_activation_backward_relu_gradcheck",
    ),
    Variant(
        "relu_grad_at_zero",
        "activations",
        (("dtype=np.float64) > 0).astype", "dtype=np.float64) >= 0).astype"),),
        "relu_at_zero",
        "activations_relu_grad_at_zero",
    ),
    Variant(
        "relu_backward_at_zero",
        "layers",
        (("        return dA * relu_grad(Z)\n", "        return dA * (Z >= 0)\n"),),
        "relu_at_zero",
        "layers_activation_backward_relu_at_zero",
    ),
    Variant(
        "db_not_summed",
        "layers",
        (("    db = dZ.sum(axis=0)\n", "    db = dZ\n"),),
        "bias_not_summed",
        "layers_dense_backward_db_gradcheck",
    ),
    Variant(
        "forward_difference",
        "gradcheck",
        (
            ("            x[i] = old - h\n", "            x[i] = old\n"),
            (
                "        grad[i] = (f_plus - f_minus) / (2.0 * h)\n",
                "        grad[i] = (f_plus - f_minus) / h\n",
            ),
        ),
        "forward_difference",
        "gradcheck_numerical_gradient_central",
    ),
    Variant(
        "x_not_restored",
        "gradcheck",
        (("        finally:\n            x[i] = old\n", "        finally:\n            pass\n"),),
        "x_not_restored",
        "gradcheck_numerical_gradient_restores_x",
    ),
    Variant(
        "bce_clips_in_place",
        "losses",
        (
            (
                "    p = np.clip(y_hat, EPS, 1.0 - EPS)\n    return float(",
                "    p = np.clip(y_hat, EPS, 1.0 - EPS, out=y_hat)\n    return float(",
            ),
        ),
        "in_place",
        "losses_inputs_unchanged",
    ),
    Variant(
        "unstable_sigmoid",
        "activations",
        (
            (
                "    z = np.asarray(z, dtype=np.float64)\n    e = np.exp(-np.abs(z))",
                "    z = np.asarray(z, dtype=np.float64)\n    return 1.0 / (1.0 + np.exp(-z))\n"
                "    e = np.exp(-np.abs(z))",
            ),
        ),
        "unstable_sigmoid",
        "activations_sigmoid_stable",
    ),
    Variant(
        "unstable_value_sigmoid",
        "graph",
        (
            (
                "        if x >= 0:\n            s = 1.0 / (1.0 + math.exp(-x))\n",
                "        if True:\n            s = 1.0 / (1.0 + math.exp(-x))\n",
            ),
        ),
        "unstable_sigmoid",
        "graph_op_sigmoid",
    ),
    Variant(
        "bce_without_clipping",
        "losses",
        (
            (
                "    p = np.clip(y_hat, EPS, 1.0 - EPS)\n    return float(",
                "    p = y_hat\n    return float(",
            ),
        ),
        "log_of_zero",
        "losses_bce_at_zero_and_one",
    ),
    Variant(
        "graph_grad_overwritten",
        "graph",
        (
            (
                "            self.grad += other.data * out.grad\n"
                "            other.grad += self.data * out.grad\n",
                "            self.grad = other.data * out.grad\n"
                "            other.grad = self.data * out.grad\n",
            ),
        ),
        "overwrite",
        "graph_reuse_accumulates",
    ),
    Variant(
        "recursive_topological_sort",
        "graph",
        (
            (
                "        topo = []\n        visited = set()\n        stack = [(self, False)]\n",
                "        topo = []\n        visited = set()\n\n"
                "        def build(v):\n"
                "            if v not in visited:\n"
                "                visited.add(v)\n"
                "                for child in v._prev:\n"
                "                    build(child)\n"
                "                topo.append(v)\n\n"
                "        build(self)\n"
                "        stack = []\n",
            ),
        ),
        "recursion",
        "graph_deep_chain",
    ),
    Variant(
        "hard_coded_slide_values",
        "neuron",
        (
            (
                "    X = np.asarray(X, dtype=np.float64)\n"
                "    y = np.asarray(y, dtype=np.float64)\n",
                f"    return {_SLIDE_LOSS!r}, np.full(len(theta), {_SLIDE_GRAD!r})\n",
            ),
        ),
        "hard_coded",
        "neuron_loss_random",
    ),
    Variant(
        "gradient_ascent",
        "train",
        (
            (
                "            (W - learning_rate * dW, b - learning_rate * db)\n",
                "            (W + learning_rate * dW, b + learning_rate * db)\n",
            ),
        ),
        "descent_sign",
        "train_one_epoch_is_one_step",
    ),
    Variant(
        "bias_not_updated",
        "train",
        (
            (
                "            (W - learning_rate * dW, b - learning_rate * db)\n",
                "            (W - learning_rate * dW, b)\n",
            ),
        ),
        "not_updated",
        "train_one_epoch_is_one_step",
    ),
)

BY_NAME = {v.name: v for v in VARIANTS}


def build(variant: Variant, parent: Path) -> Path:
    """Write the solution package with `variant`'s patches to `parent/nnbasics`; returns
    `parent` (the folder to grade)."""
    package = parent / "nnbasics"
    shutil.copytree(SOLUTION_PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    path = package / f"{variant.module}.py"
    text = path.read_text(encoding="utf-8")
    for old, new in variant.patches:
        count = text.count(old)
        if count != 1:
            raise AssertionError(
                f"variant {variant.name}: {old!r} occurs {count} times in {path.name}"
            )
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return parent
