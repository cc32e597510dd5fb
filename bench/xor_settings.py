"""Are the XOR check's training settings safe? Prints how many correct trainings learn XOR.

The hidden check `train_learns_xor` trains the student's network on XOR or XNOR (drawn once
for the suite by `fixed_rng`) with a short run at a high learning rate (`XOR_EPOCHS`, `XOR_LR`
in autograder/checks_train.py) and needs 100% training accuracy on 3 of 5 seeds drawn from
`XOR_SEEDS`. A correct submission may draw its initial weights in other ways than the
reference does; this script trains with the reference's training loop from six such
ways, on every seed the check may draw and both labelings, and prints, per number of
epochs, how many runs end at 100% accuracy, and the latest epoch at which any run was
still below 100% (the margin the settings keep). It also checks the grader's replay of
training (`_descend`) against the reference's own steps, and how far rounding noise can
move a trained result, against the check's tolerance `REPLAY_TOL`.

Run it with `.venv/bin/python bench/xor_settings.py [--lr 4.0]`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.checks_train import (  # noqa: E402
    REPLAY_TOL,
    XOR_ACTS,
    XOR_EPOCHS,
    XOR_LABELS,
    XOR_LR,
    XOR_SEEDS,
    XOR_SIZES,
    XOR_X,
    _descend,
)
from grading.checks.reference import ref  # noqa: E402

Params = list[tuple[np.ndarray, np.ndarray]]


def _reference(sizes: list[int], seed: int) -> Params:
    return ref.train.init_params(sizes, seed)


def _transposed(sizes: list[int], seed: int) -> Params:
    rng = np.random.default_rng(seed)
    return [
        (rng.standard_normal((n_in, n_out)).T / np.sqrt(n_in), np.zeros(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


def _generator_per_layer(sizes: list[int], seed: int) -> Params:
    return [
        (
            np.random.default_rng(seed + i).standard_normal((n_out, n_in)) / np.sqrt(n_in),
            np.zeros(n_out),
        )
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))
    ]


def _seed_sequence_per_layer(sizes: list[int], seed: int) -> Params:
    return [
        (
            np.random.default_rng([seed, i]).standard_normal((n_out, n_in)) / np.sqrt(n_in),
            np.zeros(n_out),
        )
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))
    ]


def _normal_with_bias_draws(sizes: list[int], seed: int) -> Params:
    rng, params = np.random.default_rng(seed), []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        W = rng.normal(0.0, 1 / np.sqrt(n_in), (n_out, n_in))
        rng.normal(0.0, 1.0, n_out)  # drawn, then zeroed: it shifts the stream
        params.append((W, np.zeros(n_out)))
    return params


def _uniform(sizes: list[int], seed: int) -> Params:
    rng = np.random.default_rng(seed)
    return [  # uniform(-sqrt(3), sqrt(3)) has standard deviation 1
        (rng.uniform(-np.sqrt(3), np.sqrt(3), (n_out, n_in)) / np.sqrt(n_in), np.zeros(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]


WAYS: dict[str, Callable[[list[int], int], Params]] = {
    "reference": _reference,
    "transposed draws": _transposed,
    "generator per layer (seed + i)": _generator_per_layer,
    "generator per layer ([seed, i])": _seed_sequence_per_layer,
    "normal, biases drawn too": _normal_with_bias_draws,
    "uniform": _uniform,
}


def accuracies(
    params: Params, y: np.ndarray, lr: float, epochs: int
) -> tuple[list[float], Params | None]:
    """Training accuracy after each of `epochs` reference gradient steps on labels `y`,
    and the params after XOR_EPOCHS of them (None when `epochs` is fewer)."""
    out, at_check = [], None
    for epoch in range(1, epochs + 1):
        _, grads = ref.network.loss_and_grads(XOR_X, y, params, XOR_ACTS)
        params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
        out.append(float(np.mean(ref.train.predict(XOR_X, params, XOR_ACTS) == y)))
        if epoch == XOR_EPOCHS:
            at_check = params
    return out, at_check


def gap(a: Params, b: Params) -> float:
    """The check's measure of how far apart two sets of params are (relative, max)."""
    return max(
        float(np.max(np.abs(x - z) / (1.0 + np.abs(z))))
        for pa, pb in zip(a, b)
        for x, z in zip(pa, pb)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr", type=float, default=XOR_LR)
    parser.add_argument("--max-epochs", type=int, default=2 * XOR_EPOCHS)
    args = parser.parse_args()
    checkpoints = sorted({100, 150, 200, 250, XOR_EPOCHS, args.max_epochs})
    checkpoints = [e for e in checkpoints if e <= args.max_epochs]
    solved = dict.fromkeys(checkpoints, 0)
    latest_unsolved, runs, replay_gap = 0, 0, 0.0
    for label, y in XOR_LABELS.items():
        for name, init in WAYS.items():
            way_latest, unsolved = 0, 0
            for seed in XOR_SEEDS:
                start = init(XOR_SIZES, seed)
                acc, at_check = accuracies(start, y, args.lr, args.max_epochs)
                if at_check is not None and args.lr == XOR_LR:
                    replayed = _descend([start], XOR_X, y, XOR_LR, XOR_EPOCHS)[0]
                    replay_gap = max(replay_gap, gap(at_check, replayed))
                runs += 1
                for e in checkpoints:
                    solved[e] += acc[e - 1] == 1.0
                below = [i + 1 for i, a in enumerate(acc) if a < 1.0]
                if below and below[-1] == args.max_epochs:
                    unsolved += 1
                elif below:
                    way_latest = max(way_latest, below[-1])
            latest_unsolved = max(latest_unsolved, way_latest)
            ending = f", {unsolved} seeds below 100% at the end" if unsolved else ""
            print(
                f"  {label:4s} {name:32s} solved seeds at 100% from epoch {way_latest + 1} on"
                f"{ending}"
            )
    ways = f"{len(XOR_LABELS)} labelings x {len(WAYS)} ways x {len(XOR_SEEDS)} seeds"
    print(f"learning rate {args.lr:g}, {runs} runs ({ways}):")
    for e in checkpoints:
        mark = "  <- the check's setting" if e == XOR_EPOCHS and args.lr == XOR_LR else ""
        print(f"  after {e:4d} epochs: {solved[e]:3d} of {runs} runs at 100% accuracy{mark}")
    print(f"  the latest epoch at which a solved run was below 100%: {latest_unsolved}")
    if args.lr == XOR_LR:
        print(
            f"  the grader's replay (_descend) against the reference's own steps: relative "
            f"difference up to {replay_gap:.2g} (the check allows {REPLAY_TOL:g})"
        )
        print(f"  rounding noise of 1e-15 per step moves the result by up to {noise_gap():.2g}")


def noise_gap() -> float:
    """How far rounding can move the trained params: each step's params perturbed by a
    relative 1e-15 (more than a different order of float sums does), on every run."""
    rng, worst = np.random.default_rng(0), 0.0
    for y in XOR_LABELS.values():
        for init in WAYS.values():
            for seed in XOR_SEEDS:
                clean = noisy = init(XOR_SIZES, seed)
                for _ in range(XOR_EPOCHS):
                    clean = _descend([clean], XOR_X, y, XOR_LR, 1)[0]
                    noisy = _descend([noisy], XOR_X, y, XOR_LR, 1)[0]
                    noisy = [(W * (1 + 1e-15 * rng.standard_normal(W.shape)), b) for W, b in noisy]
                worst = max(worst, gap(noisy, clean))
    return worst


if __name__ == "__main__":
    main()
