"""Shared test helpers: a tolerance for comparing with central differences, and a block
with the cyclic garbage collector off.

Central differences, in-domain inputs and the input counts of variadic rules come from the
public toolkit (``autograd_core.testing.central_difference``,
``autograd_core.testing.strategies.rule_inputs``), as a user's own tests would use them.
:func:`assert_close` compares with ``rel_tol = RTOL`` and an absolute tolerance
``ATOL * max(1, |scale|)``, scaled by the size of the function value, which bounds the
rounding error of a central difference (about 1e-16 |f| / h).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["ATOL", "RTOL", "assert_close", "collector_disabled"]

RTOL = 1e-5
ATOL = 1e-7


def assert_close(actual: float, expected: float | None, scale: float = 1.0, what: str = "") -> None:
    """``actual`` equals ``expected`` within RTOL, or within ATOL * max(1, |scale|)."""
    atol = ATOL * max(1.0, abs(scale))
    assert expected is not None, f"{what}: no finite difference on either side"
    assert math.isclose(actual, expected, rel_tol=RTOL, abs_tol=atol), (
        f"{what}: got {actual!r}, expected {expected!r} (rtol={RTOL}, atol={atol})"
    )


@contextmanager
def collector_disabled() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off; restore its state after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
