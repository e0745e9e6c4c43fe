"""The W1 contenders that build a graph: micrograd itself, this engine with micrograd's
graph shape (``Value`` ops one by one), and this engine through ``nn``'s fused neurons.

Every contender is built from the same flat list of initial parameters (per layer, per
neuron: weights, then bias) and exposes ``loss_and_grads()`` (one forward and backward,
no update; for the gradient check) and ``step()`` (one full training step).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from typing import Any

import autograd_core as ag
import nn

from .data import SIZES

__all__ = [
    "ALPHA",
    "FusedDemo",
    "GraphDemo",
    "MicrogradMissing",
    "MirrorMLP",
    "import_micrograd",
    "micrograd_demo",
    "micrograd_version",
    "ops_demo",
]

ALPHA = 1e-4
"""Weight of the L2 term: loss = mean(relu(1 - y s)) + ALPHA * sum p^2."""

INSTALL_HINT = 'pip install -e ".[bench]"  (the "bench" extra pins micrograd==0.1.0)'


class MicrogradMissing(ImportError):
    """micrograd, the peer this harness measures against, is not installed."""


def import_micrograd() -> tuple[Any, Any]:
    """micrograd's ``Value`` and ``MLP`` classes, or :class:`MicrogradMissing` naming the extra."""
    try:
        from micrograd.engine import Value
        from micrograd.nn import MLP
    except ImportError as error:
        raise MicrogradMissing(f"micrograd is not installed; install the bench extra: {INSTALL_HINT}") from error
    return Value, MLP


def micrograd_version() -> str:
    try:
        from importlib.metadata import version

        return version("micrograd")
    except Exception:  # noqa: BLE001 - metadata is informational only
        return "unknown"


# --- this engine, with micrograd's graph shape ------------------------------------------


class _MirrorNeuron:
    """act = b + w_1 x_1 + ... + w_n x_n as a left-to-right chain of ``+`` (builtin ``sum``
    with start ``b``), then relu unless linear: micrograd's neuron, node for node."""

    def __init__(self, nin: int, relu: bool) -> None:
        self.w = [ag.Value(0.0) for _ in range(nin)]
        self.b = ag.Value(0.0)
        self.relu = relu

    def __call__(self, x: Sequence[Any]) -> ag.Value:
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.relu() if self.relu else act

    def parameters(self) -> list[ag.Value]:
        return [*self.w, self.b]


class MirrorMLP:
    """micrograd's ``MLP`` structure over ``autograd_core.Value``: relu hidden layers, linear
    output, a one-neuron layer returns its Value rather than a list."""

    def __init__(self, sizes: Sequence[int] = SIZES) -> None:
        last = len(sizes) - 2
        self.layers = [
            [_MirrorNeuron(nin, relu=i != last) for _ in range(nout)]
            for i, (nin, nout) in enumerate(itertools.pairwise(sizes))
        ]

    def __call__(self, x: Sequence[Any]) -> Any:
        for layer in self.layers:
            out = [neuron(x) for neuron in layer]
            x = out[0] if len(out) == 1 else out
        return x

    def parameters(self) -> list[ag.Value]:
        return [p for layer in self.layers for neuron in layer for p in neuron.parameters()]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0


def demo_loss(model: Any, inputs: list[list[Any]], ys: Sequence[float]) -> Any:
    """micrograd demo's loss, operator by operator: mean(relu(1 + (-y) s)) + ALPHA * sum p*p."""
    scores = [model(x) for x in inputs]
    losses = [(1 + -y * s).relu() for y, s in zip(ys, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


class GraphDemo:
    """micrograd's demo step on any engine with micrograd's operators (inputs wrapped as Values)."""

    def __init__(
        self, model: Any, value_cls: Callable[[float], Any], X: list[list[float]], ys: Sequence[float], lr: float
    ) -> None:
        self.model, self.value_cls, self.X, self.ys, self.lr = model, value_cls, X, list(ys), lr
        self.params = model.parameters()

    def _forward_backward(self) -> Any:
        inputs = [[self.value_cls(a) for a in row] for row in self.X]
        loss = demo_loss(self.model, inputs, self.ys)
        self.model.zero_grad()
        loss.backward()
        return loss

    def loss_and_grads(self) -> tuple[float, list[float]]:
        loss = self._forward_backward()
        return float(loss.data), [float(p.grad) for p in self.params]

    def step(self) -> float:
        loss = self._forward_backward()
        lr = self.lr
        for p in self.params:
            p.data -= lr * p.grad
        return loss.data


def _load(params: list[Any], values: Sequence[float]) -> None:
    if len(params) != len(values):
        raise ValueError(f"benchmark: model has {len(params)} parameters, initial list has {len(values)}")
    for p, v in zip(params, values):
        p.data = v


def micrograd_demo(values: Sequence[float], X: list[list[float]], ys: Sequence[float], lr: float) -> GraphDemo:
    """micrograd 0.1.0's own ``MLP(2, [16, 16, 1])``, loaded with ``values``."""
    Value, MLP = import_micrograd()
    state = random.getstate()  # micrograd initialises from the global RNG: leave it as found
    try:
        model = MLP(SIZES[0], list(SIZES[1:]))
    finally:
        random.setstate(state)
    _load(model.parameters(), values)
    return GraphDemo(model, Value, X, ys, lr)


def ops_demo(values: Sequence[float], X: list[list[float]], ys: Sequence[float], lr: float) -> GraphDemo:
    """This engine, ``Value`` ops one by one, in micrograd's graph shape."""
    model = MirrorMLP()
    _load(model.parameters(), values)
    return GraphDemo(model, ag.Value, X, ys, lr)


# --- this engine, fused: nn's neurons (one affine node per neuron) -----------------------


class FusedDemo:
    """The demo step through ``nn``: ``nn.MLP`` + ``nn.hinge_loss`` + ``nn.l2_penalty`` +
    ``nn.SGD``. Inputs stay plain floats (constants), as an ``nn`` user passes them."""

    source = "nn"

    def __init__(self, values: Sequence[float], X: list[list[float]], ys: Sequence[float], lr: float) -> None:
        self.X, self.ys, self.lr = X, list(ys), lr
        self.model = nn.MLP(SIZES[0], list(SIZES[1:]), activation="relu", output_activation="linear", seed=0)
        self.params = self.model.parameters()
        self.optimizer = nn.SGD(self.params, lr=lr)
        _load(self.params, values)

    def _loss(self) -> ag.Value:
        model = self.model
        scores = [model(x)[0] for x in self.X]
        return nn.hinge_loss(scores, self.ys) + nn.l2_penalty(self.params, ALPHA)

    def loss_and_grads(self) -> tuple[float, list[float]]:
        loss = self._loss()
        self.optimizer.zero_grad()
        loss.backward()
        return loss.data, [p.grad for p in self.params]

    def step(self) -> float:
        loss = self._loss()
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.data
