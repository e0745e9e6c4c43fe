"""Drawing a traced graph as a ``graphviz.Digraph``: one record per Value, one node per function.

Node ids are ``v{i}`` (the Value with topological index ``i``) and ``op{i}`` (the function
that made it), so the DOT source is the same on every run. Colours: leaves light green,
parameters light yellow with a bold border, nodes where gradients from several paths add
up with a red-orange border and a ``sum of k paths`` field; with ``color_by_grad`` the fill
is blue for a positive gradient and red for a negative one, darker for larger ``|grad|``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from ..value import Value
from .render import digraph
from .trace import format_number, op_label, trace

__all__ = ["MAX_NODES", "draw_graph", "escape_label", "escape_text", "grad_color", "check_size", "count_nodes"]

MAX_NODES = 500
"""Default node-level drawing limit: above it :func:`draw_graph` raises instead of laying out."""

LEAF_FILL = "#e4f3e0"
PARAM_FILL = "#fff1bf"
ACCUMULATE_COLOR = "#c2410c"
_RECORD_SPECIAL = "{}|<>"


def escape_text(text: str) -> str:
    """``text`` as a literal DOT escString (labels of ellipses, tooltips): ``\\ " &`` and newlines."""
    out = []
    for ch in str(text):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "&":
            out.append("&amp;")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            continue
        else:
            out.append(ch)
    return "".join(out)


def escape_label(text: str) -> str:
    """``text`` as one literal field of a record label: also escapes ``{ } | < >``."""
    return "".join("\\" + ch if ch in _RECORD_SPECIAL else ch for ch in escape_text(text))


def grad_color(g: float, scale: float) -> str:
    """Fill colour for gradient ``g`` with ``scale`` = max |grad|: blue > 0, red < 0, white at 0.

    The strength is sqrt(|g| / scale), so small gradients still show.
    """
    if not isinstance(g, float) or math.isnan(g) or scale <= 0.0 or g == 0.0:
        return "#ffffff"
    t = min(1.0, (abs(g) / scale) ** 0.5) * 0.75
    base = (33, 102, 172) if g > 0 else (178, 24, 43)
    r, gr, b = (round(255 + (c - 255) * t) for c in base)
    return f"#{r:02x}{gr:02x}{b:02x}"


def count_nodes(root: Value, limit: int) -> int:
    """Number of nodes in ``root``'s graph, counting stops once it passes ``limit``."""
    seen = {root}
    stack = [root]
    while stack and len(seen) <= limit:
        for p in stack.pop().parents:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return len(seen)


def check_size(root: Value, max_nodes: int | None, where: str) -> None:
    """Raise ``ValueError`` when ``root``'s graph has more than ``max_nodes`` nodes."""
    if max_nodes is None:
        return
    n = count_nodes(root, max_nodes)
    if n > max_nodes:
        raise ValueError(
            f"{where}: the graph has more than {max_nodes} nodes (max_nodes={max_nodes}); a node-level "
            "drawing that large is unreadable and slow to lay out. For an nn model draw the "
            "network-level view, autograd_core.viz.draw_network(model, show='weights' or 'grads'), "
            "draw a smaller sub-expression, or pass max_nodes=None to force it."
        )


def _value_label(v: Value, fan_out: int, mark: bool, horizontal: bool, precision: int) -> str:
    fields = []
    if v.label:
        fields.append(escape_label(v.label))
    fields.append(f"data {format_number(v.data, precision)}")
    fields.append(f"grad {format_number(v.grad, precision)}")
    if mark and fan_out > 1:
        fields.append(f"sum of {fan_out} paths")
    body = " | ".join(fields)
    return "{ " + body + " }" if horizontal else body


def draw_graph(
    root: Value,
    rankdir: str = "LR",
    show_local_grads: bool = False,
    highlight_leaves: bool = True,
    params: Iterable[Value] | None = None,
    mark_accumulation: bool = True,
    color_by_grad: bool = False,
    max_nodes: int | None = MAX_NODES,
    precision: int = 4,
) -> Any:
    """The computation graph of ``root`` as a ``graphviz.Digraph`` (render with :func:`render_svg`).

    ``rankdir``: "LR", "RL", "TB" or "BT". ``show_local_grads`` labels each edge parent -> function
    with d out / d parent. ``params`` (e.g. ``model.parameters()``) are highlighted as parameters.
    ``max_nodes`` (default 500, ``None`` for no limit) guards against graphs too large to draw.
    """
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: expected a Value, got {type(root).__name__} {root!r:.60}")
    check_size(root, max_nodes, "draw_graph")
    t = trace(root)
    param_set = set(params) if params is not None else set()
    horizontal = rankdir in ("LR", "RL")
    scale = max((abs(v.grad) for v in t.nodes if math.isfinite(v.grad)), default=0.0)

    import graphviz

    g = digraph("autograd")
    g.attr(rankdir=rankdir, bgcolor="white", nodesep="0.25", ranksep="0.45")
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="9", color="#555555", arrowsize="0.7")
    for i, v in enumerate(t.nodes):
        attrs: dict[str, str] = {"shape": "record"}
        fills = []
        if color_by_grad:
            fills.append(grad_color(v.grad, scale))
        if v in param_set:
            attrs.update(penwidth="2", color="#8a6d00")
            if not color_by_grad:
                fills.append(PARAM_FILL)
        elif highlight_leaves and v.is_leaf():
            attrs["shape"] = "Mrecord"
            if not color_by_grad:
                fills.append(LEAF_FILL)
        if mark_accumulation and t.fan_out[i] > 1:
            attrs.update(penwidth="2.5", color=ACCUMULATE_COLOR)
        if fills:
            attrs.update(style="filled", fillcolor=fills[0])
        tooltip = f"{v.label or 'node ' + str(i)}: data={v.data!r} grad={v.grad!r}"
        label = _value_label(v, t.fan_out[i], mark_accumulation, horizontal, precision)
        g.node(f"v{i}", label=graphviz.nohtml(label), tooltip=escape_text(tooltip), **attrs)
        if v._fn is not None:
            g.node(f"op{i}", label=graphviz.nohtml(escape_text(op_label(v, precision))),
                   shape="ellipse", style="filled", fillcolor="#eeeeee", fontsize="10",
                   tooltip=escape_text(v._fn.math))
            g.edge(f"op{i}", f"v{i}")
    for e in t.edges:
        attrs = {}
        if show_local_grads:
            attrs["label"] = graphviz.nohtml(escape_text(f"\u2202 {format_number(e.local_grad, precision)}"))
        g.edge(f"v{e.parent}", f"op{e.child}", **attrs)
    return g
