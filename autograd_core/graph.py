"""Traversal and the backward pass: the chain rule in reverse topological order.

Nothing here recurses and nothing here knows about individual basic functions: the
local derivatives were recorded at forward time (first order), or are rebuilt from the
rule table as Values (``create_graph=True``, higher order).

Two loops, each written once. :func:`_push` is the first-order backward pass on the
nodes' own ``.grad`` slots (``backward``, ``grad``). :func:`pull_back` is the same chain
rule on a dictionary of adjoints, so it can carry Values: ``grad(create_graph=True)`` runs
it with local derivatives rebuilt as Values, the functional sweeps (``vjp``, ``jacobian``)
with the recorded ones.

One traversal (:func:`_walk`) orders nodes for every user: ``backward``, ``grad``,
``topological_order`` (drawings, node counts, ``compile``). It keeps its visit marks in
the node's own ``_mark`` slot, as fresh objects per call, so an interrupted walk leaves
nothing that a later one could mistake for its own. Walks and backward passes hold one
re-entrant lock: two threads calling ``backward()`` on graphs that share nodes run one
after the other and both get exact gradients.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._errors import as_float, describe
from ._locks import InterruptSafeLock
from .modes import _mode
from .rules import Undefined
from .value import Value

__all__ = ["topological_order", "backward", "grad", "propagate", "pull_back"]

_lock = InterruptSafeLock()  # a re-entrant lock that an interrupted pass cannot leave held


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
        if v is not None and len(v._nary or ()) == 4:
            raise
        _name_the_inputs(error, v, v.local_grads if v is not None else ())


def _name_the_inputs(error: ValueError, v: Value | None, partials: Any) -> None:
    """Re-raise ``error``; if it came from an undefined local derivative of ``v``, with ``v``'s inputs named."""
    if v is None or not any(isinstance(d, Undefined) for d in partials):
        raise error
    raise type(error)(f"{error}{describe(v.inputs)}") from None


def _recorded(v: Value) -> tuple[tuple[Value, ...], tuple[Any, ...]]:
    """``v``'s parents and the local derivatives recorded at forward time."""
    return v.parents, v.local_grads


def _rebuilt(v: Value) -> tuple[tuple[Value, ...], tuple[Any, ...]]:
    """``v``'s parents and its local derivatives computed again from the rule on Values (differentiable)."""
    rule = v.rule
    if rule is None:
        return (), ()
    args = v.inputs
    pairs = [(x, d) for x, d in zip(args, rule.partials(*args, v)) if isinstance(x, Value)]
    return tuple(x for x, _ in pairs), tuple(d for _, d in pairs)


def pull_back(
    order: list[Value],
    seeds: dict[Value, Any],
    local: Callable[[Value], tuple[tuple[Value, ...], tuple[Any, ...]]] = _recorded,
) -> dict[Value, Any]:
    """Adjoints x̄_v of every node in ``order`` that a seeded node depends on: the chain rule
    x̄_p += (∂v/∂p) x̄_v in reverse topological order, on a dictionary (``.grad`` is not touched).

    ``seeds`` maps output nodes to their cotangents (floats or Values); ``local(v)`` gives
    ``v``'s parents and local derivatives: recorded at forward time (floats) by default.
    A node no seed reaches gets no entry, and its local derivatives are never multiplied.
    """
    adjoint: dict[Value, Any] = dict(seeds)
    get = adjoint.get
    v: Value | None = None
    partials: tuple[Any, ...] = ()
    try:
        for v in reversed(order):
            g = get(v)
            if g is None:
                continue
            parents, partials = local(v)
            one = g.__class__ is float and g == 1.0
            for p, d in zip(parents, partials):
                term = d if one and isinstance(d, Value) else d * g  # no "d * 1.0" node
                previous = get(p)
                adjoint[p] = term if previous is None else previous + term
    except ValueError as error:
        _name_the_inputs(error, v, partials)
    return adjoint


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
        grads = pull_back(topological_order(output), {output: 1.0}, _rebuilt)
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


def _as_value(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x)
