"""The ``Value`` node and the one generic way to apply a basic function to it.

A node is data, parents and local derivatives: it stores its float ``data``, its ``grad``,
and, when a basic function made it, the function's :class:`~autograd_core.rules.Rule` and,
for each Value input, the local derivative computed at forward time. Nodes hold no
closures, so a dropped graph is freed by reference counting alone.

Around this file: :mod:`autograd_core.modes` (``no_grad``, observers, the comparison
watcher), :mod:`autograd_core._errors` (input checks and error messages) and
:mod:`autograd_core._pickling` (a graph pickled flat).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import compress
from math import isfinite
from typing import Any

from . import _pickling
from . import modes as _modes
from ._errors import as_float, checked_output, checked_partials, not_a_rule, reraise, where, wrong_partials
from ._pickling import _graph, _leaf  # noqa: F401 - pickles made before the split name them here
from .modes import (
    _watch,
    enable_grad,
    get_observer,
    is_grad_enabled,
    no_grad,
    observing,
    set_observer,
    watch_comparisons,
)
from .rules import RULES, Rule
from .symbolic import Symbol, apply_symbolic

__all__ = [
    "Value",
    "Number",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "apply",
    "apply_unary",
    "apply_binary",
    "apply_nary",
    "set_observer",
    "get_observer",
    "observing",
    "watch_comparisons",
    "data_of",
]

Number = int | float

_ADD, _SUB, _MUL, _DIV = RULES["add"], RULES["sub"], RULES["mul"], RULES["div"]
_NEG, _POW, _ABS = RULES["neg"], RULES["pow"], RULES["abs"]
_EXP, _LOG, _TANH, _SIGMOID = RULES["exp"], RULES["log"], RULES["tanh"], RULES["sigmoid"]
_RELU, _SQRT, _SIN, _COS = RULES["relu"], RULES["sqrt"], RULES["sin"], RULES["cos"]
_SOFTPLUS = RULES["softplus"]


class Value:
    """A scalar that remembers how it was computed, for reverse-mode differentiation.

    ``Value(data, label="")``: ``data`` is stored as a float; ``grad`` starts at 0.0 and
    holds d(root)/d(self) after ``root.backward()``. Plain numbers in expressions are
    constants, not nodes.

    micrograd's signature ``Value(data, _children=(), _op='', label='')`` works too (a str as
    second argument is the label): with children, the node is a *custom node*, whose maker
    sets ``out._backward = closure`` (see :mod:`autograd_core.custom`).

    :param data: the number (an int, float or anything ``float()`` accepts exactly); stored as ``float``.
    :param _children: micrograd's: the Values a custom node was computed from (``()``: a leaf).
    :param _op: micrograd's: the custom node's operation, a short string for drawings (``"cube"``).
    :param label: a name for drawings and error messages, e.g. ``"w_11^(1)"``.
    """

    # One node is ONE object tracked by the garbage collector (no per-node tuples for
    # unary and binary rules, no closures): the collector's work and the memory per node
    # stay small. Each slot has one meaning:
    #   _rule        the Rule that made the node; None for a leaf
    #   _in0, _d0    the Value at argument position 0 of a unary or binary rule, and
    #                d self / d _in0; None when that argument was a constant (or a leaf)
    #   _in1, _d1    the same for argument position 1 of a binary rule
    #   _const       the constant argument of a binary rule (its position is the _in slot
    #                that is None); None when every argument is a Value
    #   _nary        an n-ary rule's (parents, local derivatives, all inputs); else None;
    #                a custom node's (parents, (), parents, closure) (custom.py)
    #   _mark        scratch for graph traversal (graph.py), never read anywhere else
    __slots__ = (
        "data",
        "grad",
        "label",
        "_rule",
        "_in0",
        "_d0",
        "_in1",
        "_d1",
        "_const",
        "_nary",
        "_mark",
        "__weakref__",
    )
    data: float
    grad: float
    label: str
    _rule: Rule | None
    _in0: Value | None
    _d0: Any
    _in1: Value | None
    _d1: Any
    _const: float | None
    _nary: tuple[Any, ...] | None
    _mark: object

    def __init__(self, data: Number, _children: Iterable[Value] | str = (), _op: str = "", label: str = "") -> None:
        custom = _children.__class__ is not tuple or _children or _op  # () and "": a leaf (the usual case)
        if _children.__class__ is str:  # Value(0.5, "w"): the label
            if label or _op:
                raise TypeError(f"Value: got the label twice ({_children!r} and {label or _op!r})")
            custom, _children, label = False, (), _children  # type: ignore[assignment]
        self.data = as_float(data, "Value")
        self.grad = 0.0
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.label = label
        self._rule = None
        self._in0 = self._d0 = self._in1 = self._d1 = self._const = self._nary = self._mark = None
        if custom:
            from .custom import make_custom

            make_custom(self, _children, _op)

    # --- structure: the only way code outside value.py/graph.py reads a node ----------

    @property
    def rule(self) -> Rule | None:
        """The :class:`~autograd_core.rules.Rule` that produced this node; ``None`` for a leaf."""
        return self._rule

    @property
    def op(self) -> str:
        """Name of the basic function that produced this node; ``""`` for a leaf."""
        return self._rule.name if self._rule is not None else ""

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Value inputs of the producing function, in argument order (with repeats)."""
        if self._nary is not None:
            return self._nary[0]
        p, q = self._in0, self._in1
        if p is None:
            return () if q is None else (q,)
        return (p,) if q is None else (p, q)

    @property
    def local_grads(self) -> tuple[Any, ...]:
        """d self / d parent for each entry of :attr:`parents`, as computed at forward time
        (for a custom node, by one probe call of its closure: :func:`autograd_core.custom.probe`)."""
        if self._nary is not None:
            if len(self._nary) == 4:
                from .custom import probe

                return probe(self)
            return self._nary[1]
        if self._in0 is None:
            return () if self._in1 is None else (self._d1,)
        return (self._d0,) if self._in1 is None else (self._d0, self._d1)

    @property
    def inputs(self) -> tuple[Any, ...]:
        """All inputs of the producing function in argument order, constants (floats) included."""
        if self._nary is not None:
            return self._nary[2]
        c = self._const
        if c is None:
            return self.parents
        return (c, self._in1) if self._in0 is None else (self._in0, c)

    def is_leaf(self) -> bool:
        """True for a node no basic function made (a parameter, an input, a constant)."""
        return self._rule is None

    def detach(self) -> Value:
        """A new leaf with the same data and label, cut off from this graph."""
        return Value(self.data, self.label)

    def backward(self, gradient: float = 1.0) -> None:
        """Fill ``.grad`` of every node this one depends on with d self / d node."""
        from .graph import backward

        backward(self, gradient)

    def propagate(self) -> None:
        """One step of the backward loop: each parent p gets ``p.grad += (d self/d p) * self.grad``.

        ``backward()`` runs this for every node, children before parents; calling it node by
        node, from the root down, is backpropagation by hand (micrograd's ``_backward()``).
        """
        from .graph import propagate

        propagate(self)

    # --- micrograd's names: views of the slots above (custom.py) ------------------------

    @property
    def _prev(self) -> set[Value]:
        """micrograd's ``_prev``: the set of this node's parents (empty for a leaf)."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's ``_op``: ``'+'``, ``'*'``, ``'**2'``, ``'ReLU'``, ``'tanh'``, ...; ``''`` for a leaf."""
        from .custom import micrograd_op

        return micrograd_op(self)

    @property
    def _backward(self) -> Callable[[], None]:
        """micrograd's ``_backward``: this node's step of the backward loop (see :meth:`propagate`).

        Assignable only on a custom node (``Value(data, _children, _op)``): the closure then
        is its step, run by ``backward()`` in topological order.
        """
        from .custom import closure_of, is_custom

        return closure_of(self) if is_custom(self) else self.propagate

    @_backward.setter
    def _backward(self, closure: Callable[[], None]) -> None:
        from .custom import set_closure

        set_closure(self, closure)

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

    def softplus(self) -> Value:
        """ln(1 + e^x)"""
        return apply_unary(_SOFTPLUS, self)

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

    # --- comparisons: <, <=, >, >= compare data and return bools; == and hash are identity ---
    # (as in micrograd: [a, b].index(b) finds b and `b in [a]` is False even when a.data == b.data;
    # compare numbers with a.data == b.data)

    def __lt__(self, other: Value | Number) -> bool:
        return _watch("lt", self, other, self.data < _data(other)) if _active else self.data < _data(other)

    def __le__(self, other: Value | Number) -> bool:
        return _watch("le", self, other, self.data <= _data(other)) if _active else self.data <= _data(other)

    def __gt__(self, other: Value | Number) -> bool:
        return _watch("gt", self, other, self.data > _data(other)) if _active else self.data > _data(other)

    def __ge__(self, other: Value | Number) -> bool:
        return _watch("ge", self, other, self.data >= _data(other)) if _active else self.data >= _data(other)

    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    # --- Python conventions: a Value reads like a PyTorch scalar tensor ----------------

    def __bool__(self) -> bool:
        """``bool(v)`` is ``v.data != 0`` (so ``if loss:`` means what it says)."""
        return _watch("bool", self, None, self.data != 0.0)

    def __float__(self) -> float:
        return _watch("float", self, None, self.data)

    def item(self) -> float:
        """``.data`` as a Python float (as ``tensor.item()``)."""
        return _watch("float", self, None, self.data)

    def __round__(self, ndigits: int | None = None) -> float | int:
        return round(_watch("float", self, None, self.data), ndigits)

    def __format__(self, spec: str) -> str:
        """``f"{v:.3f}"`` formats ``.data``; an empty spec gives ``str(v)``."""
        if not spec:
            return str(self)
        return format(_watch("float", self, None, self.data), spec)

    def __repr__(self) -> str:
        parts = [f"data={self.data!r}", f"grad={self.grad!r}"]
        if self._rule is not None:
            parts.append(f"op={self._rule.name!r}")
        if self.label:
            parts.append(f"label={self.label!r}")
        return f"Value({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle support: see :mod:`autograd_core._pickling` (a graph is stored flat)."""
        return _pickling.reduce(self)


def _data(x: Any) -> Any:
    return x.data if x.__class__ is Value else x


def data_of(x: Value | Number) -> float:
    """``x.data`` for a Value, ``float(x)`` for a number (read without a ``float`` event)."""
    return x.data if isinstance(x, Value) else float(x)


_new = object.__new__

# How many mode blocks are open (see modes.py): a global here, so the hot paths below read it
# with one look-up; modes.py tells it every change.
_active = _modes._active


def _follow_modes(count: int) -> None:
    global _active
    _active = count


_modes._followers.append(_follow_modes)


# --- applying a rule: the only place a basic function makes a node ----------------------
# (Value() makes leaves; unpickling rebuilds recorded nodes with _restored, at the end.)


def apply(rule: Rule, *args: Value | Number) -> Value | float:
    """Apply a basic function to Values and constants, recording local derivatives.

    This is the only way nodes are made from a rule, and it knows nothing about any
    particular function. With no Value among the inputs the result is a plain float.
    Each input is checked by its own type: Values are recorded, real numbers (numpy
    scalars included) are constants, anything else is a ``TypeError`` naming its position.
    """
    if rule.__class__ is not Rule:
        raise not_a_rule("apply", rule)
    n = len(args)
    if rule.arity >= 0 and rule.arity != n:
        raise TypeError(f"{rule.name}: expected {rule.arity} inputs, got {n}")
    if n == 1:
        return apply_unary(rule, args[0])
    if n == 2:
        return apply_binary(rule, args[0], args[1])
    at = where(rule, "apply")
    return apply_nary(rule, tuple(a if isinstance(a, Value) else as_float(a, at, i) for i, a in enumerate(args)))


def apply_unary(rule: Rule, x: Any) -> Any:
    """:func:`apply` for a rule of one input (one Python call fewer, for hot loops)."""
    if x.__class__ is not Value and not isinstance(x, Value):  # a subclass's instance is a Value too
        return _constants_only(rule, (x,), None, "apply_unary")
    a = x.data
    try:
        out = rule.forward(a)
    except Exception as error:
        reraise(rule, error, (x,), "forward", "apply_unary")
    if out.__class__ is not float or not isfinite(out):
        out = checked_output(rule, out, (a,), (x,))
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._in1 = node._d1 = node._const = node._nary = node._mark = None
    try:
        partials = rule.partials(a, out)
    except Exception as error:
        reraise(rule, error, (x,), "partials", "apply_unary")
    try:
        (d0,) = partials
    except (TypeError, ValueError):
        raise wrong_partials(rule, partials, 1) from None
    if not rule._table_row and d0.__class__ is not float:  # a user's rule: see Rule._table_row
        d0 = checked_partials(rule, partials, (x,))[0]
    node._d0 = d0
    node._rule = rule
    node._in0 = x
    if _active:
        _in_mode(node)
    return node


def apply_binary(rule: Rule, x: Any, y: Any) -> Any:
    """:func:`apply` for a rule of two inputs."""
    xv = x.__class__ is Value
    yv = y.__class__ is Value
    if not (xv or yv):
        xv, yv = isinstance(x, Value), isinstance(y, Value)  # instances of a subclass are Values too
        if not (xv or yv):
            return _constants_only(rule, (x, y), None, "apply_binary")
    if xv:
        a = x.data
    elif x.__class__ is float:
        a = x
    elif isinstance(x, Value):
        xv, a = True, x.data
    else:
        a = as_float(x, where(rule, "apply_binary"), 0)
    if yv:
        b = y.data
    elif y.__class__ is float:
        b = y
    elif isinstance(y, Value):
        yv, b = True, y.data
    else:
        b = as_float(y, where(rule, "apply_binary"), 1)
    try:
        out = rule.forward(a, b)
    except Exception as error:
        reraise(rule, error, (x, y), "forward", "apply_binary")
    if out.__class__ is not float or not isfinite(out):
        out = checked_output(rule, out, (a, b), (x, y))
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._nary = node._mark = None
    try:
        partials = rule.partials(a, b, out)
    except Exception as error:
        reraise(rule, error, (x, y), "partials", "apply_binary")
    try:
        d0, d1 = partials
    except (TypeError, ValueError):
        raise wrong_partials(rule, partials, 2) from None
    if not rule._table_row and (d0.__class__ is not float or d1.__class__ is not float):
        d0, d1 = checked_partials(rule, partials, (x, y))
    node._rule = rule
    if xv:
        node._in0 = x
        node._d0 = d0
        if yv:
            node._in1 = y
            node._d1 = d1
            node._const = None
        else:
            node._in1 = node._d1 = None
            node._const = b
    else:
        node._in0 = node._d0 = None
        node._in1 = y
        node._d1 = d1
        node._const = a
    if _active:
        _in_mode(node)
    return node


_FLOATS = {float}


def apply_nary(rule: Rule, args: tuple[Any, ...]) -> Any:
    """:func:`apply` for a variadic rule, its inputs given as one tuple (not checked for arity).

    For hot loops whose inputs are all Values: only their ``.data`` is read on the fast
    path. Anything else (constants, bad inputs, errors) is classified input by input as
    in :func:`apply`; an object of another library that has a float ``.data`` is not
    detected here, so pass user input through :func:`apply` (``sum``, ``dot`` and
    ``affine`` do).
    """
    try:  # fast path: every input a Value
        values = [a.data for a in args]
        out = rule.forward(*values)
        fast = out.__class__ is float and isfinite(out)
    except Exception:
        fast = False
    if fast:
        parents, mask = args, None
    else:  # constants among the inputs, a bad input, an error or a non-finite result
        classified = _classify(rule, args)
        if classified.__class__ is float:
            return classified
        values, out, parents, mask = classified
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._in0 = node._d0 = node._in1 = node._d1 = node._const = node._mark = None
    try:
        partials = rule.partials(*values, out)
    except Exception as error:
        reraise(rule, error, args, "partials", "apply_nary")
    try:
        wrong = len(partials) != len(args)
    except TypeError:
        wrong = True
    if wrong:
        raise wrong_partials(rule, partials, len(args))
    if not rule._table_row and set(map(type, partials)) != _FLOATS:
        partials = checked_partials(rule, partials, args)
    node._rule = rule
    if mask is None:
        node._nary = (args, partials, args)
    else:
        inputs = tuple([a if m else v for a, v, m in zip(args, values, mask)])
        node._nary = (parents, tuple(compress(partials, mask)), inputs)
    if _active:
        _in_mode(node)
    return node


def _in_mode(node: Value) -> None:
    """A new node under a mode of this context: a leaf inside ``no_grad()``; shown to an observer."""
    mode = _modes._mode()
    if mode is None:
        return
    if not mode.record:
        node._rule = node._in0 = node._d0 = node._in1 = node._d1 = node._const = node._nary = None
    if mode.observer is not None:
        mode.observer.created(node)


def _classify(rule: Any, args: tuple[Any, ...]) -> Any:
    """Inputs of an n-ary rule one by one: ``(values, out, parents, mask)``, or a float if all are constants."""
    if rule.__class__ is not Rule:
        raise not_a_rule("apply_nary", rule)
    if not isinstance(args, (tuple, list)):
        raise TypeError(f"apply_nary: inputs must be a tuple, got {type(args).__name__} {args!r:.60}")
    mask = [isinstance(a, Value) for a in args]
    at = where(rule, "apply_nary")
    values = [a.data if m else as_float(a, at, i) for i, (a, m) in enumerate(zip(args, mask))]
    if not any(mask):
        return _constants_only(rule, args, values, "apply_nary")
    try:
        out = rule.forward(*values)
    except Exception as error:
        reraise(rule, error, args, "forward", "apply_nary")
    if out.__class__ is not float or not isfinite(out):
        out = checked_output(rule, out, values, args)
    return values, out, tuple(compress(args, mask)), mask


def _constants_only(rule: Any, args: tuple[Any, ...], values: Any, fn: str) -> float:
    """A rule applied to plain numbers: its float value, with the same checks and errors."""
    if rule.__class__ is not Rule:
        raise not_a_rule(fn, rule)
    if any(a.__class__ is Symbol for a in args):  # a rule's formula run on symbols (compile's source)
        return apply_symbolic(rule, args)
    if values is None:
        at = where(rule, fn)
        values = [as_float(a, at, i if len(args) > 1 else None) for i, a in enumerate(args)]
    try:
        out = rule.forward(*values)
    except Exception as error:
        reraise(rule, error, args, "forward", fn)
    if out.__class__ is not float or not isfinite(out):
        out = checked_output(rule, out, values, args)
    return out


def _restored(rule: Rule, data: float, grad: float, label: str, args: tuple[Any, ...], local: tuple[Any, ...]) -> Value:
    """A node as ``rule`` recorded it (unpickling): ``args`` are its inputs, ``local`` its local derivatives."""
    node = _new(Value)
    node.data, node.grad, node.label, node._rule, node._mark = data, grad, label, rule, None
    node._in0 = node._d0 = node._in1 = node._d1 = node._const = node._nary = None
    if rule.arity < 0:
        node._nary = (tuple(a for a in args if isinstance(a, Value)), local, args)
        return node
    slots = iter(local)
    for position, a in enumerate(args):
        if not isinstance(a, Value):
            node._const = float(a)
        elif position == 0:
            node._in0, node._d0 = a, next(slots)
        else:
            node._in1, node._d1 = a, next(slots)
    return node
