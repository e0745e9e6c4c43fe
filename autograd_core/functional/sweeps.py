"""The two sweeps over a recorded graph, from the local derivatives each node stored at forward time.

- forward (tangents): in topological order, ẋ_v = Σ_p (∂v/∂p) ẋ_p over the parents p of v;
- reverse (adjoints): in reverse topological order, x̄_p += (∂v/∂p) x̄_v.

Both read only ``Value.parents`` and ``Value.local_grads`` and never touch ``.grad``. A node
that depends on no seeded node gets no entry (its tangent or adjoint is 0), and its local
derivatives are never multiplied: an undefined one (``Undefined``) raises only when a
derivative actually flows through it, as in ``backward``. Nothing here recurses.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..graph import topological_order
from ..value import Value

__all__ = ["joint_order", "push_forward", "pull_back"]


def joint_order(roots: Iterable[Any]) -> list[Value]:
    """Every node the Values among ``roots`` depend on, parents before children, each once
    (:func:`autograd_core.topological_order` of all of them in one walk)."""
    return topological_order([r for r in roots if isinstance(r, Value)])


def push_forward(order: list[Value], seeds: dict[Value, float]) -> dict[Value, Any]:
    """Tangents ẋ_v of every node in ``order`` that depends on a seeded node (one forward sweep).

    ``seeds`` maps nodes (usually leaves) to their tangents; ``order`` is topological.
    """
    tangent: dict[Value, Any] = dict(seeds)
    get = tangent.get
    for v in order:
        if v in seeds:
            continue
        acc = None
        for p, d in zip(v.parents, v.local_grads):
            t = get(p)
            if t is not None:
                acc = d * t if acc is None else acc + d * t
        if acc is not None:
            tangent[v] = acc
    return tangent


def pull_back(order: list[Value], seeds: dict[Value, float]) -> dict[Value, Any]:
    """Adjoints x̄_v of every node in ``order`` that a seeded node depends on (one reverse sweep).

    ``seeds`` maps output nodes to their cotangents; ``order`` is topological.
    """
    adjoint: dict[Value, Any] = dict(seeds)
    get = adjoint.get
    for v in reversed(order):
        g = get(v)
        if g is None:
            continue
        for p, d in zip(v.parents, v.local_grads):
            previous = get(p)
            adjoint[p] = d * g if previous is None else previous + d * g
    return adjoint
