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

    Iterative depth-first post-order over parents in argument order: deterministic.
    """
    if root.__class__ is not Value:
        raise TypeError(f"topological_order: expected a Value, got {type(root).__name__}")
    return _post_order(root)


def _post_order(root: Value) -> list[Value]:
    """Depth-first post-order from ``root``, parents in argument order."""
    order: list[Value] = []
    finished: dict[Value, bool] = {}  # False while a node's parents are being visited
    stack = [root]
    while stack:
        v = stack[-1]
        state = finished.get(v)
        if state is None:
            finished[v] = False
            p = v._p0
            if p is None:
                pass
            elif p.__class__ is tuple:
                for q in reversed(p):
                    if q not in finished:
                        stack.append(q)
            else:
                q = v._p1
                if q is not None and q not in finished:
                    stack.append(q)
                if p not in finished:
                    stack.append(p)
            if stack[-1] is not v:
                continue
        stack.pop()
        if state is not True:
            finished[v] = True
            order.append(v)
    return order


def _interior_order(root: Value) -> list[Value]:
    """The interior nodes of :func:`topological_order`, in the same order.

    While ordering, it keeps its visit marks in ``.grad`` of interior nodes (cheaper than a
    dict of visited nodes); ``backward`` overwrites those gradients right after. The marks
    are fresh objects each call, and are cleared if the walk is interrupted.
    """
    opened, done = object(), object()
    order: list[Value] = []
    stack = [root]
    try:
        while stack:
            v = stack[-1]
            mark = v.grad
            if mark is opened:
                stack.pop()
                v.grad = done
                order.append(v)
                continue
            if mark is done:
                stack.pop()
                continue
            v.grad = opened
            p = v._p0
            if p.__class__ is tuple:
                for q in reversed(p):
                    if q._p0 is not None and q.grad is not done:
                        stack.append(q)
            else:
                q = v._p1
                if q is not None and q._p0 is not None and q.grad is not done:
                    stack.append(q)
                if p._p0 is not None and p.grad is not done:
                    stack.append(p)
    except BaseException:
        for v in order + stack:
            v.grad = 0.0
        raise
    return order


def backward(root: Value, gradient: float = 1.0) -> None:
    """Set ``node.grad`` to d root / d node for every node below ``root``.

    Interior nodes are overwritten (a second call does not double-count); leaves
    accumulate, as in PyTorch, so two roots that share leaves add up in them.
    """
    if root.__class__ is not Value:
        raise TypeError(f"backward: expected a Value, got {type(root).__name__}")
    seed = float(gradient)
    if root._p0 is None:
        root.grad += seed
        return
    order = _interior_order(root)
    for v in order:
        v.grad = 0.0
    root.grad = seed
    observer = _value._observer
    v = root
    try:
        for v in reversed(order):
            if observer is not None:
                observer.propagating(v)
            g = v.grad
            p = v._p0
            if p.__class__ is tuple:
                for q, d in zip(p, v._d0):
                    q.grad += d * g
            else:
                p.grad += v._d0 * g
                q = v._p1
                if q is not None:
                    q.grad += v._d1 * g
    except ValueError as error:  # an undefined local derivative was used
        raise type(error)(f"{error}{_value._describe(v.inputs)}") from None


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

