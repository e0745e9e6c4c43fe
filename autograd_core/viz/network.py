"""Network-level view of an ``nn`` model in the lecture's notation: inputs x_i^(0), the bias input
x_0 = 1 of each layer drawn as a constant, one node per neuron, one edge per weight w_ij^(l).

For models whose node-level graph is too large to read. Positions are computed here and
pinned (graphviz ``layout=neato``), so neurons keep their order. Works by duck typing on
``nn``'s classes (``mlp.layers``, ``layer.neurons``, ``neuron.w``, ``neuron.b``), so this module
does not import ``nn``. Edge colour: blue for a positive weight (or gradient), red for a
negative one; width and darkness grow with |value| relative to the largest (the ramp of
:func:`autograd_core.viz.dot.grad_color`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .. import _checks
from .dot import color_ramp, dot_text, grad_color
from .render import digraph
from .trace import format_number, unicode_math

__all__ = ["draw_network", "edge_color"]


def edge_color(x: float, scale: float) -> str:
    """Line colour for ``x`` with ``scale`` = max |x|: blue > 0, red < 0, grey at 0 (never white)."""
    if not isinstance(x, float) or math.isnan(x) or scale <= 0.0 or x == 0.0:
        return "#bbbbbb"
    return color_ramp(x, scale, low=0.3, high=0.95, power=1.0)


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


def _forward_values(model: Any, layers: list[Sequence[Any]], x: Any, y: Any) -> dict[str, Any]:
    """x^(0..L) (and δ, e with a target y) for ``x``, by the engine, without touching the model."""
    from .lecture import lecture_steps

    if y is not None:
        return lecture_steps(model, x, y)
    from ..functions import affine
    from ..rules import RULES
    from ..value import apply_unary

    xs = [[float(v) for v in x]]
    for neurons in layers:
        act = _activation(neurons[0])
        out = []
        for n in neurons:
            s = affine(n.b.data, [w.data for w in n.w], xs[-1])
            out.append(float(s if act in ("", "linear") or act not in RULES else apply_unary(RULES[act], s)))
        xs.append(out)
    return {"x": xs}


def draw_network(
    model: Any,
    show: str = "weights",
    rankdir: str = "LR",
    edge_labels: bool | None = None,
    precision: int = 3,
    x: Sequence[float] | None = None,
    y: float | None = None,
) -> Any:
    """A ``graphviz.Digraph`` of ``model`` in the lecture's notation: inputs x_i^(0), the constant
    bias input x_0 = 1 of each layer, one node per neuron j of layer l showing δ_j^(l) = ∂e/∂s_j^(l)
    (which is the bias gradient, since x_0 = 1) and, given an input ``x``, its x_j^(l); one edge
    per weight w_ij^(l) coloured by its value (``show="weights"``) or gradient (``show="grads"``).

    With ``x`` and a target ``y`` (one-output model) the δ, y and e shown come from
    :func:`autograd_core.viz.lecture_steps` for that example (the model is not changed);
    otherwise δ is read from ``.grad``, and the drawing says so when every gradient is 0
    because ``backward()`` has not run. ``edge_labels`` defaults to on for at most 12 weights.
    """
    _checks.choice("draw_network", "show", show, ("weights", "grads"))
    _checks.choice("draw_network", "rankdir", rankdir, ("LR", "RL", "TB", "BT"))
    _checks.flag("draw_network", "edge_labels", edge_labels, optional=True)
    _checks.positive_int("draw_network", "precision", precision, 1)
    if show not in ("weights", "grads"):
        raise ValueError(f"draw_network: show must be 'weights' or 'grads', got {show!r}")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"draw_network: rankdir must be 'LR', 'RL', 'TB' or 'BT', got {rankdir!r}")
    if y is not None and x is None:
        raise ValueError("draw_network: a target y needs its input x")
    layers = _layers(model)
    sizes = [len(layers[0][0].w)] + [len(neurons) for neurons in layers]
    values = _forward_values(model, layers, x, y) if x is not None else None
    if values is not None and len(values["x"][0]) != sizes[0]:
        raise ValueError(f"draw_network: the model takes {sizes[0]} inputs, x has {len(values['x'][0])}")
    rows: list[list[list[float]]]  # [l][j] -> [w_0j, w_1j, ...] data or gradients
    if values is not None and "grad" in values and show == "grads":
        rows = [[[g[i][j] for i in range(len(g))] for j in range(len(g[0]))] for g in values["grad"]]
    else:
        attr = "data" if show == "weights" else "grad"
        rows = [[[getattr(n.b, attr), *(getattr(w, attr) for w in n.w)] for n in neurons] for neurons in layers]
    if values is not None and "delta" in values:
        deltas = values["delta"]
    else:
        deltas = [[n.b.grad for n in neurons] for neurons in layers]
    all_zero = values is None or "delta" not in values
    all_zero = all_zero and all(n.b.grad == 0.0 and all(w.grad == 0.0 for w in n.w) for nr in layers for n in nr)
    n_weights = sum(len(r) for layer in rows for r in layer)
    labels = n_weights <= 12 if edge_labels is None else edge_labels
    scale = max((abs(v) for layer in rows for r in layer for v in r if math.isfinite(v)), default=0.0)
    tall = max(sizes)

    def place(column: int, row: float, count: int) -> str:
        """Pinned position (inches): columns along the rank direction, rows centred across it (row -1: x_0)."""
        return _pin(rankdir, column * 2.4, ((count - 1) / 2.0 - row) * 1.05)

    def caption_at(column: int, text: str) -> str:
        """Below the tallest column (LR/RL), or left of the widest row (TB/BT)."""
        if rankdir in ("LR", "RL"):
            return _pin(rankdir, column * 2.4, -((tall - 1) / 2.0 + 0.9) * 1.05)
        return _pin(rankdir, column * 2.4, ((tall - 1) / 2.0) * 1.05 + 0.7 + 0.035 * len(text))

    what = "weights" if show == "weights" else "gradients \u2202e/\u2202w"
    note = f"{what}: blue > 0, red < 0; \u03b4 = \u2202e/\u2202s"
    if all_zero and (show == "grads" or values is None):
        note += " \u2014 every gradient is 0: backward() has not run (or pass x and y)"
    g = digraph("network", "draw_network")
    # Positions are computed here and pinned (neato layout): neurons keep their order.
    g.attr(
        layout="neato",
        splines="line",
        outputorder="edgesfirst",
        bgcolor="white",
        fontname="Helvetica",
        fontsize="11",
        labelloc="b",
        label=dot_text(note),
    )
    g.attr("node", fontname="Helvetica", fontsize="10")
    g.attr("edge", arrowsize="0.5", fontname="Helvetica", fontsize="8")
    for i in range(sizes[0]):
        text = unicode_math(f"x_{i + 1}^(0)")
        if values is not None:
            text += f"\n{format_number(values['x'][0][i], precision)}"
        g.node(
            f"x{i + 1}",
            label=dot_text(text),
            shape="circle",
            style="filled",
            fillcolor="#e4f3e0",
            width="0.62",
            fixedsize="true",
            pos=place(0, i, sizes[0]),
        )
    g.node("input", label="input", shape="plaintext", fontcolor="#555555", pos=caption_at(0, "input"))
    previous = [f"x{i + 1}" for i in range(sizes[0])]
    delta_scale = max((abs(d) for layer in deltas for d in layer if math.isfinite(d)), default=0.0)
    for l, neurons in enumerate(layers, start=1):
        act = _activation(neurons[0])
        caption = f"layer {l}: {len(neurons)} neuron{'s' if len(neurons) != 1 else ''}{', ' + act if act else ''}"
        g.node(f"layer{l}", label=dot_text(caption), shape="plaintext", fontcolor="#555555", pos=caption_at(l, caption))
        bias = f"one{l - 1}"
        g.node(
            bias,
            label=dot_text(unicode_math("x_0 = 1")),
            shape="box",
            style="rounded,dashed,filled",
            fillcolor="#f1f3f5",
            color="#868e96",
            fontcolor="#555555",
            fontsize="9",
            width="0.55",
            height="0.3",
            fixedsize="true",
            pos=place(l - 1, -1, max(sizes[l - 1], 1)),
            tooltip=dot_text("the bias input x_0 = 1, a constant: w_0j is the bias"),
        )
        for j, n in enumerate(neurons, start=1):
            d = deltas[l - 1][j - 1]
            text = unicode_math(f"x_{j}^({l})")
            if values is not None:
                text += f"\n{format_number(values['x'][l][j - 1], precision)}"
            text += f"\n\u03b4 {format_number(d, precision)}"
            g.node(
                f"n{l}_{j}",
                label=dot_text(text),
                shape="circle",
                style="filled",
                fillcolor=grad_color(d, delta_scale),
                fixedsize="true",
                width="0.95",
                pos=place(l, j - 1, len(neurons)),
                tooltip=dot_text(
                    f"neuron {j} of layer {l}: \u03b4 = \u2202e/\u2202s = {d!r}"
                    f"\nbias w_0{j}: data={n.b.data!r} grad={n.b.grad!r}"
                ),
            )
        for j, n in enumerate(neurons, start=1):
            for i, (src, w) in enumerate(zip([bias, *previous], [n.b, *n.w], strict=True)):
                v = rows[l - 1][j - 1][i]
                name = unicode_math(f"w_{{{i}{',' if i >= 10 or j >= 10 else ''}{j}}}^({l})")
                extra = {"label": dot_text(format_number(v, precision))} if labels else {}
                g.edge(
                    src,
                    f"n{l}_{j}",
                    color=edge_color(v, scale),
                    penwidth=f"{0.6 + 3.0 * (abs(v) / scale if scale > 0 and math.isfinite(v) else 0.0):.2f}",
                    tooltip=dot_text(f"{name}: data={w.data!r} grad={w.grad!r}"),
                    **extra,
                )
        previous = [f"n{l}_{j}" for j in range(1, len(neurons) + 1)]
    if values is not None and "e" in values:
        L = len(layers)
        g.node(
            "y",
            label=dot_text(f"y\n{format_number(float(y or 0.0), precision)}"),
            shape="box",
            style="rounded",
            pos=place(L + 1, 0, 2),
        )
        g.node(
            "e",
            label=dot_text(f"e = (h \u2212 y)\u00b2\n{format_number(values['e'], precision)}"),
            shape="box",
            style="rounded,filled",
            fillcolor="#fff9db",
            pos=place(L + 1, 1, 2),
        )
        g.edge(previous[0], "e", color="#868e96")
        g.edge("y", "e", color="#868e96")
    return g
