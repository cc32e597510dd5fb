"""Are the XOR check's training settings safe? Prints how many correct trainings learn XOR.

The hidden check `train_learns_xor` trains the student's network on XOR with a short run
at a high learning rate (`XOR_EPOCHS`, `XOR_LR` in autograder/checks_train.py) and needs
100% training accuracy on 3 of 4 seeds drawn from `XOR_SEEDS`. A correct submission may
draw its initial weights in other ways than the reference does; this script trains with
the reference's training loop from six such ways, on every seed the check may draw, and
prints, per number of epochs, how many runs end at 100% accuracy, and the latest epoch
at which any run was still below 100% (the margin the settings keep).

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
    XOR_ACTS,
    XOR_EPOCHS,
    XOR_LR,
    XOR_SEEDS,
    XOR_SIZES,
    XOR_X,
    XOR_Y,
)
from grading.reference import ref  # noqa: E402

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


def accuracies(params: Params, lr: float, epochs: int) -> list[float]:
    """Training accuracy after each of `epochs` reference gradient steps."""
    out = []
    for _ in range(epochs):
        _, grads = ref.network.loss_and_grads(XOR_X, XOR_Y, params, XOR_ACTS)
        params = [(W - lr * dW, b - lr * db) for (W, b), (dW, db) in zip(params, grads)]
        out.append(float(np.mean(ref.train.predict(XOR_X, params, XOR_ACTS) == XOR_Y)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lr", type=float, default=XOR_LR)
    parser.add_argument("--max-epochs", type=int, default=2 * XOR_EPOCHS)
    args = parser.parse_args()
    checkpoints = sorted({100, 150, 200, 250, XOR_EPOCHS, args.max_epochs})
    checkpoints = [e for e in checkpoints if e <= args.max_epochs]
    solved = dict.fromkeys(checkpoints, 0)
    latest_unsolved, runs = 0, 0
    for name, init in WAYS.items():
        way_latest, unsolved = 0, 0
        for seed in XOR_SEEDS:
            acc = accuracies(init(XOR_SIZES, seed), args.lr, args.max_epochs)
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
        print(f"  {name:32s} solved seeds at 100% from epoch {way_latest + 1} on{ending}")
    print(f"learning rate {args.lr:g}, {runs} runs (6 ways x {len(XOR_SEEDS)} seeds):")
    for e in checkpoints:
        mark = "  <- the check's setting" if e == XOR_EPOCHS and args.lr == XOR_LR else ""
        print(f"  after {e:4d} epochs: {solved[e]:3d} of {runs} runs at 100% accuracy{mark}")
    print(f"  the latest epoch at which a solved run was below 100%: {latest_unsolved}")


if __name__ == "__main__":
    main()
