"""A large replay in parts: Python compiles each part on its own, so memory stays bounded.

Python's ``compile()`` of one function holds the whole function's syntax tree and code at
once (a 16 MB replay of a 10^5-node chain took 480 MB). Above :data:`SPLIT_LINES` lines,
the nodes are cut into consecutive ranges of about :data:`PART_LINES` lines, and each range
becomes a generator function: it runs the forward statements of its nodes, yields, and when
resumed runs their backward statements, with the forward values still in its locals.
``replay`` runs the forward halves in order, then the backward halves in reverse. Values
that cross ranges travel in one list ``M`` made per call (calls in several threads share
nothing): a half starts by loading what it uses from other parts (``x = M[3]``) and ends by
storing what others use (``M[7] = y``). The statements and their order are the same as in
one function, so every float is the same.
"""

from __future__ import annotations

import re
from collections import Counter

from .source import finite_check

__all__ = ["SPLIT_LINES", "PART_LINES", "split"]

SPLIT_LINES = 100_000
"""A replay with more lines than this is split into parts: compiling one function peaks at
about 3.7 KB per line (syntax tree, code, and the source itself), so a function of this size
stays under 400 MB. Below it, one function is faster (no value crosses parts) and quicker to
generate."""

PART_LINES = 20_000
"""About this many lines per part."""

_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
_TARGET = re.compile(r"^\s*([A-Za-z_]\w*(?:, [A-Za-z_]\w*)*),? (?:=|\+=) ", re.MULTILINE)
_COMMENT = re.compile(r"#[^\n]*")


def _names(lines: list[str], local: set[str]) -> tuple[set[str], set[str]]:
    """(locals the statements mention, locals they assign); comments are left out (no string
    literal in generated code holds a ``#``)."""
    code = _COMMENT.sub("", "\n".join(lines))
    refs = local.intersection(_NAME.findall(code))
    targets = ", ".join(_TARGET.findall(code)).split(", ")
    return refs, local.intersection(targets)


def split(
    name: str,
    head: list[str],
    before: list[str],
    forward: list[list[str]],
    backward: list[list[str]],
    after: list[str],
    local: set[str],
    checked: list[str],
) -> list[str]:
    """The parts of function ``name``. ``head`` (its ``def`` line and docstring), ``before``
    (statements that read the arguments) and ``after`` (the final statements and ``return``)
    are indented by 4; ``forward[r]`` and ``backward[r]`` are the statements of the nodes of
    range ``r``, not indented. Part ``r`` is a generator: it runs ``forward[r]``, checks what
    it computed (``checked``: values that must be finite), yields, and when resumed runs
    ``backward[r]`` with the forward values still in its locals. ``name`` runs the forward
    halves in order, then the backward halves in reverse. ``local`` holds every local name.
    Returns the source of each part, then of ``name``."""
    n = len(forward)
    phases = [forward[r] for r in range(n)] + [backward[r] for r in reversed(range(n))]
    part_of = list(range(n)) + list(reversed(range(n)))
    refs: list[set[str]] = []
    defs: list[set[str]] = []
    for lines in phases:
        mentioned, assigned = _names(lines, local)
        refs.append(mentioned)
        defs.append(assigned)
    _, before_defs = _names(before, local)
    after_refs, _ = _names(after, local)
    part_refs = [refs[r] | refs[2 * n - 1 - r] for r in range(n)]
    part_defs = [defs[r] | defs[2 * n - 1 - r] for r in range(n)]
    ref_count: Counter[str] = Counter()  # in how many parts a name is mentioned
    def_count: Counter[str] = Counter()  # in how many parts it is assigned
    for r in range(n):
        ref_count.update(part_refs[r])
        def_count.update(part_defs[r])
    owner: dict[str, int] = {}  # the part that checks a value: the one that computes it
    for r in range(n):
        for x in defs[r]:
            owner.setdefault(x, r)
    checks: list[list[str]] = [[] for _ in range(n)]
    for item in checked:
        base = _NAME.match(item)
        checks[owner.get(base.group(0) if base else "", 0)].append(item)
    slot: dict[str, int] = {}

    def at(x: str) -> int:
        return slot.setdefault(x, len(slot))

    all_defs, all_refs = set(def_count), set(ref_count)
    multi_defs = {x for x, k in def_count.items() if k > 1}
    multi_refs = {x for x, k in ref_count.items() if k > 1}

    def loads(phase: int) -> list[str]:  # made in another part (or by the arguments' reads)
        r = refs[phase]
        names = ((r - part_defs[part_of[phase]]) & all_defs) | (r & multi_defs) | (r & before_defs)
        return [f"    {x} = M[{at(x)}]" for x in sorted(names)]

    def stores(phase: int) -> list[str]:  # used in another part (or by the final statements)
        d = defs[phase]
        names = ((d - part_refs[part_of[phase]]) & all_refs) | (d & multi_refs) | (d & after_refs)
        return [f"    M[{at(x)}] = {x}" for x in sorted(names)]

    sources: list[str] = []
    for r in range(n):
        back = 2 * n - 1 - r
        part = [
            f"def _{name}_{r + 1}(M, seed):",
            f'    """Part {r + 1} of {n} of {name}: forward, yield, backward (a large replay is compiled in parts)."""',
            *loads(r),
            *[f"    {line}" for line in forward[r]],
            *[f"    {line}" for line in finite_check(checks[r])],
            *stores(r),
            "    yield",
            *loads(back),
            *[f"    {line}" for line in backward[r]],
            *stores(back),
        ]
        sources.append("\n".join(part) + "\n")
    stored = [f"    M[{at(x)}] = {x}" for x in sorted(before_defs) if ref_count[x]]
    loaded = [f"    {x} = M[{at(x)}]" for x in sorted(after_refs) if def_count[x]]
    driver = [
        *head,
        *before,
        *stored,
        f"    _parts = [{', '.join(f'_{name}_{r + 1}(M, seed)' for r in range(n))}]",
        "    for _part in _parts:  # forward halves",
        "        next(_part)",
        "    for _part in reversed(_parts):  # backward halves",
        "        next(_part, None)",
        *loaded,
        *after,
    ]
    driver.insert(len(head), f"    M = [0.0] * {len(slot)}  # values that cross parts")
    sources.append("\n".join(driver) + "\n")
    return sources
