"""Network-level view of an ``nn`` model: inputs and neurons as nodes, weights as edges.

For models whose node-level graph is too large to read. Works by duck typing on the
planned ``nn`` API (``mlp.layers``, ``layer.neurons``, ``neuron.w``, ``neuron.b``), so this
module does not import ``nn``. Edge colour: blue for a positive weight (or gradient), red
for a negative one; width and darkness grow with |value| relative to the largest.
"""

from __future__ import annotations

from typing import Any, Sequence

from .draw import escape_text, grad_color
from .trace import format_number

__all__ = ["draw_network", "edge_color"]


def edge_color(x: float, scale: float) -> str:
    """Line colour for ``x`` with ``scale`` = max |x|: blue > 0, red < 0, grey at 0."""
    if x != x or scale <= 0.0 or x == 0.0:
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
    (``show="grads"``). ``edge_labels`` defaults to on for at most 40 weights.
    """
    import graphviz

    if show not in ("weights", "grads"):
        raise ValueError(f"draw_network: show must be 'weights' or 'grads', got {show!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_network: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    layers = _layers(model)
    attr = "data" if show == "weights" else "grad"
    n_weights = sum(len(n.w) for neurons in layers for n in neurons)
    labels = n_weights <= 40 if edge_labels is None else edge_labels
    scale = max((abs(getattr(w, attr)) for neurons in layers for n in neurons for w in (*n.w, n.b)), default=0.0)
    scale = 0.0 if scale != scale else scale

    g = graphviz.Digraph("network", format="svg")
    g.attr(rankdir=rankdir, bgcolor="white", nodesep="0.2", ranksep="1.4", splines="line",
           label=f"{'weights' if show == 'weights' else 'gradients'}: blue > 0, red < 0", fontname="Helvetica",
           fontsize="11", labelloc="b")
    g.attr("node", fontname="Helvetica", fontsize="10")
    g.attr("edge", arrowsize="0.5")
    with g.subgraph(name="cluster_input") as c:
        c.attr(label="input", color="#cccccc", fontname="Helvetica", fontsize="11")
        for i in range(len(layers[0][0].w)):
            c.node(f"x{i + 1}", label=f"x{i + 1}", shape="circle", style="filled", fillcolor="#e4f3e0")
    previous = [f"x{i + 1}" for i in range(len(layers[0][0].w))]
    for l, neurons in enumerate(layers, start=1):
        act = _activation(neurons[0])
        with g.subgraph(name=f"cluster_layer{l}") as c:
            c.attr(label=f"layer {l}: {len(neurons)} neurons{', ' + escape_text(act) if act else ''}",
                   color="#cccccc", fontname="Helvetica", fontsize="11")
            for j, n in enumerate(neurons, start=1):
                b = getattr(n.b, attr)
                c.node(f"n{l}_{j}", label=f"{l}.{j}\\nb {format_number(b, precision)}", shape="circle",
                       style="filled", fillcolor=grad_color(b, scale), fixedsize="true", width="0.8",
                       tooltip=escape_text(f"layer {l} neuron {j}: bias data={n.b.data!r} grad={n.b.grad!r}"))
        for j, n in enumerate(neurons, start=1):
            for i, (src, w) in enumerate(zip(previous, n.w), start=1):
                x = getattr(w, attr)
                extra = {"label": format_number(x, precision), "fontsize": "8"} if labels else {}
                g.edge(src, f"n{l}_{j}", color=edge_color(x, scale),
                       penwidth=f"{0.6 + 3.0 * (abs(x) / scale if scale > 0 else 0.0):.2f}",
                       tooltip=escape_text(f"w{i}{j} layer {l}: data={w.data!r} grad={w.grad!r}"), **extra)
        previous = [f"n{l}_{j}" for j in range(1, len(neurons) + 1)]
    return g
