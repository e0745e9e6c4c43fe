"""Basic functions as module-level functions: on Values they record a node, on plain
numbers they return a float (with the same domain checks and error messages)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ._errors import as_float
from .modes import _watch
from .rules import RULES
from .value import Value, apply, apply_unary

__all__ = [
    "square",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "softplus",
    "relu",
    "abs",
    "sqrt",
    "sin",
    "cos",
    "sum",
    "dot",
    "affine",
    "max_data",
]

Scalar = Value | int | float

_SQUARE = RULES["square"]
_EXP, _LOG, _TANH, _SIGMOID = RULES["exp"], RULES["log"], RULES["tanh"], RULES["sigmoid"]
_SOFTPLUS = RULES["softplus"]
_RELU, _ABS, _SQRT, _SIN, _COS = RULES["relu"], RULES["abs"], RULES["sqrt"], RULES["sin"], RULES["cos"]
_SUM, _DOT, _AFFINE = RULES["sum"], RULES["dot"], RULES["affine"]


def square(x: Scalar) -> Value | float:
    """x^2, one node with local derivative 2x (the lecture's square loss is square(h - y))"""
    return apply_unary(_SQUARE, x)


def exp(x: Scalar) -> Value | float:
    """e^x"""
    return apply_unary(_EXP, x)


def log(x: Scalar) -> Value | float:
    """ln x, for x > 0"""
    return apply_unary(_LOG, x)


def tanh(x: Scalar) -> Value | float:
    """tanh x = (e^x - e^-x) / (e^x + e^-x)"""
    return apply_unary(_TANH, x)


def sigmoid(x: Scalar) -> Value | float:
    """sigma(x) = 1 / (1 + e^-x), computed without overflow"""
    return apply_unary(_SIGMOID, x)


def softplus(x: Scalar) -> Value | float:
    """ln(1 + e^x), computed without overflow; its derivative is sigma(x) = e^(x - softplus x)"""
    return apply_unary(_SOFTPLUS, x)


def relu(x: Scalar) -> Value | float:
    """max(0, x)"""
    return apply_unary(_RELU, x)


def abs(x: Scalar) -> Value | float:  # noqa: A001 - the basic function |x|
    """|x|"""
    return apply_unary(_ABS, x)


def sqrt(x: Scalar) -> Value | float:
    """sqrt x, for x >= 0"""
    return apply_unary(_SQRT, x)


def sin(x: Scalar) -> Value | float:
    """sin x"""
    return apply_unary(_SIN, x)


def cos(x: Scalar) -> Value | float:
    """cos x"""
    return apply_unary(_COS, x)


def sum(xs: Iterable[Scalar]) -> Value | float:  # noqa: A001 - the n-ary basic function
    """x_1 + ... + x_n as one node (instead of a chain of n - 1 additions)."""
    args = _sequence("sum", "xs", xs)
    return apply(_SUM, *args) if args else 0.0


def dot(a: Sequence[Scalar], b: Sequence[Scalar]) -> Value | float:
    """a_1 b_1 + ... + a_n b_n as one node."""
    a, b = _sequence("dot", "a", a), _sequence("dot", "b", b)
    if len(a) != len(b):
        raise ValueError(f"dot: sequences differ in length ({len(a)} and {len(b)})")
    return apply(_DOT, *a, *b) if a else 0.0


def affine(bias: Scalar, weights: Sequence[Scalar], xs: Sequence[Scalar]) -> Value | float:
    """s = w_0 + sum_i w_i x_i as one node: a neuron's weighted sum with the bias input x_0 = 1."""
    weights, xs = _sequence("affine", "weights", weights), _sequence("affine", "xs", xs)
    if len(weights) != len(xs):
        raise ValueError(f"affine: {len(weights)} weights but {len(xs)} inputs")
    return apply(_AFFINE, bias, *weights, *xs)


def max_data(values: Sequence[Scalar]) -> float:
    """m = max_i x_i over the values' data, as a number: a constant of the graph that no
    gradient flows through, such as the log-sum-exp shift m = max_j f_j.

    ``compile`` records where m comes from (the values), so a replay computes m from each
    call's x_i as the engine does. The maximum is Python's ``max`` (the first of equal values).
    """
    xs = _sequence("max_data", "values", values)
    if not xs:
        raise ValueError("max_data: no values (empty sequence)")
    data = [x.data if isinstance(x, Value) else as_float(x, "max_data", i) for i, x in enumerate(xs)]
    m = max(data) * 1.0  # a float object of its own: compile finds the nodes it enters by identity
    return _watch("max", xs, None, m)


def _sequence(fn: str, name: str, xs: Any) -> tuple[Any, ...]:
    """``xs`` as a tuple, or a ``TypeError`` naming ``fn`` and the argument."""
    if isinstance(xs, (str, bytes, Value)) or not isinstance(xs, Iterable):
        raise TypeError(f"{fn}: {name} must be a sequence of numbers or Values, got {type(xs).__name__} {xs!r:.60}")
    return tuple(xs)
