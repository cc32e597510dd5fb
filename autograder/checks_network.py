"""Part 6: a feed-forward network, the slide's XOR network, collapsing linear
layers, and backpropagation through many layers."""

from __future__ import annotations

import numpy as np

from autograder.common import (
    Differences,
    check,
    conditioned,
    expect_grad,
    expect_number,
    expect_pair_list,
    expect_params,
    expect_printed,
    expect_unchanged,
    expect_values,
    float_array,
    gradcheck_problem,
    labels,
    sign_hint,
    slide,
)
from grading.checks.reference import ref
from grading.checks.slide_examples import compact
from grading.checks.suite import (
    CheckFailed,
    Student,
    expect_tuple,
    returns_cache,
)

PART = "network"
# forward's caches are for backward only (loss_and_grads' list of grads is not a cache).
returns_cache("network.forward", 1)

# Three-layer nets with every activation somewhere; the last entry of each is the output.
MIXES = [
    ([3, 5, 4, 2], ["tanh", "relu", "linear"]),
    ([4, 3, 5, 3], ["relu", "sigmoid", "tanh"]),
    ([2, 4, 3, 1], ["sigmoid", "linear", "sigmoid"]),
]


def _random_params(rng: np.random.Generator, sizes: list[int]) -> list[tuple]:
    return [
        (rng.normal(0, 1, (n_out, n_in)) / np.sqrt(n_in), rng.normal(0, 0.5, n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


def _pre_activations(X: np.ndarray, params: list[tuple], acts: list[str]) -> list[np.ndarray]:
    """Z of every layer, computed here (to keep ReLU inputs away from the kink)."""
    zs, A = [], X
    for (W, b), name in zip(params, acts):
        Z = A @ W.T + b
        zs.append(Z)
        A = ref.layers.activation_forward(Z, name)[0]
    return zs


def _away_from_kink(X: np.ndarray, params: list[tuple], acts: list[str]) -> bool:
    zs = _pre_activations(X, params, acts)
    return all(np.min(np.abs(Z)) > 0.01 for Z, name in zip(zs, acts) if name == "relu")


def _flat(params: list[tuple]) -> list[np.ndarray]:
    return [x for pair in params for x in pair]


def _replace(params: list[tuple], k: int, x: np.ndarray) -> list[tuple]:
    """params with its k-th array (W1, b1, W2, b2, ...) replaced by x."""
    flat = _flat(params)
    flat[k] = x
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


def _functions(loss, params: list[tuple]) -> list[Differences]:
    """loss(params) as a function of each W and b in turn (W1, b1, W2, ...), at params:
    what the grader takes central differences of."""
    return [(lambda x, k=k: loss(_replace(params, k, x)), p) for k, p in enumerate(_flat(params))]


def _forward(
    student: Student, X: np.ndarray, params: list[tuple], acts: list[str], what: str
) -> tuple:
    out = student.call("network.forward", X, params, acts)
    return expect_tuple(out, 2, f"forward(X, params, {acts}) for {what}")


def _grad_names(n_layers: int) -> list[str]:
    return [f"d{p}{i}" for i in range(1, n_layers + 1) for p in ("W", "b")]


def _expect_grads(
    grads: object, expected: list[np.ndarray], what: str, *, numeric: bool, m: int
) -> None:
    """grads: a list of (dW, db) per layer, first layer first, each entry checked."""
    n = len(expected) // 2
    pairs = expect_pair_list(grads, n, f"the grads of {what}")
    flat = [x for pair in pairs for x in pair]
    for name, got, want in zip(_grad_names(n), flat, expected):
        label = f"{name} of {what}"
        hints = [sign_hint(want)]
        if numeric:
            expect_grad(got, want, label, hints=hints, m=m)
        else:
            expect_values(got, want, label, hints=hints, m=m)


# -- the slides' examples (solution/slide_examples.toml) --------------------------------


def _xor_network() -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]], list[str]]:
    """The XOR example's inputs X, its weights as [(θ, b_θ), (λ, b_λ)] and activations."""
    ex, v = slide("xor_network")
    params = [(v["theta"], v["b_theta"]), (v["lambda"], v["b_lambda"])]
    return v["X"], params, list(v["activations"])


def _hidden_layer() -> tuple[np.ndarray, np.ndarray, list[tuple], list[str]]:
    """The hidden-layer example's x, y (one value per example), params and activations."""
    _, v = slide("hidden_layer")
    params = [(v["theta1"], v["b1"]), (v["theta2"], v["b2"])]
    return v["x"], v["y"].ravel(), params, [v["activation"]] * len(params)


@check(PART, points=1.5, visibility="visible", tags=("slide",))
def network_xor_params(student: Student) -> None:
    """XOR_PARAMS: the weights of the slide's XOR network, [(θ, b_θ), (λ, b_λ)]"""
    _, slide_params, _ = _xor_network()
    params = expect_pair_list(student.get("network.XOR_PARAMS"), 2, "XOR_PARAMS")
    for i, ((W, b), (W0, b0)) in enumerate(zip(params, slide_params), start=1):
        W = float_array(W, W0.shape, f"W{i} of XOR_PARAMS")
        b = float_array(b, b0.shape, f"b{i} of XOR_PARAMS")
        expect_values(
            W,
            W0,
            f"W{i} of XOR_PARAMS",
            atol=1e-12,
            show_expected=True,
            hints=[(W0.T, "W is transposed: row j holds the weights of unit j")],
        )
        expect_values(b, b0, f"b{i} of XOR_PARAMS", atol=1e-12, show_expected=True)


@check(PART, points=1.5, visibility="visible", tags=("slide",))
def network_xor_truth_table(student: Student) -> None:
    """forward: the slide's XOR weights, thresholded at 0.5, give the XOR of each input"""
    X, params, acts = _xor_network()
    ex, _ = slide("xor_network")
    Y_hat, _ = _forward(student, X, params, acts, "the slide's XOR network")
    Y_hat = expect_values(
        Y_hat,
        ref.network.forward(X, params, acts)[0],
        f"Y_hat of the slide's XOR network on {compact(X)}",
        rtol=1e-6,
    )
    labels = (Y_hat[:, 0] > 0.5).astype(int)
    if not np.array_equal(labels, ex.value("labels")):
        raise CheckFailed(
            f"the slide's XOR network thresholded at 0.5 gives {labels.tolist()}, "
            f"expected {compact(ex.value('labels'))}"
        )


@check(PART, points=1, visibility="visible", tags=("slide",))
def network_hidden_layer_forward(student: Student) -> None:
    """forward: the slide's hidden-layer example gives its a2"""
    ex, _ = slide("hidden_layer")
    x, _, params, acts = _hidden_layer()
    Y_hat, _ = _forward(student, x, params, acts, "the slide's example")
    expect_printed(Y_hat, ex, "a2", f"a2 = forward({compact(x)}, [(θ1, b1), (θ2, b2)], {acts})")


@check(PART, points=1.5, visibility="visible", tags=("slide",))
def network_hidden_layer_grads(student: Student) -> None:
    """loss_and_grads: the slide's hidden-layer example gives its dLoss/dθ1 and dLoss/dθ2

    and db = dz for each layer; the loss is the cross-entropy of a2.
    """
    ex, _ = slide("hidden_layer")
    x, y, params, acts = _hidden_layer()
    out = student.call("network.loss_and_grads", x, y, params, acts)
    loss, grads = expect_tuple(out, 2, "loss_and_grads on the slide's example")
    a2 = ref.network.forward(x, params, acts)[0].ravel()
    expected_loss = ref.losses.binary_cross_entropy(a2, y)
    expect_number(
        loss,
        expected_loss,
        f"the loss of the slide's example ({expected_loss:.4f})",
        atol=5e-5,
        rtol=0.0,
        show_expected=True,
    )
    (dW1, db1), (dW2, db2) = expect_pair_list(grads, 2, "the grads of the slide's example")
    what = "of loss_and_grads on the slide's example"
    expect_printed(dW1, ex, "dloss_dtheta1", f"dLoss/dθ1 {what}")
    expect_printed(dW2, ex, "dloss_dtheta2", f"dLoss/dθ2 {what}")
    expect_printed(db1, ex, "dloss_dz1", f"dLoss/db1 = dLoss/dz1 {what}", vector=True)
    expect_printed(db2, ex, "dloss_dz2", f"dLoss/db2 = dLoss/dz2 {what}", vector=True)


# -- random networks -----------------------------------------------------------------------------


@check(PART, points=1.5, tags=("random",))
def network_forward_random(student: Student) -> None:
    """forward: Y_hat (m, n_last) of three-layer nets mixing tanh, relu, linear and sigmoid"""
    for sizes, acts in MIXES:
        params = _random_params(student.rng, sizes)
        X = student.rng.normal(0, 1, (6, sizes[0]))
        what = f"layer sizes {sizes} and X (6, {sizes[0]})"
        Y_hat, _ = _forward(student, X, params, acts, what)
        expect_values(
            Y_hat,
            ref.network.forward(X, params, acts)[0],
            f"Y_hat of forward(X, params, {acts}) for {what}",
        )


BACKWARD_SIZES, BACKWARD_ACTS = [3, 5, 4, 2], ["tanh", "relu", "sigmoid"]


def _backward_draw(r: np.random.Generator) -> tuple:
    """(X (6, 3), params, G (6, 2)): a batch, a net of BACKWARD_SIZES, an upstream grad."""
    return r.normal(0, 1, (6, 3)), _random_params(r, BACKWARD_SIZES), r.normal(0, 1, (6, 2))


def _backward_off_kink(p: tuple) -> bool:
    return _away_from_kink(p[0], p[1], BACKWARD_ACTS)


def _backward_exact(p: tuple) -> list[np.ndarray]:
    X, params, G = p
    return _flat(ref.network.backward(G, ref.network.forward(X, params, BACKWARD_ACTS)[1]))


def _backward_functions(p: tuple) -> list[Differences]:
    """sum(G * Y_hat) as a function of each W and b."""
    X, params, G = p
    return _functions(
        lambda ps: float(np.sum(G * ref.network.forward(X, ps, BACKWARD_ACTS)[0])), params
    )


BACKWARD_WHAT = (
    "backward(dY_hat, caches) after forward on layer sizes [3, 5, 4, 2] with "
    "['tanh', 'relu', 'sigmoid'], X (6, 3)"
)


@check(PART, points=2, tags=("gradcheck", "random"))
def network_backward_gradcheck(student: Student) -> None:
    """backward: every dW and db matches a numerical gradient on a 3-layer net, batch of 6"""
    (X, params, G), numeric = gradcheck_problem(
        student.rng,
        _backward_draw,
        _backward_exact,
        ready=_backward_off_kink,
        functions=_backward_functions,
    )
    _, caches = _forward(student, X, params, BACKWARD_ACTS, "layer sizes [3, 5, 4, 2]")
    grads = student.call("network.backward", G, caches)
    _expect_grads(grads, numeric, BACKWARD_WHAT, numeric=True, m=6)


@check(PART, points=1, tags=("random",))
def network_backward_values(student: Student) -> None:
    """backward: right dW and db for every layer of a 3-layer net, batch of 6"""
    X, params, G = conditioned(student.rng, _backward_draw, _backward_off_kink)
    _, caches = _forward(student, X, params, BACKWARD_ACTS, "layer sizes [3, 5, 4, 2]")
    grads = student.call("network.backward", G, caches)
    _expect_grads(grads, _backward_exact((X, params, G)), BACKWARD_WHAT, numeric=False, m=6)


LOSS_SIZES, LOSS_ACTS = [4, 5, 3, 1], ["relu", "tanh", "sigmoid"]


def _loss_draw(r: np.random.Generator) -> tuple:
    """(X (8, 4), y (8,), params): a batch with 0/1 labels and a net of LOSS_SIZES."""
    X, y = r.normal(0, 1, (8, 4)), labels(r, 8)
    return X, y, _random_params(r, LOSS_SIZES)


def _loss_off_kink(p: tuple) -> bool:
    return _away_from_kink(p[0], p[2], LOSS_ACTS)


def _loss_exact(p: tuple) -> list[np.ndarray]:
    return _flat(ref.network.loss_and_grads(*p, LOSS_ACTS)[1])


def _loss_functions(p: tuple) -> list[Differences]:
    """The reference's loss alone (forward and cross-entropy) as a function of each W and b."""
    X, y, params = p

    def loss(ps: list[tuple]) -> float:
        y_hat = ref.network.forward(X, ps, LOSS_ACTS)[0][:, 0]
        return float(ref.losses.binary_cross_entropy(y_hat, y))

    return _functions(loss, params)


LOSS_WHAT = (
    "loss_and_grads(X, y, params, ['relu', 'tanh', 'sigmoid']) on layer sizes "
    "[4, 5, 3, 1], X (8, 4)"
)


@check(PART, points=2, tags=("gradcheck", "random"))
def network_loss_and_grads_gradcheck(student: Student) -> None:
    """loss_and_grads: every dW and db matches a numerical gradient (3 layers, batch of 8)"""
    (X, y, params), numeric = gradcheck_problem(
        student.rng, _loss_draw, _loss_exact, ready=_loss_off_kink, functions=_loss_functions
    )
    out = student.call("network.loss_and_grads", X, y, params, LOSS_ACTS)
    _, grads = expect_tuple(out, 2, LOSS_WHAT)
    _expect_grads(grads, numeric, LOSS_WHAT, numeric=True, m=8)


@check(PART, points=1, tags=("random",))
def network_loss_and_grads_values(student: Student) -> None:
    """loss_and_grads: right loss and grads on a 3-layer net, batch of 8"""
    X, y, params = conditioned(student.rng, _loss_draw, _loss_off_kink)
    loss, expected = ref.network.loss_and_grads(X, y, params, LOSS_ACTS)
    out = student.call("network.loss_and_grads", X, y, params, LOSS_ACTS)
    got_loss, grads = expect_tuple(out, 2, LOSS_WHAT)
    expect_number(got_loss, loss, f"the loss of {LOSS_WHAT}", m=8)
    _expect_grads(grads, _flat(expected), LOSS_WHAT, numeric=False, m=8)


# -- linear networks collapse --------------------------------------------------------------------


def _chain(rng: np.random.Generator, sizes: list[int]) -> list[np.ndarray]:
    return [rng.normal(0, 1, (n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


@check(PART, points=1, tags=("random",))
def network_collapse_matches_linear_network(student: Student) -> None:
    """collapse_linear: X @ W.T equals a 3-layer "linear" network without biases"""
    sizes = [3, 5, 2, 4]
    weights = _chain(student.rng, sizes)
    X = student.rng.normal(0, 1, (6, 3))
    W = float_array(
        student.call("network.collapse_linear", weights), None, "collapse_linear([W1, W2, W3])"
    )
    if W.shape != (4, 3):
        raise CheckFailed(
            f"collapse_linear([W1, W2, W3]) for W1 (5, 3), W2 (2, 5), W3 (4, 2) should have "
            f"shape (4, 3), got {W.shape}: the product is W3 @ W2 @ W1 (the first layer's "
            f"matrix on the right)"
        )
    params = [(Wi, np.zeros(Wi.shape[0])) for Wi in weights]
    Y = ref.network.forward(X, params, ["linear"] * 3)[0]
    expect_values(
        X @ W.T,
        Y,
        "X @ collapse_linear([W1, W2, W3]).T compared with the linear network's output",
        rtol=1e-6,
    )


@check(PART, points=0.5, tags=("random",))
def network_collapse_values(student: Student) -> None:
    """collapse_linear: Wn ··· W1 for random non-square chains of 1, 2 and 4 matrices"""
    for sizes in ([3, 4], [4, 2, 5], [2, 5, 3, 6, 4]):
        weights = _chain(student.rng, sizes)
        expected = ref.network.collapse_linear(weights)
        got = student.call("network.collapse_linear", weights)
        what = f"collapse_linear of {len(weights)} matrices for layer sizes {sizes}"
        expect_values(
            got,
            expected,
            what,
            rtol=1e-6,
            hints=[
                (expected.T, "the product is transposed: Wn ··· W1 has shape (n_last, n_first)")
            ],
        )


def _expect_same(got: list[tuple], want: list[tuple], what: str) -> None:
    """Every dW and db of `got` (a checked [(dW, db), ...]) matches `want`."""
    for name, g, w in zip(_grad_names(len(want)), _flat(got), _flat(want)):
        expect_values(g, w, f"{name} of {what}", rtol=1e-6)


@check(PART, points=0.5, tags=("edge",))
def network_inputs_unchanged(student: Student) -> None:
    """forward, backward, loss_and_grads and collapse_linear do not modify their inputs"""
    sizes, acts = [3, 4, 1], ["relu", "sigmoid"]
    rng = student.rng
    X, params = rng.normal(0, 1, (5, 3)), _random_params(rng, sizes)
    y = labels(rng, 5)
    shapes = [(4, 3), (1, 4)]
    Y_hat, caches = _forward(student, X, params, acts, "layer sizes [3, 4, 1]")
    want_Y, want_caches = ref.network.forward(X, params, acts)
    expect_values(Y_hat, want_Y, "Y_hat of forward for layer sizes [3, 4, 1], X (5, 3)", rtol=1e-6)
    expect_unchanged(
        student,
        [X, params, acts],
        ["X", "params", "activations"],
        "forward(X, params, activations)",
    )
    dY = rng.normal(0, 1, (5, 1))
    grads = student.call("network.backward", dY, caches)
    got = expect_params(grads, shapes, "the grads returned by backward")
    _expect_same(got, ref.network.backward(dY, want_caches), "the grads returned by backward")
    expect_unchanged(student, [dY], ["dY_hat"], "backward(dY_hat, caches)")
    out = student.call("network.loss_and_grads", X, y, params, acts)
    loss, grads = expect_tuple(out, 2, "loss_and_grads(X, y, params, activations)")
    want_loss, want_grads = ref.network.loss_and_grads(X, y, params, acts)
    expect_number(loss, want_loss, "the loss of loss_and_grads", rtol=1e-6)
    got = expect_params(grads, shapes, "the grads returned by loss_and_grads")
    _expect_same(got, want_grads, "the grads returned by loss_and_grads")
    expect_unchanged(
        student,
        [X, y, params, acts],
        ["X", "y", "params", "activations"],
        "loss_and_grads(X, y, params, activations)",
    )
    weights = _chain(rng, [3, 4, 2])
    W = student.call("network.collapse_linear", weights)
    expect_values(
        W,
        ref.network.collapse_linear(weights),
        "collapse_linear(weights) for layer sizes [3, 4, 2]",
        rtol=1e-6,
    )
    expect_unchanged(student, [weights], ["weights"], "collapse_linear(weights)")
