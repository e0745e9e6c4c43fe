"""Pickling a graph: no recursion however deep it is, shared nodes stored once.

``Value.__reduce__`` calls :func:`reduce`. A leaf is pickled as ``(data, label, grad)``. The
first node of a graph that a pickle meets is stored *deep*: the nodes below it that the
pickle has not stored yet, parents first, then the node itself. Each of those is stored
*shallow*: its rule, numbers and inputs, which are already in the pickle by then, so the
pickler only writes a reference to them (its memo does that by identity, for leaves and
nodes alike). A second root, or the next node of a list, only adds the nodes not stored
yet: a pickle of several roots keeps the nodes they share (identity and gradients), and its
size is linear in the number of nodes.

Which nodes a pickle stored is remembered per node with a generation number: a pickler
calls ``__reduce__`` only for objects it has not stored, so a node marked as stored whose
``__reduce__`` is called again shows that a new pickle began, and every mark is dropped.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .value import Value

__all__ = ["reduce"]

_PENDING, _STORED = 0, 1
_marks: weakref.WeakKeyDictionary[Value, tuple[int, int]] = weakref.WeakKeyDictionary()
_generation = [0]


def reduce(node: Value) -> tuple[Any, ...]:
    """``node.__reduce__()``: a leaf; a node whose inputs are stored before it (shallow); or the
    nodes below ``node`` not stored yet, then ``node`` (deep)."""
    if node.is_leaf():
        return (_leaf, (node.data, node.label, node.grad))
    from .custom import custom_error, is_custom

    if is_custom(node):
        raise custom_error("pickle", node, "is code, not data")
    fields = (node.rule, node.data, node.grad, node.label, node.inputs, node.local_grads)
    mark = _marks.get(node)
    if mark is not None and mark[0] == _generation[0]:
        if mark[1] == _PENDING:  # listed by a deep node: its inputs precede it
            _marks[node] = (_generation[0], _STORED)
            return (_restored_node, fields)
        _generation[0] += 1  # stored by an earlier pickle, not by this one: forget every mark
    generation = _generation[0]
    below = _unstored_below(node, generation)
    for v in below:
        _marks[v] = (generation, _PENDING)
    _marks[node] = (generation, _STORED)
    return (_deep, (below, *fields))


def _unstored_below(node: Value, generation: int) -> list[Value]:
    """The nodes (not leaves) ``node`` depends on, parents first, stopping at stored ones."""
    from .custom import custom_error, is_custom

    order: list[Value] = []
    seen = {id(node)}
    stack: list[tuple[Value, bool]] = [(p, False) for p in reversed(node.parents)]
    while stack:
        v, done = stack.pop()
        if done:
            order.append(v)
            continue
        if id(v) in seen or v.is_leaf() or _marks.get(v) == (generation, _STORED):
            continue
        if is_custom(v):
            raise custom_error("pickle", v, "is code, not data")
        seen.add(id(v))
        stack.append((v, True))
        stack.extend((p, False) for p in reversed(v.parents))
    return order


def _leaf(data: float, label: str, grad: float) -> Value:
    from .value import Value

    v = Value(data, label)
    v.grad = grad
    return v


def _restored_node(rule: Any, data: float, grad: float, label: str, args: tuple[Any, ...], local: Any) -> Value:
    from .value import _restored

    return _restored(rule, data, grad, label, tuple(args), tuple(local))


def _deep(below: list[Value], *fields: Any) -> Value:
    """The node itself; ``below`` (already rebuilt, in order) only fixed the order of the pickle."""
    return _restored_node(*fields)


def _graph(records: list[Any]) -> Value:
    """Rebuild a graph pickled flat by earlier versions; returns the root (the last record)."""
    from .value import Value, _restored

    nodes: list[Value] = []
    for record in records:
        if isinstance(record, Value):
            nodes.append(record)
            continue
        rule, data, grad, label, inputs, local = record
        args = tuple(nodes[a[1]] if a.__class__ is tuple else a for a in inputs)
        nodes.append(_restored(rule, data, grad, label, args, tuple(local)))
    return nodes[-1]
