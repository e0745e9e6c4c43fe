"""micrograd's ``nn`` on this engine: ``from nn import micrograd as nn`` replaces ``micrograd.nn``.

Same names, signatures and behaviour as micrograd 0.1.0:

- ``Neuron(nin, nonlin=True)``: weights w_i ~ U(-1, 1) drawn from the module-level
  ``random`` generator (so ``random.seed(...)`` makes a model reproducible), bias b = 0;
  ``neuron(x) = relu(b + Σ_i w_i x_i)``, or the plain sum when ``nonlin=False``.
- ``Layer(nin, nout, **kwargs)``: ``nout`` neurons built with ``kwargs``; called, it returns
  a list, or the Value itself for one output.
- ``MLP(nin, nouts)``: ReLU hidden layers and a linear output layer.
- ``Module``: ``parameters()`` (a list, ``[]`` in the base class) and ``zero_grad()``.

The weighted sum is the engine's one ``affine`` node (computed by :mod:`nn.layers`, the one
place a neuron's output is computed), not micrograd's chain of ``*`` and ``+`` nodes: the
numbers agree to rounding, the graph is smaller and faster. On top of micrograd's behaviour
these modules have what every :class:`nn.Module` has: ``named_parameters()``,
``state_dict()``, ``save``/``load``. Use :class:`nn.MLP` for a choice of activation,
initialisation and seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from autograd_core import Value

from . import module as _module
from .layers import Inputs, _check_size, _forward, _inputs, _length, _wrong_length

__all__ = ["Module", "Neuron", "Layer", "MLP"]


class Module(_module.Module):
    """micrograd's base class: subclasses override :meth:`parameters`; :meth:`zero_grad` resets their grads."""

    def parameters(self) -> list[Value]:
        """The trainable Values (none in the base class)."""
        return []

    def named_parameters(self) -> list[tuple[str, Value]]:
        """("0", p_0), ("1", p_1), ... in the order of :meth:`parameters`."""
        return [(str(k), p) for k, p in enumerate(self.parameters())]

    def architecture(self) -> dict[str, Any]:
        return {"type": f"micrograd.{type(self).__name__}", "parameters": len(self.parameters())}


def _activation(neuron: Neuron) -> str:
    return "relu" if neuron.nonlin else "linear"


def _outputs(owner: str, neurons: Sequence[Neuron], x: Inputs) -> list[Value]:
    """Each neuron on the same inputs (numbers become leaves once, shared by all neurons)."""
    if _length(x) != neurons[0].nin:
        raise _wrong_length(owner, neurons[0].nin, x)
    xs = _inputs(owner, x)
    kinds = {n.nonlin for n in neurons}
    if len(kinds) == 1:
        return _forward(neurons, _activation(neurons[0]), xs)
    return [_forward((n,), _activation(n), xs)[0] for n in neurons]


class Neuron(Module):
    """relu(b + Σ_i w_i x_i) (``nonlin=True``) or b + Σ_i w_i x_i; w_i ~ U(-1, 1) from ``random``, b = 0.

    :param nin: the number of inputs.
    :param nonlin: ReLU on top (micrograd's default) or linear.
    """

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        self.nin = _check_size("Neuron", "nin", nin)
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0)
        self.nonlin = nonlin

    def __call__(self, x: Inputs) -> Value:
        return _outputs("Neuron", (self,), x)[0]

    def parameters(self) -> list[Value]:
        return [*self.w, self.b]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [*((f"w.{k}", w) for k, w in enumerate(self.w)), ("b", self.b)]

    def architecture(self) -> dict[str, Any]:
        return {"type": "micrograd.Neuron", "nin": self.nin, "nonlin": bool(self.nonlin)}

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({len(self.w)})"


class Layer(Module):
    """``nout`` neurons on the same inputs; returns a list of Values, or one Value when ``nout == 1``.

    :param nin: the number of inputs of each neuron.
    :param nout: the number of neurons.
    :param kwargs: passed to each :class:`Neuron` (``nonlin``).
    """

    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        self.nin = _check_size("Layer", "nin", nin)
        self.nout = _check_size("Layer", "nout", nout)
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        out = _outputs("Layer", self.neurons, x)
        return out[0] if len(out) == 1 else out

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [(f"neurons.{j}.{name}", p) for j, n in enumerate(self.neurons) for name, p in n.named_parameters()]

    def architecture(self) -> dict[str, Any]:
        nonlin = [bool(n.nonlin) for n in self.neurons]
        return {"type": "micrograd.Layer", "nin": self.nin, "nout": self.nout, "nonlin": nonlin}

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class MLP(Module):
    """Layers ``nin -> nouts[0] -> ... -> nouts[-1]``: ReLU hidden layers, a linear output layer.

    Returns a list of Values, or one Value when ``nouts[-1] == 1`` (as micrograd). A hidden
    layer of one neuron also works (micrograd would fail on it).

    :param nin: the number of inputs.
    :param nouts: the layer sizes; the last is the number of outputs.
    """

    def __init__(self, nin: int, nouts: Sequence[int]) -> None:
        self.nin = _check_size("MLP", "nin", nin)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or len(nouts) == 0:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got {nouts!r:.60}")
        sizes = [self.nin, *(_check_size("MLP", f"nouts[{i}]", n) for i, n in enumerate(nouts))]
        last = len(nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != last) for i in range(len(nouts))]

    def __call__(self, x: Inputs) -> Value | list[Value]:
        out: Inputs = x
        for layer in self.layers:
            out = _outputs("MLP", layer.neurons, out)
        return out[0] if len(out) == 1 else out  # type: ignore[return-value]

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def named_parameters(self) -> list[tuple[str, Value]]:
        return [
            (f"layers.{k}.{name}", p) for k, layer in enumerate(self.layers) for name, p in layer.named_parameters()
        ]

    def architecture(self) -> dict[str, Any]:
        return {"type": "micrograd.MLP", "nin": self.nin, "nouts": [layer.nout for layer in self.layers]}

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
