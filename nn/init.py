"""Random initialisation of weights, reproducible from a seed.

The lecture initialises "all weights w_ij^(l) at random". A scheme is a function
``scheme(rng, fan_in, fan_out) -> float`` that draws one weight; ``fan_in = d^(l-1)`` and
``fan_out = d^(l)`` are the sizes of the layer the weight belongs to. Biases (the lecture's
w_0j, the weight of the constant input x_0 = 1) are drawn from the same scheme.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Callable
from typing import Any

__all__ = ["Init", "Seed", "xavier_uniform", "he_uniform", "uniform", "INITS", "make_rng", "resolve_init"]

Init = Callable[[random.Random, int, int], float]
Seed = None | int | random.Random


def _check_scheme_args(name: str, rng: Any, fan_in: Any, fan_out: Any) -> None:
    if not isinstance(rng, random.Random):
        raise TypeError(f"{name}: rng must be a random.Random, got {type(rng).__name__} {rng!r:.60}")
    for what, n in (("fan_in", fan_in), ("fan_out", fan_out)):
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"{name}: {what} must be a positive int, got {type(n).__name__} {n!r:.60}")
        if n < 1:
            raise ValueError(f"{name}: {what} must be a positive int, got {n!r}")


def xavier_uniform(rng: random.Random, fan_in: int, fan_out: int) -> float:
    """Xavier/Glorot: w ~ U(-a, a), a = sqrt(6 / (fan_in + fan_out)); for tanh, sigmoid, linear."""
    _check_scheme_args("xavier_uniform", rng, fan_in, fan_out)
    a = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-a, a)


def he_uniform(rng: random.Random, fan_in: int, fan_out: int) -> float:
    """He/Kaiming: w ~ U(-a, a), a = sqrt(6 / fan_in) (variance 2 / fan_in); for ReLU."""
    _check_scheme_args("he_uniform", rng, fan_in, fan_out)
    a = math.sqrt(6.0 / fan_in)
    return rng.uniform(-a, a)


def uniform(rng: random.Random, fan_in: int, fan_out: int) -> float:
    """w ~ U(-1, 1), whatever the layer size (micrograd's choice)."""
    _check_scheme_args("uniform", rng, fan_in, fan_out)
    return rng.uniform(-1.0, 1.0)


INITS: dict[str, Init] = {"xavier": xavier_uniform, "he": he_uniform, "uniform": uniform}
"""Initialisation schemes by name."""


def make_rng(seed: Seed, owner: str = "make_rng") -> random.Random:
    """A ``random.Random`` from a seed: an int seeds a new generator, a generator is used as is
    (and advanced), ``None`` gives the module-level generator of :mod:`random` (the one
    ``random.seed(...)`` seeds, as in micrograd and the lecture). ``owner`` names the caller
    in the error."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None:
        return random._inst  # what random.uniform, random.seed, ... are bound to
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            f"{owner}: seed must be None, an int or a random.Random, got {type(seed).__name__} {seed!r:.60}"
        )
    return random.Random(int(seed))


def resolve_init(init: str | Init | None, activation: object, owner: str = "resolve_init") -> Init:
    """The scheme to use: ``init`` by name or callable; by default He for "relu", else Xavier."""
    if init is None:
        return he_uniform if activation == "relu" else xavier_uniform
    if callable(init):
        return init
    if isinstance(init, str) and init in INITS:
        return INITS[init]
    if isinstance(init, str):
        raise ValueError(
            f"{owner}: unknown scheme {init!r:.60} for init; expected one of {sorted(INITS)} "
            f"or a callable f(rng, fan_in, fan_out)"
        )
    raise TypeError(
        f"{owner}: init must be one of {sorted(INITS)} or a callable f(rng, fan_in, fan_out), "
        f"got {type(init).__name__} {init!r:.60}"
    )
