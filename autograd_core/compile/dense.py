"""Denser code for large replays: a forward value used once is written into its one use.

From :data:`.codegen.PULL_NODES` nodes on, the generated source is for Python's compiler
more than for a reader: no comments, and a node whose value one later statement mentions
once (and nothing else: no partial, guard, finite check or output) is not stored in a name
but written into that statement, in parentheses where Python's precedence needs them
(:func:`placed`)::

    neg0 = -p12                      exp0 = math.exp(-p12)
    exp0 = math.exp(neg0)     ->     ...
    log0 = math.log(add0)            add1 = p12 + math.log(add0)
    add1 = p12 + log0

The same operations run on the same floats in the same order, so every bit is the same;
there are fewer statements to compile and fewer locals alive. A value that may raise
(a division, ``math.log``) is not moved past a guard, so a guard that flips still answers
first; chains are kept shallow (:data:`MAX_DEPTH`, :data:`MAX_TEXT`).

A node whose expression is one an earlier node wrote on the same names (``exp(x)`` of an ``x``
that several softmaxes read) has no statement: its name is the earlier node's, the same float
(the same operation on the same floats). Its gradient is still its own, pushed in the engine's
order.

A term ``g * (-a / b)`` of a gradient's sum (division's partial in its denominator) is written
``- g * (a / b)`` (:func:`negated_term`): one negation per sum instead of one per term, and the
same bits (IEEE 754 rounds symmetrically, ``x - y`` is ``x + (-y)``; only a nan's sign may differ).

The call itself is a generator resumed once per call (:func:`resumable`, :class:`Resumable`):
a function of 48,000 locals gets a fresh frame on every call (mapped, zeroed, unmapped by the
interpreter) and allocates each stored float anew; the generator's one frame stays, and each
float a statement stores frees the one of the previous call, which the next one reuses (so the
floats of the last call stay alive between calls: about 2 MB, frame included, for W6's 40,000
nodes). The statements are the same, so every float is the same.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from itertools import accumulate, repeat
from typing import Any

from ..symbolic import Source
from .source import is_atom

__all__ = ["Inliner", "MAX_DEPTH", "MAX_TEXT", "Resumable", "resumable", "negated_term", "placed", "bare_term"]

MAX_DEPTH = 8
"""Most values written into one another in a chain (Python's parser limits nesting)."""

MAX_TEXT = 300
"""Longest expression (characters) written into a use."""


class Inliner:
    """What the forward statements of one graph use (:meth:`node`, once per node in order), then
    which values to write into their use and the statements that result (:meth:`inline`)."""

    def __init__(self, nnames: list[str]) -> None:
        self.nnames = nnames
        self.forms: dict[int, tuple[str, list[str], bool]] = {}  # node -> (template, fill, may raise)
        self.mentions: list[str] = []  # the names forward templates mention (once per mention)
        self.by: list[int] = []  # the node of each mention
        self.pinned: set[str] = set()  # names that must stay names

    def node(
        self,
        k: int,
        value: Source | None,
        partials: tuple[Source, ...] | None,
        fill: list[str] | None,
        uses: Any,
        operands: list[Any],
        out: str,
    ) -> None:
        """Note node ``k``'s forward template and what its partials name."""
        if value is None or fill is None or value.before or partials is None or uses is None:
            self.pinned.update(x for x in operands if x.__class__ is str)  # written by other means
            self.pinned.add(out)
            return
        forward_uses, partial_uses = uses
        self.forms[k] = (value.text, fill, value.risky)
        self.mentions += map(fill.__getitem__, forward_uses)
        self.by += [k] * len(forward_uses)
        if partial_uses:
            self.pinned.update(map(fill.__getitem__, partial_uses))

    def inline(self, lines_of: list[list[str]], keep: set[str], guards_after: dict[int, int]) -> None:
        """Write each single-use value into its use, in ``lines_of`` (each node's statements).
        ``keep``: names read elsewhere (guards, the finite check, outputs); ``guards_after``:
        node -> guard statements right after it."""
        nnames, forms = self.nnames, self.forms
        count = Counter(self.mentions)
        consumer = dict(zip(self.mentions, self.by))  # (the last one: only a name mentioned once is moved)
        pinned = self.pinned | keep
        at = dict(zip(reversed(nnames), range(len(nnames) - 1, -1, -1)))  # a name's first node (twins share it)
        movable = {at[x] for x, n in count.items() if n == 1 and x in at and x not in pinned}
        movable = {k for k in movable if k in forms and len(lines_of[k]) == 1}
        # guards[m]: guard statements after nodes before m
        guards = [0, *accumulate(map(guards_after.get, range(len(nnames)), repeat(0)))]
        expr: dict[str, tuple[str, bool, int]] = {}  # moved name -> (text, may raise, depth)
        for k in sorted(movable.union(consumer[nnames[j]] for j in movable)):
            text, fill, risky = forms[k]
            depth = 0
            changed = False
            if not expr.keys().isdisjoint(fill):
                parts = []
                for i, x in enumerate(fill):
                    e = expr.get(x)
                    if e is None:
                        parts.append(x)
                    else:
                        parts.append(placed(e[0], text, i))
                        risky = risky or e[1]
                        depth = max(depth, e[2] + 1)
                        changed = True
                fill = parts
            out = nnames[k]
            if k in movable:
                text = text.format(*fill)
                c = consumer[out]
                if depth < MAX_DEPTH and len(text) <= MAX_TEXT and (not risky or guards[c] == guards[k]):
                    expr[out] = (text, risky, depth)
                    lines_of[k] = []
                    continue
                if changed:
                    lines_of[k][0] = f"{out} = {text}"
            elif changed:
                lines_of[k][0] = f"{out} = {text.format(*fill)}"


_OPERAND = r"-?(?:[\w.]+(?:\([^()]*\))?|\([^()]*\))"  # a name, a number, a call or a group, maybe negated
_PRIMARY = re.compile(r"[A-Za-z_][\w.]*\((?:[^()]|\([^()]*\))*\)")
"""A call whose arguments nest at most one level of parentheses: ``_log(add0)``, ``f(a, (b + c))``."""

_TERM = re.compile(rf"{_OPERAND}(?: [*/] {_OPERAND})*")
"""Operands joined by ``*`` and ``/``: ``a * b``, ``-a / f(c)``, ``(a + b) * c``."""

_SUM = re.compile(rf"{_OPERAND}(?: [-+*/] {_OPERAND})*")
"""Operands joined by ``+ - * /``: ``a + b``, ``-a * b - f(c)``."""


@functools.lru_cache(maxsize=256)
def _slots(template: str) -> tuple[frozenset[int], frozenset[int], int | None]:
    """Which slots of a forward template (``_exp({0})``, ``{0} + {1}``, each mentioned once) take
    an expression bare: any expression as a whole argument of a call; a product or quotient as
    an operand of ``+`` or ``-``; a chain of ``+`` and ``-`` as the one that starts such a chain
    (``{0}`` of ``{0} + {1} - {2}``: Python adds left to right)."""
    once = [i for i in re.findall(r"\{(\d+)\}", template) if template.count(f"{{{i}}}") == 1]
    whole = frozenset(int(i) for i in re.findall(r"(?<=\()\{(\d+)\}(?=\))", template) if i in once)
    terms = frozenset(int(i) for i in re.findall(r"(?:^|(?<= [-+] ))\{(\d+)\}(?= [-+] |$)", template) if i in once)
    lead = re.fullmatch(r"\{(\d+)\}(?: [-+] (?:\{\d+\}|[\w.]+))+", template)
    return whole, terms, None if lead is None or lead.group(1) not in once else int(lead.group(1))


def placed(text: str, template: str, i: int) -> str:
    """``text`` as slot ``i`` of ``template``: bare where Python parses it as one operand anyway
    (a name, a number, a call; see :func:`_slots`), else in parentheses. The parse tree is the
    same, so the same operations run in the same order."""
    if is_atom(text) and not text.startswith("-") or _PRIMARY.fullmatch(text):
        return text
    whole, terms, lead = _slots(template)
    if i in whole or i in terms and _TERM.fullmatch(text) or i == lead and _SUM.fullmatch(text):
        return text
    return f"({text})"


def bare_term(term: str) -> str:
    """A term after ``+`` or ``-`` in a sum: ``(a / b)`` as ``a / b`` (a product or quotient binds
    tighter than the sum, so the parse tree is the same); any other term as it is."""
    if term[:1] == "(" and _TERM.fullmatch(term, 1, len(term) - 1):
        return term[1:-1]
    return term


_NEGATED_QUOTIENT = re.compile(r"\(-([A-Za-z_]\w*) / ([A-Za-z_]\w*)\)")
"""A partial ``(-a / b)`` of two names (the engine's ``-out / b``, division's partial in ``b``)."""


def negated_term(g: str, d: str) -> str | None:
    """The term ``g * d`` of a sum for a partial ``d = (-a / b)``: ``-g * (a / b)`` (or ``-(a / b)``
    for ``g`` 1.0), which the sum writes as ``... - g * (a / b)``; None for other partials. ``g`` is
    a name, 1.0 or a parenthesized sum: ``g * ((-a) / b) == -(g * (a / b))`` bit for bit."""
    m = _NEGATED_QUOTIENT.fullmatch(d)
    if m is None:
        return None
    quotient = f"({m.group(1)} / {m.group(2)})"
    return f"-{quotient}" if g == "1.0" else f"-{g} * {quotient}"


def resumable(name: str, doc: str, body: list[str], result: str, fast: Sequence[str] = ()) -> list[str]:
    """The source of ``name(P, A, seed)`` as a generator ``{name}_steps`` resumed once per call
    (``body``: the statements indented by 4, some several lines in one string; ``result``: what
    a call returns), and ``name = Resumable({name}_steps)``. The globals ``fast`` (math's
    functions, ``_exp``...) are its first locals: a local past the 256th costs an extra
    instruction (``EXTENDED_ARG``) at every use, and a large replay has tens of thousands."""
    return [
        f"def {name}_steps({', '.join(f'{f}={f}' for f in fast)}):",
        "    " + doc,
        "    # one frame for every call: the statements run once per resume (dense.Resumable)",
        "    P, A, seed = yield",
        "    while True:",
        *["    " + line.replace("\n", "\n    ") for line in body],
        "        P = A = None  # the caller's objects are not held between calls",
        f"        P, A, seed = yield {result}",
        "",
        "",
        f"{name} = Resumable({name}_steps)",
    ]


class Resumable:
    """``steps`` (a generator function: ``P, A, seed = yield result`` once per call) called as a
    function ``(P, A, seed) -> result``. The generator is made on the first call and again after
    one raised (an exception ends a generator); a call while it runs (another thread, a rule
    calling back) runs on a generator of its own."""

    __slots__ = ("steps", "send", "lock")

    def __init__(self, steps: Callable[[], Generator[Any, Any, None]]) -> None:
        self.steps = steps
        self.send: Callable[[Any], Any] | None = None
        self.lock = threading.Lock()

    def _started(self) -> Callable[[Any], Any]:
        steps = self.steps()
        next(steps)  # to the first yield: waiting for the arguments
        return steps.send

    def __call__(self, P: Any, A: Any, seed: float) -> Any:  # noqa: N803 (the generated code's names)
        if not self.lock.acquire(blocking=False):
            return self._started()((P, A, seed))
        try:
            send = self.send or self._started()
            self.send = None  # until the call succeeds: a generator that raised is finished
            result = send((P, A, seed))
            self.send = send
            return result
        finally:
            self.lock.release()
