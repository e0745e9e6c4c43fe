"""Source text for generated code: readable names, float literals, the variadic rows of
the table evaluated on symbols, and constant folding of templates.

Everything here keeps Python's float semantics: a symbolic sum is written in the order
the rule adds, ``x * 1.0`` is dropped only because it is exactly ``x``, and folding
evaluates constant parts with the same operations the replay would run.
"""

from __future__ import annotations

import ast
import builtins
import keyword
import math
import re
from typing import Any, cast

from ..rules import RULES, VARIADIC, Rule

__all__ = ["identifier", "Namer", "literal", "symbolic", "fold", "risky", "is_atom"]

_RESERVED = (
    set(dir(builtins))
    | set(keyword.kwlist)
    | {
        "P",
        "A",
        "seed",
        "math",
        "Undefined",
        "UNDEFINED",
        "GuardFailed",
        "UseEngine",
        "rows",
        "outs",
        "push",
        "fail",
        "finite",
    }
)


def identifier(label: str, default: str) -> str:
    """A readable Python name from a label: ``layers.0.neurons.1.w.0`` -> ``L0_n1_w_0``."""
    s = re.sub(r"\W+", "_", label, flags=re.ASCII).strip("_")
    s = re.sub(r"layers_(\d+)_neurons_(\d+)_", r"L\1_n\2_", s)
    s = re.sub(r"neurons_(\d+)_", r"n\1_", s)
    if not s:
        return default
    return f"v_{s}" if s[0].isdigit() else s


class Namer:
    def __init__(self) -> None:
        self.used: set[str] = set(_RESERVED)

    def fresh(self, base: str) -> str:
        name, k = base, 2
        while name in self.used or name.startswith("R_"):
            name, k = f"{base}_{k}", k + 1
        self.used.add(name)
        return name


def literal(x: float) -> str:
    if x != x:
        return "math.nan"
    if x in (math.inf, -math.inf):
        return "math.inf" if x > 0 else "(-math.inf)"
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


# --- symbolic evaluation of variadic rows -------------------------------------------------

_ATOM, _MUL, _ADD = 3, 2, 1


class _Sym:
    """Source text of an expression on floats, for running a rule's arithmetic on symbols."""

    __slots__ = ("text", "prec")

    def __init__(self, text: str, prec: int = _ATOM) -> None:
        self.text = text
        self.prec = prec

    @staticmethod
    def _text(x: Any, prec: int, right: bool) -> str:
        if isinstance(x, _Sym):
            wrap = x.prec < prec or (right and x.prec == prec)  # keep Python's evaluation order
            return f"({x.text})" if wrap else x.text
        if x.__class__ is float or x.__class__ is int:
            return literal(float(x)) if x.__class__ is float else (f"({x})" if x < 0 else str(x))
        raise TypeError("not a float expression")

    def _binary(self, other: Any, op: str, prec: int, reflected: bool) -> _Sym:
        left, right = (other, self) if reflected else (self, other)
        return _Sym(f"{self._text(left, prec, False)} {op} {self._text(right, prec, True)}", prec)

    def __add__(self, other: Any) -> _Sym:
        return self._binary(other, "+", _ADD, False)

    def __radd__(self, other: Any) -> _Sym:
        if other.__class__ is int and other == 0:
            return self  # builtins.sum's start value
        return self._binary(other, "+", _ADD, True)

    def __sub__(self, other: Any) -> _Sym:
        return self._binary(other, "-", _ADD, False)

    def __rsub__(self, other: Any) -> _Sym:
        return self._binary(other, "-", _ADD, True)

    def __mul__(self, other: Any) -> _Sym:
        if other.__class__ is float and other == 1.0:
            return self  # x * 1.0 == x exactly
        return self._binary(other, "*", _MUL, False)

    def __rmul__(self, other: Any) -> _Sym:
        if other.__class__ is float and other == 1.0:
            return self
        return self._binary(other, "*", _MUL, True)

    def __neg__(self) -> _Sym:
        return _Sym(f"-{self._text(self, _MUL + 1, False)}", _MUL)


def symbolic(rule: Rule, operands: list[Any], out: str) -> tuple[str, list[str]] | None:
    """(value, partials) source of a variadic table row run on symbols (``operands``: variable
    names, or floats for constants); None for other rules or if the arithmetic is not plain."""
    if rule.arity != VARIADIC or RULES.get(rule.name) is not rule:
        return None
    xs = [_Sym(x) if isinstance(x, str) else x for x in operands]
    try:
        value = rule.forward(*xs)
        partials = rule.partials(*xs, _Sym(out))
        return _Sym._text(value, 0, False), [_Sym._text(p, _ATOM, False) for p in partials]
    except (TypeError, ArithmeticError, ValueError, AttributeError):
        return None


class _Folder(ast.NodeTransformer):
    """Folds the parts of a template that only involve constants (pow with exponent 2.0)."""

    def _const(self, node: ast.AST) -> ast.AST:
        try:
            value = eval(compile(ast.Expression(cast(ast.expr, node)), "<fold>", "eval"), {"math": math})  # noqa: S307
        except Exception:
            return node
        if value.__class__ not in (float, bool) or (value.__class__ is float and not math.isfinite(value)):
            return node
        return ast.copy_location(ast.Constant(value), node)

    def generic_fold(self, node: ast.AST) -> ast.AST:
        node = self.generic_visit(node)
        names = [n for n in ast.walk(node) if isinstance(n, ast.Name) and n.id != "math"]
        return node if names else self._const(node)

    visit_BinOp = visit_UnaryOp = visit_Compare = visit_Call = generic_fold

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        node = self.generic_fold(node)  # type: ignore[assignment]
        if isinstance(node, ast.BoolOp):  # as a test only truthiness matters (see visit_IfExp)
            consts = [v.value for v in node.values if isinstance(v, ast.Constant)]
            if isinstance(node.op, ast.Or) and any(consts) or isinstance(node.op, ast.And) and not all(consts):
                return ast.copy_location(ast.Constant(isinstance(node.op, ast.Or)), node)
        return node

    def visit_IfExp(self, node: ast.IfExp) -> ast.AST:
        node = self.generic_visit(node)  # type: ignore[assignment]
        if isinstance(node.test, ast.Constant):
            return node.body if node.test.value else node.orelse
        return node


def fold(expr: str) -> str:
    """``expr`` with its constant parts evaluated (same floats, shorter source)."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError:
        return expr
    folded = _Folder().visit(tree)
    text = ast.unparse(folded)
    if text.startswith("-") and isinstance(folded.body, ast.Constant):
        text = f"({text})"
    return text


_CALL = re.compile(r"(?<![\w.])([\w.]+)\(")  # a call's name; starts only at a name's start: linear in long names


def risky(expr: str) -> bool:
    """Whether a partial may raise (division, domain, overflow) or be undefined: such partials
    are computed in the forward part, before any gradient is accumulated."""
    calls = _CALL.findall(expr)
    return "/" in expr or "UNDEFINED" in expr or any(c not in ("math.sin", "math.cos", "abs") for c in calls)


def is_atom(text: str) -> bool:
    return text.isidentifier() or re.fullmatch(r"\(?-?[0-9.e+\-]+\)?|math\.(nan|inf)", text) is not None
