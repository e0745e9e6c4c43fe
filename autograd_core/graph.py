"""Traversal and the backward pass: the chain rule in reverse topological order.

Nothing here recurses and nothing here knows about individual basic functions: the
local derivatives were recorded at forward time (first order), or are rebuilt from the
rule table as Values (``create_graph=True``, higher order).

One traversal (:func:`_walk`) orders nodes for every user: ``backward``, ``grad``,
``topological_order`` (drawings, node counts, ``compile``). It keeps its visit marks in
the node's own ``_mark`` slot, as fresh objects per call, so an interrupted walk leaves
nothing that a later one could mistake for its own. Walks and backward passes hold one
re-entrant lock: two threads calling ``backward()`` on graphs that share nodes run one
after the other and both get exact gradients.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from ._errors import as_float, describe
from .modes import _mode
from .rules import Undefined
from .value import Value

__all__ = ["topological_order", "backward", "grad", "propagate"]

_lock = threading.RLock()


def topological_order(root: Value | Sequence[Value]) -> list[Value]:
    """Every node ``root`` depends on, parents before children, ``root`` last.

    Iterative depth-first post-order over parents in argument order: deterministic. Given
    several roots, one walk over all of them: each node once, shared subgraphs walked once.
    """
    if isinstance(root, Value):
        return _walk([root], True)
    if isinstance(root, (str, bytes)) or not isinstance(root, Sequence):
        raise TypeError(
            f"topological_order: expected a Value or a sequence of Values, got {type(root).__name__} {root!r:.60}"
        )
    for k, r in enumerate(root):
        if not isinstance(r, Value):
            raise TypeError(f"topological_order: root {k} is {type(r).__name__} {r!r:.60}, not a Value")
    return _walk(list(root), True)


def _walk(roots: list[Value], leaves: bool) -> list[Value]:
    """Depth-first post-order from ``roots`` (parents in argument order); leaves only if ``leaves``."""
    opened, done = object(), object()
    order: list[Value] = []
    stack = roots[::-1]
    push = stack.append
    with _lock:
        while stack:
            v = stack[-1]
            mark = v._mark
            if mark is opened:
                stack.pop()
                v._mark = done
                order.append(v)
                continue
            if mark is done:
                stack.pop()
                continue
            v._mark = opened
            n = v._nary
            if n is not None:
                for q in reversed(n[0]):
                    if q._mark is not done and (leaves or q._rule is not None):
                        push(q)
            else:
                q1 = v._in1
                if q1 is not None and q1._mark is not done and (leaves or q1._rule is not None):
                    push(q1)
                q0 = v._in0
                if q0 is not None and q0._mark is not done and (leaves or q0._rule is not None):
                    push(q0)
    return order


def _push(order: list[Value], observer: Any) -> None:
    """The first-order backward loop: each node's ``.grad`` times its local derivatives, to its parents.

    ``order`` lists interior nodes, parents first; their ``.grad`` already holds the seed
    (the root) or 0.0. ``observer.propagating(node)`` runs before each node is pushed.
    """
    v = None
    try:
        for v in reversed(order):
            if observer is not None:
                observer.propagating(v)
            g = v.grad
            n = v._nary
            if n is None:
                p = v._in0
                if p is not None:
                    p.grad += v._d0 * g
                p = v._in1
                if p is not None:
                    p.grad += v._d1 * g
            else:
                for p, d in zip(n[0], n[1]):
                    p.grad += d * g
                if len(n) == 4:  # a custom node (see custom.py): its maker's closure does the step
                    n[3]()
    except ValueError as error:  # an undefined local derivative was used
        if v is None or len(v._nary or ()) == 4 or not any(isinstance(d, Undefined) for d in v.local_grads):
            raise
        raise type(error)(f"{error}{describe(v.inputs)}") from None


def propagate(node: Value) -> None:
    """One step of the backward loop: ``p.grad += (d node/d p) * node.grad`` for each parent p.

    micrograd's ``node._backward()``; the loop of :func:`backward` runs it for every node,
    children before parents. A leaf has nothing to push.
    """
    if not isinstance(node, Value):
        raise TypeError(f"propagate: expected a Value, got {type(node).__name__} {node!r:.60}")
    if node._rule is None:
        return
    with _lock:
        _push([node], None)


def backward(root: Value, gradient: float = 1.0) -> None:
    """Set ``node.grad`` to d root / d node for every node below ``root``.

    Interior nodes are overwritten (a second call does not double-count); leaves
    accumulate, as in PyTorch, so two roots that share leaves add up in them.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward: expected a Value, got {type(root).__name__} {root!r:.60}")
    seed = as_float(gradient, "backward: gradient")
    mode = _mode()
    observer = mode.observer if mode is not None else None
    with _lock:
        if root._rule is None:
            root.grad += seed
            return
        order = _walk([root], False)
        for v in order:
            v.grad = 0.0
        root.grad = seed
        _push(order, observer)


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
    single = isinstance(inputs, Value)
    if not single and (isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence)):
        raise TypeError(f"grad: inputs must be a Value or a sequence of Values, got {type(inputs).__name__}")
    wanted: list[Value] = [inputs] if isinstance(inputs, Value) else list(inputs)
    for x in [output, *wanted]:
        if not isinstance(x, Value):
            raise TypeError(f"grad: expected Values, got {type(x).__name__} {x!r:.60}")
    if not isinstance(create_graph, bool):
        raise TypeError(f"grad: create_graph must be a bool, got {type(create_graph).__name__}")
    if create_graph:
        grads = _grads_as_values(topological_order(output), output)
        result: list[Any] = [_as_value(grads.get(x, 0.0)) for x in wanted]
    else:
        result = _grads_as_floats(output, wanted)
    return result[0] if single else result


def _grads_as_floats(output: Value, wanted: list[Value]) -> list[float]:
    """The backward loop on the graph's own ``.grad`` slots, which are restored afterwards."""
    with _lock:
        order = _walk([output], True)
        saved = [v.grad for v in order]
        try:
            for v in order:
                v.grad = 0.0
            output.grad = 1.0
            _push([v for v in order if v._rule is not None], None)
            done = output._mark
            return [x.grad if x._mark is done else 0.0 for x in wanted]
        finally:
            for v, g in zip(order, saved):
                v.grad = g


def _grads_as_values(order: list[Value], output: Value) -> dict[Value, Any]:
    """Backward pass whose local derivatives are rebuilt as Values from the rule table."""
    grads: dict[Value, Any] = {output: 1.0}
    get = grads.get
    for v in reversed(order):
        g = get(v)
        rule = v.rule
        if g is None or rule is None:
            continue
        args = v.inputs
        partials = rule.partials(*args, v)
        for x, d in zip(args, partials):
            if not isinstance(x, Value):
                continue
            if isinstance(d, Undefined):
                try:
                    d.fail()
                except ValueError as error:
                    raise ValueError(f"{error}{describe(args)}") from None
            contribution = d if (g.__class__ is float and g == 1.0) else d * g
            previous = get(x)
            grads[x] = contribution if previous is None else previous + contribution
    return grads


def _as_value(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x)
