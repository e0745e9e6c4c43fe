"""Argument checks shared by nn's public functions: every error names the function and the argument.

Checks cost one class test per element on the usual path (a Value or a float), so losses keep
their speed inside a training loop.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any

from autograd_core import Value

__all__ = ["describe", "real", "scalar", "scalars", "items", "positive_int", "flag"]


def describe(x: Any) -> str:
    """``type value`` for an error message, the value shortened."""
    return f"{type(x).__name__} {x!r:.60}"


def real(owner: str, what: str, x: Any, *, finite: bool = True) -> float:
    """``x`` as a float, if it is a real number (not a bool, complex, str, Decimal or array)."""
    if x.__class__ is float and (not finite or math.isfinite(x)):
        fast: float = x
        return fast
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{owner}: {what} must be a real number, got {describe(x)}")
    try:
        f = float(x)
    except OverflowError:
        raise ValueError(f"{owner}: {what} is an integer too large for a float") from None
    if finite and not math.isfinite(f):
        raise ValueError(f"{owner}: {what} must be finite, got {f!r}")
    return f


def scalar(owner: str, what: str, x: Any) -> Any:
    """A Value as it is, or a real number as a float (NaN and infinities pass: the engine reports them)."""
    if x.__class__ is Value or x.__class__ is float:
        return x
    return real(owner, what, x, finite=False)


def items(owner: str, what: str, xs: Any) -> list[Any] | tuple[Any, ...]:
    """A list, tuple or other finite iterable (a numpy vector, a range) as a list; not a str,
    a mapping, a Value or a number."""
    if xs.__class__ is list or xs.__class__ is tuple:
        same: list[Any] | tuple[Any, ...] = xs
        return same
    if isinstance(xs, (str, bytes, Mapping, Value)) or not isinstance(xs, Iterable):
        raise TypeError(f"{owner}: {what} must be a list, got {describe(xs)}")
    return list(xs)


def scalars(owner: str, what: str, xs: Any) -> list[Any] | tuple[Any, ...]:
    """A list of Values and real numbers (``what[i]`` named on error); numbers become floats."""
    checked = items(owner, what, xs)
    if all(x.__class__ is Value or x.__class__ is float for x in checked):
        return checked
    return [scalar(owner, f"{what}[{i}]", x) for i, x in enumerate(checked)]


def positive_int(owner: str, what: str, n: Any, minimum: int = 1) -> int:
    """An int (not a bool) >= ``minimum``: TypeError for other types, ValueError below the minimum."""
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{owner}: {what} must be an int >= {minimum}, got {describe(n)}")
    if n < minimum:
        raise ValueError(f"{owner}: {what} must be an int >= {minimum}, got {n!r}")
    return int(n)


def flag(owner: str, what: str, x: Any) -> bool:
    """A bool (True or False), not a value whose truth is ambiguous (an array)."""
    if not isinstance(x, bool):
        raise TypeError(f"{owner}: {what} must be True or False, got {describe(x)}")
    return x
