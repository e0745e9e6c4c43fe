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
from collections.abc import Callable
from typing import Any, cast

from ..rules import RULES, VARIADIC, Rule

__all__ = ["identifier", "Namer", "literal", "symbolic", "fold", "risky", "is_atom", "comment"]

MAX_NAME = 40
"""Longest name taken from a label (the rest is cut: names stay readable, compile time linear)."""

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
    s = s[:MAX_NAME].rstrip("_")
    if not s:
        return default
    return f"v_{s}" if s[0].isdigit() else s


class Namer:
    """Unique Python names for one generated function: locals, and the rules it calls."""

    def __init__(self) -> None:
        self.used: set[str] = set(_RESERVED)
        self.suffix: dict[str, int] = {}  # next suffix to try per base: each probe is tried once

    def fresh(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3``... the first one not taken."""
        name = base
        if name in self.used:
            k = self.suffix.get(base, 2)
            while f"{base}_{k}" in self.used:
                k += 1
            self.suffix[base] = k + 1
            name = f"{base}_{k}"
        self.used.add(name)
        return name


def comment(text: str) -> str:
    """``text`` for a ``#`` comment: newlines, control and unprintable characters escaped."""
    return text if text.isprintable() else repr(text)[1:-1]


def literal(x: float) -> str:
    if x != x:
        return "math.nan"
    if x in (math.inf, -math.inf):
        return "math.inf" if x > 0 else "(-math.inf)"
    text = repr(float(x))
    return f"({text})" if text.startswith("-") else text


# --- symbolic evaluation of variadic rows -------------------------------------------------

_ATOM, _MUL, _ADD = 3, 2, 1


_SPLIT = 100
"""Deepest expression written in one statement: a longer chain (``dot`` of 10^5 terms) is
carried on in a temporary every this many operations (Python's compiler rejects very deep
expressions; the same operations in the same order give the same float)."""


class _Sym:
    """Source text of an expression on floats, for running a rule's arithmetic on symbols.

    ``spill`` collects the statements of temporaries (``name = text``) of deep expressions,
    ``fresh`` names them."""

    __slots__ = ("text", "prec", "depth", "spill", "fresh")

    def __init__(
        self, text: str, spill: list[str], fresh: Callable[[str], str], prec: int = _ATOM, depth: int = 0
    ) -> None:
        self.text, self.prec, self.depth, self.spill, self.fresh = text, prec, depth, spill, fresh

    @staticmethod
    def _text(x: Any, prec: int, right: bool) -> str:
        if isinstance(x, _Sym):
            wrap = x.prec < prec or (right and x.prec == prec)  # keep Python's evaluation order
            return f"({x.text})" if wrap else x.text
        if x.__class__ is float or x.__class__ is int:
            return literal(float(x)) if x.__class__ is float else (f"({x})" if x < 0 else str(x))
        raise TypeError("not a float expression")

    def _new(self, text: str, prec: int, depth: int) -> _Sym:
        if depth < _SPLIT:
            return _Sym(text, self.spill, self.fresh, prec, depth)
        name = self.fresh("part")
        self.spill.append(f"{name} = {text}")
        return _Sym(name, self.spill, self.fresh)

    def _binary(self, other: Any, op: str, prec: int, reflected: bool) -> _Sym:
        left, right = (other, self) if reflected else (self, other)
        depth = max(self.depth, other.depth if isinstance(other, _Sym) else 0) + 1
        return self._new(f"{self._text(left, prec, False)} {op} {self._text(right, prec, True)}", prec, depth)

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
        return self._new(f"-{self._text(self, _MUL + 1, False)}", _MUL, self.depth + 1)


def symbolic(
    rule: Rule, operands: list[Any], out: str, fresh: Callable[[str], str]
) -> tuple[str, list[str], list[str]] | None:
    """(value, partials, statements before them) source of a variadic table row run on symbols
    (``operands``: variable names, or floats for constants; ``fresh`` names temporaries of
    long expressions); None for other rules or if the arithmetic is not plain."""
    if rule.arity != VARIADIC or RULES.get(rule.name) is not rule:
        return None
    spill: list[str] = []

    def temp(_: str) -> str:
        return fresh(f"{out}_so_far")

    xs = [_Sym(x, spill, temp) if isinstance(x, str) else x for x in operands]
    try:
        value = rule.forward(*xs)
        partials = rule.partials(*xs, _Sym(out, spill, temp))
        return _Sym._text(value, 0, False), [_Sym._text(p, _ATOM, False) for p in partials], spill
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
