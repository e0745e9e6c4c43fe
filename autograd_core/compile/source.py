"""Source text for generated code: readable names from labels, and atoms.

The expressions themselves come from the rules, run on symbols: :mod:`autograd_core.symbolic`
(which also writes float literals, :func:`literal`).
"""

from __future__ import annotations

import builtins
import keyword
import re

from ..symbolic import literal

__all__ = ["identifier", "Namer", "literal", "is_atom"]

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
        "ok",
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


def is_atom(text: str) -> bool:
    return text.isidentifier() or re.fullmatch(r"\(?-?[0-9.e+\-]+\)?|math\.(nan|inf)", text) is not None
