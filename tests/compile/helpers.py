"""Shared pieces of the compile tests: run a function through the engine and through a
compiled replay from the same starting gradients, and compare."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd_core import Value

RTOL = 1e-12


def values_like(x: Any) -> Any:
    """Fresh Values with the nesting of ``x`` (floats or nested lists)."""
    if isinstance(x, (list, tuple)):
        return [values_like(v) for v in x]
    return Value(x)


def engine(f: Callable[..., Value], params: Sequence[Value], *args: Any) -> tuple[float, list[float]]:
    """``f(*args)`` through the engine: its value and the parameters' gradients (from 0)."""
    for p in params:
        p.grad = 0.0
    out = f(*[values_like(a) for a in args])
    out.backward()
    return out.data, [p.grad for p in params]


def replay(c: Callable[..., float], params: Sequence[Value], *args: Any) -> tuple[float, list[float]]:
    """The compiled call: its value and the parameters' gradients (from 0)."""
    for p in params:
        p.grad = 0.0
    value = c(*args)
    return value, [p.grad for p in params]


def replay_over(c: Any, params: Sequence[Value], *datasets: Any, reduce: str = "mean") -> tuple[float, list[float]]:
    """``c.over(*datasets, reduce=reduce)``: its value and the parameters' gradients (from 0)."""
    for p in params:
        p.grad = 0.0
    value = c.over(*datasets, reduce=reduce)
    return value, [p.grad for p in params]


def close(a: float, b: float, rtol: float = RTOL, atol: float = 1e-300) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    return a == b or abs(a - b) <= rtol * max(abs(a), abs(b)) + atol


def assert_same(
    got: tuple[float, list[float]], expected: tuple[float, list[float]], rtol: float = RTOL, atol: float = 1e-300
) -> None:
    (v, gs), (ev, egs) = got, expected
    assert close(v, ev, rtol, atol), f"value {v!r} != {ev!r}"
    for i, (g, e) in enumerate(zip(gs, egs)):
        assert close(g, e, rtol, atol), f"gradient {i}: {g!r} != {e!r}"
