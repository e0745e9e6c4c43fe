"""Argument checks for the public viz functions: each error names the function and the argument.

One line at the top of a public function (``flag("draw_graph", "color_by_grad", color_by_grad)``)
turns a wrong type into a ``TypeError``/``ValueError`` that says who rejected what, before any
drawing starts.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..value import Value

__all__ = ["value", "flag", "choice", "count", "real", "path", "text", "values", "drawable", "sequence", "points"]

_DOT_START = re.compile(r"\s*(?:strict\s+)?(?:di)?graph\b", re.IGNORECASE)


def _got(x: Any) -> str:
    return f"{type(x).__name__} {x!r:.60}"


def value(name: str, what: str, x: Any) -> Value:
    if x.__class__ is not Value:
        raise TypeError(f"{name}: {what} must be a Value, got {_got(x)}")
    return x


def flag(name: str, what: str, x: Any, optional: bool = False) -> bool | None:
    if (x is None and optional) or isinstance(x, bool):
        return x
    raise TypeError(f"{name}: {what} must be True or False{' or None' if optional else ''}, got {_got(x)}")


def choice(name: str, what: str, x: Any, options: Sequence[str]) -> str:
    if not isinstance(x, str) or x not in options:
        kind = ValueError if isinstance(x, str) else TypeError
        raise kind(f"{name}: {what} must be one of {', '.join(map(repr, options))}, got {_got(x)}")
    return x


def count(name: str, what: str, x: Any, minimum: int = 0, optional: bool = False) -> int | None:
    if x is None and optional:
        return None
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name}: {what} must be an int >= {minimum}{' or None' if optional else ''}, got {_got(x)}")
    if x < minimum:
        raise ValueError(f"{name}: {what} must be an int >= {minimum}, got {x!r}")
    return int(x)


def real(name: str, what: str, x: Any) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name}: {what} must be a real number, got {_got(x)}")
    if not math.isfinite(x):
        raise ValueError(f"{name}: {what} must be finite, got {x!r}")
    return float(x)


def path(name: str, what: str, x: Any) -> Any:
    if not isinstance(x, (str, os.PathLike)):
        raise TypeError(f"{name}: {what} must be a str or os.PathLike, got {_got(x)}")
    return x


def text(name: str, what: str, x: Any, optional: bool = True) -> str | None:
    if (x is None and optional) or isinstance(x, str):
        return x
    raise TypeError(f"{name}: {what} must be a str{' or None' if optional else ''}, got {_got(x)}")


def values(name: str, what: str, xs: Any, optional: bool = True) -> Iterable[Value] | None:
    """None (if optional) or a list/tuple/iterable whose items are all Values."""
    if xs is None and optional:
        return None
    if isinstance(xs, (str, bytes, Value)) or not isinstance(xs, Iterable):
        raise TypeError(f"{name}: {what} must be a list of Values{' or None' if optional else ''}, got {_got(xs)}")
    checked: list[Value] = []
    for i, x in enumerate(xs):
        if x.__class__ is not Value:
            raise TypeError(f"{name}: {what}[{i}] must be a Value, got {_got(x)}")
        checked.append(x)
    return checked


def sequence(name: str, what: str, xs: Any, optional: bool = True) -> list[Any] | None:
    """None (if optional) or a list/tuple/iterable (a numpy vector) as a list; not a str or a number."""
    if xs is None and optional:
        return None
    if isinstance(xs, (str, bytes, Value)) or not isinstance(xs, Iterable):
        raise TypeError(f"{name}: {what} must be a list{' or None' if optional else ''}, got {_got(xs)}")
    return list(xs)


def points(name: str, what: str, xs: Any, optional: bool = True) -> list[list[float]] | None:
    """None (if optional) or a list of points, each a list of finite real numbers."""
    rows = sequence(name, what, xs, optional)
    if rows is None:
        return None
    return [
        [real(name, f"{what}[{i}][{j}]", v) for j, v in enumerate(sequence(name, f"{what}[{i}]", row, False) or [])]
        for i, row in enumerate(rows)
    ]


def drawable(name: str, obj: Any) -> Any:
    """A Value, a graphviz graph (an object with a str ``.source``) or DOT source text."""
    if obj.__class__ is Value or isinstance(getattr(obj, "source", None), str):
        return obj
    if isinstance(obj, str):
        if not _DOT_START.match(obj):
            raise ValueError(f"{name}: a str must be DOT source starting with 'digraph' or 'graph', got {obj!r:.60}")
        return obj
    raise TypeError(f"{name}: expected a Value, a graphviz graph or a DOT string, got {_got(obj)}")
