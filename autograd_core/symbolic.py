"""A rule run on symbols: the source text of its forward value and partials, from the row itself.

A :class:`Symbol` stands for a float and turns the arithmetic a rule does on it into source
text (``x * 1.0`` is kept out because it is exactly ``x``). A comparison of a symbol is a
branch: the rule is run once per way its comparisons can come out (an explicit loop, no
recursion), and the results are joined into conditional expressions, so relu's
``1.0 if out > 0.0 else 0.0`` comes back as that text. Whatever the rule cannot do on
symbols (a ``math`` function it calls directly, an error raised on some branch) gives
``None``, and the caller calls the rule instead, which is just as exact.

:func:`forward_source` and :func:`partials_source` are what a code generator asks for.
``prefix`` names the module of the functions in the text: ``"math."`` (the default) gives
``math.exp(x)`` and conditional expressions ``a if c else b``; any other prefix, such as
``"np."``, gives ``np.exp(x)`` and ``np.where(c, a, b)``. Functions in the text are
``exp log log1p sqrt sin cos tanh fabs pow`` with the prefix; an undefined derivative is the
name ``UNDEFINED``.
"""

from __future__ import annotations

import builtins
import math
import types
from collections.abc import Callable
from operator import itemgetter
from typing import Any, NamedTuple

from .rules import Rule, Undefined

__all__ = ["Symbol", "Source", "forward_source", "partials_source", "literal"]

# Python's precedence levels, lowest first (a conditional expression binds loosest).
_COND, _CMP, _ADD, _MUL, _UNARY, _ATOM = range(6)
_SAFE_CALLS = ("sin", "cos", "tanh", "fabs")  # never raise, finite for finite input
_FUNCTIONS = ("exp", "log", "sqrt", "sin", "cos", "tanh")
_MAX_PATHS = 64  # a rule with more branches than this is called, not written out
_SPLIT = 100
"""Deepest expression written in one statement: a longer chain (``dot`` of 10^5 terms) is
carried on in a temporary every this many operations (Python's compiler rejects very deep
expressions; the same operations in the same order give the same float)."""


class Source(NamedTuple):
    """Source text of one expression on floats."""

    text: str
    risky: bool  # may raise (division, a domain, an overflow) or be UNDEFINED
    undefined: bool  # may be UNDEFINED (a derivative that does not exist there)
    before: tuple[str, ...] = ()  # statements ``name = text`` of temporaries the text uses


class _Explorer:
    """The branches of one rule: which way each comparison goes on the current run."""

    def __init__(self, prefix: str, fresh: Callable[[], str] | None = None) -> None:
        self.prefix = prefix
        self.fresh = fresh  # names temporaries of deep expressions; None: too deep is an error
        self.spill: list[str] = []  # their statements, on the current run
        self.path: list[bool] = []
        self.conditions: list[tuple[str, bool]] = []  # (text, risky), one per decision of this run

    def decide(self, condition: str, risky: bool) -> bool:
        at = len(self.conditions)
        if at == len(self.path):
            self.path.append(True)
        self.conditions.append((condition, risky))
        return self.path[at]


def _text(x: Any, prec: int, right: bool) -> str:
    """``x`` as an operand at precedence ``prec`` (``right``: the right operand of a left-associative operator)."""
    if x.__class__ is Symbol:
        wrap = x.prec < prec or (right and x.prec == prec)  # keep Python's evaluation order
        return f"({x.text})" if wrap else x.text
    if x.__class__ is float:
        return literal(x)
    if x.__class__ is int:
        return f"({x})" if x < 0 else str(x)
    raise TypeError(f"not a float expression: {type(x).__name__}")


def literal(x: float) -> str:
    """A float as source: ``math.nan``, ``math.inf``, negative numbers in parentheses."""
    if x != x:
        return "math.nan"
    if x in (math.inf, -math.inf):
        return "math.inf" if x > 0 else "(-math.inf)"
    text = repr(x)
    return f"({text})" if text.startswith("-") else text


def _risky(x: Any) -> bool:
    return x.__class__ is Symbol and x.risky


class Symbol:
    """A float in source form: arithmetic gives a new Symbol, a comparison a branch."""

    __slots__ = ("text", "prec", "risky", "depth", "_explorer")

    def __init__(self, text: str, explorer: _Explorer, prec: int = _ATOM, risky: bool = False, depth: int = 0) -> None:
        self.text = text
        self.prec = prec
        self.risky = risky
        self.depth = depth  # operations nested in ``text``
        self._explorer = explorer

    def _new(self, text: str, prec: int, risky: bool, *parts: Any) -> Symbol:
        depth = 1 + max((p.depth for p in parts if p.__class__ is Symbol), default=0)
        if depth < _SPLIT:
            return Symbol(text, self._explorer, prec, risky, depth)
        explorer = self._explorer
        if explorer.fresh is None:
            raise RecursionError("expression too deep for one statement")
        name = explorer.fresh()
        explorer.spill.append(f"{name} = {text}")
        return Symbol(name, explorer, _ATOM, risky)

    def _binary(self, other: Any, op: str, prec: int, reflected: bool, risky: bool = False) -> Symbol:
        left, right = (other, self) if reflected else (self, other)
        text = f"{_text(left, prec, False)} {op} {_text(right, prec, True)}"
        return self._new(text, prec, risky or _risky(left) or _risky(right), self, other)

    def _call(self, name: str, *args: Any) -> Symbol:
        risky = name not in _SAFE_CALLS or any(_risky(a) for a in args)
        inside = ", ".join(_text(a, _COND + 1, False) for a in args)
        return self._new(f"{self._explorer.prefix}{name}({inside})", _ATOM, risky, *args)

    # arithmetic, in the float semantics of the generated code
    def __add__(self, other: Any) -> Symbol:
        return self._binary(other, "+", _ADD, False)

    def __radd__(self, other: Any) -> Symbol:
        if other.__class__ is float and other == 0.0 and math.copysign(1.0, other) < 0.0:
            return self  # the -0.0 that the sum rules start from: -0.0 + x is x, bit for bit
        return self._binary(other, "+", _ADD, True)

    def __sub__(self, other: Any) -> Symbol:
        return self._binary(other, "-", _ADD, False)

    def __rsub__(self, other: Any) -> Symbol:
        return self._binary(other, "-", _ADD, True)

    def __mul__(self, other: Any) -> Symbol:
        if other.__class__ is float and other == 1.0:
            return self  # x * 1.0 == x exactly
        return self._binary(other, "*", _MUL, False)

    def __rmul__(self, other: Any) -> Symbol:
        if other.__class__ is float and other == 1.0:
            return self
        return self._binary(other, "*", _MUL, True)

    def __truediv__(self, other: Any) -> Symbol:
        return self._binary(other, "/", _MUL, False, risky=True)

    def __rtruediv__(self, other: Any) -> Symbol:
        return self._binary(other, "/", _MUL, True, risky=True)

    def __mod__(self, other: Any) -> Symbol:
        return self._binary(other, "%", _MUL, False, risky=True)

    def __pow__(self, other: Any) -> Symbol:
        return self._call("pow", self, other)

    def __rpow__(self, other: Any) -> Symbol:
        return self._call("pow", other, self)

    def __neg__(self) -> Symbol:
        return self._new(f"-{_text(self, _UNARY, False)}", _UNARY, self.risky, self)

    def __pos__(self) -> Symbol:
        return self

    def __abs__(self) -> Symbol:
        return self._call("fabs", self)

    def exp(self) -> Symbol:
        return self._call("exp", self)

    def log(self) -> Symbol:
        return self._call("log", self)

    def log1p(self) -> Symbol:
        return self._call("log1p", self)

    def sqrt(self) -> Symbol:
        return self._call("sqrt", self)

    def sin(self) -> Symbol:
        return self._call("sin", self)

    def cos(self) -> Symbol:
        return self._call("cos", self)

    def tanh(self) -> Symbol:
        return self._call("tanh", self)

    # comparisons: each one is a branch point
    def _compare(self, other: Any, op: str) -> bool:
        text = f"{_text(self, _ADD, False)} {op} {_text(other, _ADD, False)}"
        return self._explorer.decide(text, self.risky or _risky(other))

    def __lt__(self, other: Any) -> bool:
        return self._compare(other, "<")

    def __le__(self, other: Any) -> bool:
        return self._compare(other, "<=")

    def __gt__(self, other: Any) -> bool:
        return self._compare(other, ">")

    def __ge__(self, other: Any) -> bool:
        return self._compare(other, ">=")

    def __eq__(self, other: object) -> bool:
        return self._compare(other, "==")

    def __ne__(self, other: object) -> bool:
        return self._compare(other, "!=")

    def __bool__(self) -> bool:
        return self._compare(0.0, "!=")

    __hash__ = None  # type: ignore[assignment]


def _math_name(fn: Any) -> str | None:
    """``"exp"`` for ``math.exp`` (a forward that is a ``math`` function itself), ``"fabs"`` for ``abs``."""
    if fn is builtins.abs:
        return "fabs"
    if isinstance(fn, types.BuiltinFunctionType) and fn.__self__ is math and fn.__name__ in _FUNCTIONS:
        return fn.__name__
    return None


def apply_symbolic(rule: Rule, args: tuple[Any, ...]) -> Any:
    """``rule.forward`` on symbols (and floats): what ``apply`` does when an input is a :class:`Symbol`."""
    name = _math_name(rule.forward)
    if name is not None and len(args) == 1 and args[0].__class__ is Symbol:
        return args[0]._call(name, args[0])
    return rule.forward(*args)


def _explore(run: Callable[[Callable[[str], Symbol]], Any], explorer: _Explorer) -> list[tuple[list[Any], Any]] | None:
    """Every branch of ``run``: ``[(decisions, result)]`` in depth-first order, True first; None if
    a branch raises or there are too many, or temporaries were needed on a rule that branches."""

    def symbol(name: str) -> Symbol:
        return Symbol(name, explorer)

    paths: list[tuple[list[Any], Any]] = []
    while True:
        explorer.conditions = []
        explorer.spill = []
        try:
            result = run(symbol)
        except Exception:
            return None
        taken = explorer.path[: len(explorer.conditions)]
        paths.append((list(zip(explorer.conditions, taken)), result))
        path = taken
        while path and not path[-1]:
            path.pop()
        if explorer.spill and (path or len(paths) > 1):
            return None  # temporaries are statements: not on a rule that branches
        if not path or len(paths) >= _MAX_PATHS:
            return None if path else paths
        path[-1] = False
        explorer.path = path


class _Branch:
    __slots__ = ("condition", "risky", "yes", "no")

    def __init__(self, condition: str, risky: bool) -> None:
        self.condition, self.risky = condition, risky
        self.yes: Any = None
        self.no: Any = None


class _Leaf:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _tree(paths: list[tuple[list[Any], Any]]) -> Any:
    """The branches as a decision tree: a :class:`_Branch` per comparison, a :class:`_Leaf` per result."""
    holder = _Branch("", False)
    for decisions, result in paths:
        node, yes = holder, True
        for (condition, risky), taken in decisions:
            child = node.yes if yes else node.no
            if child is None:
                child = _Branch(condition, risky)
                if yes:
                    node.yes = child
                else:
                    node.no = child
            node, yes = child, taken
        if yes:
            node.yes = _Leaf(result)
        else:
            node.no = _Leaf(result)
    return holder.yes


def _leaf_source(value: Any) -> tuple[str, int, bool, bool] | None:
    """(text, precedence, risky, undefined) of one result, or None if it is not a float expression."""
    if value.__class__ is Symbol:
        return value.text, value.prec, value.risky, False
    if value.__class__ is float or value.__class__ is int:
        return literal(float(value)), _ATOM, False, False
    if isinstance(value, Undefined):
        return "UNDEFINED", _ATOM, True, True
    return None


def _render(tree: Any, pick: Callable[[Any], Any], prefix: str) -> Source | None:
    """One expression from the decision tree (post-order, explicit stack): equal branches merge."""
    done: dict[int, tuple[str, int, bool, bool]] = {}
    stack: list[tuple[Any, bool]] = [(tree, False)]
    while stack:
        node, expanded = stack.pop()
        if node.__class__ is _Leaf:
            leaf = _leaf_source(pick(node.value))
            if leaf is None:
                return None
            done[id(node)] = leaf
        elif not expanded:
            stack += [(node, True), (node.yes, False), (node.no, False)]
        else:
            yes, no = done[id(node.yes)], done[id(node.no)]
            risky, undefined = yes[2] or no[2] or node.risky, yes[3] or no[3]
            if yes[0] == no[0] and not node.risky:
                done[id(node)] = yes
            elif prefix == "math.":
                y = f"({yes[0]})" if yes[1] <= _COND else yes[0]
                n = f"({no[0]})" if no[1] <= _COND else no[0]
                done[id(node)] = (f"{y} if {node.condition} else {n}", _COND, risky, undefined)
            else:
                text = f"{prefix}where({node.condition}, {yes[0]}, {no[0]})"
                done[id(node)] = (text, _ATOM, risky, undefined)
    text, _, risky, undefined = done[id(tree)]
    return Source(text, risky, undefined)


def _operands(names: list[Any], symbol: Callable[[str], Symbol]) -> list[Any]:
    return [symbol(x) if isinstance(x, str) else float(x) for x in names]


def forward_source(
    rule: Rule, operands: list[Any], prefix: str = "math.", fresh: Callable[[], str] | None = None
) -> Source | None:
    """Source of ``rule.forward`` on ``operands`` (variable names, or floats for constants).

    ``fresh`` names temporaries for an expression too deep for one statement (``dot`` of
    10^5 terms): their statements are the result's ``before``; without it such a rule gives
    ``None``. ``None`` also if the forward cannot run on symbols (it calls a ``math``
    function directly, raises on a branch, or branches too much): then generated code calls
    the rule.
    """
    explorer = _Explorer(prefix, fresh)
    paths = _explore(lambda symbol: apply_symbolic(rule, tuple(_operands(operands, symbol))), explorer)
    source = None if paths is None else _render(_tree(paths), lambda v: v, prefix)
    return None if source is None else source._replace(before=tuple(explorer.spill))


def partials_source(rule: Rule, operands: list[Any], out: str, prefix: str = "math.") -> tuple[Source, ...] | None:
    """Source of each of ``rule.partials(*operands, out)``, one per operand (names or floats).

    This is how a backend inlines a derivative written once, in the rule's row: ``prefix``
    ``"math."`` for Python floats, ``"np."`` for numpy arrays. ``None`` if the partials
    cannot run on symbols (then call ``rule.partials``).
    """

    def run(symbol: Callable[[str], Symbol]) -> Any:
        partials = rule.partials(*_operands(operands, symbol), symbol(out))
        if not isinstance(partials, tuple) or len(partials) != len(operands):
            raise TypeError("partials: wrong count")
        return partials

    paths = _explore(run, _Explorer(prefix))
    if paths is None:
        return None
    tree = _tree(paths)
    sources = [_render(tree, itemgetter(i), prefix) for i in range(len(operands))]
    return None if any(s is None for s in sources) else tuple(s for s in sources if s is not None)
