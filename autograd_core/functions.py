"""Basic functions as module-level functions: on Values they record a node, on plain
numbers they return a float (with the same domain checks and error messages)."""

from __future__ import annotations

from typing import Iterable, Sequence, Union

from .rules import RULES, Rule
from .value import Value, _as_float, apply

__all__ = ["exp", "log", "tanh", "sigmoid", "relu", "abs", "sqrt", "sin", "cos", "sum", "dot"]

Scalar = Union[Value, int, float]


def _call(rule: Rule, x: Scalar) -> Value | float:
    if x.__class__ is Value:
        return apply(rule, x)
    return rule.forward(_as_float(x, rule.name))


def exp(x: Scalar) -> Value | float:
    """e^x"""
    return _call(RULES["exp"], x)


def log(x: Scalar) -> Value | float:
    """ln x, for x > 0"""
    return _call(RULES["log"], x)


def tanh(x: Scalar) -> Value | float:
    """tanh x = (e^x - e^-x) / (e^x + e^-x)"""
    return _call(RULES["tanh"], x)


def sigmoid(x: Scalar) -> Value | float:
    """sigma(x) = 1 / (1 + e^-x), computed without overflow"""
    return _call(RULES["sigmoid"], x)


def relu(x: Scalar) -> Value | float:
    """max(0, x)"""
    return _call(RULES["relu"], x)


def abs(x: Scalar) -> Value | float:  # noqa: A001 - the basic function |x|
    """|x|"""
    return _call(RULES["abs"], x)


def sqrt(x: Scalar) -> Value | float:
    """sqrt x, for x >= 0"""
    return _call(RULES["sqrt"], x)


def sin(x: Scalar) -> Value | float:
    """sin x"""
    return _call(RULES["sin"], x)


def cos(x: Scalar) -> Value | float:
    """cos x"""
    return _call(RULES["cos"], x)


def sum(xs: Iterable[Scalar]) -> Value | float:  # noqa: A001 - the n-ary basic function
    """x_1 + ... + x_n as one node (n + 1 fewer nodes than a chain of ``+``)."""
    args = tuple(xs)
    if not args:
        return 0.0
    if any(a.__class__ is Value for a in args):
        return apply(RULES["sum"], *args)
    return RULES["sum"].forward(*(_as_float(a, "sum") for a in args))


def dot(a: Sequence[Scalar], b: Sequence[Scalar]) -> Value | float:
    """a_1 b_1 + ... + a_n b_n as one node: the weighted sum s = w^T x of a neuron."""
    if len(a) != len(b):
        raise ValueError(f"dot: sequences differ in length ({len(a)} and {len(b)})")
    args = (*a, *b)
    if not args:
        return 0.0
    if any(v.__class__ is Value for v in args):
        return apply(RULES["dot"], *args)
    return RULES["dot"].forward(*(_as_float(v, "dot") for v in args))
