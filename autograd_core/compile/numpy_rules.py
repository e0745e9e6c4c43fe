"""A rule's formulas as numpy: the source text the python backend writes for a rule row
(the row run on symbols, :mod:`autograd_core.symbolic`), translated
mechanically to expressions on arrays. This is the one place the numpy backend learns a
rule's math; nothing here is written per rule.
"""

from __future__ import annotations

import ast
import math
import random
from typing import Any

from ..rules import Rule
from ..symbolic import Source, forward_source, partials_source

__all__ = ["Unsupported", "carries", "to_numpy", "rule_text", "sum_of_terms"]


class Unsupported(Exception):
    """The trace uses a rule without source text (a user's rule): no batch program."""


# --- a rule's Python source as numpy ------------------------------------------------------
# The translation is mechanical: math.f -> np.f, x if c else y -> np.where(c, x, y),
# and/or/not -> logical_*, UNDEFINED -> nan (the row is replayed one by one, where an
# undefined derivative is an error only if a gradient flows through it).

_FUNCTIONS = {
    "exp": "exp",
    "log": "log",
    "log1p": "log1p",
    "tanh": "tanh",
    "sqrt": "sqrt",
    "sin": "sin",
    "cos": "cos",
    "pow": "power",
    "fabs": "abs",
}


class _ToNumpy(ast.NodeTransformer):
    @staticmethod
    def _np(name: str) -> ast.expr:
        return ast.Attribute(value=ast.Name(id="np", ctx=ast.Load()), attr=name, ctx=ast.Load())

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node = self.generic_visit(node)  # type: ignore[assignment]
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "math":
            if f.attr not in _FUNCTIONS:
                raise Unsupported(f"math.{f.attr}")
            node.func = self._np(_FUNCTIONS[f.attr])
        elif isinstance(f, ast.Name) and f.id == "abs":
            node.func = self._np("abs")
        else:
            raise Unsupported(ast.unparse(f))
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        node = self.generic_visit(node)  # type: ignore[assignment]
        body, orelse = node.body, node.orelse
        if (
            isinstance(body, ast.Constant)
            and isinstance(orelse, ast.Constant)
            and (body.value, orelse.value) == (1.0, 0.0)
        ):
            if isinstance(
                node.test, ast.Compare
            ):  # 1.0 if c else 0.0: the mask c (True * g == g, False * g == 0.0 * g)
                return node.test
        return ast.Call(func=self._np("where"), args=[node.test, node.body, node.orelse], keywords=[])

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        node = self.generic_visit(node)  # type: ignore[assignment]
        name = "logical_and" if isinstance(node.op, ast.And) else "logical_or"
        result = node.values[0]
        for value in node.values[1:]:
            result = ast.Call(func=self._np(name), args=[result, value], keywords=[])
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        node = self.generic_visit(node)  # type: ignore[assignment]
        if isinstance(node.op, ast.Not):
            return ast.Call(func=self._np("logical_not"), args=[node.operand], keywords=[])
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return self._np("nan") if node.id == "UNDEFINED" else node


def to_numpy(expr: str) -> str:
    """A Python float expression of the rule table (``math``, conditionals) as numpy on arrays."""
    tree = _ToNumpy().visit(ast.parse(expr, mode="eval"))
    return ast.unparse(ast.fix_missing_locations(tree))


def rule_text(rule: Rule, operands: list[Any], out: str) -> tuple[Source, tuple[Source, ...]]:
    """(value, partials) of ``rule`` on ``operands`` (names, or floats) as Python source: the
    rule row run on symbols (:mod:`autograd_core.symbolic`), the same text the python backend writes."""
    value = forward_source(rule, operands)
    partials = partials_source(rule, operands, out)
    if value is None or partials is None:  # not plain arithmetic, or too deep for one expression
        raise Unsupported(rule.name)
    return value, partials


def sum_of_terms(rule: Rule, count: int) -> int | None:
    """g if ``rule`` on ``count`` inputs, taken as g groups of k (a_1..a_k, b_1..b_k, ...), is the
    sum over i of the rule on (a_i, b_i, ...): ``sum`` (g = 1) and ``dot`` (g = 2) are; ``affine``
    (its bias) is not. Checked on random numbers, so the row of the rule table stays the one
    place its math is written; None if no g in (1, 2) fits."""
    rng = random.Random(count)
    for groups in (1, 2):
        if count % groups:
            continue
        k = count // groups
        try:
            for _ in range(2):
                xs = [rng.uniform(0.5, 2.0) for _ in range(count)]
                whole = float(rule.forward(*xs))
                parts = sum(float(rule.forward(*xs[i::k])) for i in range(k))
                if abs(whole - parts) > 1e-9 * max(abs(whole), 1.0):
                    break
            else:
                return groups
        except Exception:  # noqa: BLE001, S112 - the rule does not take this shape of inputs: not this g
            continue
    return None


_FINITE = (0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 1e-300, 1e300, -1e300)
_CARRIES: dict[tuple[int, int, int], bool] = {}


def carries(rule: Rule, count: int, position: int) -> bool:
    """Whether ``rule`` on ``count`` inputs is inf or nan whenever input ``position`` is, whatever
    the other (finite) inputs: add, sub, mul (``inf * 0`` is nan) are, exp (``e^-inf = 0``),
    relu and division by the input are not. Then a finite check of the output also checks
    that input. Probed on the row's forward with the others set to each of a few finite values
    (zeros, signs, extremes) and to seeded mixes of them; a raise counts as no."""
    key = (id(rule), count, position)
    known = _CARRIES.get(key)
    if known is not None:
        return known
    rng = random.Random(count * 31 + position)
    others = [[v] * count for v in _FINITE] + [[rng.choice(_FINITE) for _ in range(count)] for _ in range(24)]
    result = True
    try:
        for xs in others:
            for bad in (math.inf, -math.inf, math.nan):
                xs[position] = bad
                if math.isfinite(float(rule.forward(*xs))):
                    result = False
                    break
            if not result:
                break
    except Exception:  # noqa: BLE001 - outside the row's domain: not known to carry
        result = False
    if len(_CARRIES) > 4096:
        _CARRIES.clear()
    _CARRIES[key] = result
    return result
