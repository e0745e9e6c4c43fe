"""autograd_core: a scalar reverse-mode automatic differentiation engine.

Build expressions from :class:`Value` nodes, call ``backward()`` on the result, read
``.grad``. Every basic function lives in one table, :data:`autograd_core.rules.RULES`.
"""

from typing import TYPE_CHECKING, Any

from .functional import hessian, hvp, jacobian, jvp, vjp
from .functions import abs as abs  # noqa: A004 - by name only, not in __all__ (see below)
from .functions import (
    affine,
    cos,
    dot,
    exp,
    log,
    relu,
    sigmoid,
    sin,
    softplus,
    sqrt,
    square,
    tanh,
)
from .functions import sum as sum  # noqa: A004
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

if TYPE_CHECKING:
    from .compile import compile as compile  # noqa: A004 - loaded on first use, see __getattr__

__version__ = "0.2.0"

# ``sum``, ``abs`` and ``compile`` are importable by name (``from autograd_core import sum``,
# ``ac.compile``) but left out of ``__all__``: ``from autograd_core import *`` must not replace
# the builtins. The compiler is imported the first time ``compile`` is asked for.

__all__ = [
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
    "softplus",
    "relu",
    "sqrt",
    "sin",
    "cos",
    "dot",
    "affine",
    "jvp",
    "vjp",
    "jacobian",
    "hessian",
    "hvp",
]


def __getattr__(name: str) -> Any:
    """``autograd_core.compile``, imported on first use (``import autograd_core`` stays light)."""
    if name == "compile":
        from .compile import compile as fn

        globals()["compile"] = fn
        return fn
    raise AttributeError(f"module 'autograd_core' has no attribute {name!r}")
