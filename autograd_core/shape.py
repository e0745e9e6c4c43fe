"""The shape of a network, in the lecture's terms: the one place that knows it.

- :data:`ACTIVATIONS`: the activation table, name -> :class:`Activation` (its rule of the
  table, θ and θ' as the lecture writes them, the PyTorch module). ``nn``, the pages, the
  torch bridge and the float forward passes all read it.
- :func:`walk`: a model (``nn.MLP`` with ``.layers``, ``nn.Layer`` with ``.neurons``, ``nn.Neuron``
  with ``.w`` and ``.b``, or any class of the same shape) as a :class:`Network`: layers,
  neurons, weights w_ij^(l) in one flat order, each weight's place (l, i, j).
- :func:`forward_floats`: x^(0..L) on floats, θ being the table rule's own ``forward``.
- :func:`weight_place` and :func:`lecture_names`: nn's parameter labels (``layers.0.neurons.2.w.0``)
  and a recorded graph in the lecture's names (w_ij^(l), s_j^(l), x_j^(l), e), for drawings
  (:func:`autograd_core.viz.lecture_labels`) and for ``compile``'s source alike.

Indices are the lecture's: layers l = 1..L, neurons j = 1..d^(l), inputs i = 1..d^(l-1) and
i = 0 for the bias w_0j, whose input is x_0 = 1. Nothing here imports ``nn``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from operator import mul
from typing import Any, NamedTuple

from .rules import RULES, Rule, add_all

__all__ = [
    "Activation",
    "ACTIVATIONS",
    "Network",
    "walk",
    "activation_name",
    "forward_floats",
    "weight_place",
    "lecture_names",
    "code_name",
]


class Activation(NamedTuple):
    """One activation θ: the rule that computes it (``None``: the identity, no node), θ and θ'
    as the lecture writes them (θ' in terms of the neuron's output x, or of s), and the
    ``torch.nn`` module of the same function."""

    rule: Rule | None
    symbol: str
    derivative: str
    torch: str


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation(RULES["tanh"], "tanh", "1 \u2212 (x)\u00b2", "Tanh"),  # θ' = 1 - θ²
    "sigmoid": Activation(RULES["sigmoid"], "\u03c3", "x(1 \u2212 x)", "Sigmoid"),  # θ' = θ(1 - θ)
    "relu": Activation(RULES["relu"], "relu", "[s > 0]", "ReLU"),  # θ' = [s > 0]
    "linear": Activation(None, "identity", "1", "Identity"),  # θ(s) = s
}
"""The activation table: name -> :class:`Activation`."""


def activation_name(unit: Any) -> str:
    """The activation of a layer or neuron by name: its ``.activation`` if that is a string
    (a layer without one: its first neuron's), ``"callable"`` for a function, ``"linear"`` if none."""
    act = getattr(unit, "activation", None)
    if act is None and getattr(unit, "neurons", None):
        act = getattr(unit.neurons[0], "activation", None)
    if act is None:
        return "linear"
    return act if isinstance(act, str) else "callable"


class Network:
    """A model's shape: ``layers[l - 1]`` holds layer l's neurons; ``sizes`` = d^(0..L);
    ``activations`` their names per layer; ``params`` every weight, layer by layer, neuron by
    neuron, (w_0j = bias, w_1j, ..., w_dj); ``places[k]`` = (l, i, j) of ``params[k]``."""

    def __init__(self, layers: list[Sequence[Any]], activations: list[str]) -> None:
        self.layers = layers
        self.sizes = [len(layers[0][0].w)] + [len(neurons) for neurons in layers]
        self.activations = activations
        self.params: list[Any] = []
        self.places: list[tuple[int, int, int]] = []
        for l, neurons in enumerate(layers, start=1):
            for j, n in enumerate(neurons, start=1):
                for i, w in enumerate((n.b, *n.w)):
                    self.params.append(w)
                    self.places.append((l, i, j))

    @property
    def floats_ok(self) -> bool:
        """True when θ of every layer is in :data:`ACTIVATIONS`, so a forward pass needs no graph."""
        return all(a in ACTIVATIONS for a in self.activations)


def walk(model: Any, owner: str = "walk") -> Network:
    """``model`` as a :class:`Network`, or a ``TypeError``/``ValueError`` starting with ``owner``."""
    if hasattr(model, "layers"):
        units = list(model.layers)
        layers = [unit.neurons for unit in units]
    elif hasattr(model, "neurons"):
        units, layers = [model], [model.neurons]
    elif hasattr(model, "w") and hasattr(model, "b"):
        units, layers = [model], [[model]]
    else:
        raise TypeError(
            f"{owner}: expected an nn model (nn.MLP with .layers, nn.Layer with .neurons, "
            f"or nn.Neuron with .w and .b), got {type(model).__name__}"
        )
    if not layers or any(len(neurons) == 0 for neurons in layers):
        raise ValueError(f"{owner}: the model has an empty layer")
    size = len(layers[0][0].w)
    for l, neurons in enumerate(layers, start=1):
        for j, n in enumerate(neurons, start=1):
            if len(n.w) != size:
                raise ValueError(f"{owner}: neuron {j} of layer {l} has {len(n.w)} weights, expected {size}")
        size = len(neurons)
    return Network(layers, [activation_name(u) for u in units])


def forward_floats(network: Network, x: Sequence[float]) -> list[list[float]]:
    """x^(0..L) for input ``x`` on floats, from the weights' ``.data``:
    x_j^(l) = θ(s_j^(l)), s_j^(l) = w_0j + Σ_i w_ij x_i^(l-1), θ the table rule's ``forward``."""
    if not network.floats_ok:
        raise ValueError(f"forward_floats: activations {network.activations} are not all in ACTIVATIONS")
    xs = [[float(v) for v in x]]
    for neurons, act in zip(network.layers, network.activations):
        rule = ACTIVATIONS[act].rule
        sums = [n.b.data + add_all(map(mul, [w.data for w in n.w], xs[-1])) for n in neurons]
        xs.append(sums if rule is None else [rule.forward(s) for s in sums])
    return xs


# --- nn's labels and a recorded graph, in the lecture's names ------------------------------

_NN_LABEL = re.compile(r"(?:layers\.(\d+)\.)?neurons\.(\d+)\.(?:w\.(\d+)|b)")


def weight_place(label: str) -> tuple[int, int, int] | None:
    """(l, i, j) of an ``nn`` parameter label: ``layers.0.neurons.2.w.0`` -> (1, 1, 3), ``...b`` -> i = 0."""
    m = _NN_LABEL.fullmatch(label)
    if m is None:
        return None
    layer, j = int(m.group(1) or 0) + 1, int(m.group(2)) + 1
    return layer, int(m.group(3)) + 1 if m.group(3) is not None else 0, j


def _w(i: int, j: int, layer: int) -> str:
    sep = "," if i >= 10 or j >= 10 else ""
    return f"w_{{{i}{sep}{j}}}^({layer})"


def lecture_names(items: Sequence[tuple[str, str, Sequence[int]]], root: int = -1) -> list[str]:
    """The lecture's names for a graph given as ``(label, op, parent indices)`` per node, parents
    first, ``root`` the index of the output (``op`` is ``""`` for a leaf); ``""`` where the
    lecture has no name.

    nn's weights are w_ij^(l) (``w_{13}^(1)``; i = 0 the bias); an unlabelled ``affine`` or ``dot``
    on the weights of one neuron j of layer l is s_j^(l), and its data inputs (layer 1) x_i^(0);
    an activation of s_j^(l) is x_j^(l); an unlabelled ``square`` root is e, and a ``sub`` under
    it h − y. Written with ``_`` and ``^( )``: ``viz.unicode_math`` makes them sub- and superscripts,
    :func:`code_name` Python names.
    """
    names = [""] * len(items)
    neuron: dict[int, tuple[int, int]] = {}  # index -> (l, j) of the neuron whose weight it is
    for k, (label, op, _) in enumerate(items):
        place = weight_place(label) if not op else None
        if place is not None:
            layer, i, j = place
            names[k] = _w(i, j, layer)
            neuron[k] = (layer, j)
    s_of: dict[int, tuple[int, int]] = {}
    activations = {a.rule.name for a in ACTIVATIONS.values() if a.rule is not None}
    for k, (label, op, parents) in enumerate(items):
        if label or not op:
            continue
        if op in ("affine", "dot"):
            owners = {neuron[p] for p in parents if p in neuron}
            if len(owners) == 1:
                ((layer, j),) = owners
                names[k] = f"s_{j}^({layer})"
                s_of[k] = (layer, j)
                inputs = [p for p in parents if p not in neuron]
                if layer == 1 and len(inputs) == len(parents) // 2:  # affine(w_0, w, x): x = the data
                    for i, p in enumerate(inputs, start=1):
                        if not items[p][1] and not items[p][0] and not names[p]:
                            names[p] = f"x_{i}^(0)"
        elif op in activations and len(parents) == 1 and parents[0] in s_of:
            layer, j = s_of[parents[0]]
            names[k] = f"x_{j}^({layer})"
    if items and items[root][1] == "square" and not items[root][0]:
        names[root] = "e"
        parents = items[root][2]
        if len(parents) == 1 and items[parents[0]][1] == "sub" and not items[parents[0]][0]:
            names[parents[0]] = "h \u2212 y"
    return names


def code_name(name: str) -> str:
    """A lecture name as a Python identifier: ``w_{03}^(1)`` -> ``w_03_l1``, ``s_2^(1)`` -> ``s_2_l1``,
    ``h − y`` -> ``h_minus_y``; ``""`` stays ``""``."""
    text = name.replace("\u2212", "minus").replace("{", "").replace("}", "").replace(",", "_")
    text = re.sub(r"\^\((\d+)\)", r"_l\1", text)
    return re.sub(r"\W+", "_", text, flags=re.ASCII).strip("_")
