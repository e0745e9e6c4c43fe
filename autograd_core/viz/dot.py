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

from .. import _checks
from .._extras import require
from ..graph import topological_order
from ..value import Value
from .render import digraph
from .trace import format_number, lecture_labels, op_label, path_counts, trace, unicode_math

__all__ = [
    "MAX_NODES",
    "draw_graph",
    "escape_label",
    "escape_text",
    "dot_text",
    "color_ramp",
    "grad_color",
    "check_size",
    "count_nodes",
]

MAX_NODES = 500
"""Default node-level drawing limit: above it :func:`draw_graph` raises instead of laying out."""

LEAF_FILL = "#e4f3e0"
PARAM_FILL = "#fff1bf"
ACCUMULATE_COLOR = "#c2410c"
_RECORD_SPECIAL = "{}|<>"


def escape_text(text: str) -> str:
    """``text`` as a literal DOT escString (labels, tooltips): ``\\ " &`` escaped, newlines as ``\\n``,
    other control characters (NUL included) shown as their Unicode control pictures (U+2400...).

    Pass the result through :func:`dot_text` (``graphviz.nohtml``): a text shaped like ``<...>``
    is otherwise taken for an HTML label and written unquoted, which could add attributes.
    """
    out = []
    for ch in str(text):
        code = ord(ch)
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
        elif code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif 0xD800 <= code <= 0xDFFF:  # a lone surrogate cannot be encoded
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def dot_text(text: str, record: bool = False) -> Any:
    """``text`` escaped (:func:`escape_text`, or :func:`escape_label` for a record field) and marked
    as a plain string, so DOT always gets it quoted: never HTML, never extra attributes."""
    from graphviz import nohtml

    return nohtml(escape_label(text) if record else escape_text(text))


def escape_label(text: str) -> str:
    """``text`` as one literal field of a record label: also escapes ``{ } | < >``."""
    return "".join("\\" + ch if ch in _RECORD_SPECIAL else ch for ch in escape_text(text))


def color_ramp(x: float, scale: float, low: float = 0.0, high: float = 0.75, power: float = 0.5) -> str:
    """The one colour ramp of the drawings: from white towards blue (x > 0) or red (x < 0), by a
    strength low + (high - low) (|x| / scale)^power, clipped to [low, high]."""
    t = low + (high - low) * min(1.0, abs(x) / scale) ** power
    base = (33, 102, 172) if x > 0 else (178, 24, 43)
    r, gr, b = (round(255 + (c - 255) * t) for c in base)
    return f"#{r:02x}{gr:02x}{b:02x}"


def grad_color(g: float, scale: float) -> str:
    """Fill colour for gradient ``g`` with ``scale`` = max |grad|: blue > 0, red < 0, white at 0.

    The strength is sqrt(|g| / scale), so small gradients still show.
    """
    _checks.real("grad_color", "scale", scale)
    if not isinstance(g, float) or math.isnan(g) or scale <= 0.0 or g == 0.0:
        return "#ffffff"
    return color_ramp(g, scale)


def count_nodes(root: Value, limit: int | None = None) -> int:
    """Number of nodes in ``root``'s graph (the engine's :func:`autograd_core.topological_order`)."""
    return len(topological_order(root))


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


def _nohtml(label: str) -> Any:
    from graphviz import nohtml

    return nohtml(label)


def _value_label(v: Value, name: str, fan_out: int, mark: bool, horizontal: bool, precision: int) -> str:
    fields = []
    if name:
        fields.append(escape_label(name))
    fields.append(f"data {format_number(v.data, precision)}")
    fields.append(f"grad {format_number(v.grad, precision)}")
    if mark and fan_out > 1:
        fields.append(f"used {fan_out} times: grads add up")
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
    with the local derivative d out / d parent and, after ``backward()``, ``x upstream = contribution``
    (what the chain rule adds to the parent's gradient along that edge). A value used k > 1 times is
    marked "used k times" (its tooltip also gives the number of paths to the root). ``params``
    (e.g. ``model.parameters()``) are highlighted. Numbers have ``precision`` significant digits.
    ``max_nodes`` (default 500, ``None`` for no limit) guards against graphs too large to draw.
    """
    require("graphviz", "viz", "draw_graph")
    _checks.choice("draw_graph", "rankdir", rankdir, ("LR", "RL", "TB", "BT"))
    for what, x in (
        ("show_local_grads", show_local_grads),
        ("highlight_leaves", highlight_leaves),
        ("mark_accumulation", mark_accumulation),
        ("color_by_grad", color_by_grad),
    ):
        _checks.flag("draw_graph", what, x)
    params = _checks.values("draw_graph", "params", params, optional=True)
    _checks.positive_int("draw_graph", "max_nodes", max_nodes, 1, optional=True)
    _checks.positive_int("draw_graph", "precision", precision, 1)
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_graph: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph: expected a Value, got {type(root).__name__} {root!r:.60}")
    check_size(root, max_nodes, "draw_graph")
    t = trace(root)
    param_set = set(params) if params is not None else set()
    horizontal = rankdir in ("LR", "RL")
    scale = max((abs(v.grad) for v in t.nodes if math.isfinite(v.grad)), default=0.0)

    g = digraph("autograd")
    g.attr(rankdir=rankdir, bgcolor="white", nodesep="0.25", ranksep="0.45")
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="9", color="#555555", arrowsize="0.7")
    paths = path_counts(t)
    # nn's names in lecture notation, with sub- and superscripts; the user's own labels verbatim
    names = [name if name == v.label else unicode_math(name) for name, v in zip(lecture_labels(t), t.nodes)]
    for i, v in enumerate(t.nodes):
        attrs: dict[str, Any] = {"shape": "record"}
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
        tooltip = f"{names[i] or 'node ' + str(i)}: data={v.data!r} grad={v.grad!r}"
        if t.fan_out[i] > 1 or paths[i] > 1:
            tooltip += f"\nused {t.fan_out[i]} times; {paths[i]} paths to the root, one term of the chain rule each"
        label = _value_label(v, names[i], t.fan_out[i], mark_accumulation, horizontal, precision)
        g.node(f"v{i}", label=_nohtml(label), tooltip=dot_text(tooltip), **attrs)
        if v.rule is not None:
            g.node(
                f"op{i}",
                label=dot_text(op_label(v, precision)),
                shape="ellipse",
                style="filled",
                fillcolor="#eeeeee",
                fontsize="10",
                tooltip=dot_text(v.rule.math),
            )
            g.edge(f"op{i}", f"v{i}")
    for e in t.edges:
        edge_attrs: dict[str, Any] = {}
        if show_local_grads:
            local, up = e.local_grad, t.nodes[e.child].grad
            text = f"\u2202 {format_number(local, precision)}"
            if isinstance(local, (int, float)) and isinstance(up, float) and up != 0.0:
                text += f"\n\u00d7 {format_number(up, precision)} = {format_number(local * up, precision)}"
            edge_attrs["label"] = dot_text(text)
        g.edge(f"v{e.parent}", f"op{e.child}", **edge_attrs)
    return g
