"""autograd_core: a scalar reverse-mode automatic differentiation engine.

Build expressions from :class:`Value` nodes, call ``backward()`` on the result, read
``.grad``. Every basic function lives in one table, :data:`autograd_core.rules.RULES`.
"""

from .compile import compile  # noqa: A004 - trace once, replay as generated Python
from .functional import hessian, hvp, jacobian, jvp, vjp
from .functions import (
    abs,
    affine,
    cos,
    dot,
    exp,
    log,
    relu,
    sigmoid,
    sin,
    sqrt,
    square,
    sum,
    tanh,
)
from .graph import backward, grad, topological_order
from .rules import RULES, Rule, undefined
from .value import (
    Value,
    apply,
    apply_binary,
    apply_nary,
    apply_unary,
    enable_grad,
    is_grad_enabled,
    no_grad,
)

__version__ = "0.2.0"

__all__ = [
    "compile",
    "Value",
    "backward",
    "grad",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "topological_order",
    "apply",
    "apply_unary",
    "apply_binary",
    "apply_nary",
    "Rule",
    "RULES",
    "undefined",
    "square",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "abs",
    "sqrt",
    "sin",
    "cos",
    "sum",
    "dot",
    "affine",
    "jvp",
    "vjp",
    "jacobian",
    "hessian",
    "hvp",
]
