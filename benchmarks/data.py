"""Deterministic inputs shared by every engine: two moons and one seeded list of weights.

Both are generated with a seeded ``random.Random`` in pure Python, so micrograd, this
project and the float reference see bit-identical data and initial parameters.
"""

from __future__ import annotations

import itertools
import math
import random

__all__ = ["SIZES", "initial_parameters", "parameter_count", "two_moons"]

SIZES: tuple[int, ...] = (2, 16, 16, 1)
"""Layer widths of micrograd's demo network, ``MLP(2, [16, 16, 1])``."""


def two_moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles with Gaussian noise; labels are -1.0 (upper) and +1.0 (lower).

    Upper moon: (cos t, sin t); lower moon: (1 - cos t, 0.5 - sin t), t evenly spaced in [0, pi].
    """
    rng = random.Random(seed)
    upper = n // 2
    lower = n - upper
    X: list[list[float]] = []
    y: list[float] = []
    for count, label in ((upper, -1.0), (lower, 1.0)):
        for i in range(count):
            t = math.pi * i / (count - 1) if count > 1 else 0.0
            if label < 0:
                px, py = math.cos(t), math.sin(t)
            else:
                px, py = 1.0 - math.cos(t), 0.5 - math.sin(t)
            X.append([px + rng.gauss(0.0, noise), py + rng.gauss(0.0, noise)])
            y.append(label)
    return X, y


def parameter_count(sizes: tuple[int, ...] = SIZES) -> int:
    """Number of weights and biases: sum over layers of (nin + 1) * nout."""
    return sum((nin + 1) * nout for nin, nout in itertools.pairwise(sizes))


def initial_parameters(sizes: tuple[int, ...] = SIZES, seed: int = 1337) -> list[float]:
    """Flat initial parameters in the shared order: per layer, per neuron, weights then bias.

    Weights are uniform in [-1, 1] and biases 0.0, as in micrograd's ``Neuron``.
    """
    rng = random.Random(seed)
    params: list[float] = []
    for nin, nout in itertools.pairwise(sizes):
        for _ in range(nout):
            params.extend(rng.uniform(-1.0, 1.0) for _ in range(nin))
            params.append(0.0)
    return params
