"""Traversal and the backward pass: the chain rule in reverse topological order.

Nothing here recurses and nothing here knows about individual basic functions: the
local derivatives were recorded at forward time (first order), or are rebuilt from the
rule table as Values (``create_graph=True``, higher order).
"""

from __future__ import annotations

from typing import Any, Sequence

from . import value as _value
from .value import Value

__all__ = ["topological_order", "backward", "grad"]


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, parents before children, ``root`` last.

    Iterative depth-first post-order; the order is deterministic (parents in argument
    order).
    """
    if root.__class__ is not Value:
        raise TypeError(f"topological_order: expected a Value, got {type(root).__name__}")
    order: list[Value] = []
    state: dict[Value, bool] = {}  # False: expanded, True: finished
    stack = [root]
    push = stack.append
    while stack:
        v = stack.pop()
        done = state.get(v)
        if done is None:
            state[v] = False
            push(v)
            p = v._p0
            if p is None:
                continue
            if p.__class__ is tuple:
                for q in reversed(p):
                    if q not in state:
                        push(q)
            else:
                q = v._p1
                if q is not None and q not in state:
                    push(q)
                if p not in state:
                    push(p)
        elif not done:
            state[v] = True
            order.append(v)
    return order


def backward(root: Value, gradient: float = 1.0) -> None:
    """Set ``node.grad`` to d root / d node for every node below ``root``.

    Interior nodes are overwritten (a second call does not double-count); leaves
    accumulate, as in PyTorch, so two roots that share leaves add up in them.
    """
    order = topological_order(root)
    for v in order:
        if v._p0 is not None:
            v.grad = 0.0
    root.grad += float(gradient)
    observer = _value._observer
    for v in reversed(order):
        p = v._p0
        if p is None:
            continue
        if observer is not None:
            observer.propagating(v)
        g = v.grad
        if p.__class__ is tuple:
            for q, d in zip(p, v._d0):
                q.grad += d * g
        else:
            p.grad += v._d0 * g
            q = v._p1
            if q is not None:
                q.grad += v._d1 * g


def grad(
    output: Value,
    inputs: Value | Sequence[Value],
    create_graph: bool = False,
) -> Any:
    """d output / d input for each input, without touching any ``.grad``.

    Returns floats, or with ``create_graph=True`` Values that are themselves
    differentiable (for second and higher derivatives). A single Value as ``inputs``
    gives a single result; a sequence gives a list. An input ``output`` does not depend
    on gets 0.
    """
    single = inputs.__class__ is Value
    wanted: list[Value] = [inputs] if single else list(inputs)  # type: ignore[list-item]
    for x in [output, *wanted]:
        if x.__class__ is not Value:
            raise TypeError(f"grad: expected Values, got {type(x).__name__} {x!r:.60}")
    order = topological_order(output)
    if create_graph:
        grads = _grads_as_values(order, output)
        result: list[Any] = [_as_value(grads.get(x, 0.0)) for x in wanted]
    else:
        grads = _grads_as_floats(order, output)
        result = [grads.get(x, 0.0) for x in wanted]
    return result[0] if single else result


def _grads_as_floats(order: list[Value], output: Value) -> dict[Value, float]:
    grads: dict[Value, float] = {output: 1.0}
    get = grads.get
    for v in reversed(order):
        g = get(v)
        if g is None or v._p0 is None:
            continue
        for q, d in zip(v.parents, v.local_grads):
            grads[q] = get(q, 0.0) + d * g
    return grads


def _grads_as_values(order: list[Value], output: Value) -> dict[Value, Any]:
    """Backward pass whose local derivatives are rebuilt as Values from the rule table."""
    grads: dict[Value, Any] = {output: 1.0}
    get = grads.get
    for v in reversed(order):
        g = get(v)
        if g is None or v._fn is None:
            continue
        args = v.inputs
        partials = v._fn.partials(*args, v)
        for x, d in zip(args, partials):
            if x.__class__ is Value:
                contribution = d if (g.__class__ is float and g == 1.0) else d * g
                previous = get(x)
                grads[x] = contribution if previous is None else previous + contribution
    return grads


def _as_value(x: Any) -> Value:
    return x if x.__class__ is Value else Value(x)

