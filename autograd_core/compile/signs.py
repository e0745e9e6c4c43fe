"""Guards a large replay need not test: a comparison with 0 that every finite input answers the
way the trace did.

A softplus written out with a branch, ``z + log(1 + exp(-z)) if z >= 0 else log(1 + exp(z))``
(as ``nn.softplus`` was before the table had a ``softplus`` row), branches on ``z >= 0``, and a
graph may take it on softmax outputs ``e_i / Σ_j e_j`` and on softplus outputs, which are >= 0
whatever the inputs are. Signs follow from the rules alone, in IEEE arithmetic (rounding is
monotonic, -0.0 >= 0.0)::

    exp x, relu x, |x|, x², sqrt x, σ(x), softplus x >= 0
    a, b >= 0  =>  a + b, a b, a / b >= 0
    a >= 1, b >= 0  =>  a + b >= 1                   x >= 1  =>  ln x >= 0

and from the guards themselves: after ``z >= 0`` held, every later use of ``z`` sees ``z >= 0``
(a guard is tested right after its operand is computed, before any use of it). A guard on a
value that the rules alone show >= 0 cannot fail while every value is finite, and a value that
is inf or nan sends the call to the engine at the replay's finite check (no built-in operation
raises on a nan it is given); so such a guard is not written. Only for graphs of the table's
rules (:data:`..rules.RULES`): a custom rule's forward might raise on a nan that the guard
would have stopped first.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from ..rules import RULES
from .shifts import SHIFT
from .trace import Guard, Node, Ref

__all__ = ["settled"]

_ANY, _NONNEG, _AT_LEAST_1 = 0, 1, 2


def _ids(*names: str) -> frozenset[int]:
    return frozenset(id(RULES[name]) for name in names)


_TABLE = frozenset(map(id, [*RULES.values(), SHIFT]))
_NONNEG_RULES = _ids("exp", "relu", "abs", "square", "sqrt", "sigmoid", "softplus")
_SUMS = _ids("add", "sum")
_COMBINED = _SUMS | _ids("mul", "div")  # >= 0 from inputs >= 0
_RULE = attrgetter("rule")
_LOG = id(RULES["log"])


def _holds_nonneg(g: Guard) -> Ref | None:
    """The operand ``r`` if the guard, as the trace answered it, says ``r >= 0``; else None."""
    left, right, op, result = g.left, g.right, g.op, g.result
    if right is not None and right[0] == "c" and right[1] == 0 and (op, result) in (("ge", True), ("lt", False)):
        return left
    if left[0] == "c" and left[1] == 0 and right is not None and (op, result) in (("le", True), ("gt", False)):
        return right
    return None


def settled(nodes: Sequence[Node], guards: Sequence[Guard]) -> set[int]:
    """Indices of ``guards`` that hold for every finite input (the rules alone show their
    operand >= 0): empty unless every node applies a rule of the table."""
    told = {i: r for i, g in enumerate(guards) if (r := _holds_nonneg(g)) is not None}
    rules = list(map(id, map(_RULE, nodes)))
    if not told or not _TABLE.issuperset(rules):
        return set()
    guarded = set(told.values())  # what the guards say is >= 0
    guarded_nodes = {x for kind, x in guarded if kind == "n"}
    ruled = bytearray(len(nodes))  # each node's sign from its rule and its inputs' signs
    for k, rule in enumerate(rules):
        if rule in _NONNEG_RULES:
            ruled[k] = _NONNEG
        elif rule in _COMBINED:
            one = False  # an input >= 1
            for r in nodes[k].inputs:
                kind, x = r
                if kind == "n":
                    sign = ruled[x] or x in guarded_nodes
                elif kind == "c":
                    sign = _constant_sign(x)
                else:
                    sign = r in guarded
                if not sign:
                    break
                one = one or sign == _AT_LEAST_1
            else:
                ruled[k] = _AT_LEAST_1 if one and rule in _SUMS else _NONNEG
        elif rule == _LOG:
            kind, x = nodes[k].inputs[0]
            if (ruled[x] if kind == "n" else _constant_sign(x) if kind == "c" else _ANY) == _AT_LEAST_1:
                ruled[k] = _NONNEG
    return {i for i, (kind, x) in told.items() if kind == "n" and ruled[x]}


def _constant_sign(x: object) -> int:
    if x.__class__ is not float and x.__class__ is not int:
        return _ANY
    return _AT_LEAST_1 if x >= 1 else _NONNEG if x >= 0 else _ANY
