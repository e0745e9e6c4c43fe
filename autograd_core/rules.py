"""The table of basic functions: each one's forward value and local derivatives, side by side.

A row is a :class:`Rule`. ``forward`` computes the value on plain floats and raises a
clear error outside the function's domain. ``partials(*inputs, out)`` returns one local
derivative per input, written only with arithmetic and the generic helpers below, so the
very same formula runs on floats (first-order backward), on Values (``create_graph``,
higher-order derivatives) and on symbols (``compile`` writes it out as source). Where a
derivative does not exist it returns :func:`undefined`, which raises only if a gradient
is actually pushed through it.

Adding a basic function means adding one row here and, if it should be a method, one
line in ``value.py``. Nothing else in the engine knows about individual functions.
"""

from __future__ import annotations

import builtins
import functools
import math
import operator
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Rule", "RULES", "Undefined", "undefined", "VARIADIC", "add_all"]

VARIADIC = -1
"""``Rule.arity`` of a function of any number of inputs (``sum``, ``dot``, ``affine``)."""

Interval = tuple[float, float]


@dataclass(frozen=True, slots=True)
class Rule:
    """One basic function: ``out = forward(*xs)`` and ``partials(*xs, out) = (d out/d x_i)_i``.

    ``domain`` gives, per input, intervals inside which the function and its derivatives
    are defined and well conditioned; the gradient checks and the hypothesis strategies
    draw inputs from it.

    ``bounded``: the value is finite for every finite input (compiled code skips its overflow
    check). ``zero_region``: a local derivative is exactly 0.0 on part of the domain, as
    relu's (compiled code skips the parents of a node whose gradient is 0 there).

    ``autograd_core.compile`` writes ``forward`` and ``partials`` out as source by running
    them on symbols (:mod:`autograd_core.symbolic`), so a row needs no second copy of its
    formulas; a row that cannot run on symbols is called from the generated code instead.

    :param name: the key of the row in :data:`RULES`, e.g. ``"tanh"``.
    :param arity: the number of inputs, or ``VARIADIC`` (-1) for any number.
    :param forward: ``forward(*xs) -> float`` on plain floats; raises outside the domain.
    :param partials: ``partials(*xs, out) -> tuple``: one local derivative per input,
        arithmetic only, so it runs on floats and on Values.
    :param math: ``"formula; d/dx = ..."``: the function and its derivatives, for people (docs, drawings).
    :param domain: per input, the intervals the gradient checks and strategies draw from.
    :param symbol: an operator symbol for drawings (``"+"``, ``"²"``), empty for a named function.
    :param bounded: finite for every finite input (``compile`` skips the overflow check).
    :param zero_region: a partial is exactly 0.0 on part of the domain (relu).
    """

    name: str
    arity: int
    forward: Callable[..., float]
    partials: Callable[..., tuple[Any, ...]]
    math: str
    domain: tuple[tuple[Interval, ...], ...]
    symbol: str = ""
    bounded: bool = False
    zero_region: bool = False
    # True only for the rows of RULES below, set once when the table is built: their partials
    # are floats (or undefined(...)) by construction, so apply_* skips the per-partial type
    # check that a user's Rule gets (on a wide affine node that check cost as much as the
    # rest of apply_nary). Not a constructor argument: a Rule a user makes is always checked.
    _table_row: bool = field(default=False, init=False, repr=False, compare=False)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle by name: a rule is looked up in :data:`RULES` when unpickled."""
        if RULES.get(self.name) is not self:
            raise TypeError(
                f"Rule {self.name!r} is not in RULES: only rules of the table pickle (by name); "
                f"register it with RULES[{self.name!r}] = rule first"
            )
        return (_rule_named, (self.name,))


def _rule_named(name: str) -> Rule:
    try:
        return RULES[name]
    except KeyError:
        raise ValueError(f"unpickling a Rule: no rule named {name!r} in RULES") from None


class Undefined:
    """A local derivative that does not exist (e.g. d/dy x**y at x <= 0).

    Recording one is harmless; multiplying a gradient by it raises ``ValueError``.
    """

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def fail(self) -> None:
        raise ValueError(self.message)

    def __mul__(self, other: object) -> Any:
        self.fail()

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"undefined({self.message!r})"


def undefined(message: str) -> Undefined:
    """Mark a partial derivative as undefined, with the error to raise if it is used."""
    return Undefined(message)


# Generic helpers: math on floats, the method of the same name on anything else (a Value
# in create_graph, a Symbol when compile writes the formula out as source).


def _sin(x: Any) -> Any:
    return math.sin(x) if x.__class__ is float else x.sin()


def _cos(x: Any) -> Any:
    return math.cos(x) if x.__class__ is float else x.cos()


def _log(x: Any) -> Any:
    return math.log(x) if x.__class__ is float else x.log()


def _exp(x: Any) -> Any:
    return math.exp(x) if x.__class__ is float else x.exp()


def _log1p(x: Any) -> Any:
    return math.log1p(x) if x.__class__ is float else x.log1p()


def _sqrt(x: Any) -> Any:
    return math.sqrt(x) if x.__class__ is float else x.sqrt()


# Forward kernels. Each raises with the operation and the offending value; where math
# itself refuses (a domain, an overflow) the kernel only rewrites the message.


def _div_forward(x: Any, y: Any) -> Any:
    try:
        return x / y
    except ZeroDivisionError:
        raise ZeroDivisionError(f"div: division by zero ({x!r} / {y!r})") from None


def _pow_forward(x: Any, y: Any) -> Any:
    if x == 0.0 and y < 0.0:
        raise ValueError(f"pow: 0.0 cannot be raised to a negative power ({y!r})")
    if x < 0.0 and y % 1.0 != 0.0:
        raise ValueError(f"pow: negative base {x!r} needs an integer exponent, got {y!r}")
    try:
        return math.pow(x, y)
    except OverflowError:
        raise OverflowError(f"pow: result overflows for {x!r} ** {y!r}") from None


def _power(x: Any, e: Any) -> Any:
    """x ** e; on floats an overflow gives +-inf (a local derivative may be infinite)."""
    if x.__class__ is not float or e.__class__ is not float:
        return x**e
    try:
        return math.pow(x, e)
    except OverflowError:
        return math.copysign(math.inf, x) if e.is_integer() and e % 2 else math.inf


def _number(x: Any) -> Any:
    """The number a Value holds (for a message), anything else as it is."""
    return getattr(x, "data", x)


def _pow_partials(x: Any, y: Any, out: Any) -> tuple[Any, Any]:
    if y.__class__ is float and y == 0.0:
        dx: Any = 0.0  # x ** 0 = 1: no x ** -1 (infinite for tiny x, rebuilt at each order)
    elif x < 0.0 or x > 0.0 or y >= 1.0:  # ordering, not !=: a Value's == is identity
        dx = y * _power(x, y - 1.0)
    else:
        dx = undefined(f"pow: derivative with respect to the base is infinite at 0.0 ** {_number(y)!r}")
    if x > 0.0:
        dy: Any = out * _log(x)
    else:
        dy = undefined(f"pow: derivative with respect to the exponent needs a base > 0, got {_number(x)!r}")
    return dx, dy


def _exp_forward(x: Any) -> Any:
    try:
        return _exp(x)
    except OverflowError:
        raise OverflowError(f"exp: result overflows for x = {x!r}") from None


def _log_forward(x: Any) -> Any:
    try:
        return _log(x)
    except ValueError:
        raise ValueError(f"log: expected x > 0, got {x!r}") from None


def _sqrt_forward(x: Any) -> Any:
    try:
        return _sqrt(x)
    except ValueError:
        raise ValueError(f"sqrt: expected x >= 0, got {x!r}") from None


def _sigmoid_forward(x: Any) -> Any:
    # Two branches so that exp never overflows: finite for any finite x.
    if x >= 0.0:
        return 1.0 / (1.0 + _exp(-x))
    e = _exp(x)
    return e / (1.0 + e)


def _softplus_forward(x: Any) -> Any:
    # ln(1 + e^x) with e^(-|x|) only, so that exp never overflows: finite for any finite x;
    # log1p keeps the e^x of a very negative x (ln(1 + e^-40) is 4.2e-18, not 0.0).
    if x >= 0.0:
        return x + _log1p(_exp(-x))
    return _log1p(_exp(x))


def _relu_forward(x: Any) -> Any:
    return x if x > 0.0 else 0.0


def _sign(x: Any) -> float:
    return 1.0 if x > 0.0 else (-1.0 if x < 0.0 else 0.0)


if sys.version_info >= (3, 12):  # builtins.sum compensates its rounding errors there (Neumaier)

    def add_all(xs: Iterable[Any], _reduce: Any = functools.reduce, _add: Any = operator.add) -> Any:
        """x_1 + x_2 + ... + x_n added left to right, rounded after each addition: the floats of a
        replay's ``a + b + c`` on every Python (-0.0 + x_1 is x_1, bit for bit). The ``sum``,
        ``dot`` and ``affine`` rules and every total of examples add with it."""
        return _reduce(_add, xs, -0.0)

else:

    def add_all(xs: Iterable[Any], _sum: Any = builtins.sum) -> Any:
        """x_1 + x_2 + ... + x_n added left to right, rounded after each addition: before 3.12,
        builtins.sum's own loop (from -0.0: an int 0 start would turn a sum of -0.0 into 0.0)."""
        return _sum(xs, -0.0)


def _dot(*xs: float, _sum: Callable[..., float] = add_all, _mul: Any = operator.mul) -> float:
    n = len(xs) // 2
    if len(xs) % 2:
        raise TypeError(f"dot: needs as many a's as b's, got {len(xs)} inputs in all")
    return _sum(map(_mul, xs[:n], xs[n:]))


def _dot_partials(*xs_out: Any) -> tuple[Any, ...]:
    n = (len(xs_out) - 1) // 2  # xs_out = a_1..a_n, b_1..b_n, out
    return xs_out[n:-1] + xs_out[:n]


def _affine(*bwx: float, _sum: Callable[..., float] = add_all, _mul: Any = operator.mul) -> float:
    n = len(bwx) // 2
    if len(bwx) % 2 == 0:
        raise TypeError(f"affine: needs a bias, n weights and n inputs, got {len(bwx)} inputs")
    return bwx[0] + _sum(map(_mul, bwx[1 : n + 1], bwx[n + 1 :]))


def _affine_partials(*bwx_out: Any) -> tuple[Any, ...]:
    bwx = bwx_out[:-1]
    n = len(bwx) // 2
    return (1.0,) + bwx[n + 1 :] + bwx[1 : n + 1]


ANY: tuple[Interval, ...] = ((-3.0, 3.0),)
NONZERO: tuple[Interval, ...] = ((-3.0, -0.2), (0.2, 3.0))
POSITIVE: tuple[Interval, ...] = ((0.05, 5.0),)
AWAY_FROM_0: tuple[Interval, ...] = NONZERO  # kinks (relu, abs) are excluded from checks

# A table: one row per basic function, laid out to be read across (not reformatted).
# fmt: off
RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        # name     arity  forward           partials(*inputs, out)                    math
        Rule("add", 2, operator.add, lambda x, y, out: (1.0, 1.0),
             "x + y; d/dx = 1, d/dy = 1", (ANY, ANY), "+"),
        Rule("sub", 2, operator.sub, lambda x, y, out: (1.0, -1.0),
             "x - y; d/dx = 1, d/dy = -1", (ANY, ANY), "-"),
        Rule("mul", 2, operator.mul, lambda x, y, out: (y, x),
             "x * y; d/dx = y, d/dy = x", (ANY, ANY), "*"),
        Rule("div", 2, _div_forward, lambda x, y, out: (1.0 / y, -out / y),
             "x / y; d/dx = 1/y, d/dy = -x/y^2", (ANY, NONZERO), "/"),
        Rule("neg", 1, operator.neg, lambda x, out: (-1.0,),
             "-x; d/dx = -1", (ANY,), "-", bounded=True),
        Rule("pow", 2, _pow_forward, _pow_partials,
             "x ** y; d/dx = y x^(y-1), d/dy = x^y ln x", (POSITIVE, ANY), "**"),
        Rule("square", 1, lambda x: x * x, lambda x, out: (2.0 * x,),
             "x^2; d/dx = 2x", (ANY,), "²"),
        Rule("exp", 1, _exp_forward, lambda x, out: (out,),
             "e^x; d/dx = e^x", (ANY,)),
        Rule("log", 1, _log_forward, lambda x, out: (1.0 / x,),
             "ln x; d/dx = 1/x", (POSITIVE,), bounded=True),
        Rule("tanh", 1, math.tanh, lambda x, out: (1.0 - out * out,),
             "tanh x; d/dx = 1 - tanh^2 x", (ANY,), bounded=True),
        Rule("sigmoid", 1, _sigmoid_forward, lambda x, out: (out * (1.0 - out),),
             "1 / (1 + e^-x); d/dx = s(1 - s)", (ANY,), bounded=True),
        Rule("softplus", 1, _softplus_forward, lambda x, out: (_exp(x - out),),
             "ln(1 + e^x); d/dx = sigmoid(x) = e^(x - softplus x)", (ANY,), bounded=True),
        Rule("relu", 1, _relu_forward, lambda x, out: (1.0 if out > 0.0 else 0.0,),
             "max(0, x); d/dx = [x > 0]", (AWAY_FROM_0,), bounded=True, zero_region=True),
        Rule("abs", 1, abs, lambda x, out: (_sign(x),),
             "|x|; d/dx = sign x (0 at 0)", (AWAY_FROM_0,), bounded=True),
        Rule("sqrt", 1, _sqrt_forward,
             lambda x, out: (0.5 / out if out > 0.0 or out != out  # out >= 0 (nan: nan)
                             else undefined("sqrt: derivative is infinite at x = 0.0"),),
             "sqrt x; d/dx = 1 / (2 sqrt x)", (POSITIVE,), bounded=True),
        Rule("sin", 1, math.sin, lambda x, out: (_cos(x),),
             "sin x; d/dx = cos x", (ANY,), bounded=True),
        Rule("cos", 1, math.cos, lambda x, out: (-_sin(x),),
             "cos x; d/dx = -sin x", (ANY,), bounded=True),
        Rule("sum", VARIADIC, lambda *xs: add_all(xs), lambda *xs: (1.0,) * (len(xs) - 1),
             "x_1 + ... + x_n; d/dx_i = 1", (ANY,)),
        Rule("dot", VARIADIC, _dot, _dot_partials,
             "a_1 b_1 + ... + a_n b_n; d/da_i = b_i, d/db_i = a_i", (ANY,)),
        Rule("affine", VARIADIC, _affine, _affine_partials,
             "w_0 + w_1 x_1 + ... + w_n x_n (the lecture's s = sum_i w_i x_i, x_0 = 1);"
             " d/dw_0 = 1, d/dw_i = x_i, d/dx_i = w_i", (ANY,)),
    )
}
# fmt: on
for _row in RULES.values():
    object.__setattr__(_row, "_table_row", True)  # frozen: set once, here (see Rule._table_row)
del _row
