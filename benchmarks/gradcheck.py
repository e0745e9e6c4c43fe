"""Before any timing: every contender must produce micrograd's loss and gradients."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["ATOL", "RTOL", "GradientMismatch", "compare", "max_relative_difference"]

RTOL = 1e-9
ATOL = 1e-12
"""Two numbers agree when |a - b| <= RTOL * max(|a|, |b|) + ATOL (the ATOL floor only
matters for gradients that are exactly or almost zero, where summation order dominates)."""


class GradientMismatch(AssertionError):
    """A contender's loss or gradients differ from micrograd's: its timings would be meaningless."""


def max_relative_difference(a: Sequence[float], b: Sequence[float]) -> float:
    """max_i |a_i - b_i| / max(|a_i|, |b_i|) (0 where both are 0)."""
    worst = 0.0
    for x, y in zip(a, b):
        scale = max(abs(x), abs(y))
        if scale:
            worst = max(worst, abs(x - y) / scale)
    return worst


def compare(name: str, expected: tuple[float, Sequence[float]], got: tuple[float, Sequence[float]]) -> dict[str, Any]:
    """Check ``got = (loss, grads)`` against micrograd's ``expected``; raise :class:`GradientMismatch`."""
    (loss_a, grads_a), (loss_b, grads_b) = expected, got
    if len(grads_a) != len(grads_b):
        raise GradientMismatch(f"{name}: {len(grads_b)} gradients, micrograd has {len(grads_a)}")
    bad = [
        (i, x, y)
        for i, (x, y) in enumerate(zip([loss_a, *grads_a], [loss_b, *grads_b]))
        if not abs(x - y) <= RTOL * max(abs(x), abs(y)) + ATOL  # written so NaN fails too
    ]
    if bad:
        i, x, y = bad[0]
        what = "loss" if i == 0 else f"gradient of parameter {i - 1}"
        raise GradientMismatch(
            f"{name}: {len(bad)} of {len(grads_a) + 1} numbers differ from micrograd beyond rel {RTOL:g}; "
            f"first: {what}: micrograd {x!r}, this {y!r}"
        )
    return {
        "name": name,
        "parameters": len(grads_a),
        "loss": loss_b,
        "max_rel_diff": max_relative_difference([loss_a, *grads_a], [loss_b, *grads_b]),
        "passed": True,
    }
