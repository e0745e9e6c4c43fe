"""Rule templates: a rule's forward and partials source worked out once per pattern of operands.

:mod:`autograd_core.symbolic` runs a rule on symbols ``_0``, ``_1``... (and ``_o``, the output);
the text becomes a ``str.format`` template that each node of the pattern fills with its own
names: the same text as running the rule on the names, in time linear in the graph.
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any, NamedTuple

from ..rules import Rule
from ..symbolic import Source, forward_source, partials_source
from .source import Namer, is_atom

__all__ = ["Templates", "Template", "ATOM", "SLOT", "EXPR", "RISKY"]


_PLACEHOLDER = re.compile(r"\b_(\d+|o)\b")
"""Operand placeholders ``_0``, ``_1``... and ``_o`` (the output) of a template: names from
labels never start with ``_`` (:func:`.source.identifier` strips it), so none is taken."""


ATOM, SLOT, EXPR, RISKY = range(4)
"""How a partial's text reaches its backward term (:attr:`Template.edges`): an atom written as
it is (``1.0``), an operand's name (its place in the fill), an expression written in
parentheses, or a risky expression (it may raise: computed before any gradient is written)."""


class Template(NamedTuple):
    """A rule's forward and partials source for one pattern of operands: ``str.format``
    templates on the fill ``[*names, out]`` (or, for a node written alone, the final texts)."""

    value: Source | None
    partials: tuple[Source, ...] | None
    spreads: tuple[int, ...]  # places of the names whose inf or nan the value carries on (:func:`_spreading`)
    uses: Any  # (the places the forward text names, once per mention; the set of places the partials name)
    edges: tuple[tuple[int, Any], ...]  # per partial: (ATOM, text), (SLOT, place), (EXPR, "(text)") or (RISKY, text)
    atom_texts: tuple[str | None, ...]  # per partial: its text if an ATOM (as every edge writes it), else None
    others: tuple[int, ...]  # the partials that are not ATOMs


class Templates:
    """A rule's forward and partials source run on symbols once per pattern of operands
    (which are constants, and which repeat) and then filled in with each node's names:
    the same text as running the rule on the names, in time linear in the graph."""

    def __init__(self, functions: dict[str, Any] | None = None) -> None:
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.functions = functions  # a large replay's namespace: math.exp(x) is written _exp(x)

    def sources(
        self, rule: Rule, operands: list[Any], out: str, namer: Namer, names_only: bool = False
    ) -> tuple[Template, list[str] | None]:
        """The :class:`Template` of ``rule`` on ``operands`` (names, or constants; ``names_only``:
        the caller knows there is no constant) with output ``out``, and its fill: the distinct
        names, then ``out``; with the fill None the template's texts are final."""
        n = len(operands)
        if names_only and (n == 1 or len(set(operands)) == n):  # distinct names (usually): one template
            key: tuple[Any, ...] = (id(rule), n)
            names = operands
        else:
            names = list(dict.fromkeys(x for x in operands if x.__class__ is str))
            if len(names) == n:
                key = (id(rule), n)
            else:
                pattern: list[Any] = [id(rule), -1]
                at = {x: i for i, x in enumerate(names)}
                for x in operands:
                    if x.__class__ is str:
                        pattern.append(at[x])
                    else:
                        try:
                            pattern.append(float(x).hex())
                        except (TypeError, ValueError, OverflowError):
                            return self._direct(rule, operands, out, namer), None
                key = tuple(pattern)
        entry = self.cache.get(key)
        if entry is None:
            entry = self.cache[key] = self._template(rule, operands, names)
        if entry is False:  # temporaries (a very wide sum): written for this node alone
            return self._direct(rule, operands, out, namer), None
        return entry, [*names, out]

    @staticmethod
    def _direct(rule: Rule, operands: list[Any], out: str, namer: Namer) -> Template:
        value = forward_source(rule, operands, fresh=lambda: namer.fresh(f"{out}_so_far"))
        partials = partials_source(rule, operands, out)
        atoms = () if partials is None else tuple(is_atom(p.text) for p in partials)
        return Template(value, partials, (), None, *_edges(partials, atoms))

    def _template(self, rule: Rule, operands: list[Any], names: list[str]) -> Any:
        spilled: list[bool] = []

        def fresh() -> str:
            spilled.append(True)
            return "_t"

        symbols = [f"_{names.index(x)}" if isinstance(x, str) else x for x in operands]
        value = forward_source(rule, symbols, fresh=fresh)
        if spilled:
            return False
        partials = partials_source(rule, symbols, "_o")
        slot = {f"_{i}": f"{{{i}}}" for i in range(len(names))} | {"_o": f"{{{len(names)}}}"}

        functions = self.functions

        def short(m: re.Match[str]) -> str:  # math.exp( -> _exp( (one lookup less per call)
            name = m.group(1)
            functions[f"_{name}"] = getattr(math, name)  # type: ignore[index]
            return f"_{name}("

        def fmt(source: Source) -> Source:
            text = source.text.replace("{", "{{").replace("}", "}}")
            if functions is not None:
                text = _MATH_CALL.sub(short, text)
            return source._replace(text=_PLACEHOLDER.sub(lambda m: slot[m.group(0)], text))

        spreads = () if value is None else _spreading(value.text)
        atoms = () if partials is None else tuple(is_atom(p.text) for p in partials)  # names fill in as names
        value = None if value is None else fmt(value)
        partials = None if partials is None else tuple(fmt(p) for p in partials)
        uses = (
            () if value is None else tuple(map(int, _SLOT.findall(value.text))),
            tuple(sorted({int(i) for p in partials or () for i in _SLOT.findall(p.text)})),
        )
        return Template(value, partials, spreads, uses, *_edges(partials, atoms))


def _edges(
    partials: tuple[Source, ...] | None, atoms: tuple[bool, ...]
) -> tuple[tuple[tuple[int, Any], ...], tuple[str | None, ...], tuple[int, ...]]:
    """:attr:`Template.edges`, :attr:`Template.atom_texts` and :attr:`Template.others`, worked out
    once per template (an atom of a template is a number or one place ``{i}``; an atom of final
    texts is written as it is)."""
    edges: list[tuple[int, Any]] = []
    for p, atom in zip(partials or (), atoms):
        if p.risky:
            edges.append((RISKY, p.text))
        elif not atom:
            edges.append((EXPR, f"({p.text})"))
        elif _SLOT.fullmatch(p.text):
            edges.append((SLOT, int(p.text[1:-1])))
        else:
            edges.append((ATOM, p.text))
    atom_texts = tuple(t if form == ATOM else None for form, t in edges)
    return tuple(edges), atom_texts, tuple(i for i, (form, _) in enumerate(edges) if form != ATOM)


def _spreading(text: str) -> tuple[int, ...]:
    """The operands ``_i`` of an expression whose inf or nan makes it inf or nan (or raise): those
    reached from the top through ``+``, ``-``, ``*``, a sign, the left of ``/`` (IEEE: inf + -inf,
    inf * 0 and nan / x are nan, inf / 0 raises) and ``math.log`` or ``math.sqrt`` of one argument
    (inf and nan give inf and nan, -inf raises). Another call (``exp(-inf)`` is 0), a power or a
    condition stops the walk."""
    try:
        stack: list[ast.expr] = [ast.parse(text, mode="eval").body]
    except (SyntaxError, RecursionError, MemoryError):
        return ()
    found: set[int] = set()
    while stack:
        e = stack.pop()
        if isinstance(e, ast.BinOp):
            if isinstance(e.op, (ast.Add, ast.Sub, ast.Mult)):
                stack += [e.left, e.right]
            elif isinstance(e.op, ast.Div):
                stack.append(e.left)
        elif isinstance(e, ast.UnaryOp) and isinstance(e.op, (ast.USub, ast.UAdd)):
            stack.append(e.operand)
        elif isinstance(e, ast.Call) and _spreading_call(e):
            stack.append(e.args[0])
        elif isinstance(e, ast.Name) and _OPERAND.fullmatch(e.id):
            found.add(int(e.id[1:]))
    return tuple(sorted(found))


def _spreading_call(e: ast.Call) -> bool:
    """``math.log(x)`` or ``math.sqrt(x)``."""
    f = e.func
    return (
        isinstance(f, ast.Attribute)
        and f.attr in ("log", "sqrt")
        and isinstance(f.value, ast.Name)
        and f.value.id == "math"
        and len(e.args) == 1
        and not e.keywords
        and not isinstance(e.args[0], ast.Starred)
    )


_OPERAND = re.compile(r"_\d+")
_MATH_CALL = re.compile(r"\bmath\.([a-z]\w*)\(")
"""A call of a ``math`` function in a rule's text."""
_SLOT = re.compile(r"(?<!\{)\{(\d+)\}")
"""A place ``{i}`` of a template (``{{`` is a brace of the text)."""
