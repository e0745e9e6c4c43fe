"""What the expression strategy draws: a random expression program over the rule table.

It needs no hypothesis. Each ``repr`` is a constructor call that rebuilds the same
object, so a failing example printed by hypothesis can be pasted back and re-run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..rules import RULES
from ..value import Value, apply

__all__ = ["Expression", "Ref", "Arg", "Step"]

Ref = tuple[str, int]  # ("x", i): input i; ("n", j): the node made by step j
Arg = Any  # a Ref or a float constant
Step = tuple[str, tuple[Arg, ...]]


@dataclass(frozen=True)
class Expression:
    """A random expression graph as a program over inputs, rebuildable from any values.

    ``steps[j] = (rule name, args)`` makes node ``n{j}``; an arg is ``("x", i)`` (input i),
    ``("n", k)`` (an earlier node, k < j) or a float constant. The last node is the root.
    ``expr(*values)`` rebuilds it on Values (so ``gradcheck(expr, expr.inputs)`` works);
    ``expr.build(xs, op)`` with ``op(rule_name, *args)`` rebuilds it with any backend.
    ``glue`` lists the squashing steps; every other step has its inputs inside its rule's domain.

    :param inputs: the input values ``x0, x1, ...``.
    :param steps: ``(rule name, args)`` per node ``n0, n1, ...``; the last is the root.
    :param glue: indices of the squashing steps (their inputs may leave the rules' domains).
    """

    inputs: tuple[float, ...]
    steps: tuple[Step, ...]
    glue: tuple[int, ...] = ()

    def build_all(self, xs: Sequence[Any], op: Callable[..., Any] | None = None) -> list[Any]:
        """Every node ``n0, n1, ...`` computed from inputs ``xs`` with ``op`` (default: ``apply``)."""
        if op is None:
            op = _engine_op
        nodes: list[Any] = []
        for name, args in self.steps:
            nodes.append(op(name, *[_resolve(a, xs, nodes) for a in args]))
        return nodes

    def build(self, xs: Sequence[Any], op: Callable[..., Any] | None = None) -> Any:
        """The root, computed from inputs ``xs`` with ``op`` (default: the engine's ``apply``)."""
        return self.build_all(xs, op)[-1]

    def __call__(self, *xs: Value) -> Value:
        root: Value = self.build(xs)
        return root

    def leaves(self) -> list[Value]:
        """Fresh leaf Values ``x0, x1, ...`` holding :attr:`inputs`."""
        return [Value(v, label=f"x{i}") for i, v in enumerate(self.inputs)]

    def evaluate(self, xs: Sequence[float] | None = None) -> float:
        """The root's value on plain floats (each rule's ``forward``)."""
        return float(self.build(self.inputs if xs is None else xs, lambda name, *a: RULES[name].forward(*a)))

    def rule_names(self) -> set[str]:
        return {name for name, _ in self.steps}

    def depth(self) -> int:
        """Longest chain of steps from an input to the root."""
        depths: list[int] = []
        for _, args in self.steps:
            depths.append(1 + max((depths[a[1]] for a in args if isinstance(a, tuple) and a[0] == "n"), default=0))
        return depths[-1]

    def describe(self) -> str:
        """One line per node: ``n3 = mul(n1, 0.5)``."""

        def show(a: Arg) -> str:
            return f"{a[0]}{a[1]}" if isinstance(a, tuple) else repr(a)

        head = ", ".join(f"x{i} = {v!r}" for i, v in enumerate(self.inputs))
        lines = [
            f"n{j} = {name}({', '.join(show(a) for a in args)})" + ("  # glue" if j in self.glue else "")
            for j, (name, args) in enumerate(self.steps)
        ]
        return "\n".join([head, *lines])


def _engine_op(name: str, *args: Any) -> Any:
    return apply(RULES[name], *args)


def _resolve(a: Arg, xs: Sequence[Any], nodes: list[Any]) -> Any:
    if isinstance(a, tuple):
        return xs[a[1]] if a[0] == "x" else nodes[a[1]]
    return a
