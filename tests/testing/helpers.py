"""Shared pieces of the gradient-checking tests: deliberately wrong rules."""

import math

from autograd_core import Rule, Value


def _cos(x):
    return x.cos() if x.__class__ is Value else math.cos(x)


def bad_sin_rule() -> Rule:
    """sin x with a wrong derivative cos x + 0.1, as a user might add it."""
    return Rule(
        "bad_sin",
        1,
        math.sin,
        lambda x, out: (_cos(x) + 0.1,),
        "sin x; d/dx = cos x (+0.1 by mistake)",
        (((-3.0, 3.0),),),
    )


def bad_second_order_rule() -> Rule:
    """sin x whose partial is right on floats but a constant on Values: wrong second derivative."""
    return Rule(
        "flat_sin",
        1,
        math.sin,
        lambda x, out: (math.cos(x) if x.__class__ is float else math.cos(x.data),),
        "sin x; d/dx = cos x (not differentiable again)",
        (((-3.0, 3.0),),),
    )


def cube_rule() -> Rule:
    """x^3, a correct rule a user adds to the table."""
    return Rule("cube", 1, lambda x: x * x * x, lambda x, out: (3.0 * x * x,), "x^3; d/dx = 3 x^2", (((-2.0, 2.0),),))
