"""Source text for generated code: readable names from labels, and atoms.

The expressions themselves come from the rules, run on symbols: :mod:`autograd_core.symbolic`
(which also writes float literals, :func:`literal`).
"""

from __future__ import annotations

import builtins
import keyword
import re

from ..symbolic import literal

__all__ = ["identifier", "Namer", "literal", "is_atom", "comment", "finite_call", "finite_check", "RESERVED"]

MAX_NAME = 40
"""Longest name taken from a label (the rest is cut: names stay readable, compile time linear)."""

RESERVED = (
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
        "M",
    }
)
"""Names no local of generated code takes: builtins, keywords, and the names generated code uses."""


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
        self.used: set[str] = set(RESERVED)
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


_NUMBER = re.compile(r"\(?-?[0-9.e+\-]+\)?|math\.(nan|inf)")


def is_atom(text: str) -> bool:
    return text.isidentifier() or _NUMBER.fullmatch(text) is not None


_GROUP = 40  # terms per parenthesised group in a finite(...) check: a shallow expression to compile


def finite_call(head: str, terms: list[str], tail: str) -> list[str]:
    """``head(a + b + ...)tail``, the generated code's finite check (``finite`` is ``math.isfinite``
    there): the terms summed in place, in parenthesised groups of at most ``_GROUP`` (a sum of
    10^5 terms stays a few levels deep for Python's compiler), wrapped over lines of at most
    about 100 characters."""
    while len(terms) > _GROUP:
        terms = ["(" + " + ".join(terms[i : i + _GROUP]) + ")" for i in range(0, len(terms), _GROUP)]
    pieces = " + ".join(terms).split(" + ")
    one = f"{head}({' + '.join(pieces)}){tail}"
    if len(one) <= 110:
        return [one]
    lines, line = [f"{head}("], "   "
    for k, piece in enumerate(pieces):
        term = piece if k == 0 else f"+ {piece}"
        if len(line) + len(term) > 100:
            lines.append(line.rstrip())
            line = "   "
        line += f" {term}"
    return [*lines, line.rstrip(), f"){tail}"]


def finite_check(terms: list[str]) -> list[str]:
    """``if not finite(a + b + ...): raise UseEngine``: the replay goes through the engine if a
    term is inf or nan; no statement for no terms."""
    return finite_call("if not finite", terms, ": raise UseEngine") if terms else []
