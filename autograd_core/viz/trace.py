"""Tracing a graph for drawing: its nodes and edges, pure Python and iterative.

Nothing here imports graphviz. The order of nodes is the engine's
:func:`autograd_core.topological_order` (parents first, root last), so a node's index is
a deterministic id; edges are listed by child, then by argument position.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..graph import topological_order
from ..value import Value

__all__ = ["Edge", "Trace", "trace", "path_counts", "lecture_labels", "unicode_math", "format_number", "op_label"]


@dataclass(frozen=True, slots=True)
class Edge:
    """``nodes[parent]`` is input number ``position`` (among Value inputs) of ``nodes[child]``.

    ``local_grad`` = d child / d parent, as recorded at forward time (a float, or an
    ``Undefined`` marker where the derivative does not exist).

    :param parent: index of the parent in ``Trace.nodes``.
    :param child: index of the child in ``Trace.nodes``.
    :param position: which Value input of the child the parent is.
    :param local_grad: d child / d parent at forward time (or an ``Undefined`` marker).
    """

    parent: int
    child: int
    position: int
    local_grad: Any


@dataclass(frozen=True, slots=True)
class Trace:
    """The nodes of a graph in topological order, its edges, and per node its fan-out.

    :param nodes: the Values, parents before children, the root last.
    :param edges: one :class:`Edge` per (parent, argument position).
    :param fan_out: per node, the number of edges leaving it.
    """

    nodes: tuple[Value, ...]
    edges: tuple[Edge, ...]
    fan_out: tuple[int, ...]

    @property
    def root(self) -> Value:
        return self.nodes[-1]

    def incoming(self) -> list[list[Edge]]:
        """For each node, the edges from its parents (argument order)."""
        result: list[list[Edge]] = [[] for _ in self.nodes]
        for e in self.edges:
            result[e.child].append(e)
        return result


def trace(root: Value) -> Trace:
    """Nodes (parents before children, ``root`` last) and edges parent -> child of ``root``'s graph.

    A parent used twice (``x * x``) gives two edges. ``fan_out[i]`` counts the edges leaving
    node ``i``: above 1, gradients from several paths add up in it during backward.
    """
    if not isinstance(root, Value):
        raise TypeError(f"trace: expected a Value, got {type(root).__name__} {root!r:.60}")
    nodes = topological_order(root)
    index = {v: i for i, v in enumerate(nodes)}
    edges: list[Edge] = []
    fan_out = [0] * len(nodes)
    for child, v in enumerate(nodes):
        for position, (p, d) in enumerate(zip(v.parents, v.local_grads, strict=True)):
            parent = index[p]
            edges.append(Edge(parent, child, position, d))
            fan_out[parent] += 1
    return Trace(tuple(nodes), tuple(edges), tuple(fan_out))


def path_counts(t: Trace) -> list[int]:
    """For each node, the number of distinct paths from it to the root (1 for the root).

    The chain rule sums one product of local derivatives per path; a parent used twice by one
    child (``x * x``) counts both edges. Iterative, children before parents.
    """
    paths = [0] * len(t.nodes)
    if paths:
        paths[-1] = 1
    incoming = t.incoming()
    for child in range(len(t.nodes) - 1, -1, -1):
        for e in incoming[child]:
            paths[e.parent] += paths[child]
    return paths


_NN_NAME = re.compile(r"(?:layers\.(\d+)\.)?neurons\.(\d+)\.(?:w\.(\d+)|b)")
_ACTIVATIONS = ("tanh", "sigmoid", "relu")


def _w(i: int, j: int, layer: int) -> str:
    sep = "," if i >= 10 or j >= 10 else ""
    return f"w_{{{i}{sep}{j}}}^({layer})"


def lecture_labels(t: Trace) -> list[str]:
    """Labels in the lecture's notation for a graph built by ``nn``, for drawing only (no Value changes).

    nn's parameter names become w_ij^(l) (``layers.0.neurons.2.w.0`` -> ``w_{13}^(1)``, ``...b`` ->
    ``w_{03}^(1)``: i = 0 is the bias, i = 1..d the inputs); an unlabelled ``affine`` or ``dot`` node
    on neuron j's weights is s_j^(l), an activation node on it x_j^(l); a root ``square`` node
    is e and its input h - y. Other labels stay as they are. Written with ``_`` and ``^( )``;
    :func:`unicode_math` turns them into sub- and superscripts.
    """
    labels = [v.label for v in t.nodes]
    neuron: dict[int, tuple[int, int]] = {}  # node index -> (layer, j) of the neuron whose weights it holds
    for k, v in enumerate(t.nodes):
        m = _NN_NAME.fullmatch(v.label) if v.is_leaf() else None
        if m:
            layer, j = int(m.group(1) or 0) + 1, int(m.group(2)) + 1
            i = int(m.group(3)) + 1 if m.group(3) is not None else 0
            labels[k] = _w(i, j, layer)
            neuron[k] = (layer, j)
    index = {v: k for k, v in enumerate(t.nodes)}
    s_of: dict[int, tuple[int, int]] = {}
    for k, v in enumerate(t.nodes):
        if v.label or v.is_leaf():
            continue
        parents = [index[p] for p in v.parents]
        if v.op in ("affine", "dot"):
            owners = {neuron[p] for p in parents if p in neuron}
            if len(owners) == 1:
                ((layer, j),) = owners
                labels[k] = f"s_{j}^({layer})"
                s_of[k] = (layer, j)
                inputs = [p for p in parents if p not in neuron]
                if layer == 1 and len(inputs) == len(parents) // 2:  # affine(w_0, w, x): x = the data
                    for i, p in enumerate(inputs, start=1):
                        if t.nodes[p].is_leaf() and not t.nodes[p].label:
                            labels[p] = f"x_{i}^(0)"
        elif v.op in _ACTIVATIONS and len(parents) == 1 and parents[0] in s_of:
            layer, j = s_of[parents[0]]
            labels[k] = f"x_{j}^({layer})"
    root = len(t.nodes) - 1
    if root >= 0 and t.nodes[root].op == "square" and not t.nodes[root].label:
        labels[root] = "e"
        (p,) = [index[q] for q in t.nodes[root].parents]
        if not t.nodes[p].label and t.nodes[p].op == "sub":
            labels[p] = "h \u2212 y"
    return labels


_SUB = str.maketrans(
    "0123456789,ij+-()",
    "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089,\u1d62\u2c7c\u208a\u208b\u208d\u208e",
)
_SUP = str.maketrans(
    "0123456789l()+-", "\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u02e1\u207d\u207e\u207a\u207b"
)


def unicode_math(text: str) -> str:
    """``w_{12}^(1)`` -> ``w₁₂⁽¹⁾``: the notation of :func:`lecture_labels` for plain-text drawings."""

    def sub(m: re.Match[str]) -> str:
        return (m.group(1) or m.group(2)).translate(_SUB)

    def sup(m: re.Match[str]) -> str:
        return m.group(1).translate(_SUP)

    text = re.sub(r"_(?:\{([0-9,ij]+)\}|([0-9ij]+))", sub, text)
    return re.sub(r"\^(\([0-9l]+\))", sup, text)


def format_number(x: Any, precision: int = 4) -> str:
    """``x`` with ``precision`` significant digits, trailing zeros kept (``0.5000``, ``-1.235e4``),
    as the pages' ``ACViz.fmt`` writes it; ``"0"`` for zero, ``"undefined"`` for a non-number."""
    if not isinstance(x, (int, float)):
        return "undefined"
    x = float(x)
    if not math.isfinite(x):
        return repr(x)
    if x == 0.0:
        return "0"
    text = f"{x:#.{max(precision, 1)}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa.rstrip('.')}e{int(exponent)}"
    return text.rstrip(".")


def op_label(node: Value, precision: int = 4, max_args: int = 6) -> str:
    """How the function that made ``node`` reads: its symbol or name, with its constants.

    Value inputs show as ``•``: ``• ** 2``, ``1 - •``, ``tanh``, ``dot(•, •, 1, •)``. A
    function of more than ``max_args`` inputs shows its name and how many constants it has.
    """
    fn = node.rule
    if fn is None:
        return ""
    inputs = node.inputs
    has_constants = any(not isinstance(x, Value) for x in inputs)
    if not has_constants:
        return fn.name if len(inputs) == 1 else fn.symbol or fn.name  # "square", not a lone "²"
    shown = ["\u2022" if isinstance(x, Value) else f"{x:.{precision}g}" for x in inputs]
    if fn.symbol and len(inputs) == 2:
        return f"{shown[0]} {fn.symbol} {shown[1]}"
    if len(inputs) > max_args:
        k = sum(1 for x in inputs if not isinstance(x, Value))
        return f"{fn.name} ({len(inputs)} inputs, {k} constant{'s' if k != 1 else ''})"
    return f"{fn.name}({', '.join(shown)})"
