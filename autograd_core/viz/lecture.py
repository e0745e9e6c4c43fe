"""Backprop the way the lecture teaches it, for an ``nn.MLP``: one output with the square loss
e = (h(x) - y)², or K >= 2 scores with softmax and the cross-entropy loss.

Notation: x_i^(l) for i = 1..d^(l) (x_0 = 1 is the bias input), s_j^(l) = Σ_{i=0}^{d^(l-1)} w_ij^(l) x_i^(l-1),
x_j^(l) = θ(s_j^(l)), h = x_1^(L), δ_j^(l) = ∂e/∂s_j^(l), ∂e/∂w_ij^(l) = x_i^(l-1) δ_j^(l), and the
recursion δ_i^(l-1) = θ'(s_i^(l-1)) Σ_j w_ij^(l) δ_j^(l) with δ_1^(L) = 2(h - y) θ'(s_1^(L)) (square loss).
Multiclass: the scores f_k = x_k^(L) = s_k^(L) (linear output layer), p_k = e^{f_k} / Σ_j e^{f_j},
L = -Σ_k y_k log p_k = -log p_y (y one-hot) and δ_k^(L) = ∂L/∂s_k^(L) = p_k - y_k.

Every number comes from the engine: the forward pass records one ``affine`` node and one θ
node per neuron on the model's own weights, and δ and ∂e/∂w are what
:func:`autograd_core.grad` (the backward pass, which touches no ``.grad``) returns for the
s nodes and the weights. The model is not changed.
"""

from __future__ import annotations

import html
import math
import numbers
import os
from pathlib import Path
from typing import Any

from .. import _checks
from ..files import atomic_write_text
from ..functions import affine, exp, log, square
from ..functions import sum as vsum
from ..graph import grad
from ..rules import RULES
from ..shape import ACTIVATIONS, Network, walk
from ..value import Value, apply_unary, is_grad_enabled
from .assets import html_page

__all__ = ["lecture_steps", "lecture_html", "LECTURE_MAX_WIDTH", "LECTURE_MAX_LAYERS", "LOSSES"]

LOSSES = ("square", "cross_entropy")
"""The losses the lecture pages know: e = (h - y)² (one output), softmax + cross-entropy (K >= 2)."""

LECTURE_MAX_WIDTH = 10
"""Most neurons (or inputs) per layer that :func:`lecture_html` draws readably."""
LECTURE_MAX_LAYERS = 6
"""Most layers (L) that :func:`lecture_html` draws readably."""

THETA = {name: (a.symbol, a.derivative) for name, a in ACTIVATIONS.items()}
"""Activation name -> (θ as written, θ' as written in the lecture's terms), from :mod:`autograd_core.shape`."""


def _network(where: str, model: Any, loss: str, any_output: bool = False) -> Network:
    """The model's shape (:func:`autograd_core.shape.walk`), checked for the lecture's formulas and ``loss``."""
    net = walk(model, where)
    for l, act in enumerate(net.activations, start=1):
        if act not in THETA:
            raise ValueError(
                f"{where}: layer {l}'s activation {act!r:.60} has no lecture formula for θ'; "
                f"use one of {', '.join(map(repr, THETA))}"
            )
    k = net.sizes[-1]
    if loss == "square" and k != 1:
        raise ValueError(
            f"{where}: the lecture's square loss needs one output, the model has {k}; "
            "for K >= 2 class scores pass loss='cross_entropy'"
        )
    if loss == "cross_entropy":
        if k < 2:
            raise ValueError(f"{where}: softmax and cross-entropy need K >= 2 outputs (scores f_k), the model has {k}")
        if not any_output and net.activations[-1] != "linear":
            raise ValueError(
                f"{where}: the cross-entropy loss needs a linear output layer (the scores f_k = s_k^(L)), "
                f"got activation {net.activations[-1]!r}; build the model with output_activation='linear'"
            )
    return net


def _target(where: str, y: Any, loss: str, k: int) -> float:
    """y for the square loss (a real number), or the class index 0..K-1 for cross-entropy."""
    if loss == "square":
        return _real(where, "y", y)
    if isinstance(y, Value):
        y = y.data
    if isinstance(y, bool) or not isinstance(y, (numbers.Integral, float)):
        raise TypeError(f"{where}: y must be a class index 0..{k - 1} for the cross-entropy loss, got {y!r:.60}")
    if isinstance(y, float) and not y.is_integer():
        raise ValueError(f"{where}: y must be a whole class index 0..{k - 1}, got {y!r}")
    if not 0 <= int(y) < k:
        raise ValueError(f"{where}: class index y = {int(y)} out of range for K = {k} scores (expected 0..{k - 1})")
    return float(int(y))


def _real(where: str, name: str, v: Any) -> float:
    return _checks.real(where, name, v.data if isinstance(v, Value) else v)


def _inputs(where: str, net: Network, x: Any) -> list[float]:
    if isinstance(x, (str, bytes)) or not hasattr(x, "__len__"):
        raise TypeError(f"{where}: x must be a sequence of numbers, got {type(x).__name__} {x!r:.60}")
    nin = net.sizes[0]
    if len(x) != nin:
        raise ValueError(f"{where}: the model takes {nin} inputs, x has {len(x)}")
    return [_real(where, f"x[{i}]", v) for i, v in enumerate(x)]


def _trace(where: str, model: Any, x: Any, y: Any, loss: str = "square", any_output: bool = False) -> dict[str, Any]:
    """The forward pass on the model's weights as engine nodes, and the engine's ∂e/∂(every node).

    ``any_output``: cross-entropy on the outputs x_k^(L) = θ(s_k^(L)) of any θ (softmax of them),
    as a training run's view uses it; the lecture's pages keep the scores linear."""
    _checks.choice(where, "loss", loss, LOSSES)
    if not is_grad_enabled():
        raise ValueError(f"{where}: called inside no_grad(); the backward pass needs a recorded graph")
    net = _network(where, model, loss, any_output)
    layers, acts = net.layers, net.activations
    xv = _inputs(where, net, x)
    target = _target(where, y, loss, net.sizes[-1])
    xs: list[list[Value]] = [[Value(v, f"x_{i}^(0)") for i, v in enumerate(xv, start=1)]]
    ss: list[list[Value]] = []
    for l, (layer, act) in enumerate(zip(layers, acts), start=1):
        rule = None if act == "linear" else RULES[act]
        s_l, x_l = [], []
        for j, n in enumerate(layer, start=1):
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
    probs: list[Value] = []
    if loss == "square":
        e = square(xs[-1][0] - target)
    else:  # p_k = e^{f_k - m} / Σ_j e^{f_j - m} with the constant m = max_k f_k; L = log Σ_j e^{f_j - m} - (f_y - m)
        m = max(f.data for f in xs[-1])
        shifted = [f - m for f in xs[-1]]
        z = vsum([exp(g) for g in shifted])
        probs = [v for v in (exp(g) / z for g in shifted) if isinstance(v, Value)]
        e = log(z) - shifted[int(target)]
    assert isinstance(e, Value)  # the outputs are Values: so is e
    params = [[[n.b, *n.w] for n in layer] for layer in layers]
    flat_params = [w for layer in params for row in layer for w in row]
    flat_s = [s for layer in ss for s in layer]
    flat_x = [v for layer in xs for v in layer]
    g = grad(e, [*flat_s, *flat_x, *flat_params])
    return {
        "layers": layers,
        "acts": acts,
        "sizes": net.sizes,
        "y": target,
        "xs": xs,
        "ss": ss,
        "e": e,
        "p": probs,
        "loss": loss,
        "params": params,
        "grads": dict(zip([*flat_s, *flat_x, *flat_params], g)),
    }


def lecture_steps(model: Any, x: Any, y: Any, lr: float = 0.1, loss: str = "square") -> dict[str, Any]:
    """The lecture's quantities for one example (x, y), JSON-ready, from the engine's backward pass.

    Keys: ``"x"`` (x^(0..L), x_0 = 1 left out), ``"s"`` and ``"delta"`` (layers 1..L, δ = ∂e/∂s),
    ``"grad"`` (layers 1..L, ``[i][j]`` = ∂e/∂w_ij = x_i^(l-1) δ_j^(l), row i = 0 the bias),
    ``"w_new"`` (the same after one SGD step w - lr ∂e/∂w) and ``"e"``: (h(x) - y)² for
    ``loss="square"`` (one output, y a number).

    With ``loss="cross_entropy"`` (K >= 2 outputs, linear output layer, y a class index 0..K-1)
    ``"e"`` is L = -Σ_k y_k log p_k = -log p_y, ``"delta"[L-1]`` is δ_k^(L) = p_k - y_k, and there
    are three more keys: ``"f"`` (the scores f_k = x_k^(L)), ``"p"`` (softmax p_k = e^{f_k} / Σ_j e^{f_j})
    and ``"prediction"`` (argmax_k f_k, a class index). Does not change the model (no weight,
    gradient or label is touched).
    """
    return _steps("lecture_steps", model, x, y, lr, loss)[1]


def _steps(
    where: str, model: Any, x: Any, y: Any, lr: float, loss: str, any_output: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The engine's trace and :func:`lecture_steps`' dict computed from it."""
    eta = _real(where, "lr", lr)
    t = _trace(where, model, x, y, loss, any_output)
    g = t["grads"]
    grads = [[[g[row[i]] for row in layer] for i in range(len(layer[0]))] for layer in t["params"]]
    w_new = [
        [[row[i].data - eta * gl[i][j] for j, row in enumerate(layer)] for i in range(len(layer[0]))]
        for layer, gl in zip(t["params"], grads)
    ]
    out: dict[str, Any] = {
        "x": [[v.data for v in layer] for layer in t["xs"]],
        "s": [[s.data for s in layer] for layer in t["ss"]],
        "delta": [[g[s] for s in layer] for layer in t["ss"]],
        "grad": grads,
        "w_new": w_new,
        "e": t["e"].data,
    }
    if loss == "cross_entropy":
        f = out["x"][-1]
        out["f"] = list(f)
        out["p"] = [p.data for p in t["p"]]
        out["prediction"] = max(range(len(f)), key=lambda k: (f[k], -k))  # the first of equal scores
    return t, out


def theta_primes(t: dict[str, Any]) -> list[list[float]]:
    """θ'(s_j^(l)) per layer and neuron: the engine's local derivative of each θ node (1 for linear)."""
    return [
        [out.local_grads[0] if out is not s else 1.0 for s, out in zip(sl, xl)] for sl, xl in zip(t["ss"], t["xs"][1:])
    ]


def example_backprop(model: Any, x: Any, y: Any, loss: str) -> dict[str, Any]:
    """For a training view: :func:`lecture_steps`' ``x``, ``s``, ``delta``, ``grad`` (∂e/∂w of this
    example), ``e`` (and ``p`` with cross-entropy, which here may follow any output θ), plus
    ``theta_prime``, all from the engine's backward pass."""
    t, out = _steps("TrainingView", model, x, y, 0.0, loss, any_output=True)
    if loss == "cross_entropy":
        out["p"] = [p.data for p in t["p"]]
    out["theta_prime"] = theta_primes(t)
    del out["w_new"]
    return out


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


def _loss_value(loss: str, outputs: list[float], y: float) -> float:
    """e for the outputs x^(L) as plain floats, by the same engine functions (no graph)."""
    if loss == "square":
        return float(square(outputs[0] - y))
    m = max(outputs)
    z = float(vsum([exp(f - m) for f in outputs]))
    return float(log(z)) - (outputs[int(y)] - m)


def _page_data(model: Any, x: Any, y: Any, lr: float, loss: str = "square") -> dict[str, Any]:
    where = "lecture_html"
    t, steps = _steps(where, model, x, y, lr, loss)  # checks the arguments, naming lecture_html
    eta = _real(where, "lr", lr)
    layers, acts, sizes = t["layers"], t["acts"], t["sizes"]
    if max(sizes) > LECTURE_MAX_WIDTH or len(layers) > LECTURE_MAX_LAYERS:
        raise ValueError(
            f"{where}: a network of layer sizes {sizes} is too big to draw step by step (at most "
            f"{LECTURE_MAX_WIDTH} per layer and {LECTURE_MAX_LAYERS} layers); draw the network-level view "
            "instead, autograd_core.viz.draw_network(model, show='grads') after backward(), or step through a "
            "smaller model"
        )
    # the loss after the step, by the same engine functions on the new weights (floats: no graph)
    xv = steps["x"][0]
    for l, act in enumerate(acts):
        rows = steps["w_new"][l]
        nxt = []
        for j in range(len(rows[0])):
            s_new = affine(rows[0][j], [rows[i][j] for i in range(1, len(rows))], xv)
            nxt.append(s_new if act == "linear" else apply_unary(RULES[act], s_new))
        xv = nxt
    e_after = _loss_value(loss, [float(v) for v in xv], t["y"])
    theta_prime = _jl(theta_primes(t))
    # Δw = -η ∂e/∂w, the change the SGD step makes (w_new = w + Δw)
    dw = [[[-eta * gij for gij in row] for row in layer] for layer in steps["grad"]]
    data: dict[str, Any] = {
        "loss": loss,
        "steps": {k: _jl(v) if isinstance(v, list) else _j(v) for k, v in steps.items()},
        "w": [[[_j(row[i].data) for row in layer] for i in range(len(layer[0]))] for layer in t["params"]],
        "dw": _jl(dw),
        "theta_prime": theta_prime,
        "activations": acts,
        "theta": {a: list(THETA[a]) for a in set(acts)},
        "sizes": sizes,
        "y": _j(t["y"]),
        "lr": _j(eta),
        "e_after": _j(e_after),
        "neurons": [[_neuron_graph(t, l, j) for j in range(1, sizes[l] + 1)] for l in range(1, len(sizes))],
    }
    if loss == "square":
        data["dedh"] = _j(t["grads"][t["xs"][-1][0]])  # ∂e/∂h = 2(h - y), from the backward pass
    else:
        data["onehot"] = [1.0 if k == int(t["y"]) else 0.0 for k in range(sizes[-1])]
        data["prediction_after"] = max(range(len(xv)), key=lambda k: (float(xv[k]), -k))
    return data


_BODY = """<header class="top"><h1>{title}</h1>
<nav class="toolbar" id="bar">
<button id="btn-reset" type="button" title="First step (Home)">&#x21BA;</button>
<button id="btn-prev" type="button" title="Previous step (Left arrow)">&#x25C0; Prev</button>
<button id="btn-play" type="button" title="Play / pause (Space)">&#x25B6; Play</button>
<button id="btn-next" type="button" title="Next step (Right arrow)">Next &#x25B6;</button>
<span id="step-counter"></span></nav>
<span class="keys">&larr; &rarr; step &middot; &uarr; &darr; neuron in focus &middot; Enter: its graph \
&middot; a all neurons &middot; + &minus; 0 zoom &middot; p presentation</span></header>
<div class="main" id="main"><div class="stage" id="stage"><svg id="net" xmlns="http://www.w3.org/2000/svg" \
role="img" aria-label="the network"></svg></div>
<section class="panel" id="explain" aria-live="polite"></section></div>
<div id="node-dialog" class="dialog" hidden><div class="dialog-box" role="dialog" aria-modal="true">
<div class="dialog-head"><h2 id="node-title"></h2><button id="btn-close" type="button" title="Close (Escape)">\
&#x2715; Close</button></div><p id="node-text"></p><div class="dialog-stage" id="node-stage">\
<svg id="node-graph" xmlns="http://www.w3.org/2000/svg" role="img"></svg></div>
<div id="node-table"></div></div></div>"""


def lecture_html(
    model: Any,
    x: Any,
    y: Any,
    path: str | os.PathLike[str],
    lr: float = 0.1,
    loss: str = "square",
    title: str | None = None,
) -> Path:
    """Write one self-contained page that steps through forward propagation, the loss, the δ
    recursion, ∂e/∂w = x_i δ_j on the edges and the SGD update, for ``model`` on (x, y).

    ``loss="square"``: one output h, e = (h - y)². ``loss="cross_entropy"``: K >= 2 scores f_k
    (linear output layer), y a class index; the page adds the softmax p_k, the loss
    L = -log p_y, δ_k^(L) = p_k - y_k with its chain-rule derivation, and the prediction argmax_k f_k.
    Every number is :func:`lecture_steps`' (the engine's backward pass).

    Keys: arrows step (Up/Down pick the neuron in focus), Enter opens the focused neuron's
    part of the node-level graph, + / - / 0 zoom, p presentation mode, s / i save the step as
    SVG / PNG. Networks up to 10 neurons wide and 6 layers deep; bigger ones raise ``ValueError``.
    """
    _checks.path("lecture_html", "path", path)
    _checks.text("lecture_html", "title", title, optional=True)
    data = _page_data(model, x, y, lr, loss)
    kind = " softmax" if loss == "cross_entropy" else ""
    name = title or "Backpropagation, as in the lecture: a {}{} network".format("-".join(map(str, data["sizes"])), kind)
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
