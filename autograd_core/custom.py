"""micrograd's view of a node (``_prev``, ``_op``, ``_backward``) and nodes with a user's closure.

Code written for micrograd reads a node through ``v._prev`` (the set of its parents),
``v._op`` (a short string: ``'+'``, ``'*'``, ``'**2'``, ``'ReLU'``, ``'tanh'``, ...) and
``v._backward()`` (one step of the backward loop). On this engine they are views of what a
node already stores, computed when read: no node carries anything for them.

micrograd code also *makes* nodes: ``out = Value(t, (self,), 'tanh')`` followed by
``out._backward = closure``, where the closure adds ``d out/d parent * out.grad`` to each
parent's ``.grad``. Such a *custom node* keeps, in the ``_nary`` slot every n-ary node has,
``(parents, (), parents, closure)``, and its rule is made for it (:func:`custom_rule`): the
name is the op string, and ``forward``/``partials`` raise, since the closure is all the
engine knows. ``backward()`` and ``grad()`` call the closure in topological order, as
micrograd does; the drawing and the functional sweeps read its local derivatives from one
probe call of the closure (:func:`probe`). What needs a formula (``compile``,
``grad(create_graph=True)``, pickling) says so, naming the node: write the operation as a
:class:`~autograd_core.rules.Rule` for those.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .rules import RULES, VARIADIC, Rule

if TYPE_CHECKING:
    from .value import Value

__all__ = ["micrograd_op", "custom_rule", "is_custom", "make_custom", "set_closure", "probe", "custom_error"]

_POW = RULES["pow"]
_SPELLING = {"relu": "ReLU", "square": "**2"}  # rule name -> micrograd's string, where they differ


def _number(c: float) -> str:
    """2.0 -> '2', -1.0 -> '-1', 0.5 -> '0.5' (as micrograd prints the exponent the user wrote)."""
    return str(int(c)) if c.is_integer() and abs(c) < 1e15 else repr(c)


def micrograd_op(node: Value) -> str:
    """micrograd's ``_op`` string for ``node``: its symbol for a binary rule (``'**2'`` for a constant
    exponent), ``'ReLU'``, else the rule's name (``'tanh'``, ``'exp'``, ``'affine'``); ``''`` for a leaf."""
    rule = node._rule
    if rule is None:
        return ""
    if is_custom(node):
        return rule.name  # the string its maker gave
    if rule is _POW and node._in1 is None and node._const is not None:
        return f"**{_number(node._const)}"
    if rule.arity == 2 and rule.symbol:
        return rule.symbol
    return _SPELLING.get(rule.name, rule.name)


def _describe(node: Value) -> str:
    label = f" '{node.label}'" if node.label else ""
    return f"custom node {node._rule.name if node._rule else ''!r}{label} (data={node.data!r})"


def custom_error(where: str, node: Value, cannot: str) -> TypeError:
    """The error for a use of a custom node that needs a formula its closure cannot give."""
    op = node._rule.name if node._rule is not None else ""
    return TypeError(
        f"{where}: {_describe(node)} has only a Python _backward closure, which {cannot}; "
        f"write {op or 'the operation'!r} as a Rule (forward and partials; see 'Adding a basic function' "
        f"in the docs) and apply it with autograd_core.apply"
    )


@functools.lru_cache(maxsize=256)
def custom_rule(op: str) -> Rule:
    """The rule of custom nodes whose op string is ``op``: a name for drawings; no formula to call."""

    def forward(*xs: float) -> float:
        raise TypeError(
            f"custom node {op!r}: its forward value is computed by the code that made it; there is no "
            f"formula to replay: write {op or 'the operation'!r} as a Rule"
        )

    def partials(*inputs_and_out: Any) -> tuple[Any, ...]:
        out = inputs_and_out[-1]
        if hasattr(out, "_rule"):
            raise custom_error("grad(create_graph=True)", out, "pushes floats and cannot be differentiated again")
        raise TypeError(f"custom node {op!r}: its local derivatives exist only as a _backward closure")

    return Rule(
        op,
        VARIADIC,
        forward,
        partials,
        f"{op or 'custom'}: a custom node; its backward step is the _backward closure set by the code that made it",
        (),
    )


def _nothing() -> None:
    """micrograd's default ``_backward``: push nothing (until the maker sets a closure)."""


def is_custom(node: Value) -> bool:
    """True for a node made as ``Value(data, children, op)`` (a closure does its backward step)."""
    n = node._nary
    return n is not None and len(n) == 4


def make_custom(node: Value, children: Iterable[Any], op: Any) -> None:
    """Turn the new leaf ``node`` into a custom node over ``children`` (each parent once, in order)."""
    from .modes import _mode
    from .value import Value, _in_mode

    if not isinstance(op, str):
        raise TypeError(f"Value: _op must be a str, got {type(op).__name__} {op!r:.60}")
    if isinstance(children, (str, bytes)) or not isinstance(children, Iterable):
        raise TypeError(f"Value: _children must be a tuple of Values, got {type(children).__name__} {children!r:.60}")
    parents: list[Value] = []
    seen: set[int] = set()
    for k, c in enumerate(children):
        if not isinstance(c, Value):
            raise TypeError(f"Value: _children[{k}] must be a Value, got {type(c).__name__} {c!r:.60}")
        if id(c) not in seen:
            seen.add(id(c))
            parents.append(c)
    if not parents:
        if op:
            raise ValueError(f"Value: _op {op!r} given without _children; a node made by an operation needs its inputs")
        return
    inputs = tuple(parents)
    node._rule = custom_rule(op)
    node._nary = (inputs, (), inputs, _nothing)
    if _mode() is not None:
        _in_mode(node)  # a leaf inside no_grad(); shown to an observer


def set_closure(node: Value, closure: Any) -> None:
    """``node._backward = closure``: the backward step of a custom node."""
    if not is_custom(node):
        from .modes import is_grad_enabled

        if node._rule is None and not is_grad_enabled():
            return  # made inside no_grad(): a leaf, nothing to push
        made = f"rule {node._rule.name!r}" if node._rule is not None else "no operation (a leaf)"
        raise AttributeError(
            f"Value._backward: only a node made as Value(data, _children, _op) takes a closure; this one was "
            f"made by {made}, whose backward step is fixed (call v._backward() or v.propagate() to run it)"
        )
    if not callable(closure):
        raise TypeError(f"Value._backward: expected a callable of no arguments, got {type(closure).__name__}")
    n = node._nary
    assert n is not None
    node._nary = (n[0], (), n[2], closure)


def closure_of(node: Value) -> Callable[[], None]:
    """The closure of a custom node."""
    n = node._nary
    assert n is not None
    closure: Callable[[], None] = n[3]
    return closure


def probe(node: Value) -> tuple[float, ...]:
    """A custom node's local derivatives d node/d parent: its closure run once with ``node.grad = 1``
    and the parents' grads at 0 (every ``.grad`` it touches is restored afterwards)."""
    from .graph import _lock

    n = node._nary
    assert n is not None
    parents, closure = n[0], n[3]
    with _lock:
        saved = [v.grad for v in parents]
        own = node.grad
        try:
            for p in parents:
                p.grad = 0.0
            node.grad = 1.0
            closure()
            return tuple(float(p.grad) for p in parents)
        finally:
            for p, g in zip(parents, saved):
                p.grad = g
            node.grad = own
