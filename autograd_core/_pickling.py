"""Pickling a graph: stored flat, in topological order, so a deep graph needs no recursion.

``Value.__reduce__`` calls :func:`reduce`. A leaf is pickled as ``(data, label, grad)``. A
node made by a rule is pickled with the whole graph below it: one record per node,
parents first, each input an index into the records or a constant; leaves are pickled as
themselves so they keep their identity within one pickle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .value import Value

__all__ = ["reduce"]


def reduce(node: Value) -> tuple[Any, ...]:
    """``node.__reduce__()``: a leaf, or the flat records of the graph it roots."""
    if node.is_leaf():
        return (_leaf, (node.data, node.label, node.grad))
    from .graph import topological_order
    from .value import Value

    order = topological_order(node)
    index = {id(v): i for i, v in enumerate(order)}
    records: list[Any] = []
    for v in order:
        if v.is_leaf():
            records.append(v)  # leaves keep their identity across one pickle
        else:
            inputs = tuple(("node", index[id(a)]) if a.__class__ is Value else a for a in v.inputs)
            records.append((v.rule, v.data, v.grad, v.label, inputs, v.local_grads))
    return (_graph, (records,))


def _leaf(data: float, label: str, grad: float) -> Value:
    from .value import Value

    v = Value(data, label)
    v.grad = grad
    return v


def _graph(records: list[Any]) -> Value:
    """Rebuild a pickled graph from its flat records; returns the root (the last one)."""
    from .value import Value, _restored

    nodes: list[Value] = []
    for record in records:
        if record.__class__ is Value:
            nodes.append(record)
            continue
        rule, data, grad, label, inputs, local = record
        args = tuple(nodes[a[1]] if a.__class__ is tuple else a for a in inputs)
        nodes.append(_restored(rule, data, grad, label, args, tuple(local)))
    return nodes[-1]
