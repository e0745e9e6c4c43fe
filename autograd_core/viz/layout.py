"""A small layered layout for the step-through page: columns by depth, rows by barycentre.

Pure and iterative. An interior node sits one column right of its deepest parent; a leaf
sits just left of its first consumer, so inputs are drawn next to where they are used.
Within a column, nodes are ordered by a few sweeps of the barycentre heuristic (mean row
of neighbours), which keeps edge crossings low on the small graphs this is meant for.
"""

from __future__ import annotations

from .trace import Trace

__all__ = ["layered_layout"]


def _columns(t: Trace) -> list[int]:
    depth = [0] * len(t.nodes)
    children: list[list[int]] = [[] for _ in t.nodes]
    for e in t.edges:
        depth[e.child] = max(depth[e.child], depth[e.parent] + 1)
        children[e.parent].append(e.child)
    for i, v in enumerate(t.nodes):
        if v.is_leaf() and children[i]:
            depth[i] = max(0, min(depth[c] for c in children[i]) - 1)
    return depth


def layered_layout(t: Trace, sweeps: int = 4) -> tuple[list[int], list[int]]:
    """For each node, its column (0 = inputs side) and its row within the column.

    Edges run from parent (lower column) to child (higher column); edges are kept in the
    order of ``t.edges`` (children are processed in topological order, so edges are too).
    """
    col = _columns(t)
    n_cols = max(col) + 1 if col else 0
    layers: list[list[int]] = [[] for _ in range(n_cols)]
    for i in range(len(t.nodes)):  # topological order: a deterministic start
        layers[col[i]].append(i)
    parents: list[list[int]] = [[] for _ in t.nodes]
    children: list[list[int]] = [[] for _ in t.nodes]
    for e in t.edges:
        parents[e.child].append(e.parent)
        children[e.parent].append(e.child)
    row = [0] * len(t.nodes)
    for layer in layers:
        for r, i in enumerate(layer):
            row[i] = r

    def centred(i: int) -> float:
        return row[i] - (len(layers[col[i]]) - 1) / 2.0

    for _ in range(sweeps):
        for neighbours, order in ((parents, range(n_cols)), (children, range(n_cols - 1, -1, -1))):
            for c in order:
                layer = layers[c]
                keys = {}
                for i in layer:
                    near = neighbours[i]
                    keys[i] = sum(centred(j) for j in near) / len(near) if near else centred(i)
                layer.sort(key=lambda i: (keys[i], row[i]))
                for r, i in enumerate(layer):
                    row[i] = r
    return col, row
