"""Numbers computed from nodes' data: :func:`autograd_core.functions.max_data` in a trace.

``nn``'s softmax, log-softmax, log-sum-exp and cross-entropy subtract m = max_j f_j from the
scores f_j (the log-sum-exp trick). The engine takes m as a number: no gradient flows through
it, and it is read again from the f_j on every call. A replay must do the same to give the
engine's floats, so the trace holds m as a node of its own, ``m = max(f_1, ..., f_K)``
(rule :data:`SHIFT`), whose inputs are not value parents: no gradient reaches or leaves it.

The engine's order of the nodes (its topological order, which the backward pass follows)
may put a node using m before some f_j (``f_1 - m`` before ``f_2``): :func:`place_shifts`
moves nodes so that m comes after all of its f_j and before its first use, keeping the rest
of the order as it was. A replay adds each gradient's terms in the order of the node's uses,
so that order must not change for any node; where it would, ``compile`` refuses ``f`` with a
``ValueError`` (for nn's losses it never does: the scores' only uses are the shift and the
subtraction).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Any

from ..rules import VARIADIC, Rule
from ..value import Value

__all__ = ["SHIFT", "Shift", "place_shifts", "ancestors_of"]


def _first_max(*xs: float) -> float:
    """Python's ``max``: the first of equal values (what the engine's ``max_data`` returns)."""
    return max(xs)


def _no_partials(*xs_and_out: float) -> tuple[float, ...]:
    return (0.0,) * (len(xs_and_out) - 1)


SHIFT = Rule(
    "max_data",
    VARIADIC,
    _first_max,
    _no_partials,
    "m = max_j x_j, a number (no gradient: autograd_core.functions.max_data)",
    (),
    bounded=True,
)
"""The rule of a shift node in a trace (not a rule of the table: the engine makes no such node)."""


class Shift:
    """A ``max_data`` result ``m`` read from ``values`` during the trace; read as a node of the
    graph, its ``rule`` is :data:`SHIFT`, its ``inputs`` the values and its ``data`` m."""

    __slots__ = ("values", "m")
    rule = SHIFT

    def __init__(self, values: tuple[Any, ...], m: float) -> None:
        self.values, self.m = values, m

    @property
    def inputs(self) -> tuple[Any, ...]:
        return self.values

    @property
    def data(self) -> float:
        return self.m


def place_shifts(order: Sequence[Value], shifts: Sequence[Shift]) -> list[Value | Shift] | None:
    """``order`` with each shift that some node uses placed after its values and before its
    first use, everything else in its old order where possible (the smallest positions first).

    None if that would change the order in which some node's uses come (its gradient would be
    summed in another order than the engine's) or no such order exists.
    """
    n = len(order)
    position = {id(v): i for i, v in enumerate(order)}
    by_m = {id(s.m): s for s in shifts}
    items: list[Value | Shift] = list(order)
    waiting: list[list[int]] = [[] for _ in range(n)]  # item -> the items that use it
    missing = [0] * n
    shift_at: dict[int, int] = {}  # id(m) -> its item
    for i, v in enumerate(order):
        if v.rule is None:
            continue
        for x in v.inputs:
            p = position.get(id(x))
            if p is None and id(x) in by_m:
                p = shift_at.get(id(x))
                if p is None:  # first use of this shift: its item, after its values
                    p = shift_at[id(x)] = len(items)
                    items.append(by_m[id(x)])
                    waiting.append([])
                    missing.append(0)
            if p is not None:
                waiting[p].append(i)
                missing[i] += 1
    keys = [2 * i for i in range(n)]
    for s_id, item in shift_at.items():
        keys.append(2 * min(waiting[item]) - 1)  # just before its first use
        for x in by_m[s_id].values:
            p = position.get(id(x))
            if p is not None:
                waiting[p].append(item)
                missing[item] += 1
    ready = [(keys[i], i) for i in range(len(items)) if missing[i] == 0]
    heapq.heapify(ready)
    placed: list[int] = []
    while ready:
        _, i = heapq.heappop(ready)
        placed.append(i)
        for j in waiting[i]:
            missing[j] -= 1
            if missing[j] == 0:
                heapq.heappush(ready, (keys[j], j))
    if len(placed) != len(items):
        return None
    new = [0] * len(items)
    for at, i in enumerate(placed):
        new[i] = at
    for uses in waiting[:n]:  # each node's uses (nodes, not shifts) in their old order
        last = -1
        for j in uses:
            if j < n:
                if new[j] < last:
                    return None
                last = new[j]
    return [items[i] for i in placed]


def ancestors_of(nodes: Sequence[Any], root: int) -> set[int]:
    """The trace nodes the root depends on through value parents
    (the inputs a gradient flows through)."""
    found = {root}
    stack = [root]
    while stack:
        node = nodes[stack.pop()]
        for (kind, x), is_value in zip(node.inputs, node.value_parents):
            if is_value and kind == "n" and x not in found:
                found.add(x)
                stack.append(x)
    return found
