"""Backprop the way the lecture teaches it, for an ``nn.MLP`` with one output and e = (h(x) - y)².

Notation: x_i^(l) for i = 1..d^(l) (x_0 = 1 is the bias input), s_j^(l) = Σ_{i=0}^{d^(l-1)} w_ij^(l) x_i^(l-1),
x_j^(l) = θ(s_j^(l)), h = x_1^(L), δ_j^(l) = ∂e/∂s_j^(l), ∂e/∂w_ij^(l) = x_i^(l-1) δ_j^(l), and the
recursion δ_i^(l-1) = θ'(s_i^(l-1)) Σ_j w_ij^(l) δ_j^(l) with δ_1^(L) = 2(h - y) θ'(s_1^(L)).

Every number comes from the engine: the forward pass records one ``affine`` node and one θ
node per neuron on the model's own weights, and δ and ∂e/∂w are what
:func:`autograd_core.grad` (the backward pass, which touches no ``.grad``) returns for the
s nodes and the weights. The model is not changed.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from typing import Any

from .. import _checks
from ..files import atomic_write_text
from ..functions import affine, square
from ..graph import grad
from ..rules import RULES
from ..value import Value, apply_unary, is_grad_enabled
from .assets import html_page

__all__ = ["lecture_steps", "lecture_html", "LECTURE_MAX_WIDTH", "LECTURE_MAX_LAYERS"]

LECTURE_MAX_WIDTH = 10
"""Most neurons (or inputs) per layer that :func:`lecture_html` draws readably."""
LECTURE_MAX_LAYERS = 6
"""Most layers (L) that :func:`lecture_html` draws readably."""

THETA = {  # activation name -> (θ as written, θ' as written in the lecture's terms)
    "tanh": ("tanh", "1 \u2212 (x)\u00b2"),
    "sigmoid": ("\u03c3", "x(1 \u2212 x)"),
    "relu": ("relu", "[s > 0]"),
    "linear": ("identity", "1"),
}


def _activation(where: str, layer: Any) -> str:
    act = getattr(layer, "activation", None)
    if act is None and getattr(layer, "neurons", None):
        act = getattr(layer.neurons[0], "activation", None)
    if not isinstance(act, str) or act not in THETA:
        raise ValueError(
            f"{where}: activation {act!r:.60} has no lecture formula for θ'; use one of {', '.join(map(repr, THETA))}"
        )
    return act


def _layers(where: str, model: Any) -> list[Any]:
    layers = getattr(model, "layers", None)
    if not isinstance(layers, (list, tuple)) or not layers or not all(hasattr(la, "neurons") for la in layers):
        raise TypeError(f"{where}: expected an nn.MLP (with .layers of neurons), got {type(model).__name__}")
    if len(layers[-1].neurons) != 1:
        raise ValueError(
            f"{where}: the lecture's square loss needs one output, the model has {len(layers[-1].neurons)}"
        )
    return list(layers)


def _real(where: str, name: str, v: Any) -> float:
    return _checks.real(where, name, v.data if isinstance(v, Value) else v)


def _inputs(where: str, model: Any, layers: list[Any], x: Any) -> list[float]:
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"{where}: x must be a sequence of numbers, got {type(x).__name__} {x!r:.60}")
    nin = len(layers[0].neurons[0].w)
    if len(x) != nin:
        raise ValueError(f"{where}: the model takes {nin} inputs, x has {len(x)}")
    return [_real(where, f"x[{i}]", v) for i, v in enumerate(x)]


def _trace(where: str, model: Any, x: Any, y: Any) -> dict[str, Any]:
    """The forward pass on the model's weights as engine nodes, and the engine's ∂e/∂(every node)."""
    if not is_grad_enabled():
        raise ValueError(f"{where}: called inside no_grad(); the backward pass needs a recorded graph")
    layers = _layers(where, model)
    acts = [_activation(where, la) for la in layers]
    xv = _inputs(where, model, layers, x)
    target = _real(where, "y", y)
    xs: list[list[Value]] = [[Value(v, f"x_{i}^(0)") for i, v in enumerate(xv, start=1)]]
    ss: list[list[Value]] = []
    for l, (layer, act) in enumerate(zip(layers, acts), start=1):
        rule = None if act == "linear" else RULES[act]
        s_l, x_l = [], []
        for j, n in enumerate(layer.neurons, start=1):
            s = affine(n.b, list(n.w), xs[-1])
            if not isinstance(s, Value):
                raise TypeError(f"{where}: neuron {j} of layer {l} has no Value weights")
            s.label = f"s_{j}^({l})"
            out = s if rule is None else apply_unary(rule, s)
            if out is not s:
                out.label = f"x_{j}^({l})"
            s_l.append(s)
            x_l.append(out)
        ss.append(s_l)
        xs.append(x_l)
    h = xs[-1][0]
    e = square(h - target)
    assert isinstance(e, Value)  # h is a Value: so is e
    params = [[[n.b, *n.w] for n in layer.neurons] for layer in layers]
    flat_params = [w for layer in params for row in layer for w in row]
    flat_s = [s for layer in ss for s in layer]
    flat_x = [v for layer in xs for v in layer]
    g = grad(e, [*flat_s, *flat_x, *flat_params])
    return {
        "layers": layers,
        "acts": acts,
        "y": target,
        "xs": xs,
        "ss": ss,
        "e": e,
        "params": params,
        "grads": dict(zip([*flat_s, *flat_x, *flat_params], g)),
    }


def lecture_steps(model: Any, x: Any, y: Any, lr: float = 0.1) -> dict[str, Any]:
    """The lecture's quantities for one example (x, y), JSON-ready, from the engine's backward pass.

    Keys: ``"x"`` (x^(0..L), x_0 = 1 left out), ``"s"`` and ``"delta"`` (layers 1..L, δ = ∂e/∂s),
    ``"grad"`` (layers 1..L, ``[i][j]`` = ∂e/∂w_ij = x_i^(l-1) δ_j^(l), row i = 0 the bias),
    ``"w_new"`` (the same after one SGD step w - lr ∂e/∂w) and ``"e"`` = (h(x) - y)².
    Does not change the model (no weight, gradient or label is touched).
    """
    where = "lecture_steps"
    eta = _real(where, "lr", lr)
    t = _trace(where, model, x, y)
    g = t["grads"]
    grads = [[[g[row[i]] for row in layer] for i in range(len(layer[0]))] for layer in t["params"]]
    w_new = [
        [[row[i].data - eta * gl[i][j] for j, row in enumerate(layer)] for i in range(len(layer[0]))]
        for layer, gl in zip(t["params"], grads)
    ]
    return {
        "x": [[v.data for v in layer] for layer in t["xs"]],
        "s": [[s.data for s in layer] for layer in t["ss"]],
        "delta": [[g[s] for s in layer] for layer in t["ss"]],
        "grad": grads,
        "w_new": w_new,
        "e": t["e"].data,
    }


def _j(x: float) -> float | str:
    """A float for JSON; non-finite ones as strings ("nan", "inf", "-inf")."""
    return x if math.isfinite(x) else repr(x)


def _jl(x: Any) -> Any:
    return [_jl(v) for v in x] if isinstance(x, list) else _j(x)


def _neuron_graph(t: dict[str, Any], l: int, j: int) -> dict[str, Any]:
    """Neuron j of layer l as the engine recorded it: its affine node and θ node, each input edge
    with the local derivative, the upstream gradient and their product."""
    g = t["grads"]
    s: Value = t["ss"][l - 1][j - 1]
    out: Value = t["xs"][l][j - 1]
    names: dict[Value, tuple[str, int, str]] = {
        v: (f"x_{i}^({l - 1})", i, "input") for i, v in enumerate(t["xs"][l - 1], start=1)
    }
    sep = "," if max(len(layer) for layer in t["xs"]) >= 10 else ""  # w_{10,1}, as lecture_html writes it
    for i, w in enumerate(t["params"][l - 1][j - 1]):
        names[w] = (f"w_{{{i}{sep}{j}}}^({l})", i, "param")
    delta = g[s]
    inputs = []
    for p, d in zip(s.parents, s.local_grads):
        name, i, kind = names.get(p, (p.label or "?", 0, "input"))
        inputs.append(
            {"name": name, "i": i, "kind": kind, "data": _j(p.data), "local": _j(d), "contribution": _j(d * delta)}
        )
    result: dict[str, Any] = {
        "s": {"name": f"s_{j}^({l})", "rule": s.op, "data": _j(s.data), "upstream": _j(delta), "inputs": inputs}
    }
    if out is not s:
        d = out.local_grads[0]
        result["theta"] = {
            "name": f"x_{j}^({l})",
            "rule": out.op,
            "data": _j(out.data),
            "local": _j(d),
            "upstream": _j(g[out]),
            "contribution": _j(d * g[out]),
        }
    return result


def _page_data(model: Any, x: Any, y: Any, lr: float) -> dict[str, Any]:
    where = "lecture_html"
    t = _trace(where, model, x, y)  # checks the arguments, naming lecture_html
    _real(where, "lr", lr)
    steps = lecture_steps(model, x, y, lr)
    layers, acts = t["layers"], t["acts"]
    sizes = [len(layers[0].neurons[0].w)] + [len(la.neurons) for la in layers]
    if max(sizes) > LECTURE_MAX_WIDTH or len(layers) > LECTURE_MAX_LAYERS:
        raise ValueError(
            f"{where}: a network of layer sizes {sizes} is too big to draw step by step (at most "
            f"{LECTURE_MAX_WIDTH} per layer and {LECTURE_MAX_LAYERS} layers); draw the network-level view "
            "instead, autograd_core.viz.draw_network(model, show='grads') after backward(), or step through a "
            "smaller model"
        )
    eta = _real(where, "lr", lr)
    # the loss after the step, by the same engine functions on the new weights (floats: no graph)
    xv = steps["x"][0]
    for l, act in enumerate(acts):
        rows = steps["w_new"][l]
        nxt = []
        for j in range(len(rows[0])):
            s_new = affine(rows[0][j], [rows[i][j] for i in range(1, len(rows))], xv)
            nxt.append(s_new if act == "linear" else apply_unary(RULES[act], s_new))
        xv = nxt
    e_after = float(square(float(xv[0]) - t["y"]))
    theta_prime = [
        [_j(out.local_grads[0]) if out is not s else 1.0 for s, out in zip(sl, xl)]
        for sl, xl in zip(t["ss"], t["xs"][1:])
    ]
    return {
        "steps": {k: _jl(v) if isinstance(v, list) else _j(v) for k, v in steps.items()},
        "w": [[[_j(row[i].data) for row in layer] for i in range(len(layer[0]))] for layer in t["params"]],
        "theta_prime": theta_prime,
        "activations": acts,
        "theta": {a: list(THETA[a]) for a in set(acts)},
        "sizes": sizes,
        "y": _j(t["y"]),
        "lr": _j(eta),
        "e_after": _j(e_after),
        "dedh": _j(t["grads"][t["xs"][-1][0]]),
        "neurons": [[_neuron_graph(t, l, j) for j in range(1, sizes[l] + 1)] for l in range(1, len(sizes))],
    }


_BODY = """<header class="top"><h1>{title}</h1>
<nav class="toolbar" id="bar">
<button id="btn-reset" type="button" title="First step (Home)">&#x21BA;</button>
<button id="btn-prev" type="button" title="Previous step (Left arrow)">&#x25C0; Prev</button>
<button id="btn-play" type="button" title="Play / pause (Space)">&#x25B6; Play</button>
<button id="btn-next" type="button" title="Next step (Right arrow)">Next &#x25B6;</button>
<span id="step-counter"></span></nav>
<span class="keys">&larr; &rarr; step &middot; &uarr; &darr; neuron in focus &middot; Enter: its graph \
&middot; + &minus; 0 zoom &middot; p presentation</span></header>
<div class="stage" id="stage"><svg id="net" xmlns="http://www.w3.org/2000/svg" role="img" \
aria-label="the network"></svg></div>
<section class="panel" id="explain" aria-live="polite"></section>
<div id="node-dialog" class="dialog" hidden><div class="dialog-box" role="dialog" aria-modal="true">
<div class="dialog-head"><h2 id="node-title"></h2><button id="btn-close" type="button" title="Close (Escape)">\
&#x2715; Close</button></div><p id="node-text"></p><div class="dialog-stage" id="node-stage">\
<svg id="node-graph" xmlns="http://www.w3.org/2000/svg" role="img"></svg></div>
<div id="node-table"></div></div></div>"""


def lecture_html(
    model: Any, x: Any, y: Any, path: str | os.PathLike[str], lr: float = 0.1, title: str | None = None
) -> Path:
    """Write one self-contained page that steps through forward propagation, the loss, the δ
    recursion, ∂e/∂w = x_i δ_j on the edges and the SGD update, for ``model`` on (x, y).

    Keys: arrows step (Up/Down pick the neuron in focus), Enter opens the focused neuron's
    part of the node-level graph, + / - / 0 zoom, p presentation mode, s / i save the step as
    SVG / PNG. Networks up to 10 neurons wide and 6 layers deep; bigger ones raise ``ValueError``.
    """
    _checks.path("lecture_html", "path", path)
    _checks.text("lecture_html", "title", title, optional=True)
    data = _page_data(model, x, y, lr)
    name = title or "Backpropagation, as in the lecture: a {} network".format("-".join(map(str, data["sizes"])))
    data["title"] = name
    body = _BODY.format(title=html.escape(name))
    page = html_page(
        name,
        body,
        styles=("common.css", "lecture.css"),
        scripts=("network.js", "controls.js", "lecture.js"),
        data=data,
        data_id="lecture-data",
        body_class="page",
    )
    return atomic_write_text(path, page, "lecture_html")
