"""Check one basic function of the rule table against finite differences of its forward.

At each point ``x`` of the rule's domain, for each input ``i``:

- first order: ``partials(x, out)[i]`` vs ``(f(x + h e_i) - f(x - h e_i)) / 2h``;
- Values vs floats: the same formula run on Values (the ``create_graph`` path, with every
  input a Value and with only input ``i`` a Value) gives the same number as on floats;
- second order: ``d/dx_j`` of the Value partial (through :func:`autograd_core.grad`) vs the
  central difference of the float partial.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .._checks import real
from ..graph import grad
from ..rules import RULES, VARIADIC, Rule, Undefined
from ..value import Value, apply
from ._numeric import (
    GradcheckError,
    as_float,
    central_difference,
    close,
    fmt,
    rel_error,
)

__all__ = [
    "check_rule",
    "check_point",
    "domain_points",
    "input_domain",
    "input_counts",
    "resolve_rule",
    "Mismatch",
]

_FRACTIONS = (0.07, 0.26, 0.5, 0.71, 0.93)


@dataclass(frozen=True)
class Mismatch:
    """One disagreement of a rule at one point: which check, which partial, both numbers."""

    rule: str
    kind: str  # "first order", "Values vs floats", "second order" or "undefined inside the domain"
    point: tuple[float, ...]
    index: int
    index2: int | None
    analytic: float
    numeric: float

    def describe(self) -> str:
        what = f"partial {self.index} (d out/d x{self.index})"
        if self.index2 is not None:
            what = f"d/dx{self.index2} of partial {self.index}"
        return (
            f"rule '{self.rule}', {self.kind}, {what} at x = {self.point!r}: "
            f"analytic {fmt(self.analytic)}, numeric {fmt(self.numeric)}, "
            f"abs error {fmt(abs(self.analytic - self.numeric))}, "
            f"rel error {fmt(rel_error(self.analytic, self.numeric))}"
        )


def resolve_rule(name_or_rule: str | Rule, caller: str = "check_rule") -> Rule:
    """A Rule, or the row of :data:`RULES` with that name (``ValueError`` naming the choices)."""
    if isinstance(name_or_rule, Rule):
        return name_or_rule
    if isinstance(name_or_rule, str):
        if name_or_rule in RULES:
            return RULES[name_or_rule]
        raise ValueError(f"{caller}: no rule named {name_or_rule!r}; known: {', '.join(sorted(RULES))}")
    raise TypeError(f"{caller}: expected a rule name or Rule, got {type(name_or_rule).__name__} {name_or_rule!r:.60}")


def _check_options(caller: str, eps: Any, atol: Any, rtol: Any, second_order: Any) -> None:
    real(caller, "eps", eps, positive=True)
    real(caller, "atol", atol, nonnegative=True)
    real(caller, "rtol", rtol, nonnegative=True)
    if not isinstance(second_order, bool):
        raise TypeError(f"{caller}: second_order must be a bool, got {type(second_order).__name__}")


def _check_count(caller: str, what: str, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{caller}: {what} must be a positive int, got {type(n).__name__} {n!r:.60}")
    if n < 1:
        raise ValueError(f"{caller}: {what} must be a positive int, got {n}")
    return n


def _arities(caller: str, variadic_arities: Any) -> list[int] | None:
    if variadic_arities is None:
        return None
    if isinstance(variadic_arities, (str, bytes)) or not isinstance(variadic_arities, Sequence):
        raise TypeError(
            f"{caller}: variadic_arities must be a sequence of ints, got "
            f"{type(variadic_arities).__name__} {variadic_arities!r:.60}"
        )
    return [_check_count(caller, "each of variadic_arities", n) for n in variadic_arities]


def input_domain(rule: Rule, i: int) -> tuple[tuple[float, float], ...]:
    """Intervals for input ``i`` (variadic rules share their last entry among all inputs)."""
    if rule.arity >= 0 and not 0 <= i < rule.arity:
        raise ValueError(f"{rule.name}: input index {i} out of range for arity {rule.arity}")
    if not rule.domain:
        raise ValueError(f"{rule.name}: rule has no domain")
    return rule.domain[min(i, len(rule.domain) - 1)]


@functools.lru_cache(maxsize=256)
def input_counts(rule: Rule, candidates: tuple[int, ...] = tuple(range(1, 8)), keep: int = 3) -> tuple[int, ...]:
    """Numbers of inputs a rule accepts: its arity, or for a variadic rule the first ``keep``
    candidate counts at which ``forward`` runs and every input moves the output.

    ``dot`` on 3 inputs silently ignores one, ``affine`` needs 2n + 1: this finds 2, 4, 6
    and 3, 5, 7 from ``forward`` alone, so a new variadic rule needs no registration.
    """
    if rule.arity != VARIADIC:
        return (rule.arity,)
    good = []
    for n in candidates:
        lows_highs = [input_domain(rule, i)[0] for i in range(n)]
        x = [lo + (hi - lo) * (0.15 + 0.7 * ((0.618034 * (i + 1)) % 1.0)) for i, (lo, hi) in enumerate(lows_highs)]
        try:
            rule.forward(*x)
            moves = [central_difference(lambda z: rule.forward(*z), x, i, 1e-4) for i in range(n)]
        except (ValueError, ArithmeticError, TypeError, IndexError):
            continue
        if all(m is not None and abs(m) > 1e-9 for m in moves):
            good.append(n)
    return tuple(good[:keep]) or candidates[:keep]


def domain_points(
    rule: Rule, per_interval: int = 5, variadic_arities: Sequence[int] | None = None
) -> list[tuple[float, ...]]:
    """Deterministic points: ``per_interval`` per combination of the inputs' intervals.

    Input ``i`` of point ``k`` sits at fraction ``_FRACTIONS[(k + 2i) % 5]`` of its
    interval, so inputs differ from each other and no point is an interval's edge.
    Variadic rules are checked at ``variadic_arities`` inputs (default :func:`input_counts`).
    """
    rule = resolve_rule(rule, "domain_points")
    _check_count("domain_points", "per_interval", per_interval)
    chosen = _arities("domain_points", variadic_arities)
    arities = list(chosen or input_counts(rule)) if rule.arity == VARIADIC else [rule.arity]
    points = []
    for n in arities:
        choices = [input_domain(rule, i) for i in range(n)]
        for combo in itertools.product(*choices):
            for k in range(per_interval):
                point = []
                for i, (lo, hi) in enumerate(combo):
                    frac = _FRACTIONS[(k + 2 * i) % len(_FRACTIONS)]
                    point.append(lo + (hi - lo) * frac)
                points.append(tuple(point))
    return points


def _float_partials(rule: Rule, x: Sequence[float]) -> tuple[Any, ...]:
    return tuple(rule.partials(*x, rule.forward(*x)))


def _float_partial(rule: Rule, i: int, x: Sequence[float]) -> float:
    return as_float(_float_partials(rule, x)[i])


def check_point(
    rule: Rule,
    point: Sequence[float],
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    second_order: bool = True,
) -> list[Mismatch]:
    """Every disagreement of ``rule`` at ``point`` (empty list: the rule is right there)."""
    rule = resolve_rule(rule, "check_point")
    _check_options("check_point", eps, atol, rtol, second_order)
    if isinstance(point, (str, bytes)) or not isinstance(point, Sequence):
        raise TypeError(f"check_point: point must be a sequence of numbers, got {type(point).__name__} {point!r:.60}")
    x = tuple(real("check_point", f"point[{i}]", v) for i, v in enumerate(point))
    if rule.arity >= 0 and len(x) != rule.arity:
        raise ValueError(f"check_point: {rule.name} takes {rule.arity} inputs, point has {len(x)}")
    found: list[Mismatch] = []

    def miss(kind: str, i: int, j: int | None, a: float, n: float) -> None:
        found.append(Mismatch(rule.name, kind, x, i, j, a, n))

    floats = _float_partials(rule, x)
    if len(floats) != len(x):
        raise GradcheckError(f"rule '{rule.name}': partials returned {len(floats)} values for {len(x)} inputs")
    steps = [eps * max(1.0, abs(v)) for v in x]
    for i, p in enumerate(floats):
        if isinstance(p, Undefined):
            miss("undefined inside the domain", i, None, float("nan"), float("nan"))
            continue
        numeric = central_difference(lambda z: rule.forward(*z), x, i, steps[i])
        if numeric is not None and not close(float(p), numeric, atol, rtol):
            miss("first order", i, None, float(p), numeric)
    if found:
        return found
    # The create_graph path: the same formula on Values (all inputs, then one at a time).
    leaves = [Value(v, label=f"x{i}") for i, v in enumerate(x)]
    variants: list[tuple[list[Any], list[int]]] = [(list(leaves), list(range(len(x))))]
    if len(x) > 1:
        for i in range(len(x)):
            variants.append(([leaves[k] if k == i else x[k] for k in range(len(x))], [i]))
    on_values: tuple[Any, ...] = ()
    for args, checked in variants:
        partials = rule.partials(*args, apply(rule, *args))
        if not on_values:
            on_values = tuple(partials)
        for i in checked:
            a = as_float(partials[i])
            if not close(a, float(floats[i]), 1e-12, 1e-9):
                miss("Values vs floats", i, None, a, float(floats[i]))
    if found or not second_order:
        return found
    for i, p in enumerate(on_values):
        row = grad(p, leaves) if isinstance(p, Value) else [0.0] * len(x)
        for j in range(len(x)):
            numeric = central_difference(functools.partial(_float_partial, rule, i), x, j, steps[j])
            if numeric is not None and not close(row[j], numeric, atol, rtol):
                miss("second order", i, j, row[j], numeric)
    return found


def check_rule(
    name_or_rule: str | Rule,
    per_interval: int = 5,
    eps: float = 1e-6,
    atol: float = 1e-6,
    rtol: float = 1e-5,
    second_order: bool = True,
    variadic_arities: Sequence[int] | None = None,
) -> bool:
    """Check a rule at deterministic points of its domain; ``GradcheckError`` on any mismatch.

    The error names the rule, the point and the partial index, e.g. a user rule "bad_sin"
    with partial ``cos x + 0.1``.
    """
    rule = resolve_rule(name_or_rule)
    _check_count("check_rule", "per_interval", per_interval)
    _check_options("check_rule", eps, atol, rtol, second_order)
    variadic_arities = _arities("check_rule", variadic_arities)
    found: list[Mismatch] = []
    for point in domain_points(rule, per_interval, variadic_arities):
        found.extend(check_point(rule, point, eps, atol, rtol, second_order))
    if found:
        lines = [m.describe() for m in found[:10]]
        more = f"\n... and {len(found) - 10} more" if len(found) > 10 else ""
        raise GradcheckError(f"check_rule('{rule.name}') failed ({rule.math}):\n" + "\n".join(lines) + more)
    return True
