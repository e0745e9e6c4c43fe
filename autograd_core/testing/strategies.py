"""Hypothesis strategies: in-domain floats and inputs, random expression graphs.

All of them read :data:`autograd_core.rules.RULES` when they draw, so a rule added to the
table is used without other edits.

- ``domain_floats(rule, i)``: floats inside the domain intervals of input ``i`` of a rule.
- ``rule_inputs(rule)``: a tuple of inputs for a rule, each inside its domain; a variadic
  rule gets one of the input counts it accepts (``dot``: an even number).
- ``expressions(max_depth=30, ...)``: :class:`Expression` programs. Each step applies a
  random rule to earlier nodes, inputs or constants (either side, n-ary ``sum``/``dot``
  too, nodes reused so subexpressions are shared). A node whose current value is outside
  the rule's domain for that slot is first squashed into it:
  ``lo + w sigmoid(v / (1 + |v|))`` (these "glue" steps, listed in ``Expression.glue``,
  are the only ones whose inputs may leave the nominal domains: mul, sigmoid and add are
  defined everywhere). A step whose local derivatives exceed ``max_slope``
  is dropped, which keeps finite differences and float64 comparisons well conditioned.
  Every sink (node nothing else uses) goes into one final ``sum``: the root.

A drawn :class:`~autograd_core.testing.cases.Expression` has a ``repr`` that rebuilds it:
paste it to reproduce a failure. Random ``nn`` models: :func:`nn.testing.mlps`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from typing import Any

from .._extras import require

require("hypothesis", "testing", "autograd_core.testing.strategies")

from hypothesis import strategies as st  # noqa: E402 - after the check that names the extra

from ..rules import RULES, VARIADIC, Rule  # noqa: E402
from .cases import Arg, Expression, Ref, Step  # noqa: E402
from .rules_check import input_counts, input_domain, resolve_rule  # noqa: E402

__all__ = ["domain_floats", "rule_inputs", "expressions", "Expression"]


def domain_floats(rule: str | Rule, i: int) -> st.SearchStrategy[float]:
    """Floats inside (the union of) the domain intervals of input ``i`` of ``rule``."""
    return _domain_strategy(resolve_rule(rule), i)


def rule_inputs(rule: str | Rule, counts: Sequence[int] | None = None) -> st.SearchStrategy[tuple[float, ...]]:
    """Input tuples for ``rule``, input ``i`` inside its domain intervals.

    A variadic rule gets one of ``counts`` inputs (default: the counts it accepts, from
    :func:`~autograd_core.testing.rules_check.input_counts`: ``sum`` 1, 2, 3; ``dot`` 2, 4, 6).
    """
    row = resolve_rule(rule)
    choices = tuple(counts) if counts else input_counts(row)
    return st.sampled_from(choices).flatmap(lambda n: st.tuples(*[_domain_strategy(row, i) for i in range(n)]))


@functools.lru_cache(maxsize=1024)
def _domain_strategy(rule: Rule, i: int) -> st.SearchStrategy[float]:
    intervals = input_domain(rule, i)
    return st.one_of(*[st.floats(lo, hi, allow_nan=False, allow_infinity=False) for lo, hi in intervals])


_INPUT_FLOATS = st.floats(-2.0, 2.0, allow_nan=False)


def _inside(x: float, intervals: Sequence[tuple[float, float]]) -> bool:
    return any(lo <= x <= hi for lo, hi in intervals)


class _Builder:
    """Mutable state while an Expression is drawn: steps, node values and depths."""

    def __init__(self, inputs: tuple[float, ...], max_depth: int, max_slope: float) -> None:
        self.inputs = inputs
        self.steps: list[Step] = []
        self.values: list[float] = []
        self.depths: list[int] = []
        self.used: set[int] = set()
        self.glue: list[int] = []
        self.max_depth = max_depth
        self.max_slope = max_slope

    def value(self, a: Arg) -> float:
        if isinstance(a, tuple):
            return self.inputs[a[1]] if a[0] == "x" else self.values[a[1]]
        return float(a)

    def depth(self, a: Arg) -> int:
        return self.depths[a[1]] if isinstance(a, tuple) and a[0] == "n" else 0

    def squash(
        self, draw: Any, a: Ref, intervals: Sequence[tuple[float, float]], pending: list[tuple[Step, float]]
    ) -> Arg:
        """Steps for lo + w sigmoid(v / (1 + |v|)) into one interval (kept 5% off its edges)."""
        lo, hi = intervals[draw(st.integers(0, len(intervals) - 1)) if len(intervals) > 1 else 0]
        width = 0.9 * (hi - lo)
        v = self.value(a)
        ref: Arg = a
        template: tuple[tuple[str, tuple[float | None, ...]], ...] = (
            ("mul", (None, 1.0 / (1.0 + abs(v)))),
            ("sigmoid", (None,)),
            ("mul", (None, width)),
            ("add", (None, lo + 0.05 * (hi - lo))),
        )
        for name, slots in template:
            args = tuple(ref if x is None else x for x in slots)
            out = float(RULES[name].forward(*[self._pending_value(x, pending) for x in args]))
            ref = ("n", len(self.steps) + len(pending))
            pending.append(((name, args), out))
        return ref

    def _pending_value(self, a: Arg, pending: list[tuple[Step, float]]) -> float:
        if isinstance(a, tuple) and a[0] == "n" and a[1] >= len(self.steps):
            return float(pending[a[1] - len(self.steps)][1])
        return self.value(a)

    def commit(self, pending: list[tuple[Step, float]]) -> None:
        """Append the pending steps: all but the last are glue (squashes)."""
        self.glue.extend(range(len(self.steps), len(self.steps) + len(pending) - 1))
        for (name, args), out in pending:
            depth = 1 + max((self.depth(a) for a in args), default=0)
            for a in args:
                if isinstance(a, tuple) and a[0] == "n":
                    self.used.add(a[1])
            self.steps.append((name, args))
            self.values.append(out)
            self.depths.append(depth)

    def try_step(self, draw: Any, rule: Rule, args: list[Arg]) -> bool:
        """Append ``rule(args)`` (squashing out-of-domain nodes) if it stays finite, shallow, gentle."""
        pending: list[tuple[Step, float]] = []
        final: list[Arg] = []
        depth = 0
        for i, a in enumerate(args):
            intervals = input_domain(rule, i)
            if isinstance(a, tuple) and not _inside(self.value(a), intervals):
                depth = max(depth, self.depth(a) + 4)
                a = self.squash(draw, a, intervals, pending)
            else:
                depth = max(depth, self.depth(a))
            final.append(a)
        if depth + 1 > self.max_depth:
            return False
        x = [self._pending_value(a, pending) for a in final]
        try:
            out = rule.forward(*x)
            partials = rule.partials(*x, out)
            slopes = [abs(float(p)) for p in partials]
        except (ValueError, ArithmeticError, TypeError):
            return False
        if not math.isfinite(out) or not all(s <= self.max_slope for s in slopes):
            return False
        pending.append(((rule.name, tuple(final)), out))
        self.commit(pending)
        return True


@st.composite
def _expressions(
    draw: Any,
    max_depth: int,
    max_inputs: int,
    max_nodes: int,
    rules: Sequence[str] | None,
    max_slope: float,
    variadic_arities: Sequence[int] | None,
) -> Expression:
    names = sorted(RULES) if rules is None else list(rules)
    pick_rule, pick_kind = st.sampled_from(names), st.integers(0, 9)
    n_inputs = draw(st.integers(1, max_inputs))
    inputs = tuple(draw(_INPUT_FLOATS) for _ in range(n_inputs))
    b = _Builder(inputs, max_depth, max_slope)

    def any_ref() -> Ref:
        k = draw(st.integers(0, n_inputs + len(b.steps) - 1))
        return ("x", k) if k < n_inputs else ("n", k - n_inputs)

    for _ in range(draw(st.integers(1, max_nodes))):
        rule = RULES[draw(pick_rule)]
        arity = rule.arity
        if arity == VARIADIC:
            arity = draw(st.sampled_from(list(variadic_arities or input_counts(rule))))
        args: list[Arg] = []
        for i in range(arity):
            kind = draw(pick_kind)
            if kind < 2:
                args.append(draw(_domain_strategy(rule, i)))
            elif kind < 6 and b.steps:  # a recent node: deep graphs
                args.append(("n", len(b.steps) - 1 - draw(st.integers(0, min(2, len(b.steps) - 1)))))
            else:  # any input or node: shared subexpressions
                args.append(any_ref())
        if not any(isinstance(a, tuple) for a in args):
            args[draw(st.integers(0, arity - 1))] = any_ref()
        b.try_step(draw, rule, args)
    sinks: list[Arg] = [("n", j) for j in range(len(b.steps)) if j not in b.used]
    if not sinks:
        sinks = [("x", 0)]
    total = RULES["sum"] if "sum" in RULES else RULES["add"]
    if len(sinks) > 1 or not b.steps:
        while len(sinks) < 2:
            sinks.append(0.5)
        b.max_depth += 5  # the root sum (and its squashes) may sit on top of the deepest node
        b.max_slope = math.inf
        if total.arity == VARIADIC:
            b.try_step(draw, total, sinks)
        else:
            acc = sinks[0]
            for s in sinks[1:]:
                b.try_step(draw, total, [acc, s])
                acc = ("n", len(b.steps) - 1)
    return Expression(inputs=inputs, steps=tuple(b.steps), glue=tuple(b.glue))


def expressions(
    max_depth: int = 30,
    max_inputs: int = 4,
    max_nodes: int = 40,
    rules: Sequence[str] | None = None,
    max_slope: float = 100.0,
    variadic_arities: Sequence[int] | None = None,
) -> st.SearchStrategy[Expression]:
    """Random in-domain expression graphs over ``rules`` (default: all of RULES at draw time).

    ``max_nodes`` random rule applications (plus squashes and the root sum), depth at most
    ``max_depth`` (+5 for the root), 1..``max_inputs`` inputs in [-2, 2]; variadic rules
    get one of their :func:`~autograd_core.testing.rules_check.input_counts` (``dot``: 2, 4, 6).
    """
    if max_depth < 1 or max_inputs < 1 or max_nodes < 1:
        raise ValueError("expressions: max_depth, max_inputs and max_nodes must be >= 1")
    counts = tuple(variadic_arities) if variadic_arities else None
    return _expressions(max_depth, max_inputs, max_nodes, rules, max_slope, counts)
