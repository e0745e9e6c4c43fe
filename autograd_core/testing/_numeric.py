"""Shared numerics of the checkers: central differences, closeness, tables, the error type."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from .._checks import real
from ..rules import Undefined
from ..value import Value

__all__ = ["GradcheckError", "central_difference", "close", "rel_error", "fmt", "table", "describe_input"]


class GradcheckError(AssertionError):
    """Analytic derivatives disagree with finite differences (the message has the details)."""


def central_difference(
    f: Callable[[Sequence[float]], float], point: Sequence[float], i: int, h: float | None = None
) -> float | None:
    """d f / d x_i at ``point``: (f(x + h e_i) - f(x - h e_i)) / 2h.

    ``f`` takes the point as one sequence. The default step is ``h = 1e-6 max(1, |x_i|)``:
    truncation error O(h² |f'''|) against rounding error about 1e-16 |f| / h. One-sided if
    one side leaves the domain (raises or is not finite); None if both do.
    """
    if not callable(f):
        raise TypeError(f"central_difference: f must be a callable of one point, got {type(f).__name__} {f!r:.60}")
    if isinstance(point, (str, bytes)) or not isinstance(point, Sequence):
        raise TypeError(
            f"central_difference: point must be a sequence of numbers, got {type(point).__name__} {point!r:.60}"
        )
    x = [real("central_difference", f"point[{k}]", v) for k, v in enumerate(point)]
    if isinstance(i, bool) or not isinstance(i, numbers.Integral) or not 0 <= i < len(x):
        raise (ValueError if isinstance(i, numbers.Integral) and not isinstance(i, bool) else TypeError)(
            f"central_difference: i must be an index into point (0..{len(x) - 1}), got {type(i).__name__} {i!r:.60}"
        )
    if h is None:
        h = 1e-6 * max(1.0, abs(x[i]))
    h = real("central_difference", "h", h, positive=True)
    base = x[i]
    sides: list[float | None] = []
    for step in (h, -h):
        x[i] = base + step
        try:
            value = float(f(x))
        except (ValueError, ArithmeticError):
            value = None
        sides.append(value if value is None or math.isfinite(value) else None)
    x[i] = base
    plus, minus = sides
    if plus is not None and minus is not None:
        return (plus - minus) / (2.0 * h)
    try:
        center = float(f(x))
    except (ValueError, ArithmeticError):
        return None
    if plus is not None:
        return (plus - center) / h
    if minus is not None:
        return (center - minus) / h
    return None


def as_float(x: Any) -> float:
    """A derivative as a float: Values give their data; ``Undefined`` gives nan."""
    if isinstance(x, Value):
        return x.data
    if isinstance(x, Undefined):
        return math.nan
    return float(x)


def close(analytic: float, numeric: float, atol: float, rtol: float) -> bool:
    """|analytic - numeric| <= atol + rtol |numeric| (nan never passes)."""
    return abs(analytic - numeric) <= atol + rtol * abs(numeric)


def rel_error(analytic: float, numeric: float) -> float:
    """|a - n| / max(|a|, |n|), 0 when both are 0."""
    scale = max(abs(analytic), abs(numeric))
    return abs(analytic - numeric) / scale if scale > 0.0 else 0.0


def fmt(x: Any) -> str:
    """A number in a fixed, readable width."""
    if isinstance(x, float):
        return f"{x:.10g}"
    return str(x)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows of numbers as an aligned plain-text table."""
    cells = [list(header)] + [[fmt(c) for c in row] for row in rows]
    widths = [max(len(r[k]) for r in cells) for k in range(len(header))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def describe_input(x: Any) -> str:
    """An input of a node: a labelled Value, an unlabelled Value (op, data), or a constant."""
    if isinstance(x, Value):
        name = f"'{x.label}'" if x.label else (x.op or "leaf")
        return f"{name}={x.data!r}"
    return f"const {x!r}"
