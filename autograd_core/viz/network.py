"""Network-level view of an ``nn`` model: inputs and neurons as nodes, weights as edges.

For models whose node-level graph is too large to read. Positions are computed here and
pinned (graphviz ``layout=neato``), so neurons keep their order. Works by duck typing on the
planned ``nn`` API (``mlp.layers``, ``layer.neurons``, ``neuron.w``, ``neuron.b``), so this
module does not import ``nn``. Edge colour: blue for a positive weight (or gradient), red
for a negative one; width and darkness grow with |value| relative to the largest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .draw import escape_text, grad_color
from .render import digraph
from .trace import format_number

__all__ = ["draw_network", "edge_color"]


def edge_color(x: float, scale: float) -> str:
    """Line colour for ``x`` with ``scale`` = max |x|: blue > 0, red < 0, grey at 0."""
    if math.isnan(x) or scale <= 0.0 or x == 0.0:
        return "#bbbbbb"
    t = 0.3 + 0.7 * min(1.0, abs(x) / scale)
    base = (33, 102, 172) if x > 0 else (178, 24, 43)
    r, g, b = (round(225 + (c - 225) * t) for c in base)
    return f"#{r:02x}{g:02x}{b:02x}"


def _layers(model: Any) -> list[Sequence[Any]]:
    if hasattr(model, "layers"):
        layers = [layer.neurons for layer in model.layers]
    elif hasattr(model, "neurons"):
        layers = [model.neurons]
    elif hasattr(model, "w") and hasattr(model, "b"):
        layers = [[model]]
    else:
        raise TypeError(
            "draw_network: expected an nn model (MLP with .layers, Layer with .neurons, or Neuron with .w "
            f"and .b), got {type(model).__name__}"
        )
    if not layers or any(len(neurons) == 0 for neurons in layers):
        raise ValueError("draw_network: the model has an empty layer")
    size = len(layers[0][0].w)
    for l, neurons in enumerate(layers):
        for j, n in enumerate(neurons):
            if len(n.w) != size:
                raise ValueError(f"draw_network: neuron {j} of layer {l} has {len(n.w)} weights, expected {size}")
        size = len(neurons)
    return layers


def _pin(rankdir: str, along: float, across: float) -> str:
    """A pinned graphviz ``pos`` (inches) for a point ``along`` the rank direction, ``across`` it."""
    x, y = {"LR": (along, across), "RL": (-along, across), "TB": (-across, -along), "BT": (-across, along)}[rankdir]
    return f"{x:.3f},{y:.3f}!"


def _activation(neuron: Any) -> str:
    a = getattr(neuron, "activation", None)
    if a is None:
        return ""
    return a if isinstance(a, str) else getattr(a, "__name__", type(a).__name__)


def draw_network(
    model: Any,
    show: str = "weights",
    rankdir: str = "LR",
    edge_labels: bool | None = None,
    precision: int = 3,
) -> Any:
    """A ``graphviz.Digraph`` of ``model``: input nodes x_1..x_d, one node per neuron (with its
    bias), one edge per weight w_ij coloured by its value (``show="weights"``) or gradient
    (``show="grads"``). ``edge_labels`` defaults to on for at most 12 weights. Nodes keep
    their order within a layer (top to bottom, or left to right for ``rankdir="TB"``).
    """
    if show not in ("weights", "grads"):
        raise ValueError(f"draw_network: show must be 'weights' or 'grads', got {show!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_network: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    layers = _layers(model)
    attr = "data" if show == "weights" else "grad"
    n_weights = sum(len(n.w) for neurons in layers for n in neurons)
    labels = n_weights <= 12 if edge_labels is None else edge_labels
    scale = max((abs(getattr(w, attr)) for neurons in layers for n in neurons for w in (*n.w, n.b)), default=0.0)
    scale = scale if math.isfinite(scale) else 0.0

    sizes = [len(layers[0][0].w)] + [len(neurons) for neurons in layers]
    tall = max(sizes)

    def place(column: int, row: float, count: int) -> str:
        """Pinned position (inches): columns along the rank direction, rows centred across it."""
        return _pin(rankdir, column * 2.2, ((count - 1) / 2.0 - row) * 0.95)

    def caption_at(column: int, text: str) -> str:
        """Below the tallest column (LR/RL), or left of the widest row (TB/BT)."""
        if rankdir in ("LR", "RL"):
            return _pin(rankdir, column * 2.2, -((tall - 1) / 2.0 + 0.8) * 0.95)
        return _pin(rankdir, column * 2.2, ((tall - 1) / 2.0) * 0.95 + 0.6 + 0.035 * len(text))

    g = digraph("network", "draw_network")
    # Positions are computed here and pinned (neato layout): neurons keep their order.
    g.attr(layout="neato", splines="line", outputorder="edgesfirst", bgcolor="white", fontname="Helvetica",
           fontsize="11", labelloc="b", label=f"{'weights' if show == 'weights' else 'gradients'}: blue > 0, red < 0")
    g.attr("node", fontname="Helvetica", fontsize="10")
    g.attr("edge", arrowsize="0.5", fontname="Helvetica", fontsize="8")
    for i in range(sizes[0]):
        g.node(f"x{i + 1}", label=f"x{i + 1}", shape="circle", style="filled", fillcolor="#e4f3e0",
               width="0.45", fixedsize="true", pos=place(0, i, sizes[0]))
    g.node("input", label="input", shape="plaintext", fontcolor="#555555", pos=caption_at(0, "input"))
    previous = [f"x{i + 1}" for i in range(sizes[0])]
    for l, neurons in enumerate(layers, start=1):
        act = _activation(neurons[0])
        caption = f"layer {l}: {len(neurons)} neuron{'s' if len(neurons) != 1 else ''}{', ' + act if act else ''}"
        g.node(f"layer{l}", label=escape_text(caption), shape="plaintext", fontcolor="#555555",
               pos=caption_at(l, caption))
        for j, n in enumerate(neurons, start=1):
            b = getattr(n.b, attr)
            g.node(f"n{l}_{j}", label=f"{l}.{j}\\nb {format_number(b, precision)}", shape="circle",
                   style="filled", fillcolor=grad_color(b, scale), fixedsize="true", width="0.8",
                   pos=place(l, j - 1, len(neurons)),
                   tooltip=escape_text(f"layer {l} neuron {j}: bias data={n.b.data!r} grad={n.b.grad!r}"))
        for j, n in enumerate(neurons, start=1):
            for i, (src, w) in enumerate(zip(previous, n.w, strict=True), start=1):
                x = getattr(w, attr)
                extra = {"label": format_number(x, precision)} if labels else {}
                g.edge(src, f"n{l}_{j}", color=edge_color(x, scale),
                       penwidth=f"{0.6 + 3.0 * (abs(x) / scale if scale > 0 else 0.0):.2f}",
                       tooltip=escape_text(f"w{i}{j} layer {l}: data={w.data!r} grad={w.grad!r}"), **extra)
        previous = [f"n{l}_{j}" for j in range(1, len(neurons) + 1)]
    return g
