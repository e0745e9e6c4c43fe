"""``autograd_core.compile``: trace a scalar function once, replay it as readable Python.

- :mod:`.trace`: arguments' nesting, the trace (graph, guards, parameters);
- :mod:`.codegen`: straight-line source, forward then backward;
- :mod:`.source`: names from labels (expressions come from :mod:`autograd_core.symbolic`);
- :mod:`.compiled`: the callable (replays, guards, re-tracing, ``check``);
- :mod:`.homes`: where the parameters live (a replaced one means tracing again);
- :mod:`.over`: replay over a data set with a reduction;
- :mod:`.numpy_backend`, :mod:`.numpy_codegen`, :mod:`.numpy_rules`: the numpy backend (``backend="numpy"``).
"""

import sys
import types
from typing import Any

from .codegen import GuardFailed, UseEngine
from .compiled import CheckReport, Compiled, CompiledForward, CompileStats, CompileWarning, compile, compile_forward
from .over import REDUCTIONS

__all__ = [
    "compile",
    "compile_forward",
    "Compiled",
    "CompiledForward",
    "CompileStats",
    "CheckReport",
    "CompileWarning",
    "GuardFailed",
    "UseEngine",
    "REDUCTIONS",
]


class _CallableModule(types.ModuleType):
    """This package, callable as :func:`compile`: importing a submodule sets ``autograd_core.compile``
    to the package, and ``autograd_core.compile(f, ...)`` must keep working then too."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return compile(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
