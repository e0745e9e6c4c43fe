"""W4: what an op node costs, and whether a dropped graph goes away by reference counting.

The graph: N products x_i * w_i of leaves, then a balanced pairwise ``+`` tree over them:
2N - 1 binary op nodes, every one with two Value parents, and depth ~log2 N, so that
micrograd's recursive backward works on it too.
"""

from __future__ import annotations

import gc
import random
import tracemalloc
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["build_tree", "bytes_per_node", "freed_without_gc", "gc_objects_per_node", "leaves", "measure"]


def leaves(value_cls: Callable[[float], Any], n: int, seed: int = 0) -> tuple[list[Any], list[Any]]:
    """Two lists of n seeded leaves."""
    rng = random.Random(seed)
    return (
        [value_cls(rng.uniform(-1.0, 1.0)) for _ in range(n)],
        [value_cls(rng.uniform(-1.0, 1.0)) for _ in range(n)],
    )


def build_tree(xs: list[Any], ws: list[Any]) -> Any:
    """sum_i x_i w_i as products and a pairwise tree of ``+``: 2n - 1 op nodes."""
    level = [x * w for x, w in zip(xs, ws)]
    while len(level) > 1:
        paired = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def bytes_per_node(value_cls: Callable[[float], Any], n: int) -> dict[str, float]:
    """tracemalloc'd bytes per op node held by the graph after forward, and after backward."""
    xs, ws = leaves(value_cls, n)
    nodes = 2 * n - 1
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        root = build_tree(xs, ws)
        forward = tracemalloc.get_traced_memory()[0] - base
        root.backward()
        after_backward = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    del root
    return {"forward": forward / nodes, "backward": after_backward / nodes}


def gc_objects_per_node(value_cls: Callable[[float], Any], n: int) -> float:
    """Objects the cyclic collector tracks, per op node of a live graph."""
    xs, ws = leaves(value_cls, n)
    gc.collect()
    before = len(gc.get_objects())
    root = build_tree(xs, ws)
    after = len(gc.get_objects())
    del root
    return (after - before) / (2 * n - 1)


def _instances(cls: type) -> int:
    return sum(1 for o in gc.get_objects() if o.__class__ is cls)


def freed_without_gc(value_cls: type, n: int) -> dict[str, Any]:
    """Build a graph, backpropagate, drop it with the cyclic collector off: how many op nodes
    are still alive? (Counted with gc.get_objects(): micrograd's Values take no weakrefs.)
    The collector's previous state is restored afterwards."""
    xs, ws = leaves(value_cls, n)
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = _instances(value_cls)
        root = build_tree(xs, ws)
        root.backward()
        made = _instances(value_cls) - before
        try:
            ref: Any = weakref.ref(root)
        except TypeError:
            ref = None
        del root
        left = _instances(value_cls) - before
        root_freed = None if ref is None else ref() is None
    finally:
        gc.collect()
        if was_enabled:
            gc.enable()
    return {"nodes": made, "left_after_drop": left, "freed": left == 0, "root_weakref_dead": root_freed}


def measure(value_cls: type, n: int) -> dict[str, Any]:
    """All W4 numbers for one engine."""
    return {
        "n_products": n,
        "op_nodes": 2 * n - 1,
        "bytes_per_node": bytes_per_node(value_cls, n),
        "gc_objects_per_node": gc_objects_per_node(value_cls, n),
        "drop": freed_without_gc(value_cls, n),
    }
