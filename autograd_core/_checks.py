"""Argument checks of the public functions (viz, nn, testing): each error names the caller and the argument.

One line at the top of a public function (``flag("draw_graph", "color_by_grad", color_by_grad)``)
turns a wrong type into a ``TypeError`` (not that kind of thing) or a ``ValueError`` (the right kind,
out of range) whose message starts with the caller's name, before any work starts. The usual case
(a float, a list, a Value) costs one class test, so losses keep their speed inside a training loop.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, overload

from .value import Value

__all__ = [
    "describe", "real", "scalar", "positive_int", "flag", "choice", "text", "path",
    "items", "scalars", "value", "values", "points",
]  # fmt: skip


def describe(x: Any) -> str:
    """``type value`` for an error message, the value shortened."""
    return f"{type(x).__name__} {x!r:.60}"


def _or_none(optional: bool) -> str:
    return " or None" if optional else ""


def real(
    owner: str,
    what: str,
    x: Any,
    *,
    finite: bool = True,
    positive: bool = False,
    nonnegative: bool = False,
    below: float | None = None,
) -> float:
    """``x`` as a float if it is a real number (not a bool, complex, str, Decimal or array), finite
    unless ``finite=False``, and > 0, >= 0 or < ``below`` when asked."""
    bounded = positive or nonnegative or below is not None
    if x.__class__ is float and not bounded and (not finite or math.isfinite(x)):
        fast: float = x
        return fast
    low = " > 0" if positive else " >= 0" if nonnegative else ""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{owner}: {what} must be a real number{low}, got {describe(x)}")
    need = f"a finite number{low}" if low else "finite"
    try:
        f = float(x)
    except OverflowError:
        raise ValueError(f"{owner}: {what} must be {need}, got an int too large for a float") from None
    if (finite and not math.isfinite(f)) or (positive and not f > 0.0) or (nonnegative and not f >= 0.0):
        raise ValueError(f"{owner}: {what} must be {need}, got {f!r}")
    if below is not None and not f < below:
        raise ValueError(f"{owner}: {what} must be < {below}, got {f!r}")
    return f


def scalar(owner: str, what: str, x: Any) -> Any:
    """A Value as it is, or a real number as a float (NaN and infinities pass: the engine reports them)."""
    if x.__class__ is Value or x.__class__ is float or isinstance(x, Value):
        return x
    return real(owner, what, x, finite=False)


@overload
def positive_int(owner: str, what: str, x: Any, minimum: int = 1, optional: Literal[False] = False) -> int: ...
@overload
def positive_int(owner: str, what: str, x: Any, minimum: int = 1, optional: bool = False) -> int | None: ...
def positive_int(owner: str, what: str, x: Any, minimum: int = 1, optional: bool = False) -> int | None:
    """An int (not a bool) >= ``minimum`` (or None if optional): TypeError for other types,
    ValueError below the minimum."""
    if x is None and optional:
        return None
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{owner}: {what} must be an int >= {minimum}{_or_none(optional)}, got {describe(x)}")
    if x < minimum:
        raise ValueError(f"{owner}: {what} must be an int >= {minimum}, got {x!r}")
    return int(x)


def flag(owner: str, what: str, x: Any, optional: bool = False) -> bool | None:
    """True or False (or None if optional), not a value whose truth is ambiguous (an array)."""
    if (x is None and optional) or isinstance(x, bool):
        return x
    raise TypeError(f"{owner}: {what} must be True or False{_or_none(optional)}, got {describe(x)}")


def choice(owner: str, what: str, x: Any, options: Sequence[str]) -> str:
    """One of the strings ``options``: TypeError for a non-str, ValueError for another str."""
    if not isinstance(x, str) or x not in options:
        kind = ValueError if isinstance(x, str) else TypeError
        raise kind(f"{owner}: {what} must be one of {', '.join(map(repr, options))}, got {describe(x)}")
    return x


def text(owner: str, what: str, x: Any, optional: bool = False) -> str | None:
    """A str (or None if optional)."""
    if x is None and optional:
        return x
    if isinstance(x, str):
        try:
            x.encode("utf-8")
        except UnicodeEncodeError as error:  # a lone surrogate: no file or page can hold it
            raise ValueError(
                f"{owner}: {what} has a character that is not valid Unicode, {x[error.start]!r} at "
                f"position {error.start} (a lone surrogate)"
            ) from None
        return x
    raise TypeError(f"{owner}: {what} must be a str{_or_none(optional)}, got {describe(x)}")


def path(owner: str, what: str, x: Any) -> Any:
    """A file name: a str or an ``os.PathLike``."""
    if not isinstance(x, (str, os.PathLike)):
        raise TypeError(f"{owner}: {what} must be a str or os.PathLike, got {describe(x)}")
    return x


@overload
def items(owner: str, what: str, xs: Any, optional: Literal[False] = False) -> list[Any] | tuple[Any, ...]: ...
@overload
def items(owner: str, what: str, xs: Any, optional: bool = False) -> list[Any] | tuple[Any, ...] | None: ...
def items(owner: str, what: str, xs: Any, optional: bool = False) -> list[Any] | tuple[Any, ...] | None:
    """A list or tuple as it is, another finite iterable (a numpy vector, a range) as a list, or
    None if optional; not a str, a mapping, a Value or a number."""
    if xs.__class__ is list or xs.__class__ is tuple or (xs is None and optional):
        return xs
    if isinstance(xs, (str, bytes, Mapping, Value)) or not isinstance(xs, Iterable):
        raise TypeError(f"{owner}: {what} must be a list{_or_none(optional)}, got {describe(xs)}")
    return list(xs)


def scalars(owner: str, what: str, xs: Any) -> list[Any] | tuple[Any, ...]:
    """A list of Values and real numbers (``what[i]`` named on error); numbers become floats."""
    checked = items(owner, what, xs)
    if all(x.__class__ is Value or x.__class__ is float for x in checked):
        return checked
    return [scalar(owner, f"{what}[{i}]", x) for i, x in enumerate(checked)]


def value(owner: str, what: str, x: Any) -> Value:
    """A Value (exactly, not a number)."""
    if not isinstance(x, Value):
        raise TypeError(f"{owner}: {what} must be a Value, got {describe(x)}")
    return x


def values(owner: str, what: str, xs: Any, optional: bool = False) -> list[Value] | None:
    """A list of Values (``what[i]`` named on error), or None if optional."""
    if xs is None and optional:
        return None
    if isinstance(xs, (str, bytes, Mapping, Value)) or not isinstance(xs, Iterable):
        raise TypeError(f"{owner}: {what} must be a list of Values{_or_none(optional)}, got {describe(xs)}")
    return [value(owner, f"{what}[{i}]", x) for i, x in enumerate(xs)]


def points(owner: str, what: str, xs: Any, optional: bool = False) -> list[list[float]] | None:
    """A list of points, each a list of finite real numbers (``what[i][j]`` named on error), or None if optional."""
    rows = items(owner, what, xs, optional)
    if rows is None:
        return None
    return [
        [real(owner, f"{what}[{i}][{j}]", v) for j, v in enumerate(items(owner, f"{what}[{i}]", row))]
        for i, row in enumerate(rows)
    ]
