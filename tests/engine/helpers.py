"""Shared test helpers: hypothesis strategies over rule domains and a central-difference checker.

The gradient checker compares an engine derivative with the central difference
``(f(x + h) - f(x - h)) / (2h)``, ``h = EPS * max(1, |x|)``. Its truncation error is
O(h^2 f''') and its rounding error about 1e-16 |f| / h, so the comparison uses
``rel_tol = RTOL`` and an absolute tolerance ``ATOL * max(1, |f(x)|)`` (scaled by the
size of the function value, which bounds the rounding error).
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from hypothesis import strategies as st

from autograd_core.rules import VARIADIC, Rule

__all__ = [
    "ATOL",
    "EPS",
    "RTOL",
    "VARIADIC_INPUT_COUNTS",
    "assert_close",
    "central_difference",
    "collector_disabled",
    "floats_in",
    "rule_inputs",
]

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-7

VARIADIC_INPUT_COUNTS: dict[str, Callable[[int], bool]] = {
    "sum": lambda n: n >= 1,  # x_1 .. x_n
    "dot": lambda n: n >= 2 and n % 2 == 0,  # a_1 .. a_n, b_1 .. b_n
    "affine": lambda n: n % 2 == 1,  # w_0, w_1 .. w_n, x_1 .. x_n
}
"""Which numbers of inputs each variadic rule accepts (a rule row does not say)."""


def floats_in(intervals: Sequence[tuple[float, float]]) -> st.SearchStrategy[float]:
    """Finite floats from a union of closed intervals."""
    return st.one_of(
        *[st.floats(lo, hi, allow_nan=False, allow_infinity=False) for lo, hi in intervals]
    )


def rule_inputs(rule: Rule, max_inputs: int = 9) -> st.SearchStrategy[tuple[float, ...]]:
    """Inputs for ``rule`` inside its declared domain.

    A variadic rule declares one domain for all its inputs; it gets 1 to ``max_inputs``
    inputs, as many as :data:`VARIADIC_INPUT_COUNTS` allows for it.
    """
    if rule.arity == VARIADIC:
        counts = [n for n in range(1, max_inputs + 1) if VARIADIC_INPUT_COUNTS[rule.name](n)]
        return st.sampled_from(counts).flatmap(
            lambda n: st.tuples(*[floats_in(rule.domain[0]) for _ in range(n)])
        )
    return st.tuples(*[floats_in(rule.domain[i]) for i in range(rule.arity)])


def central_difference(f: Callable[..., float], xs: Sequence[float], i: int) -> float:
    """d f / d x_i at ``xs`` by central differences (step ``EPS * max(1, |x_i|)``)."""
    h = EPS * max(1.0, abs(xs[i]))
    plus, minus = list(xs), list(xs)
    plus[i] = xs[i] + h
    minus[i] = xs[i] - h
    return (f(*plus) - f(*minus)) / (plus[i] - minus[i])


def assert_close(actual: float, expected: float, scale: float = 1.0, what: str = "") -> None:
    """``actual`` equals ``expected`` within RTOL, or within ATOL * max(1, |scale|)."""
    atol = ATOL * max(1.0, abs(scale))
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
