"""The lecture's worked example, in numbers: a 4-layer tanh network on one data point.

Forward: x^(l) = θ(W_l x^(l-1)), θ = tanh, with the bias input x_0 = 1. Backward by the
lecture's recursion: δ_1^(L) = 2(x_1^(L) - y)(1 - (x_1^(L))²),
δ_i^(l-1) = (1 - (x_i^(l-1))²) Σ_j w_ij^(l) δ_j^(l), and ∂e/∂w_ij^(l) = x_i^(l-1) δ_j^(l),
compared with the engine's gradients; then one SGD step w <- w - η x_i^(l-1) δ_j^(l).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nn
from autograd_core import Value, viz

from ._common import finish, start

__all__ = ["main", "SIZES", "X", "Y", "LR", "lecture_deltas"]

DESCRIPTION = """The lecture's example, step by step: a 4-layer tanh network (d^(0) = 3 inputs, layers
of 3, 3, 3 and 1 neurons, bias input x_0 = 1) on one data point with the square loss
e = (h(x) - y)^2. Prints forward propagation layer by layer, x^(l) = tanh(W_l x^(l-1)); the
deltas of the lecture's backward recursion beside the engine's gradients de/ds (they agree
to rounding); de/dw_ij = x_i^(l-1) delta_j^(l) beside the engine's weight gradients; then one
SGD step and the loss before and after. Writes the computation graph (SVG), the network
coloured by gradient (SVG), a page that steps through the backward pass node by node (HTML), and
the lecture page: forward propagation, the loss, the delta recursion and the SGD update on the
network, one step at a time (HTML)."""

SIZES = (3, 3, 3, 1)
"""d^(1), ..., d^(4); d^(0) = 3."""
X = (0.5, -1.0, 2.0)
"""The data point x = (x_1, x_2, x_3)."""
Y = 1.0
"""Its label y."""
LR = 0.1
"""SGD step size η."""
SEED = 10


def _row(values: Sequence[float], width: int = 10) -> str:
    return " ".join(f"{v:+{width}.6f}" for v in values)


def lecture_deltas(weights: list[list[list[float]]], xs: list[list[float]], y: float) -> list[list[float]]:
    """δ^(1..L) by the lecture's recursion, from the activations x^(0..L) and the weights.

    ``weights[l-1][j-1]`` = (w_0j^(l), w_1j^(l), ..., w_dj^(l)); ``xs[l]`` = x^(l) without x_0.
    """
    L = len(weights)
    top = xs[L][0]
    deltas: list[list[float]] = [[] for _ in range(L)]
    deltas[L - 1] = [2.0 * (top - y) * (1.0 - top * top)]
    for l in range(L, 1, -1):  # δ^(l) -> δ^(l-1)
        below = xs[l - 1]
        deltas[l - 2] = [
            (1.0 - below[i - 1] ** 2) * sum(weights[l - 1][j][i] * deltas[l - 1][j] for j in range(len(weights[l - 1])))
            for i in range(1, len(below) + 1)
        ]
    return deltas


def _label(model: nn.MLP) -> None:
    """Lecture names on the parameters: w_ij^(l), with w_0j^(l) the bias."""
    for l, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons, start=1):
            neuron.b.label = f"w_0{j}^({l})"
            for i, w in enumerate(neuron.w, start=1):
                w.label = f"w_{i}{j}^({l})"


def _forward(model: nn.MLP) -> tuple[list[list[Value]], list[list[Value]], Value]:
    """Layer by layer: inputs x^(0), activations x^(l) and weighted sums s^(l) as Values; the loss e."""
    x0 = [Value(v, label=f"x_{i}^(0)") for i, v in enumerate(X, start=1)]
    xs, ss = [x0], []
    for l, layer in enumerate(model.layers, start=1):
        out = layer(xs[-1])  # tanh(s_j) for each neuron j: s_j is the tanh node's parent
        s = [o.parents[0] for o in out]
        for j, (o, sj) in enumerate(zip(out, s), start=1):
            o.label, sj.label = f"x_{j}^({l})", f"s_{j}^({l})"
        xs.append(out)
        ss.append(s)
    e = nn.square_loss(xs[-1][0], Y)
    e.label = "e"
    return xs, ss, e


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args, out = start("lecture", DESCRIPTION, argv)
    model = nn.MLP(3, list(SIZES), activation="tanh", output_activation="tanh", seed=SEED)
    _label(model)
    params = model.parameters()
    weights = [[[n.b.data, *(w.data for w in n.w)] for n in layer.neurons] for layer in model.layers]

    print("\n== forward propagation: x^(l) = tanh(W_l x^(l-1)), x_0 = 1 ==")
    xs, ss, e = _forward(model)
    print(f"x^(0) = {_row([v.data for v in xs[0]])}   y = {Y:+.1f}")
    for l in range(1, len(SIZES) + 1):
        print(f"layer {l}: rows (w_0j, w_1j, ..., w_dj) of W_{l}")
        for j, row in enumerate(weights[l - 1], start=1):
            print(f"  j={j}: {_row(row)}")
        print(f"  s^({l}) = {_row([v.data for v in ss[l - 1]])}")
        print(f"  x^({l}) = {_row([v.data for v in xs[l]])}")
    loss_before = e.data
    print(f"h(x) = x_1^(4) = {xs[-1][0].data:+.6f}, e = (h(x) - y)^2 = {loss_before:.6f}")

    print("\n== backward propagation: the lecture's deltas vs the engine's de/ds ==")
    model.zero_grad()
    e.backward()
    deltas = lecture_deltas(weights, [[v.data for v in layer] for layer in xs], Y)
    delta_diff = 0.0
    for l in range(len(SIZES), 0, -1):
        for j, (d, s) in enumerate(zip(deltas[l - 1], ss[l - 1]), start=1):
            delta_diff = max(delta_diff, abs(d - s.grad))
            print(
                f"  delta_{j}^({l}) = {d:+.12f}   engine de/ds_{j}^({l}) = {s.grad:+.12f}   diff {abs(d - s.grad):.1e}"
            )

    print("\n== gradients: de/dw_ij^(l) = x_i^(l-1) delta_j^(l) vs the engine ==")
    grad_diff = 0.0
    formula: dict[Value, float] = {}
    for l, layer in enumerate(model.layers, start=1):
        below = [1.0, *(v.data for v in xs[l - 1])]  # x_0 = 1
        for j, neuron in enumerate(layer.neurons, start=1):
            for i, w in enumerate([neuron.b, *neuron.w]):
                g = below[i] * deltas[l - 1][j - 1]
                formula[w] = g
                grad_diff = max(grad_diff, abs(g - w.grad))
                print(f"  {w.label:>10}: x_{i}^({l - 1}) delta_{j}^({l}) = {g:+.12f}   engine {w.grad:+.12f}")
    print(f"largest difference: deltas {delta_diff:.2e}, weight gradients {grad_diff:.2e}")
    if not (delta_diff < 1e-12 and grad_diff < 1e-12):
        raise RuntimeError(
            f"lecture: the recursion and the engine disagree (deltas {delta_diff}, gradients {grad_diff})"
        )

    try:
        print(f"wrote {viz.save_svg(e, out / 'lecture_graph.svg', params=params)}")
        network = viz.draw_network(model, show="grads", x=X, y=Y)  # x_j, δ_j, y and e in lecture notation
        print(f"wrote {viz.save_svg(network, out / 'lecture_network_grads.svg')}")
    except viz.RendererNotFound as error:  # the HTML page below needs no renderer
        print(f"skipped the SVG files: {error}")
    page = viz.backprop_html(
        e,
        out / "lecture_backprop.html",
        params=params,
        title="Backpropagation through the lecture's 4-layer tanh network",
    )
    print(f"wrote {page}")
    lecture_page = viz.lecture_html(
        model,
        X,
        Y,
        out / "lecture_steps.html",
        lr=LR,
        title="Backpropagation, as in the lecture: the 3-3-3-1 tanh network",
    )
    print(f"wrote {lecture_page}  (forward, the loss, the \u03b4 recursion and the SGD step, one step at a time)")

    print(f"\n== one SGD step, eta = {LR}: w <- w - eta x_i^(l-1) delta_j^(l) ==")
    before = {w: w.data for w in params}
    nn.SGD(params, lr=LR).step()
    step_diff = max(abs(w.data - (before[w] - LR * formula[w])) for w in params)
    _, _, e_after = _forward(model)
    print(f"e before {loss_before:.6f} -> after {e_after.data:.6f} (update matches the formula to {step_diff:.1e})")
    metrics = {
        "quick": args.quick,
        "max_abs_diff_delta": delta_diff,
        "max_abs_diff_grad": grad_diff,
        "max_abs_diff_sgd_update": step_diff,
        "loss_before": loss_before,
        "loss_after": e_after.data,
        "n_parameters": len(params),
    }
    result = (
        f"the δ recursion equals the engine's gradients (to {delta_diff:.0e}) and one SGD step lowered e "
        f"from {loss_before:.4f} to {e_after.data:.4f}"
    )
    return finish(out, metrics, result)


if __name__ == "__main__":
    main()
