"""The ``Value`` node and the one generic way to apply a basic function to it.

A node stores its float ``data``, its ``grad``, and, when it is the output of a basic
function, the function's rule and for each parent the local derivative computed at
forward time (``_p0``/``_d0``, ``_p1``/``_d1``; tuples in ``_p0``/``_d0`` for functions
of many inputs). Nodes hold no closures, so a dropped graph is freed by reference
counting alone, and each node is a single garbage-collector-tracked object.
"""

from __future__ import annotations

import numbers
from contextlib import contextmanager
from itertools import compress
from typing import Any, Iterator, Union

from .rules import RULES, Rule, Undefined

__all__ = [
    "Value", "Number", "no_grad", "is_grad_enabled", "apply", "apply_unary", "apply_binary", "apply_nary",
    "set_observer",
]

Number = Union[int, float]

_recording = True

_ADD, _SUB, _MUL, _DIV = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"]
_NEG, _POW, _ABS = RULES["neg"], RULES["pow"], RULES["abs"]
_EXP, _LOG, _TANH, _SIGMOID = RULES["exp"], RULES["log"], RULES["tanh"], RULES["sigmoid"]
_RELU, _SQRT, _SIN, _COS = RULES["relu"], RULES["sqrt"], RULES["sin"], RULES["cos"]


def is_grad_enabled() -> bool:
    """Whether basic functions currently record their inputs (see :func:`no_grad`)."""
    return _recording


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block, results are new leaves: no parents, nothing to backpropagate."""
    global _recording
    previous, _recording = _recording, False
    try:
        yield
    finally:
        _recording = previous


def _as_float(x: Any, where: str) -> float:
    """``x`` as a float, or a ``TypeError`` naming ``where`` and what was received."""
    if x.__class__ is float:
        return x
    if isinstance(x, Undefined):
        x.fail()
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    kind = "a Value inside a Value" if isinstance(x, Value) else type(x).__name__
    raise TypeError(f"{where}: expected an int, float or Value, got {kind} {x!r:.60}")


def _describe(args: tuple[Any, ...]) -> str:
    labels = [f"'{a.label}'" for a in args if a.__class__ is Value and a.label]
    return f" (input {', '.join(labels)})" if labels else ""


class Value:
    """A scalar that remembers how it was computed, for reverse-mode differentiation.

    ``Value(data, label="")``: ``data`` is stored as a float; ``grad`` starts at 0.0 and
    holds d(root)/d(self) after ``root.backward()``. Plain numbers in expressions are
    constants, not nodes.
    """

    # Layout (one GC-tracked object per node, no closures):
    #   _fn       the Rule that made the node, None for a leaf
    #   _p0, _d0  first Value input and d self / d input; for n-ary rules, tuples of both
    #   _p1, _d1  second Value input and its derivative (None if there is none)
    #   _const    unset when every input is a Value; 0 or 1 for a binary rule whose input
    #             at that position was the constant kept in _d1; a tuple of all inputs for
    #             an n-ary rule with constants among them
    __slots__ = ("data", "grad", "label", "_fn", "_p0", "_d0", "_p1", "_d1", "_const", "__weakref__")

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.label = label
        self._fn: Rule | None = None
        self._p0: Any = None
        self._d0: Any = None
        self._p1: Any = None
        self._d1: Any = None

    # --- structure -------------------------------------------------------------------

    @property
    def op(self) -> str:
        """Name of the basic function that produced this node; ``""`` for a leaf."""
        return self._fn.name if self._fn is not None else ""

    @property
    def rule(self) -> Rule | None:
        """The :class:`~autograd_core.rules.Rule` that produced this node; ``None`` for a leaf."""
        return self._fn

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Value inputs of the producing function, in argument order (with repeats)."""
        p0 = self._p0
        if p0 is None:
            return ()
        if p0.__class__ is tuple:
            return p0
        return (p0,) if self._p1 is None else (p0, self._p1)

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """d self / d parent for each entry of :attr:`parents`, as computed at forward time."""
        p0 = self._p0
        if p0 is None:
            return ()
        if p0.__class__ is tuple:
            return self._d0
        return (self._d0,) if self._p1 is None else (self._d0, self._d1)

    @property
    def inputs(self) -> tuple[Any, ...]:
        """All inputs of the producing function, constants (floats) included."""
        const = getattr(self, "_const", None)
        if const is None:
            return self.parents
        if const.__class__ is tuple:
            return const
        return (self._d1, self._p0) if const == 0 else (self._p0, self._d1)

    def is_leaf(self) -> bool:
        return self._p0 is None

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)

    def backward(self, gradient: float = 1.0) -> None:
        """Fill ``.grad`` of every node this one depends on with d self / d node."""
        from .graph import backward

        backward(self, gradient)

    # --- arithmetic ------------------------------------------------------------------

    def __add__(self, other: Value | Number) -> Value:
        return apply_binary(_ADD, self, other)

    def __radd__(self, other: Number) -> Value:
        return apply_binary(_ADD, other, self)

    def __sub__(self, other: Value | Number) -> Value:
        return apply_binary(_SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return apply_binary(_SUB, other, self)

    def __mul__(self, other: Value | Number) -> Value:
        return apply_binary(_MUL, self, other)

    def __rmul__(self, other: Number) -> Value:
        return apply_binary(_MUL, other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return apply_binary(_DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return apply_binary(_DIV, other, self)

    def __pow__(self, other: Value | Number) -> Value:
        return apply_binary(_POW, self, other)

    def __rpow__(self, other: Number) -> Value:
        return apply_binary(_POW, other, self)

    def __neg__(self) -> Value:
        return apply_unary(_NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return apply_unary(_ABS, self)

    # --- basic functions as methods --------------------------------------------------

    def exp(self) -> Value:
        """e^x"""
        return apply_unary(_EXP, self)

    def log(self) -> Value:
        """ln x, for x > 0"""
        return apply_unary(_LOG, self)

    def tanh(self) -> Value:
        """tanh x"""
        return apply_unary(_TANH, self)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x)"""
        return apply_unary(_SIGMOID, self)

    def relu(self) -> Value:
        """max(0, x)"""
        return apply_unary(_RELU, self)

    def abs(self) -> Value:
        """|x|"""
        return apply_unary(_ABS, self)

    def sqrt(self) -> Value:
        """sqrt x, for x >= 0"""
        return apply_unary(_SQRT, self)

    def sin(self) -> Value:
        """sin x"""
        return apply_unary(_SIN, self)

    def cos(self) -> Value:
        """cos x"""
        return apply_unary(_COS, self)

    # --- comparisons compare data; hashing stays by identity ---------------------------

    def __eq__(self, other: object) -> bool:
        return self.data == _data(other)

    def __ne__(self, other: object) -> bool:
        return self.data != _data(other)

    def __lt__(self, other: Value | Number) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Value | Number) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Value | Number) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Value | Number) -> bool:
        return self.data >= _data(other)

    __hash__ = object.__hash__

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self._fn is not None:
            parts.append(f"op={self._fn.name!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"


def _data(x: Any) -> Any:
    return x.data if x.__class__ is Value else x


_new = object.__new__

_observer: Any = None


def set_observer(observer: Any) -> Any:
    """Install ``observer`` (or ``None``) and return the previous one.

    An observer has ``created(node)``, called for every node a basic function makes, and
    ``propagating(node)``, called by ``backward`` just before a node's gradient is pushed to
    its parents. ``autograd_core.testing.detect_anomaly`` is built on it.
    """
    global _observer
    previous, _observer = _observer, observer
    return previous


def apply(rule: Rule, *args: Value | Number) -> Value | float:
    """Apply a basic function to Values and constants, recording local derivatives.

    This is the only way nodes are made from a rule, and it knows nothing about any
    particular function. With no Value among the inputs the result is a plain float.
    """
    n = len(args)
    if rule.arity >= 0 and rule.arity != n:
        raise TypeError(f"{rule.name}: expected {rule.arity} inputs, got {n}")
    if n == 1:
        return apply_unary(rule, args[0])
    if n == 2:
        return apply_binary(rule, args[0], args[1])
    return apply_nary(rule, args)


def _fail(rule: Rule, error: Exception, args: tuple[Any, ...]) -> Exception:
    return type(error)(f"{error}{_describe(args)}")


def _overflow(rule: Rule, values: Any, args: tuple[Any, ...]) -> OverflowError:
    shown = ", ".join(repr(v) for v in values)
    return OverflowError(f"{rule.name}: result overflows for finite input ({shown}){_describe(args)}")


def apply_unary(rule: Rule, x: Any) -> Any:
    """:func:`apply` for a rule of one input (one Python call fewer, for hot loops)."""
    if x.__class__ is not Value:
        return rule.forward(_as_float(x, rule.name))
    a = x.data
    try:
        out = rule.forward(a)
    except (ValueError, ArithmeticError) as error:
        raise _fail(rule, error, (x,)) from None
    if out - out != 0.0 and a - a == 0.0:  # finite in, inf or nan out
        raise _overflow(rule, (a,), (x,))
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._p1 = node._d1 = None
    if _recording:
        node._fn = rule
        node._p0 = x
        (node._d0,) = rule.partials(a, out)
    else:
        node._fn = node._p0 = node._d0 = None
    if _observer is not None:
        _observer.created(node)
    return node


def apply_binary(rule: Rule, x: Any, y: Any) -> Any:
    """:func:`apply` for a rule of two inputs."""
    a = x.data if x.__class__ is Value else (x if x.__class__ is float else _as_float(x, rule.name))
    b = y.data if y.__class__ is Value else (y if y.__class__ is float else _as_float(y, rule.name))
    try:
        out = rule.forward(a, b)
    except (ValueError, ArithmeticError) as error:
        raise _fail(rule, error, (x, y)) from None
    if out - out != 0.0 and a - a == 0.0 and b - b == 0.0:
        raise _overflow(rule, (a, b), (x, y))
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    if not _recording:
        node._fn = node._p0 = node._d0 = node._p1 = node._d1 = None
    elif x.__class__ is Value:
        node._fn = rule
        node._p0 = x
        if y.__class__ is Value:
            node._d0, node._d1 = rule.partials(a, b, out)
            node._p1 = y
        else:
            node._d0 = rule.partials(a, b, out)[0]
            node._p1 = None
            node._d1 = b
            node._const = 1
    elif y.__class__ is Value:
        node._fn = rule
        node._p0 = y
        node._d0 = rule.partials(a, b, out)[1]
        node._p1 = None
        node._d1 = a
        node._const = 0
    else:
        return out  # constants in, constant out
    if _observer is not None:
        _observer.created(node)
    return node


def apply_nary(rule: Rule, args: tuple[Any, ...]) -> Any:
    """:func:`apply` for a variadic rule, its inputs given as one tuple (not checked for arity)."""
    mask = None
    if args[-1].__class__ is Value:
        try:
            values = [a.data for a in args]
        except AttributeError:  # a constant among the inputs
            mask = []
    else:
        mask = []
    if mask is not None:
        mask = [a.__class__ is Value for a in args]
        values = [a.data if m else _as_float(a, rule.name) for a, m in zip(args, mask)]
        if not any(mask):
            return rule.forward(*values)
    try:
        out = rule.forward(*values)
    except (ValueError, ArithmeticError) as error:
        raise _fail(rule, error, args) from None
    if out - out != 0.0 and all(v - v == 0.0 for v in values):
        raise _overflow(rule, values, args)
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._p1 = node._d1 = None
    if not _recording:
        node._fn = node._p0 = node._d0 = None
    elif mask is None:
        node._fn = rule
        node._p0 = args
        node._d0 = rule.partials(*values, out)
    else:
        partials = rule.partials(*values, out)
        node._fn = rule
        node._p0 = tuple(compress(args, mask))
        node._d0 = tuple(compress(partials, mask))
        node._const = tuple([a if m else v for a, v, m in zip(args, values, mask)])
    if _observer is not None:
        _observer.created(node)
    return node
