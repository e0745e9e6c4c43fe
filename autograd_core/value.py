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
from typing import Any, Iterator, Union

from .rules import RULES, Rule, Undefined

__all__ = ["Value", "Number", "no_grad", "is_grad_enabled", "apply", "set_observer"]

Number = Union[int, float]

_recording = True

_ADD, _SUB, _MUL, _DIV = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"]
_NEG, _POW = RULES["neg"], RULES["pow"]


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

    __slots__ = ("data", "grad", "label", "_fn", "_p0", "_d0", "_p1", "_d1", "_args", "__weakref__")

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
        return getattr(self, "_args", None) or self.parents

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
        return apply(_ADD, self, other)

    def __radd__(self, other: Number) -> Value:
        return apply(_ADD, other, self)

    def __sub__(self, other: Value | Number) -> Value:
        return apply(_SUB, self, other)

    def __rsub__(self, other: Number) -> Value:
        return apply(_SUB, other, self)

    def __mul__(self, other: Value | Number) -> Value:
        return apply(_MUL, self, other)

    def __rmul__(self, other: Number) -> Value:
        return apply(_MUL, other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return apply(_DIV, self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return apply(_DIV, other, self)

    def __pow__(self, other: Value | Number) -> Value:
        return apply(_POW, self, other)

    def __rpow__(self, other: Number) -> Value:
        return apply(_POW, other, self)

    def __neg__(self) -> Value:
        return apply(_NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return apply(RULES["abs"], self)

    # --- basic functions as methods --------------------------------------------------

    def exp(self) -> Value:
        """e^x"""
        return apply(RULES["exp"], self)

    def log(self) -> Value:
        """ln x, for x > 0"""
        return apply(RULES["log"], self)

    def tanh(self) -> Value:
        """tanh x"""
        return apply(RULES["tanh"], self)

    def sigmoid(self) -> Value:
        """1 / (1 + e^-x)"""
        return apply(RULES["sigmoid"], self)

    def relu(self) -> Value:
        """max(0, x)"""
        return apply(RULES["relu"], self)

    def abs(self) -> Value:
        """|x|"""
        return apply(RULES["abs"], self)

    def sqrt(self) -> Value:
        """sqrt x, for x >= 0"""
        return apply(RULES["sqrt"], self)

    def sin(self) -> Value:
        """sin x"""
        return apply(RULES["sin"], self)

    def cos(self) -> Value:
        """cos x"""
        return apply(RULES["cos"], self)

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


def apply(rule: Rule, *args: Value | Number) -> Value:
    """Apply a basic function to Values and constants, recording local derivatives.

    This is the only place where nodes are made from a rule; it knows nothing about
    any particular function.
    """
    n = len(args)
    if n == 2:
        x, y = args
        a = x.data if x.__class__ is Value else _as_float(x, rule.name)
        b = y.data if y.__class__ is Value else _as_float(y, rule.name)
        try:
            out = rule.forward(a, b)
        except (ValueError, ArithmeticError) as error:
            raise type(error)(f"{error}{_describe(args)}") from None
    else:
        values = tuple(v.data if v.__class__ is Value else _as_float(v, rule.name) for v in args)
        if rule.arity != n and rule.arity >= 0:
            raise TypeError(f"{rule.name}: expected {rule.arity} inputs, got {n}")
        try:
            out = rule.forward(*values)
        except (ValueError, ArithmeticError) as error:
            raise type(error)(f"{error}{_describe(args)}") from None
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._fn = node._p0 = node._d0 = node._p1 = node._d1 = None
    if _recording:
        if n == 2:
            da, db = rule.partials(a, b, out)
            if x.__class__ is Value:
                node._fn = rule
                node._p0 = x
                node._d0 = da
                if y.__class__ is Value:
                    node._p1 = y
                    node._d1 = db
                else:
                    node._args = (x, b)
            elif y.__class__ is Value:
                node._fn = rule
                node._p0 = y
                node._d0 = db
                node._args = (a, y)
        else:
            _record(node, rule, args, values, out)
    if _observer is not None:
        _observer.created(node)
    return node


def _record(node: Value, rule: Rule, args: tuple[Any, ...], values: tuple[float, ...], out: float) -> None:
    """Record the parents and local derivatives of a function of one or many inputs."""
    keep = [i for i, v in enumerate(args) if v.__class__ is Value]
    if not keep:
        return  # constants only: the result is a constant leaf
    partials = rule.partials(*values, out)
    node._fn = rule
    if len(args) == 1:
        node._p0 = args[0]
        node._d0 = partials[0]
    elif len(keep) == len(args):
        node._p0 = args
        node._d0 = tuple(partials)
    else:
        node._p0 = tuple(args[i] for i in keep)
        node._d0 = tuple(partials[i] for i in keep)
        node._args = tuple(v if v.__class__ is Value else values[i] for i, v in enumerate(args))
