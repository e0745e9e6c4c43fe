"""Test cases and hypothesis strategies for ``nn`` models, for property-based tests of your own.

- :class:`MLPCase`: a small ``MLP(nin, nouts, activation, output_activation, seed)`` and an
  input ``x``. Its ``repr`` is a constructor call that rebuilds the same case, so a failing
  example printed by hypothesis can be pasted back and re-run. Needs no hypothesis.
- :func:`mlps` (needs ``hypothesis``, the ``testing`` extra): random small MLP cases with
  random activations, seed and inputs, avoiding inputs that sit on a relu/abs kink.

They live beside ``nn`` rather than in :mod:`autograd_core.testing`, which knows nothing of
``nn`` (the dependency points down: ``nn`` uses the engine, never the other way).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from autograd_core import Value, topological_order
from autograd_core._extras import require
from autograd_core.testing.rules_check import input_domain

from .layers import ACTIVATIONS as _NAMED
from .layers import MLP

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__ = ["MLPCase", "mlps", "ACTIVATIONS"]

ACTIVATIONS = tuple(_NAMED)
"""Activation names :func:`mlps` draws from (the named activations of :class:`nn.MLP`)."""


@dataclass(frozen=True)
class MLPCase:
    """A small ``nn.MLP(nin, nouts, activation, output_activation, seed)`` and an input ``x``.

    :param nin: the number of inputs.
    :param nouts: the layer sizes.
    :param activation: θ of the hidden layers.
    :param output_activation: θ of the last layer.
    :param seed: the initialisation seed.
    :param x: an input, ``nin`` floats.
    """

    nin: int
    nouts: tuple[int, ...]
    activation: str
    output_activation: str
    seed: int
    x: tuple[float, ...]
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def model(self) -> MLP:
        """The MLP (built once per case)."""
        if "model" not in self._cache:
            self._cache["model"] = MLP(
                self.nin,
                list(self.nouts),
                activation=self.activation,
                output_activation=self.output_activation,
                seed=self.seed,
            )
        model: MLP = self._cache["model"]
        return model

    def parameters(self) -> list[Value]:
        return list(self.model.parameters())

    def inputs(self) -> list[Value]:
        """Fresh leaf Values holding :attr:`x` (to differentiate with respect to the inputs too)."""
        return [Value(v, label=f"in{i}") for i, v in enumerate(self.x)]

    def outputs(self, x: Sequence[Any] | None = None) -> list[Value]:
        """The model's outputs at ``x`` (default :attr:`x`)."""
        return list(self.model(list(self.x if x is None else x)))

    def loss(self, x: Sequence[Any] | None = None) -> Value:
        """A scalar that depends on every output: Σ_k (k + 1) out_k / (number of outputs)."""
        outs = self.outputs(x)
        total = outs[0]
        for k, o in enumerate(outs[1:], start=1):
            total = total + (k + 1) * o
        return total / len(outs)


def near_kink(root: Value, delta: float = 1e-4) -> bool:
    """Whether some node's input sits in a gap of its rule's domain where the partial jumps."""
    for node in topological_order(root):
        rule = node.rule
        if rule is None or rule.arity != 1 or len(input_domain(rule, 0)) < 2:
            continue
        (x,) = [a.data if isinstance(a, Value) else a for a in node.inputs]
        if any(lo <= x <= hi for lo, hi in input_domain(rule, 0)):
            continue
        left, right = (float(rule.partials(v, rule.forward(v))[0]) for v in (x - delta, x + delta))
        if abs(left - right) > 1e-2:
            return True
    return False


def mlps(
    max_inputs: int = 3, max_layers: int = 3, max_width: int = 4, activations: Sequence[str] = ACTIVATIONS
) -> SearchStrategy[MLPCase]:
    """Random small :class:`MLPCase` s: 1..``max_inputs`` inputs in [-2, 2], 1..``max_layers``
    layers of 1..``max_width`` neurons; inputs on a relu/abs kink are rejected."""
    hypothesis = require("hypothesis", "testing", "nn.testing.mlps")
    st = hypothesis.strategies
    names = tuple(activations)

    @st.composite  # type: ignore[untyped-decorator]
    def draw_case(draw: Any) -> MLPCase:
        nin = draw(st.integers(1, max_inputs))
        case = MLPCase(
            nin=nin,
            nouts=tuple(draw(st.lists(st.integers(1, max_width), min_size=1, max_size=max_layers))),
            activation=draw(st.sampled_from(names)),
            output_activation=draw(st.sampled_from(names)),
            seed=draw(st.integers(0, 2**16)),
            x=tuple(draw(st.floats(-2.0, 2.0, allow_nan=False)) for _ in range(nin)),
        )
        hypothesis.assume(not near_kink(case.loss()))
        return case

    strategy: SearchStrategy[MLPCase] = draw_case()
    return strategy
