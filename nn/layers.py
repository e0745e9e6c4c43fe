"""``Neuron``, ``Layer`` and ``MLP``: the lecture's network, on ``autograd_core.Value``.

The j-th neuron of layer l computes x_j^(l) = θ(s_j^(l)), s_j^(l) = Σ_{i=0}^{d^(l-1)} w_ij^(l) x_i^(l-1),
with the bias input x_0 = 1 (so the bias is w_0j). The weighted sum s is ONE ``affine`` node of
the engine, s = w_0 + Σ_{i>=1} w_i x_i (x_0 = 1 is folded into the rule, no node for it); θ is
one more node (none for "linear"). A network's output is h(x) = x^(L).

Plain-number inputs become fresh leaves: with only Values among its inputs the engine records
the node on its fastest path. Their ``.grad`` after ``backward()`` is ∂e/∂x_i.

The containers are live: ``neuron.w``, ``neuron.b``, ``layer.neurons`` and ``mlp.layers`` are
read on every call, so replacing a weight (``neuron.w[0] = Value(0.5)``) or a neuron changes
both the forward pass and ``parameters()`` (keep the sizes: they are the architecture).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from autograd_core import RULES, Rule, Value, apply_nary, apply_unary

from .init import Init, Seed, make_rng, resolve_init
from .model_file import check_mlp_architecture, read_model_file
from .module import Module

__all__ = ["Neuron", "Layer", "MLP", "ACTIVATIONS", "Activation"]

Activation = str | Callable[[Value], Value]
Inputs = Sequence[Value | float | int]

_AFFINE = RULES["affine"]

ACTIVATIONS: dict[str, Rule | None] = {
    "tanh": RULES["tanh"],  # θ(s) = tanh s, θ' = 1 - θ²
    "sigmoid": RULES["sigmoid"],  # θ(s) = 1 / (1 + e^-s), θ' = θ(1 - θ)
    "relu": RULES["relu"],  # θ(s) = max(0, s), θ' = [s > 0]
    "linear": None,  # θ(s) = s
}
"""Activation functions θ by name (``None``: the identity, no node)."""


def _check_activation(owner: str, activation: Any) -> Activation:
    if isinstance(activation, str) and activation in ACTIVATIONS:
        return activation
    if callable(activation) and not isinstance(activation, str):
        return activation  # type: ignore[no-any-return]
    names = ", ".join(repr(n) for n in ACTIVATIONS)
    raise ValueError(f"{owner}: unknown activation {activation!r}; expected one of {names} or a callable")


def _check_size(owner: str, what: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{owner}: {what} must be a positive int, got {type(n).__name__} {n!r:.60}")
    if n <= 0:
        raise ValueError(f"{owner}: {what} must be a positive int, got {n}")
    return n


def _activation_name(activation: Activation) -> str:
    if isinstance(activation, str):
        return activation
    name = getattr(activation, "__qualname__", None) or type(activation).__qualname__
    return f"callable:{getattr(activation, '__module__', '?')}.{name}"


def _length(x: Any) -> int:
    """len(x), or -1 for an object without a length (reported by :func:`_wrong_length`)."""
    try:
        return len(x)
    except TypeError:
        return -1


def _wrong_length(owner: str, expected: int, x: Any) -> Exception:
    """The error for an input of the wrong length, or of no length at all (not a list)."""
    try:
        return ValueError(f"{owner}: expected {expected} inputs, got {len(x)}")
    except TypeError:
        return TypeError(
            f"{owner}: input must be a list of {expected} numbers or Values, got {type(x).__name__} {x!r:.60}"
        )


def _inputs(owner: str, x: Inputs) -> list[Value]:
    """(x_1, ..., x_d) as Values: numbers become new leaves, Values are kept.

    With every input a Value, the engine records the affine node on its fast path.
    """
    try:
        return [v if isinstance(v, Value) else Value(v) for v in x]
    except TypeError as error:
        raise TypeError(f"{owner}: inputs must be numbers or Values ({error})") from None


class _Weighted(Protocol):
    """Anything with a neuron's weights: ``w`` = [w_1..w_d] and the bias ``b`` = w_0."""

    w: list[Value]
    b: Value


def _forward(neurons: Sequence[_Weighted], activation: Activation, xs: Sequence[Value]) -> list[Value]:
    """x_j = θ(s_j) for each neuron, s_j = w_0j + Σ_i w_ij x_i: one affine node (+ one θ node).

    The one place that computes a neuron's output; it reads ``neuron.b``/``neuron.w`` now,
    so a replaced weight is used at once.
    """
    affine = _AFFINE
    sums = [apply_nary(affine, (n.b, *n.w, *xs)) for n in neurons]
    if activation.__class__ is str:
        rule = ACTIVATIONS[activation]
        return sums if rule is None else [apply_unary(rule, s) for s in sums]
    return [activation(s) for s in sums]  # type: ignore[operator]


class Neuron(Module):
    """x_j = θ(Σ_{i=0}^{d} w_i x_i) with x_0 = 1: ``neuron.w`` = [w_1..w_d], ``neuron.b`` = w_0.

    ``Neuron(x)`` takes d floats or Values and returns one Value. ``seed`` (int or
    ``random.Random``) makes the random initial weights reproducible; ``init`` picks the
    scheme ("xavier", "he", "uniform" or ``f(rng, fan_in, fan_out)``; default He for
    "relu", Xavier otherwise).

    :param nin: d, the number of inputs (the bias w_0 comes on top).
    :param activation: θ: ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"linear"``.
    :param seed: an int or ``random.Random`` for the initial weights (``None``: fresh randomness).
    :param init: ``"xavier"``, ``"he"``, ``"uniform"`` or ``f(rng, fan_in, fan_out)``;
        ``None``: He for relu, Xavier otherwise.
    :param fan_out: the number of neurons of the layer (Xavier's fan-out).
    """

    def __init__(
        self,
        nin: int,
        activation: Activation = "tanh",
        seed: Seed = None,
        init: str | Init | None = None,
        *,
        fan_out: int = 1,
    ) -> None:
        self.nin = _check_size("Neuron", "nin", nin)
        self.activation = _check_activation("Neuron", activation)
        _check_size("Neuron", "fan_out", fan_out)
        scheme = resolve_init(init, self.activation, "Neuron")
        rng = make_rng(seed, "Neuron")
        self.w: list[Value] = [Value(scheme(rng, nin, fan_out), label=f"w.{i}") for i in range(nin)]
        self.b: Value = Value(scheme(rng, nin, fan_out), label="b")

    def __call__(self, x: Inputs) -> Value:
        if _length(x) != self.nin:
            raise _wrong_length("Neuron", self.nin, x)
        return _forward((self,), self.activation, _inputs("Neuron", x))[0]

    def named_parameters(self) -> list[tuple[str, Value]]:
        """("w.0", w_1), ..., ("w.{d-1}", w_d), ("b", w_0): ``w.k`` is ``neuron.w[k]``."""
        return [*((f"w.{k}", w) for k, w in enumerate(self.w)), ("b", self.b)]

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def architecture(self) -> dict[str, Any]:
        return {"type": "Neuron", "nin": self.nin, "activation": _activation_name(self.activation)}

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={_activation_name(self.activation)!r})"


class Layer(Module):
    """x^(l) = θ(W_l x^(l-1)): ``nout`` neurons on the same ``nin`` inputs.

    ``Layer(x)`` takes ``nin`` floats or Values and always returns a list of ``nout`` Values.

    :param nin: the number of inputs of each neuron.
    :param nout: the number of neurons (outputs).
    :param activation: θ of every neuron: ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"linear"``.
    :param seed: an int or ``random.Random`` for the initial weights.
    :param init: the initialisation scheme, as for :class:`Neuron`.
    """

    def __init__(
        self,
        nin: int,
        nout: int,
        activation: Activation = "tanh",
        seed: Seed = None,
        init: str | Init | None = None,
    ) -> None:
        self.nin = _check_size("Layer", "nin", nin)
        self.nout = _check_size("Layer", "nout", nout)
        self.activation = _check_activation("Layer", activation)
        resolve_init(init, self.activation, "Layer")
        rng = make_rng(seed, "Layer")
        self.neurons = [Neuron(nin, self.activation, rng, init, fan_out=nout) for _ in range(nout)]
        for name, p in self.named_parameters():
            p.label = name

    def __call__(self, x: Inputs) -> list[Value]:
        if _length(x) != self.nin:
            raise _wrong_length("Layer", self.nin, x)
        return _forward(self.neurons, self.activation, _inputs("Layer", x))

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"neurons.{j}.{name}", p) for j, n in enumerate(self.neurons) for name, p in n.named_parameters()]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in (*n.w, n.b)]

    def architecture(self) -> dict[str, Any]:
        return {
            "type": "Layer",
            "nin": self.nin,
            "nout": self.nout,
            "activation": _activation_name(self.activation),
        }

    def __repr__(self) -> str:
        return f"Layer({self.nin}, {self.nout}, activation={_activation_name(self.activation)!r})"


class MLP(Module):
    """h(x) = θ_L(W_L θ(... θ(W_1 x))): layers of sizes ``nin -> nouts[0] -> ... -> nouts[-1]``.

    Hidden layers use ``activation``, the last one ``output_activation`` (default "linear":
    raw scores for a loss). ``MLP(x)`` takes ``nin`` floats or Values and always returns a
    list of ``nouts[-1]`` Values (``model(x)[0]`` is the lecture's h(x) = x_1^(L)).
    A single ``seed`` initialises all layers, one after the other.

    :param nin: the number of inputs d^(0).
    :param nouts: the layer sizes d^(1), ..., d^(L); the last is the number of outputs.
    :param activation: θ of the hidden layers.
    :param output_activation: θ_L of the last layer (``"linear"``: raw scores).
    :param seed: an int or ``random.Random``; one generator initialises all layers in order.
    :param init: the initialisation scheme, as for :class:`Neuron`.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: Activation = "tanh",
        output_activation: Activation = "linear",
        seed: Seed = None,
        init: str | Init | None = None,
    ) -> None:
        self.nin = _check_size("MLP", "nin", nin)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or len(nouts) == 0:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r:.60}")
        self.nouts = [_check_size("MLP", f"nouts[{i}]", n) for i, n in enumerate(nouts)]
        self.activation = _check_activation("MLP", activation)
        self.output_activation = _check_activation("MLP", output_activation)
        for act in (self.activation, self.output_activation):
            resolve_init(init, act, "MLP")
        rng = make_rng(seed, "MLP")
        sizes = [nin, *self.nouts]
        last = len(self.nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], self.output_activation if i == last else self.activation, rng, init)
            for i in range(len(self.nouts))
        ]
        for name, p in self.named_parameters():
            p.label = name

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> MLP:
        """A new MLP with the architecture and weights of a file written by :meth:`save`
        (activations given by name only).

        The file is read and checked as by :meth:`Module.load`; the declared architecture must
        need exactly as many parameters as the file holds before any layer is built.
        """
        owner = "MLP.from_file"
        document = read_model_file(path, owner=owner)
        name = os.fsdecode(os.fspath(path))
        nin, nouts, act, out_act = check_mlp_architecture(
            document["architecture"], len(document["parameters"]), list(ACTIVATIONS), f"{owner}: {name!r}"
        )
        model = cls(nin, nouts, act, out_act, seed=0)
        model._load_document(document, name, owner)
        return model

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """A new MLP with the layers and weights of a ``torch.nn.Sequential`` of ``Linear`` layers
        and ``Tanh``/``Sigmoid``/``ReLU``/``Identity`` modules (see :mod:`nn.torch_bridge`)."""
        from .torch_bridge import mlp_from_torch

        return mlp_from_torch(module, cls)

    def __call__(self, x: Inputs) -> list[Value]:
        if _length(x) != self.nin:
            raise _wrong_length("MLP", self.nin, x)
        out = _inputs("MLP", x)
        for layer in self.layers:
            out = _forward(layer.neurons, layer.activation, out)
        return out

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"layers.{k}.{name}", p) for k, layer in enumerate(self.layers) for name, p in layer.named_parameters()
        ]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for n in layer.neurons for p in (*n.w, n.b)]

    def architecture(self) -> dict[str, Any]:
        return {
            "type": "MLP",
            "nin": self.nin,
            "nouts": list(self.nouts),
            "activation": _activation_name(self.activation),
            "output_activation": _activation_name(self.output_activation),
        }

    def __repr__(self) -> str:
        return (
            f"MLP({self.nin}, {self.nouts}, activation={_activation_name(self.activation)!r}, "
            f"output_activation={_activation_name(self.output_activation)!r})"
        )
