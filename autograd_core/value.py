"""The ``Value`` node and the one generic way to apply a basic function to it.

A node stores its float ``data``, its ``grad``, and, when a basic function made it, the
function's :class:`~autograd_core.rules.Rule` and, for each Value input, the local
derivative computed at forward time. Nodes hold no closures, so a dropped graph is freed
by reference counting alone. Modes (:func:`no_grad`, observers such as
``detect_anomaly``, :func:`watch_comparisons`) live in a :class:`contextvars.ContextVar`:
a mode entered in one thread or asyncio task never reaches another.
"""

from __future__ import annotations

import numbers
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import compress
from typing import Any, NamedTuple

from .rules import RULES, Rule, Undefined

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


# --- modes: per thread and per asyncio task -------------------------------------------


class _Mode(NamedTuple):
    record: bool = True  # False inside no_grad(): results are new leaves
    observer: Any = None  # created(node) / propagating(node), e.g. detect_anomaly
    watcher: Callable[..., None] | None = None  # sees comparisons, bool() and float() of Values


_DEFAULT = _Mode()
_MODE: ContextVar[_Mode] = ContextVar("autograd_core.mode", default=_DEFAULT)
_current_mode = _MODE.get

# How many mode blocks are open in any thread or task. While it is 0 every context is in
# the default mode, and the hot paths skip the context-variable look-up altogether.
_active = 0
_active_lock = threading.Lock()


def _count(delta: int) -> None:
    global _active
    with _active_lock:
        _active += delta


def _mode() -> _Mode | None:
    """The current context's mode, or ``None`` for the default (record, no observer)."""
    if not _active:
        return None
    mode = _current_mode()
    return None if mode is _DEFAULT else mode


@contextmanager
def _entered(**changes: Any) -> Iterator[_Mode]:
    _count(1)
    mode = _current_mode()._replace(**changes)
    token = _MODE.set(mode)
    try:
        yield mode
    finally:
        _MODE.reset(token)
        _count(-1)


def is_grad_enabled() -> bool:
    """Whether basic functions record their inputs here (see :func:`no_grad`)."""
    return _current_mode().record


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block (this thread or task only), results are new leaves: nothing to backpropagate."""
    with _entered(record=False):
        yield


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record again inside a :func:`no_grad` block (this thread or task only)."""
    with _entered(record=True):
        yield


@contextmanager
def observing(observer: Any) -> Iterator[None]:
    """Install ``observer`` for this block (this thread or task only); see :func:`set_observer`."""
    with _entered(observer=observer):
        yield


def get_observer() -> Any:
    """The observer installed in the current context, or ``None``."""
    return _current_mode().observer


def set_observer(observer: Any) -> Any:
    """Install ``observer`` (or ``None``) in the current context and return the previous one.

    An observer has ``created(node)``, called for every node a basic function makes, and
    ``propagating(node)``, called by ``backward`` just before a node's gradient is pushed to
    its parents. ``autograd_core.testing.detect_anomaly`` is built on it. Prefer
    :func:`observing`, which restores the previous observer by itself.
    """
    mode = _current_mode()
    previous = mode.observer
    if (previous is None) != (observer is None):
        _count(1 if observer is not None else -1)
    _MODE.set(mode._replace(observer=observer))
    return previous


@contextmanager
def watch_comparisons(callback: Callable[[str, Any, Any, Any], None]) -> Iterator[None]:
    """Inside this block, ``callback(op, left, right, result)`` sees how Python code reads Values.

    ``op`` is ``"lt" "le" "gt" "ge" "eq" "ne"`` for a comparison (``left`` is the Value whose
    method ran), ``"bool"`` for ``bool(v)`` and ``"float"`` for ``float(v)``, ``round``,
    format specs and ``v.item()`` (``right`` is ``None``). ``compile`` records these as guards.
    """
    if not callable(callback):
        raise TypeError(f"watch_comparisons: callback must be callable, got {type(callback).__name__}")
    with _entered(watcher=callback):
        yield


def _watch(op: str, left: Value, right: Any, result: Any) -> Any:
    mode = _mode()
    if mode is not None and mode.watcher is not None:
        mode.watcher(op, left, right, result)
    return result


# --- inputs and errors -------------------------------------------------------------------


def _where(rule: Any, fn: str) -> tuple[str, str]:
    """How an input error names the call: the rule, and the engine function that applied it."""
    return (rule.name, fn) if rule.__class__ is Rule else (fn, fn)


def _as_float(x: Any, where: str | tuple[str, str], position: int | None = None) -> float:
    """``x`` as a float, or a ``TypeError`` naming ``where`` (the operation, or the operation and
    the engine function applying it) and the argument position."""
    if x.__class__ is float:
        return x
    if isinstance(x, Undefined):
        x.fail()
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        return float(x)
    kind = "a Value inside a Value" if isinstance(x, Value) else type(x).__name__
    name, fn = (where, "") if isinstance(where, str) else where
    at = "" if position is None else f"argument {position}"
    at = f" ({at} of {fn})" if fn and at else f" ({at or fn})" if at or fn else ""
    raise TypeError(f"{name}: expected an int, float or Value{at}, got {kind} {x!r:.60}")


def _describe(args: tuple[Any, ...]) -> str:
    labels = [f"'{a.label}'" for a in args if a.__class__ is Value and a.label]
    return f" (input {', '.join(labels)})" if labels else ""


_OWN_ERRORS = (ValueError, ZeroDivisionError, OverflowError, ArithmeticError, FloatingPointError)


def _not_a_rule(fn: str, rule: Any) -> TypeError:
    return TypeError(f"{fn}: expected a Rule, got {type(rule).__name__} {rule!r:.60}")


def _reraise(rule: Any, error: Exception, args: tuple[Any, ...], stage: str, fn: str) -> None:
    """Re-raise ``error`` from ``rule.<stage>`` with the inputs named.

    The table's own domain errors (plain ``ValueError``/``ArithmeticError``) get the input
    labels appended to their message; any other exception, a user's rule's included,
    propagates with its own type and gets the context as an exception note.
    """
    if rule.__class__ is not Rule:
        raise _not_a_rule(fn, rule) from None
    if type(error) in _OWN_ERRORS and len(error.args) == 1 and isinstance(error.args[0], str):
        raise type(error)(f"{error}{_describe(args)}") from None
    shown = ", ".join(repr(a.data) if a.__class__ is Value else repr(a) for a in args)
    error.add_note(f"raised by rule {rule.name!r}.{stage} on inputs ({shown}){_describe(args)}")
    raise error


def _wrong_partials(rule: Rule, partials: Any, n: int) -> TypeError:
    got = f"{len(partials)}" if isinstance(partials, tuple) else f"a {type(partials).__name__}"
    return TypeError(f"{rule.name}: partials must return a tuple of {n} local derivatives, got {got}")


def _checked_output(rule: Rule, out: Any, values: Any, args: tuple[Any, ...]) -> float:
    """A forward result that is not a finite float: convert it, or say what is wrong."""
    if out.__class__ is not float:
        if not isinstance(out, numbers.Real) or isinstance(out, bool):
            raise TypeError(f"{rule.name}: forward must return a float, got {type(out).__name__} {out!r:.60}")
        out = float(out)
    if out - out != 0.0 and all(v - v == 0.0 for v in values):  # finite in, inf or nan out
        shown = ", ".join(repr(v) for v in values)
        raise OverflowError(f"{rule.name}: result overflows for finite input ({shown}){_describe(args)}")
    return out


class Value:
    """A scalar that remembers how it was computed, for reverse-mode differentiation.

    ``Value(data, label="")``: ``data`` is stored as a float; ``grad`` starts at 0.0 and
    holds d(root)/d(self) after ``root.backward()``. Plain numbers in expressions are
    constants, not nodes.

    :param data: the number (an int, float or anything ``float()`` accepts exactly); stored as ``float``.
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
    #   _nary        an n-ary rule's (parents, local derivatives, all inputs); else None
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
    _nary: tuple[tuple[Value, ...], tuple[Any, ...], tuple[Any, ...]] | None
    _mark: object

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = _as_float(data, "Value")
        self.grad = 0.0
        if not isinstance(label, str):
            raise TypeError(f"Value: label must be a str, got {type(label).__name__}")
        self.label = label
        self._rule = None
        self._in0 = self._d0 = self._in1 = self._d1 = self._const = self._nary = self._mark = None

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
        """d self / d parent for each entry of :attr:`parents`, as computed at forward time."""
        if self._nary is not None:
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

    # --- comparisons compare data and return bools; hashing stays by identity ----------

    def __eq__(self, other: object) -> bool:
        return _watch("eq", self, other, self.data == _data(other)) if _active else self.data == _data(other)

    def __ne__(self, other: object) -> bool:
        return _watch("ne", self, other, self.data != _data(other)) if _active else self.data != _data(other)

    def __lt__(self, other: Value | Number) -> bool:
        return _watch("lt", self, other, self.data < _data(other)) if _active else self.data < _data(other)

    def __le__(self, other: Value | Number) -> bool:
        return _watch("le", self, other, self.data <= _data(other)) if _active else self.data <= _data(other)

    def __gt__(self, other: Value | Number) -> bool:
        return _watch("gt", self, other, self.data > _data(other)) if _active else self.data > _data(other)

    def __ge__(self, other: Value | Number) -> bool:
        return _watch("ge", self, other, self.data >= _data(other)) if _active else self.data >= _data(other)

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

    # --- pickle: a graph is stored flat, in topological order (no recursion) ----------

    def __reduce__(self) -> tuple[Any, ...]:
        if self._rule is None:
            return (_leaf, (self.data, self.label, self.grad))
        from .graph import topological_order

        order = topological_order(self)
        index = {id(v): i for i, v in enumerate(order)}
        records: list[Any] = []
        for v in order:
            if v._rule is None:
                records.append(v)  # leaves keep their identity across one pickle
            else:
                inputs = tuple(("node", index[id(a)]) if a.__class__ is Value else a for a in v.inputs)
                records.append((v._rule, v.data, v.grad, v.label, inputs, v.local_grads))
        return (_graph, (records,))


def _data(x: Any) -> Any:
    return x.data if x.__class__ is Value else x


def data_of(x: Value | Number) -> float:
    """``x.data`` for a Value, ``float(x)`` for a number (read without a ``float`` event)."""
    return x.data if isinstance(x, Value) else float(x)


def _leaf(data: float, label: str, grad: float) -> Value:
    v = Value(data, label)
    v.grad = grad
    return v


def _graph(records: list[Any]) -> Value:
    """Rebuild a pickled graph from its flat records; returns the root (the last one)."""
    nodes: list[Value] = []
    for record in records:
        if record.__class__ is Value:
            nodes.append(record)
            continue
        rule, data, grad, label, inputs, local = record
        args = tuple(nodes[a[1]] if a.__class__ is tuple else a for a in inputs)
        node = _new(Value)
        node.data, node.grad, node.label, node._rule, node._mark = data, grad, label, rule, None
        node._in0 = node._d0 = node._in1 = node._d1 = node._const = node._nary = None
        if rule.arity < 0:
            parents = tuple(a for a in args if a.__class__ is Value)
            node._nary = (parents, tuple(local), args)
        else:
            slots = iter(local)
            for position, a in enumerate(args):
                if a.__class__ is not Value:
                    node._const = float(a)
                elif position == 0:
                    node._in0, node._d0 = a, next(slots)
                else:
                    node._in1, node._d1 = a, next(slots)
        nodes.append(node)
    return nodes[-1]


_new = object.__new__


# --- applying a rule: the only place nodes are made ------------------------------------


def apply(rule: Rule, *args: Value | Number) -> Value | float:
    """Apply a basic function to Values and constants, recording local derivatives.

    This is the only way nodes are made from a rule, and it knows nothing about any
    particular function. With no Value among the inputs the result is a plain float.
    Each input is checked by its own type: Values are recorded, real numbers (numpy
    scalars included) are constants, anything else is a ``TypeError`` naming its position.
    """
    if rule.__class__ is not Rule:
        raise _not_a_rule("apply", rule)
    n = len(args)
    if rule.arity >= 0 and rule.arity != n:
        raise TypeError(f"{rule.name}: expected {rule.arity} inputs, got {n}")
    if n == 1:
        return apply_unary(rule, args[0])
    if n == 2:
        return apply_binary(rule, args[0], args[1])
    where = _where(rule, "apply")
    return apply_nary(rule, tuple(a if a.__class__ is Value else _as_float(a, where, i) for i, a in enumerate(args)))


def apply_unary(rule: Rule, x: Any) -> Any:
    """:func:`apply` for a rule of one input (one Python call fewer, for hot loops)."""
    if x.__class__ is not Value:
        return _constants_only(rule, (x,), None, "apply_unary")
    a = x.data
    try:
        out = rule.forward(a)
    except Exception as error:
        _reraise(rule, error, (x,), "forward", "apply_unary")
    if out.__class__ is not float or out - out != 0.0:
        out = _checked_output(rule, out, (a,), (x,))
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._in1 = node._d1 = node._const = node._nary = node._mark = None
    try:
        partials = rule.partials(a, out)
    except Exception as error:
        _reraise(rule, error, (x,), "partials", "apply_unary")
    try:
        (node._d0,) = partials
    except (TypeError, ValueError):
        raise _wrong_partials(rule, partials, 1) from None
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
        return _constants_only(rule, (x, y), None, "apply_binary")
    a = x.data if xv else (x if x.__class__ is float else _as_float(x, _where(rule, "apply_binary"), 0))
    b = y.data if yv else (y if y.__class__ is float else _as_float(y, _where(rule, "apply_binary"), 1))
    try:
        out = rule.forward(a, b)
    except Exception as error:
        _reraise(rule, error, (x, y), "forward", "apply_binary")
    if out.__class__ is not float or out - out != 0.0:
        out = _checked_output(rule, out, (a, b), (x, y))
    node = _new(Value)
    node.data = out
    node.grad = 0.0
    node.label = ""
    node._nary = node._mark = None
    try:
        partials = rule.partials(a, b, out)
    except Exception as error:
        _reraise(rule, error, (x, y), "partials", "apply_binary")
    try:
        d0, d1 = partials
    except (TypeError, ValueError):
        raise _wrong_partials(rule, partials, 2) from None
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
        fast = out.__class__ is float and out - out == 0.0
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
        _reraise(rule, error, args, "partials", "apply_nary")
    try:
        wrong = len(partials) != len(args)
    except TypeError:
        wrong = True
    if wrong:
        raise _wrong_partials(rule, partials, len(args))
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
    mode = _mode()
    if mode is None:
        return
    if not mode.record:
        node._rule = node._in0 = node._d0 = node._in1 = node._d1 = node._const = node._nary = None
    if mode.observer is not None:
        mode.observer.created(node)


def _classify(rule: Any, args: tuple[Any, ...]) -> Any:
    """Inputs of an n-ary rule one by one: ``(values, out, parents, mask)``, or a float if all are constants."""
    if rule.__class__ is not Rule:
        raise _not_a_rule("apply_nary", rule)
    if not isinstance(args, (tuple, list)):
        raise TypeError(f"apply_nary: inputs must be a tuple, got {type(args).__name__} {args!r:.60}")
    mask = [a.__class__ is Value for a in args]
    where = _where(rule, "apply_nary")
    values = [a.data if m else _as_float(a, where, i) for i, (a, m) in enumerate(zip(args, mask))]
    if not any(mask):
        return _constants_only(rule, args, values, "apply_nary")
    try:
        out = rule.forward(*values)
    except Exception as error:
        _reraise(rule, error, args, "forward", "apply_nary")
    if out.__class__ is not float or out - out != 0.0:
        out = _checked_output(rule, out, values, args)
    return values, out, tuple(compress(args, mask)), mask


def _constants_only(rule: Any, args: tuple[Any, ...], values: Any, fn: str) -> float:
    """A rule applied to plain numbers: its float value, with the same checks and errors."""
    if rule.__class__ is not Rule:
        raise _not_a_rule(fn, rule)
    if values is None:
        where = _where(rule, fn)
        values = [_as_float(a, where, i if len(args) > 1 else None) for i, a in enumerate(args)]
    try:
        out = rule.forward(*values)
    except Exception as error:
        _reraise(rule, error, args, "forward", fn)
    if out.__class__ is not float or out - out != 0.0:
        out = _checked_output(rule, out, values, args)
    return out
