"""Part 5: dense and activation layers, forward and backward.

Caches are whatever the student's forward functions return: they are handed back to the
student's backward functions untouched (tests never look inside them).
"""

from __future__ import annotations

import numpy as np

from autograder.common import (
    Differences,
    away_from_zero,
    check,
    conditioned,
    expect_grad,
    expect_printed,
    expect_unchanged,
    expect_values,
    gradcheck_problem,
    hints_separated,
    sign_hint,
    slide,
)
from grading.checks.diagnose import sentence
from grading.checks.reference import ref
from grading.checks.slide_examples import compact, format_value
from grading.checks.suite import (
    CheckFailed,
    Student,
    StudentError,
    expect_tuple,
    returns_cache,
)

PART = "layers"
# What the forward functions return beside their output is for the backward ones only.
returns_cache("layers.dense_forward", 1)
returns_cache("layers.activation_forward", 1)
ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")


def _dense_forward(
    student: Student, A: np.ndarray, W: np.ndarray, b: np.ndarray, what: str
) -> tuple[np.ndarray, object]:
    Z, cache = expect_tuple(
        student.call("layers.dense_forward", A, W, b), 2, f"dense_forward(A_prev, W, b) for {what}"
    )
    return Z, cache


def _activation_forward(student: Student, Z: np.ndarray, name: str) -> tuple:
    A, cache = expect_tuple(
        student.call("layers.activation_forward", Z, name), 2, f"activation_forward(Z, {name!r})"
    )
    return A, cache


def _dense_backward(student: Student, dZ: np.ndarray, cache: object, what: str) -> tuple:
    return expect_tuple(
        student.call("layers.dense_backward", dZ, cache), 3, f"dense_backward(dZ, cache) for {what}"
    )


# -- the slide's hidden-layer example (solution/slide_examples.toml) -----------------------


@check(PART, points=1, visibility="visible", tags=("slide",))
def layers_dense_forward_slide(student: Student) -> None:
    """dense_forward: the slide's hidden-layer example gives its z1 and z2"""
    ex, v = slide("hidden_layer")
    x, theta1, theta2 = v["x"], v["theta1"], v["theta2"]
    Z1, _ = _dense_forward(student, x, theta1, v["b1"], "the slide's first layer")
    expect_printed(
        Z1,
        ex,
        "z1",
        f"z1 = dense_forward({compact(x)}, θ1, b1)",
        [(x @ theta1, "this is A_prev @ W; the layer computes A_prev @ W.T")],
    )
    Z2, _ = _dense_forward(student, v["a1"], theta2, v["b2"], "the slide's second layer")
    expect_printed(Z2, ex, "z2", f"z2 = dense_forward(a1, θ2, b2) with a1 = {_exact(v, 'a1')}")


@check(PART, points=1, visibility="visible", tags=("slide",))
def layers_activation_forward_slide(student: Student) -> None:
    """activation_forward: sigmoid gives the slide's a1 and a2"""
    ex, v = slide("hidden_layer")
    act = v["activation"]
    A1, _ = _activation_forward(student, v["z1"], act)
    expect_printed(A1, ex, "a1", f"a1 = activation_forward(z1, {act!r})")
    A2, _ = _activation_forward(student, v["z2"], act)
    expect_printed(
        A2, ex, "a2", f"a2 = activation_forward(z2, {act!r}) with z2 = {_exact(v, 'z2')}"
    )


@check(PART, points=2, visibility="visible", tags=("slide",))
def layers_backward_slide(student: Student) -> None:
    """activation_backward and dense_backward reproduce every gradient of the slide's example"""
    ex, v = slide("hidden_layer")
    act = v["activation"]
    _, cache_a1 = _activation_forward(student, v["z1"], act)
    _, cache_d2 = _dense_forward(student, v["a1"], v["theta2"], v["b2"], "the second layer")
    _, cache_a2 = _activation_forward(student, v["z2"], act)
    _, cache_d1 = _dense_forward(student, v["x"], v["theta1"], v["b1"], "the first layer")

    dz2 = student.call("layers.activation_backward", v["dloss_da2"], cache_a2)
    da2 = ex.text("dloss_da2")
    expect_printed(
        dz2, ex, "dloss_dz2", f"dLoss/dz2 = activation_backward(dLoss/da2 = {da2}, cache)"
    )
    da1, dW2, db2 = _dense_backward(student, v["dloss_dz2"], cache_d2, "the second layer")
    from_dz2 = f"from dense_backward(dLoss/dz2 = {ex.text('dloss_dz2')}, cache)"
    expect_printed(da1, ex, "dloss_da1", f"dLoss/da1 {from_dz2}")
    expect_printed(
        dW2,
        ex,
        "dloss_dtheta2",
        f"dLoss/dθ2 {from_dz2}",
        [sign_hint(v["dloss_dz2"].T @ v["a1"])],
    )
    expect_printed(db2, ex, "dloss_dz2", f"dLoss/db2 {from_dz2}", vector=True)
    dz1 = student.call("layers.activation_backward", v["dloss_da1"], cache_a1)
    expect_printed(
        dz1,
        ex,
        "dloss_dz1",
        f"dLoss/dz1 = activation_backward(dLoss/da1 = {ex.text('dloss_da1')}, cache)",
    )
    _, dW1, db1 = _dense_backward(student, v["dloss_dz1"], cache_d1, "the first layer")
    from_dz1 = f"from dense_backward(dLoss/dz1 = {ex.text('dloss_dz1')}, cache)"
    expect_printed(dW1, ex, "dloss_dtheta1", f"dLoss/dθ1 {from_dz1}")
    expect_printed(db1, ex, "dloss_dz1", f"dLoss/db1 {from_dz1}", vector=True)


def _exact(values: dict, name: str) -> str:
    """An unrounded value of the example for a message, to 4 decimals."""
    return format_value(values[name], 4)


# -- dense layer on random batches ---------------------------------------------------------


def _dense_problem(rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """A batch of m = 5 examples through a (3 -> 4) layer, and an upstream gradient dZ."""
    return (
        rng.normal(0, 1, (5, 3)),
        rng.normal(0, 1, (4, 3)),
        rng.normal(0, 1, 4),
        rng.normal(0, 1, (5, 4)),
    )


def _dense_functions(
    A: np.ndarray, W: np.ndarray, b: np.ndarray, dZ: np.ndarray
) -> list[Differences]:
    """sum(dZ * Z) as a function of A_prev, of W and of b (dZ is the upstream grad)."""
    dense = ref.layers.dense_forward
    return [
        (lambda x: float(np.sum(dZ * dense(x, W, b)[0])), A),
        (lambda x: float(np.sum(dZ * dense(A, x, b)[0])), W),
        (lambda x: float(np.sum(dZ * dense(A, W, x)[0])), b),
    ]


def _dense_exact(A: np.ndarray, W: np.ndarray, b: np.ndarray, dZ: np.ndarray) -> tuple:
    return ref.layers.dense_backward(dZ, ref.layers.dense_forward(A, W, b)[1])


def _dense_gradcheck_problem(rng: np.random.Generator) -> tuple[tuple, list[np.ndarray]]:
    """(A, W, b, dZ) on which central differences are accurate, and those (dA, dW, db)."""
    return gradcheck_problem(
        rng,
        _dense_problem,
        lambda p: _dense_exact(*p),
        functions=lambda p: _dense_functions(*p),
        requirements=[_dense_telling],
    )


def _dense_telling(p: tuple) -> bool:
    """Each mistake the hints name is far from the right dA_prev, dW and db."""
    A, W, b, dZ = p
    hints = _dense_hints(A, W, dZ)
    return all(
        hints_separated(want, hints[name])
        for name, want in zip(("dA_prev", "dW", "db"), _dense_exact(*p))
    )


DENSE_WHAT = "A_prev (5, 3), W (4, 3), b (4,), dZ (5, 4)"


def _dense_hints(A: np.ndarray, W: np.ndarray, dZ: np.ndarray) -> dict[str, list]:
    dA, dW, db = dZ @ W, dZ.T @ A, dZ.sum(axis=0)
    m = A.shape[0]
    return {
        "dA_prev": [
            sign_hint(dA),
            (dA / m, sentence("divided_m", f"m = {m} here")),
            (dZ @ W.T if W.shape[0] == W.shape[1] else None, sentence("transposed")),
        ],
        "dW": [
            (dW.T, sentence("transposed", "dW = dZ.T @ A_prev has W's shape (n_out, n_in)")),
            (dW / m, sentence("divided_m", f"m = {m} here")),
            sign_hint(dW),
        ],
        "db": [
            (dZ, sentence("bias_not_summed")),
            (
                dZ.sum(axis=1),
                sentence("bias_not_summed", "this sums over the wrong axis (axis 1)"),
            ),
            (
                np.full(db.shape, dZ.sum()),
                sentence("bias_not_summed", "this sums over every element, not over axis 0"),
            ),
            (dZ[0], sentence("bias_not_summed", "this is the first example's dZ only")),
            (db / m, sentence("divided_m", f"m = {m} here")),
            sign_hint(db),
        ],
    }


@check(PART, points=1, tags=("random",))
def layers_dense_forward_random(student: Student) -> None:
    """dense_forward: Z = A_prev @ W.T + b on a random (5, 3) -> (5, 4) batch"""
    A, W, b, _ = _dense_problem(student.rng)
    Z, _ = _dense_forward(student, A, W, b, DENSE_WHAT)
    expect_values(
        Z,
        A @ W.T + b,
        "Z from dense_forward(A_prev, W, b) for A_prev (5, 3), W (4, 3), b (4,)",
        hints=[
            (A @ W.T, "the bias b is missing"),
            (A @ W.T - b, "the bias is subtracted; Z = A_prev @ W.T + b"),
        ],
    )


def _dense_gradcheck(student: Student, which: int) -> None:
    (A, W, b, dZ), numerics = _dense_gradcheck_problem(student.rng)
    numeric = numerics[which]
    _, cache = _dense_forward(student, A, W, b, DENSE_WHAT)
    grads = _dense_backward(student, dZ, cache, DENSE_WHAT)
    name = ("dA_prev", "dW", "db")[which]
    expect_grad(
        grads[which],
        numeric,
        f"{name} from dense_backward(dZ, cache) for {DENSE_WHAT}",
        hints=_dense_hints(A, W, dZ)[name],
    )


@check(PART, points=1, tags=("gradcheck", "random"))
def layers_dense_backward_dA_gradcheck(student: Student) -> None:
    """dense_backward: dA_prev matches a numerical gradient on a (5, 3) -> (5, 4) batch"""
    _dense_gradcheck(student, 0)


@check(PART, points=1.5, tags=("gradcheck", "random"))
def layers_dense_backward_dW_gradcheck(student: Student) -> None:
    """dense_backward: dW matches a numerical gradient on a (5, 3) -> (5, 4) batch"""
    _dense_gradcheck(student, 1)


@check(PART, points=1, tags=("gradcheck", "random"))
def layers_dense_backward_db_gradcheck(student: Student) -> None:
    """dense_backward: db matches a numerical gradient on a (5, 3) -> (5, 4) batch"""
    _dense_gradcheck(student, 2)


@check(PART, points=1, tags=("random",))
def layers_dense_backward_values(student: Student) -> None:
    """dense_backward: right dA_prev, dW and db on a random (5, 3) -> (5, 4) batch"""
    (A, W, b, dZ), _ = _dense_gradcheck_problem(student.rng)
    expected = _dense_exact(A, W, b, dZ)
    _, cache = _dense_forward(student, A, W, b, DENSE_WHAT)
    grads = _dense_backward(student, dZ, cache, DENSE_WHAT)
    hints = _dense_hints(A, W, dZ)
    for name, got, want in zip(("dA_prev", "dW", "db"), grads, expected):
        expect_values(
            got, want, f"{name} from dense_backward(dZ, cache) for {DENSE_WHAT}", hints=hints[name]
        )


# -- activation layer ------------------------------------------------------------------------


def _activation_problem(rng: np.random.Generator, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Z (5, 4) (away from ReLU's kink for "relu") and an upstream gradient dA (5, 4)."""
    if name == "relu":
        Z = away_from_zero(rng, (5, 4))
    else:
        Z = rng.uniform(-3.0, 3.0, (5, 4))
    return Z, rng.normal(0, 1, (5, 4))


def _activation_function(Z: np.ndarray, dA: np.ndarray, name: str) -> Differences:
    """sum(dA * g(Z)) as a function of Z, at Z."""
    forward = ref.layers.activation_forward
    return lambda x: float(np.sum(dA * forward(x, name)[0])), Z


def _activation_exact(Z: np.ndarray, dA: np.ndarray, name: str) -> np.ndarray:
    return ref.layers.activation_backward(dA, ref.layers.activation_forward(Z, name)[1])


def _activation_gradcheck_problem(
    rng: np.random.Generator, name: str
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """(Z, dA) on which central differences are accurate, and those (dZ)."""
    problem, (numeric,) = gradcheck_problem(
        rng,
        lambda r: _activation_problem(r, name),
        lambda p: [_activation_exact(*p, name)],
        functions=lambda p: [_activation_function(*p, name)],
        requirements=[
            lambda p: hints_separated(_activation_exact(*p, name), _activation_hints(*p, name))
        ],
    )
    return problem, numeric


def _activation_hints(Z: np.ndarray, dA: np.ndarray, name: str) -> list:
    g = ref.layers.activation_forward(Z, name)[0]
    hints = [sign_hint(_activation_exact(Z, dA, name))]
    if name == "relu":
        hints += [
            (dA * (dA > 0), sentence("relu_mask_wrong_array")),
            ((Z > 0).astype(float), sentence("upstream_ignored", "multiply dA by the mask")),
        ]
    if name in ("sigmoid", "tanh"):  # relu'(relu(Z)) = relu'(Z): no mistake for relu
        hints.append(
            (
                _activation_exact(g, dA, name),
                sentence("derivative_of_output", "use g'(Z) with the Z saved in the cache"),
            )
        )
    if name != "linear":
        hints += [
            (dA, "dA is returned unchanged: multiply it elementwise by g'(Z)"),
            (dA * g, "dA is multiplied by g(Z), not by the derivative g'(Z)"),
        ]
    return hints


@check(PART, points=1, tags=("random",))
def layers_activation_forward_random(student: Student) -> None:
    """activation_forward: sigmoid, tanh, relu and linear on a random (5, 4) array"""
    Z = student.rng.normal(0.0, 2.0, (5, 4))
    for name in ACTIVATIONS:
        A, _ = _activation_forward(student, Z, name)
        expect_values(
            A,
            ref.layers.activation_forward(Z, name)[0],
            f"A from activation_forward(Z, {name!r}) for Z (5, 4)",
        )


def _activation_gradcheck(student: Student, name: str) -> None:
    (Z, dA), numeric = _activation_gradcheck_problem(student.rng, name)
    _, cache = _activation_forward(student, Z, name)
    dZ = student.call("layers.activation_backward", dA, cache)
    expect_grad(
        dZ,
        numeric,
        f"dZ from activation_backward(dA, cache) after "
        f"activation_forward(Z, {name!r}), Z and dA (5, 4)",
        hints=_activation_hints(Z, dA, name),
    )


@check(PART, points=0.5, tags=("gradcheck", "random"))
def layers_activation_backward_sigmoid_gradcheck(student: Student) -> None:
    """activation_backward: "sigmoid" matches a numerical gradient on a (5, 4) batch"""
    _activation_gradcheck(student, "sigmoid")


@check(PART, points=0.5, tags=("gradcheck", "random"))
def layers_activation_backward_tanh_gradcheck(student: Student) -> None:
    """activation_backward: "tanh" matches a numerical gradient on a (5, 4) batch"""
    _activation_gradcheck(student, "tanh")


@check(PART, points=0.5, tags=("gradcheck", "random"))
def layers_activation_backward_relu_gradcheck(student: Student) -> None:
    """activation_backward: "relu" matches a numerical gradient on a (5, 4) batch (away from 0)"""
    _activation_gradcheck(student, "relu")


@check(PART, points=0.5, tags=("gradcheck", "random"))
def layers_activation_backward_linear_gradcheck(student: Student) -> None:
    """activation_backward: "linear" matches a numerical gradient on a (5, 4) batch"""
    _activation_gradcheck(student, "linear")


@check(PART, points=1, tags=("random",))
def layers_activation_backward_values(student: Student) -> None:
    """activation_backward: right dZ for sigmoid, tanh, relu and linear on (5, 4) batches"""
    for name in ACTIVATIONS:
        (Z, dA), _ = _activation_gradcheck_problem(student.rng, name)
        _, cache = _activation_forward(student, Z, name)
        dZ = student.call("layers.activation_backward", dA, cache)
        expect_values(
            dZ,
            _activation_exact(Z, dA, name),
            f"dZ from activation_backward(dA, "
            f"cache) after activation_forward(Z, {name!r}), Z (5, 4)",
            hints=_activation_hints(Z, dA, name),
        )


@check(PART, points=0.5, tags=("edge",))
def layers_activation_backward_relu_at_zero(student: Student) -> None:
    """activation_backward: "relu" passes no gradient where Z is exactly 0"""

    def draw(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        Z = away_from_zero(rng, (3, 4))
        Z[0, 1] = Z[1, 3] = Z[2, 0] = 0.0
        Z[2, 2] = -0.0
        return Z, away_from_zero(rng, (3, 4))

    def hints(Z: np.ndarray, dA: np.ndarray) -> list:
        return [(dA * (Z >= 0), sentence("relu_at_zero"))] + _activation_hints(Z, dA, "relu")

    Z, dA = conditioned(student.rng, draw, lambda p: hints_separated(p[1] * (p[0] > 0), hints(*p)))
    _, cache = _activation_forward(student, Z, "relu")
    dZ = student.call("layers.activation_backward", dA, cache)
    expect_values(
        dZ,
        dA * (Z > 0),
        "dZ from activation_backward(dA, cache) after activation_forward(Z, 'relu') for Z "
        "(3, 4) with four entries exactly 0",
        atol=0.0,
        rtol=0.0,
        hints=hints(Z, dA),
    )


@check(PART, points=0.5, tags=("edge",))
def layers_unknown_activation(student: Student) -> None:
    """activation_forward: an unknown activation name raises ValueError"""
    Z = student.rng.normal(0.0, 1.0, (3, 2))
    A, _ = _activation_forward(student, Z, "relu")
    expect_values(A, np.maximum(Z, 0.0), "A from activation_forward(Z, 'relu')")
    for name in ("softmax", "leaky_relu"):
        try:
            student.call("layers.activation_forward", Z, name)
        except StudentError as exc:
            if "ValueError" not in exc.failure.summary:
                raise CheckFailed(
                    exc.failure.but(
                        summary=f"activation_forward(Z, {name!r}) should raise ValueError for "
                        f"an unknown name; instead: {exc.failure.summary}"
                    )
                ) from None
        else:
            raise CheckFailed(
                f"activation_forward(Z, {name!r}) returned a result; it should raise "
                f"ValueError for any name other than 'sigmoid', 'tanh', 'relu' and 'linear'"
            )


@check(PART, points=0.5, tags=("edge",))
def layers_inputs_unchanged(student: Student) -> None:
    """dense and activation layers do not modify their input arrays"""
    rng = student.rng
    A, W, b, dZ = _dense_problem(rng)
    Z, cache = _dense_forward(student, A, W, b, DENSE_WHAT)
    expect_values(Z, A @ W.T + b, f"Z from dense_forward for {DENSE_WHAT}", rtol=1e-6)
    expect_unchanged(student, [A, W, b], ["A_prev", "W", "b"], "dense_forward(A_prev, W, b)")
    grads = _dense_backward(student, dZ, cache, DENSE_WHAT)
    for name, got, want in zip(("dA_prev", "dW", "db"), grads, _dense_exact(A, W, b, dZ)):
        expect_values(got, want, f"{name} from dense_backward for {DENSE_WHAT}", rtol=1e-6)
    expect_unchanged(student, [dZ], ["dZ"], "dense_backward(dZ, cache)")
    for name in ACTIVATIONS:
        Z, dA = _activation_problem(rng, name)
        out, cache = _activation_forward(student, Z, name)
        want = ref.layers.activation_forward(Z, name)[0]
        expect_values(out, want, f"A from activation_forward(Z, {name!r})", rtol=1e-6)
        expect_unchanged(student, [Z], ["Z"], f"activation_forward(Z, {name!r})")
        dZ = student.call("layers.activation_backward", dA, cache)
        expect_values(
            dZ,
            _activation_exact(Z, dA, name),
            f"dZ from activation_backward(dA, cache) for {name!r}",
            rtol=1e-6,
        )
        expect_unchanged(student, [dA], ["dA"], f"activation_backward(dA, cache) for {name!r}")
