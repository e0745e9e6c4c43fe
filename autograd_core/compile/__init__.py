"""``autograd_core.compile``: trace a scalar function once, replay it as readable Python.

- :mod:`.trace`: arguments' nesting, the trace (graph, guards, parameters);
- :mod:`.codegen`: straight-line source, forward then backward;
- :mod:`.source`: names, literals, symbolic variadic rows, constant folding;
- :mod:`.compiled`: the callable (replays, guards, re-tracing, ``check``);
- :mod:`.homes`: where the parameters live (a replaced one means tracing again);
- :mod:`.over`: replay over a data set with a reduction;
- :mod:`.numpy_backend`, :mod:`.numpy_codegen`, :mod:`.numpy_rules`: the numpy backend (``backend="numpy"``).
"""

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
