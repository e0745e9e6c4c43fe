"""Input conversion and error messages of the engine: each names the operation and the value.

Only the first lines of :func:`as_float` run on the hot path; everything else runs once an
input or a result is already known to be wrong.
"""

from __future__ import annotations

import numbers
from math import isfinite
from typing import Any

from .rules import Rule, Undefined

__all__ = [
    "where",
    "as_float",
    "describe",
    "reraise",
    "not_a_rule",
    "wrong_partials",
    "checked_output",
    "checked_partials",
]


def _value_class() -> type:
    from .value import Value  # value.py imports this module: import at call time (error paths only)

    return Value


def _is_value(x: Any) -> bool:
    return isinstance(x, _value_class())


_OWN_ERRORS = (ValueError, ZeroDivisionError, OverflowError, ArithmeticError, FloatingPointError)


def where(rule: Any, fn: str) -> tuple[str, str]:
    """How an input error names the call: the rule, and the engine function that applied it."""
    return (rule.name, fn) if rule.__class__ is Rule else (fn, fn)


def as_float(x: Any, where: str | tuple[str, str], position: int | None = None) -> float:
    """``x`` as a float, or a ``TypeError`` naming ``where`` (the operation, or the operation and
    the engine function applying it) and the argument position."""
    if x.__class__ is float:
        return x
    if isinstance(x, Undefined):
        x.fail()
    name, fn = (where, "") if isinstance(where, str) else where
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        try:
            return float(x)
        except OverflowError:
            raise ValueError(
                f"{name}: {type(x).__name__} {x!r:.40}... is too large for a float{_at(fn, position)}"
            ) from None
    kind = "a Value inside a Value" if isinstance(x, _value_class()) else type(x).__name__
    raise TypeError(f"{name}: expected an int, float or Value{_at(fn, position)}, got {kind} {x!r:.60}")


def _at(fn: str, position: int | None) -> str:
    at = "" if position is None else f"argument {position}"
    return f" ({at} of {fn})" if fn and at else f" ({at or fn})" if at or fn else ""


def describe(args: tuple[Any, ...]) -> str:
    """`` (input 'a', 'b')`` for the labelled Values among ``args``, else ``""``."""
    labels = [f"'{a.label}'" for a in args if _is_value(a) and a.label]
    return f" (input {', '.join(labels)})" if labels else ""


def not_a_rule(fn: str, rule: Any) -> TypeError:
    return TypeError(f"{fn}: expected a Rule, got {type(rule).__name__} {rule!r:.60}")


def reraise(rule: Any, error: Exception, args: tuple[Any, ...], stage: str, fn: str) -> None:
    """Re-raise ``error`` from ``rule.<stage>`` with the inputs named.

    The table's own domain errors (plain ``ValueError``/``ArithmeticError``) get the input
    labels appended to their message; any other exception, a user's rule's included,
    propagates with its own type and gets the context as an exception note.
    """
    if rule.__class__ is not Rule:
        raise not_a_rule(fn, rule) from None
    if type(error) in _OWN_ERRORS and len(error.args) == 1 and isinstance(error.args[0], str):
        raise type(error)(f"{error}{describe(args)}") from None
    shown = ", ".join(repr(a.data) if _is_value(a) else repr(a) for a in args)
    error.add_note(f"raised by rule {rule.name!r}.{stage} on inputs ({shown}){describe(args)}")
    raise error


def wrong_partials(rule: Rule, partials: Any, n: int) -> TypeError:
    got = f"{len(partials)}" if isinstance(partials, tuple) else f"a {type(partials).__name__}"
    return TypeError(f"{rule.name}: partials must return a tuple of {n} local derivatives, got {got}")


def checked_output(rule: Rule, out: Any, values: Any, args: tuple[Any, ...]) -> float:
    """A forward result that is not a finite float: convert it, or say what is wrong."""
    if out.__class__ is not float:
        if not isinstance(out, numbers.Real) or isinstance(out, bool):
            raise TypeError(f"{rule.name}: forward must return a float, got {type(out).__name__} {out!r:.60}")
        out = float(out)
    if not isfinite(out) and all(isfinite(v) for v in values):  # finite in, inf or nan out
        shown = ", ".join(repr(v) for v in values)
        raise OverflowError(f"{rule.name}: result overflows for finite input ({shown}){describe(args)}")
    return float(out)


def checked_partials(rule: Rule, partials: Any, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Local derivatives that are not all floats: real numbers become floats, ``undefined(...)``
    stays; anything else (a Value, a complex, None, a str) is a ``TypeError`` naming the rule
    and the input, so ``.grad`` (and after an optimizer step ``.data``) stays a float."""
    checked = []
    for i, d in enumerate(partials):
        if d.__class__ is not float and not isinstance(d, Undefined):
            if not isinstance(d, numbers.Real) or isinstance(d, bool) or _is_value(d):
                kind = "a Value" if _is_value(d) else type(d).__name__
                raise TypeError(
                    f"{rule.name}: partials must return real numbers or undefined(...), got {kind} "
                    f"{d!r:.60} for input {i}{describe(args[i : i + 1])}"
                )
            d = float(d)
        checked.append(d)
    return tuple(checked)
