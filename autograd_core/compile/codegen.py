"""Code generation: a :class:`~.trace.Trace` as straight-line Python, forward then backward.

One statement per node, ``name = expression  # basic function``, with names from labels.
The backward part is the chain rule written out in reverse order, ``g_v`` = d out / d v:
for each node, each parent gets ``g_parent (+)= g_node * d node / d parent``, in the
order the engine's ``backward`` pushes them (so the sums round the same way). Expressions
come from the rule's own ``forward`` and ``partials`` run on symbols
(:mod:`autograd_core.symbolic`: ``dot`` becomes ``w0 * x0 + w1 * x1 + ...``, relu's
derivative ``1.0 if relu0 > 0.0 else 0.0``); a rule that cannot run on symbols is called
(``R_name.forward(...)``), which is just as exact.

From :data:`PULL_NODES` nodes on, the source is written for Python's compiler rather than a
reader (:mod:`.dense`): no comments, a value or gradient used once written into its one use,
math's functions called by a global name (``_exp(x)``), each gradient summed in one statement,
and the seed taken as 1.0 (``g_out * d`` is ``d``, bit for bit); a call with another seed (the
examples ``over`` replays one by one, seeded 1/n) runs a second function, generated on first use.

Failure modes stay the engine's: a guard that flips raises :class:`GuardFailed`; any
other problem (a domain error, an undefined derivative, a non-finite value out of finite
inputs) raises :class:`UseEngine` or the kernel's own exception, and the caller replays
the call through the engine to get its exact result or error. Nothing is written to
``.grad`` before the whole computation succeeded.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from ..rules import Rule, Undefined, undefined
from ..shape import code_name, lecture_names, weight_place
from .dense import MAX_DEPTH, MAX_TEXT, Inliner, Resumable, bare_term, negated_term, resumable
from .shifts import SHIFT
from .signs import settled
from .source import RESERVED, Namer, comment, finite_call, finite_check, identifier, literal
from .split import PART_LINES, SPLIT_LINES, split
from .templates import EXPR, SLOT, Templates
from .trace import Guard, Ref, Trace, depends_on_parameters

__all__ = ["GuardFailed", "UseEngine", "Program", "generate"]


class GuardFailed(Exception):
    """A comparison recorded during the trace came out differently: this replay does not apply."""


class UseEngine(Exception):
    """This replay must go through the engine (non-finite value, undefined derivative...)."""


_OPS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_LECTURE_NOTE = [
    "    # the lecture's names: w_ij_l = w_ij^(l) (i = 0: the bias, its input x_0 = 1), x_i_l0 = x_i^(0) the data,",
    "    # s_j_l = s_j^(l), x_j_l = x_j^(l) = θ(s_j^(l)), e the loss, delta_j_l = δ_j^(l) = ∂e/∂s_j^(l)",
]
_SKIP_MIN = 3  # a node pushing to this many parents or more skips them when its gradient is 0
PULL_NODES = 1_000
"""From this many nodes on, a gradient is summed in one statement over its terms (fewer
statements in large graphs); smaller replays push term by term, as the lecture's δ recursion."""


@dataclass
class Program:
    """Generated source of the three replays and their namespace; each function is compiled
    by Python the first time it is asked for (``compile()`` is most of the cost). The sources
    of the data-set loops are generated on first use too (``c(...)`` alone never needs them)."""

    source: str  # the single call ``replay(P, A, seed)``, as shown by ``Compiled.source``
    namespace: dict[str, Any]
    name: str = "replay"
    call_parts: tuple[str, ...] = ()  # a large replay: its parts, each compiled alone (:mod:`.split`)
    loops: Callable[[], tuple[str, str, dict[str, Any]]] | None = None  # makes over_source, values_source
    seeded: Callable[[], Program] | None = None  # makes the call for a seed other than 1.0 (None: this one)
    _made: tuple[str, str] | None = field(default=None, repr=False)
    _seeded: Program | None = field(default=None, repr=False)

    @property
    def over_source(self) -> str:
        """The data-set loop ``replay_over(P, rows, seed)`` ("" for a forward-only replay)."""
        return self._loops()[0]

    @property
    def values_source(self) -> str:
        """Forward only, ``replay_values(P, rows)``."""
        return self._loops()[1]

    def _loops(self) -> tuple[str, str]:
        if self._made is None:
            if self.loops is None:  # forward only: the source is the values loop
                self._made = ("", self.source)
            else:
                over, values, namespace = self.loops()
                for key, value in namespace.items():
                    self.namespace.setdefault(key, value)
                self._made, self.loops = (over, values), None
        return self._made

    def function(self, which: str) -> Any:
        """The compiled function ``which``: "call", "over", "values", or "seeded" (the call for
        any seed; a large replay's "call" takes the seed as 1.0, where ``g * d`` is ``d``)."""
        if which == "seeded":
            if self.seeded is None:
                return self.function("call")
            if self._seeded is None:
                self._seeded = self.seeded()
            return self._seeded.function("call")
        name = {"call": self.name, "over": f"{self.name}_over", "values": f"{self.name}_values"}[which]
        fn = self.namespace.get(name)
        if fn is None:
            text = self.source if which == "call" else self.over_source if which == "over" else self.values_source
            if not text:
                raise TypeError(f"compile: this replay has no {which!r} function (forward only)")
            for part in self.call_parts if which == "call" and self.call_parts else (text,):
                exec(compile(part, f"<autograd_core.compile {name}>", "exec"), self.namespace)  # noqa: S102
            fn = self.namespace[name]
        return fn


def generate(trace: Trace, name: str = "replay", forward_only: bool = False) -> Program:
    """Source for the trace: ``replay(P, A, seed)``, ``replay_over(P, rows, seed)`` and
    ``replay_values(P, rows)``; with ``forward_only`` just ``replay_values``, giving every output."""
    g = _generated(trace, fold=not forward_only)
    if forward_only:
        return Program(g.loops(name, True)[1], g.namespace, name)

    def loops() -> tuple[str, str, dict[str, Any]]:  # generated again from the trace: same names
        again = _generated(trace)
        return (*again.loops(name, False), again.namespace)

    def seeded() -> Program:  # for any seed: generated again, the seed not taken as 1.0
        return _generated(trace).program(name, loops)

    program = g.program(name, loops)
    if g.fold:
        program.seeded = seeded
    return program


def _generated(trace: Trace, fold: bool = False) -> _Generator:
    """The trace's statements, forward and backward (``fold``: the seed taken as 1.0)."""
    g = _Generator(trace, fold=fold)
    g.forward()
    g.backward()
    return g


def _indent(lines: list[str], n: int) -> list[str]:
    return [" " * n + line for line in lines]


def _indented(lines: list[str]) -> list[str]:
    """``lines`` indented by 4, as one string (a long function body is joined once)."""
    return ["    " + "\n    ".join(lines)] if lines else []


class _Generator:
    """The statements of one trace: names, forward part (with guards), backward blocks."""

    def __init__(self, trace: Trace, fold: bool = False) -> None:
        self.trace = trace
        self.nodes = nodes = trace.nodes
        self.namer = namer = Namer()
        self.namespace: dict[str, Any] = {
            "math": math,
            "Undefined": Undefined,
            "GuardFailed": GuardFailed,
            "UseEngine": UseEngine,
            "UNDEFINED": undefined("undefined local derivative"),
            "finite": finite,
        }
        lecture = [code_name(name) if name else "" for name in _lecture_names(trace)]  # "" where the lecture has none
        n_p, n_a = len(trace.params), len(trace.arg_labels)
        self.lecture = any(lecture)
        self.pnames = [namer.fresh(lecture[j] or identifier(lbl, f"p{j}")) for j, lbl in enumerate(trace.param_labels)]
        self.anames = [
            namer.fresh(lecture[n_p + i] or identifier(lbl, f"a{i}")) for i, lbl in enumerate(trace.arg_labels)
        ]
        counts: dict[str, int] = {}
        self.nnames: list[str] = []
        self.deltas: set[int] = set()  # nodes s_j^(l): their gradient is δ_j^(l)
        bases: dict[str, str] = {}  # rule name -> identifier, computed once per rule
        fresh, nnames = namer.fresh, self.nnames
        for k, (node, name) in enumerate(zip(nodes, lecture[n_p + n_a :])):
            rule_name = node.rule.name  # unlabelled nodes: the rule's name and a count per rule (tanh0, ...)
            base = bases.get(rule_name) or bases.setdefault(rule_name, identifier(rule_name, "f"))
            count = counts[base] = counts.get(base, -1) + 1
            if not name:
                name = identifier(node.label, f"{base}{count}") if node.label else f"{base}{count}"
            elif name.startswith("s_"):
                self.deltas.add(k)
            nnames.append(fresh(name))
        self.rule_names: dict[int, str] = {}
        self.names = {"n": self.nnames, "p": self.pnames, "a": self.anames}  # a Ref's kind -> its names
        self.ancestors = trace.ancestors
        # Nodes that need a gradient: they depend on a parameter and the root depends on them.
        self.depends = depends = depends_on_parameters(nodes)
        ancestors = trace.ancestors
        self.wanted = wanted = [d and k in ancestors for k, d in enumerate(depends)]  # node -> wants(("n", k))
        self.backward_nodes = [k for k, w in enumerate(wanted) if w]
        self.body: list[str] = []  # forward statements and guards, not indented
        self.partial_text: list[list[str | None] | None] = [None] * len(nodes)  # node, input -> local derivative
        self.checked: list[str] = []  # values that must be finite (else: the engine decides)
        self.spreads: dict[str, list[str]] = {}  # node -> the values whose inf or nan it carries on
        self.gnames: dict[Ref, str] = {}
        self.blocks: list[tuple[str, list[tuple[str, str]], int]] = []  # (g of node, [(target, term)], node)
        self.skippable: set[str] = set()
        self.templates = Templates(self.namespace if len(nodes) >= PULL_NODES else None)
        self.computed: dict[str, str | tuple[int, int]] = {}  # risky partials' text -> its name, or its edge
        self.unchecked: set[str] = set()  # named risky partials that need not be finite (a large replay)
        self.values: dict[str, str] = {}  # a large replay's forward expressions -> the first node's name
        self.lines_of: list[list[str]] = []  # each node's forward statements
        # A large graph writes a risky partial used once into its backward term (a line and a
        # name fewer; the engine does not check partials either) unless a zero gradient may skip it.
        self.dense = self.inline_risky = len(nodes) >= PULL_NODES
        self.fold = fold and self.dense
        self.inliner = Inliner(nnames=self.nnames)
        self.gated = self._gated()
        self.notes: dict[str, str] = {}  # rule name -> as a comment
        self._sentinels: list[str] | None = None
        self.maths: dict[int, str] = {}  # rule -> its derivatives as a comment
        self.starts: list[int] = []  # node -> the body line its statements start at
        self.block_nodes: list[int] = []  # the node of each backward block

    def text(self, r: Ref) -> str:
        kind, x = r
        names = self.nnames if kind == "n" else self.pnames if kind == "p" else self.anames if kind == "a" else None
        return literal(x) if names is None else names[int(x)]

    def rule_ref(self, rule: Rule) -> str:
        """The name under which generated code calls ``rule`` (one per rule object)."""
        if id(rule) not in self.rule_names:
            rname = self.namer.fresh(f"R_{identifier(rule.name, 'rule')}")
            self.namespace[rname] = rule
            self.rule_names[id(rule)] = rname
        return self.rule_names[id(rule)]

    def wants(self, r: Ref) -> bool:
        """Whether a node's input ``r`` needs its gradient: a parameter, or a node that does."""
        return r[0] == "p" or (r[0] == "n" and self.wanted[r[1]])

    # --- forward ---------------------------------------------------------------------------

    def forward(self) -> None:
        """One statement per node (plus partials that may fail), guards after their operands
        (a guard that repeats an earlier one, on the same names, is written once)."""
        node, lines_of = self._node, self.lines_of
        for k in range(len(self.nodes)):
            lines_of.append(node(k))
        placed: dict[int, list[str]] = {}  # node -> the guards right after its statements
        seen: set[str] = set()
        guards = self.trace.guards
        if self.dense:  # a guard every finite input answers as the trace did is not written
            holds = settled(self.nodes, guards)
            guards = [g for i, g in enumerate(guards) if i not in holds]
        for guard in guards:  # after the nodes: a guard reads a twin's value by its first name
            at = max((r[1] for r in (guard.left, guard.right) if r is not None and r[0] == "n"), default=-1)
            line = _guard_line(guard, self.text, not self.dense)
            if line not in seen:
                seen.add(line)
                placed.setdefault(at, []).append(line)
        if self.dense:
            trace, text = self.trace, self.text
            refs = [trace.root, *trace.outputs]
            refs += [r for g in guards for r in (g.left, g.right) if r is not None]
            keep = {text(r) for r in refs if r[0] == "n"}
            self.inliner.inline(lines_of, keep.union(self.sentinels()), {at: len(ls) for at, ls in placed.items()})
        body = self.body
        body += placed.get(-1, ())
        starts = self.starts
        for k, lines in enumerate(lines_of):
            starts.append(len(body))
            body += lines
            if k in placed:
                body += placed[k]
        if starts:
            starts[0] = 0

    def _node(self, k: int) -> list[str]:
        node = self.nodes[k]
        rule, inputs, nnames = node.rule, node.inputs, self.nnames
        out = nnames[k]
        operands: list[Any] = []  # names, constants
        names_only = True
        for kind, x in inputs:
            if kind == "n":
                operands.append(nnames[x])
            elif kind == "c":
                operands.append(x)
                names_only = False
            else:
                operands.append(self.names[kind][x])
        dense = self.dense
        if rule is SHIFT:  # max_data's number (nn's log-sum-exp shift m), recomputed as the engine does
            if dense:
                self.inliner.node(k, None, None, None, None, operands, out)
            why = "" if dense else "  # max_data: a number, no gradient flows through it"
            return [f"{out} = max({', '.join(map(self.text, inputs))}){why}"]
        template, fill = self.templates.sources(rule, operands, out, self.namer, names_only)
        value, partials, spreads, uses, edges, atom_texts, others = template
        if value is None:  # the rule cannot run on symbols: called
            note = "" if dense else self._note(rule)
            lines = [
                f"{out} = {self.rule_ref(rule)}.forward({', '.join(map(self.text, inputs))}){note}",
                f"if {out}.__class__ is not float: raise UseEngine  # the engine converts or refuses it",
            ]
            twin = False
        else:
            text = value.text if fill is None else value.text.format(*fill)
            before = value.before
            # The same expression on the same names as an earlier node (a large replay): its float.
            first = self.values.setdefault(text, out) if dense and fill is not None and not before else out
            twin = first != out
            if twin:
                nnames[k] = fill[-1] = out = first  # type: ignore[index]
                if uses[1]:  # what its partials read stays a name
                    self.inliner.pinned.update(map(fill.__getitem__, uses[1]))  # type: ignore[index]
                lines = []
            elif dense:  # no comment
                lines = [*before, f"{out} = {text}"] if before else [f"{out} = {text}"]
            else:
                lines = [*before, f"{out} = {text}{self._note(rule)}"]
        if not twin:
            if dense:  # what the inlining of single-use values needs to know
                self.inliner.node(k, value, partials, fill, uses, operands, out)
            if spreads:
                self.spreads[out] = list(map(fill.__getitem__, spreads))  # type: ignore[index]
            if not rule.bounded:  # inf or nan out of finite inputs: the engine raises OverflowError
                self.checked.append(out)
        if k not in self.ancestors:
            return lines
        value_parents = node.value_parents
        if partials is not None:
            computed, wants = self.computed, self.wants
            if all(value_parents):  # (usually) the atoms as the template has them, then the others
                partial_text: list[str | None] = list(atom_texts)
                flowing: Any = others
            else:
                partial_text = [atom_texts[i] if v else None for i, v in enumerate(value_parents)]
                flowing = [i for i in others if value_parents[i]]
            self.partial_text[k] = partial_text
            for i in flowing:  # written into the backward statement: a name, (...), or risky
                form, t = edges[i]
                if form == SLOT:
                    partial_text[i] = fill[t]  # type: ignore[index]
                    continue
                if form == EXPR:
                    if wants(inputs[i]):
                        partial_text[i] = t if fill is None else t.format(*fill)
                    continue
                expr = partials[i]
                text = t if fill is None else t.format(*fill)
                same = computed.get(text)  # the same text on the same (assigned once) names
                if isinstance(same, str):  # softmax's 1.0 / s, once for its K divisions
                    partial_text[i] = same
                    if same in self.unchecked and k in self.gated:  # a skipped block needs it finite
                        self.unchecked.discard(same)
                        self.checked.append(same)
                    continue
                if same is not None:  # written into one backward term so far: now a name, at its first node
                    k1, i1 = same
                    d = self.namer.fresh(f"d_{self.nnames[k1]}_{i1}")
                    self.lines_of[k1].append(f"{d} = {text}" + self._about(f"d {self.nnames[k1]} / d input {i1}"))
                    if k in self.gated:  # a block skipped when its gradient is 0 multiplies by it
                        self.checked.append(d)
                    else:  # unchecked, as the term it was written into (and the engine's partials)
                        self.unchecked.add(d)
                    self.partial_text[k1][i1] = partial_text[i] = computed[text] = d  # type: ignore[index]
                    continue
                if self.inline_risky and not expr.undefined and k not in self.gated and wants(inputs[i]):
                    partial_text[i] = f"({text})"  # computed in the backward pass, before any .grad is written
                    computed[text] = (k, i)
                    continue
                d = self.namer.fresh(f"d_{out}_{i}")  # may raise or be undefined: before any accumulation
                lines.append(f"{d} = {text}" + self._about(f"d {out} / d input {i}"))
                if expr.undefined:
                    lines.append(f"if {d} is UNDEFINED: raise UseEngine")
                self.checked.append(d)
                partial_text[i] = computed[text] = d
        elif valued := [i for i, is_value in enumerate(value_parents) if is_value]:
            d = self.namer.fresh(f"d_{out}")
            shown = ", ".join([*map(self.text, inputs), out])
            lines.append(f"{d} = {self.rule_ref(rule)}.partials({shown})  # d {out} / d inputs")
            texts: list[str | None] = [None] * len(inputs)
            self.partial_text[k] = texts
            for i in valued:
                lines.append(
                    f"if {d}[{i}].__class__ is not float: raise UseEngine  # undefined, or to convert or refuse"
                )
                texts[i] = f"{d}[{i}]"
                self.checked.append(f"{d}[{i}]")
        return lines

    def _note(self, rule: Rule) -> str:
        """A forward statement's comment: the rule's name."""
        shown = self.notes.get(rule.name)
        if shown is None:
            shown = self.notes[rule.name] = comment(rule.name)
        return f"  # {shown}"

    def _about(self, text: str) -> str:
        """A statement's comment: none in a large replay."""
        return "" if self.dense else f"  # {text}"

    # --- backward --------------------------------------------------------------------------

    def gname(self, r: Ref) -> str:
        """``g_v`` = d out / d v; for the lecture's s_j^(l), ``delta_j_l`` (δ_j^(l) = ∂e/∂s_j^(l))."""
        name = self.gnames.get(r)
        return self._new_gname(r) if name is None else name

    def _new_gname(self, r: Ref) -> str:
        """A fresh :meth:`gname` for ``r``, which has none yet."""
        kind, x = r
        text = self.nnames[x] if kind == "n" else self.text(r)
        delta = kind == "n" and x in self.deltas and text.startswith("s_")
        name = self.gnames[r] = self.namer.fresh(f"delta{text[1:]}" if delta else f"g_{text}")
        return name

    def backward(self) -> None:
        """Each node's gradient to its parents, children first (the engine's order)."""
        nodes, gnames, gname, partial_text = self.nodes, self.gnames, self.gname, self.partial_text
        new_gname = self._new_gname  # a node's first push names its gradient
        blocks, block_nodes, wanted = self.blocks, self.block_nodes, self.wanted
        of_node: list[str | None] = [None] * len(nodes)  # node -> its gradient's name, once made
        for k in reversed(self.backward_nodes):
            node = nodes[k]
            g = of_node[k] or gname(("n", k))
            pushes = []
            texts: list[str] = partial_text[k]  # type: ignore[assignment]  # forward() wrote every edge's partial
            for r, is_value, d in zip(node.inputs, node.value_parents, texts):
                if not is_value:
                    continue
                kind, x = r
                if kind == "n":
                    if wanted[x]:
                        target = of_node[x]
                        if target is None:
                            target = of_node[x] = new_gname(r)
                        pushes.append((target, d))  # the term g * d, written when g's final name is known
                elif kind == "p":
                    pushes.append((gnames.get(r) or gname(r), d))
            if pushes:
                blocks.append((g, pushes, k))
                block_nodes.append(k)
        self.skippable = {gnames[("n", k)] for k in self.gated if ("n", k) in gnames}

    def _gated(self) -> set[int]:
        """Nodes whose gradient only comes through relu-like partials (exactly 0 when off): with
        :data:`_SKIP_MIN` parents or more, their block is skipped when their gradient is 0 (every
        partial they push with was checked finite, so the skipped terms were all +-0)."""
        nodes = self.nodes
        if not any(nodes[c].rule.zero_region for c in self.backward_nodes):
            return set()
        feeds: dict[int, list[int]] = {}
        for c in self.backward_nodes:
            for r in nodes[c].inputs:
                if r[0] == "n":
                    feeds.setdefault(r[1], []).append(c)
        return {k for k in self.backward_nodes if k in feeds and all(nodes[c].rule.zero_region for c in feeds[k])}

    def note(self, k: int) -> str:
        """The comment of node ``k``'s backward block: its rule's derivatives."""
        rule = self.nodes[k].rule
        text = self.maths.get(id(rule))
        if text is None:
            text = self.maths[id(rule)] = comment(f"{rule.name}(...): " + rule.math.split(";", 1)[-1].strip())
        return f"{self.nnames[k]} = {text}"  # names are printable: only the rule's text is escaped

    def render_backward(self, over: bool, owners: list[int] | None = None) -> list[str]:
        """The backward statements; ``over``: parameter gradients keep adding up across examples.
        ``owners`` (not with ``over``) receives the node each line belongs to."""
        pgrads = self.param_grads()
        blocks = self.blocks
        sparse: dict[str, list[tuple[str, str]]] = {}
        if over:
            blocks, sparse = self._by_argument(blocks, pgrads)
        lines: list[str] = []
        started: set[str] = set(pgrads) if over else set()
        inits: list[str] = []
        gated: set[str] = set()  # targets some skippable block pushes to
        skippables = self.skippable
        for g, pushes, _ in blocks if skippables else ():  # targets first reached inside a skippable block start at 0.0
            if len(pushes) < _SKIP_MIN or g not in skippables:
                started.update(map(_first, pushes))
                continue
            for target, _ in pushes:
                gated.add(target)
                if target not in started:
                    started.add(target)
                    inits.append(target)
        # A large graph sums each gradient in one statement once its last term is known (pull):
        # g_x = g_c1 * d1 + g_c2 * d2 + ..., the terms in the order they would have been pushed.
        pulling = not over and len(self.nodes) >= PULL_NODES  # every target not gated
        pull: defaultdict[str, list[str]] = defaultdict(list)  # a pulled gradient's terms so far
        root = self.trace.root
        alias: dict[str, str] = {}  # a pulled gradient that is one other gradient (or 1.0): that one
        dense = self.dense and not over  # no comments; a gradient used once is written into its use
        if root[0] == "n" and root[1] in self.backward_nodes:
            if self.fold and not over:  # seed 1.0: g * d is d, bit for bit
                alias[self.gname(root)] = "1.0"
            else:
                lines.append(f"{self.gname(root)} = seed" + ("" if dense else "  # d out / d out"))
        lines += [f"{t} = 0.0" for t in inits]
        assigned: set[str] = set(pgrads) if over else set()
        assigned.update(inits)
        if owners is not None:
            owners += [self.block_nodes[0] if self.block_nodes else len(self.nodes) - 1] * len(lines)
        gates = self.skippable
        depth: dict[str, int] = {}  # deepest gradient written into a term of this one
        for g, pushes, k in blocks:
            block = []
            terms = pull.pop(g, None)
            if terms is not None:
                first = terms[0]
                if len(terms) == 1 and (first.isidentifier() or first[:1].isdigit() and _constant(terms)):  # g_x = g_y
                    alias[g] = first  # read g_y instead
                elif (
                    dense
                    and len(pushes) == 1
                    and pushes[0][0] not in gated
                    and g not in gates
                    and len(terms) <= _INLINE_TERMS
                    and depth.get(g, 0) < MAX_DEPTH
                    and len(text := _sum_text(terms)) <= MAX_TEXT
                ):  # used once: written into its one term (the same floats, added in the same order)
                    alias[g] = text if len(terms) == 1 and _enclosed(text) else f"({text})"
                    target = pushes[0][0]
                    depth[target] = max(depth.get(target, 0), depth.get(g, 0) + 1)
                elif dense and len(terms) <= _INLINE_TERMS and first[:1].isdigit() and _constant(terms):
                    alias[g] = _sum_text(terms)  # a constant: 1.0 + 1.0 is 2.0
                else:
                    block = _sum(g, terms)
            at = len(block)
            gate = alias.get(g, g)
            for target, d in pushes:
                if pulling and target not in gated:  # a term of a sum
                    pull[target].append(_summand(gate, d))
                    continue
                term = _term(gate, d)
                block.append(f"{target} {'+=' if target in assigned else '='} {term}")
                assigned.add(target)
            if len(block) > at:
                if len(pushes) >= _SKIP_MIN and g in gates:
                    block[at:] = [f"if {gate}:" + ("" if dense else f"  # {self.note(k)}"), *_indent(block[at:], 4)]
                elif not dense:
                    block[at] += f"  # {self.note(k)}"
            if block:  # (a pulled gradient's block is often empty: its terms went into sums)
                lines += block
                if owners is not None:
                    owners += [k] * len(block)
        last = self.block_nodes[-1] if self.block_nodes else 0
        for target in [t for t in pgrads if t in pull]:  # the parameters' gradients, complete now
            block = _sum(target, pull.pop(target))
            lines += block
            if owners is not None:
                owners += [last] * len(block)
        if sparse:  # an argument that is exactly 0 adds nothing to its weights' gradients
            grads = list(dict.fromkeys(term.split(" * ", 1)[0] for pushes in sparse.values() for _, term in pushes))
            lines.append("# inputs that are 0 (blank pixels) skip their weights, unless a gradient is inf or nan")
            lines += finite_call("ok = finite", grads, "")
            for x, pushes in sparse.items():
                lines.append(f"if {x} or not ok:")
                lines += _indent([f"{target} += {term}" for target, term in pushes], 4)
        return lines

    def _by_argument(
        self,
        blocks: list[tuple[str, list[tuple[str, str]], int]],
        pgrads: dict[str, int],
    ) -> tuple[list[tuple[str, list[tuple[str, str]], int]], dict[str, list[tuple[str, str]]]]:
        """Split off ``g_w += g * x`` (parameter gradient, argument x) grouped by x, for sparse inputs."""
        args = set(self.anames)
        found: dict[str, list[tuple[str, str, int, int]]] = {}
        for b, (g, pushes, _) in enumerate(blocks):
            for j, (target, d) in enumerate(pushes):
                if target in pgrads and d in args:
                    found.setdefault(d, []).append((target, _term(g, d), b, j))
        found = {x: pushes for x, pushes in found.items() if len(pushes) >= _SKIP_MIN}
        moved = {(b, j) for pushes in found.values() for _, _, b, j in pushes}
        if not moved:
            return blocks, {}
        kept = [
            (g, [p for j, p in enumerate(pushes) if (b, j) not in moved], k) for b, (g, pushes, k) in enumerate(blocks)
        ]
        return kept, {x: [(target, term) for target, term, _, _ in pushes] for x, pushes in found.items()}

    def _ranges(self, backward: list[str], owners: list[int]) -> tuple[list[list[str]], list[list[str]]]:
        """The forward and backward statements of consecutive ranges of nodes, each range about
        :data:`.split.PART_LINES` lines (the parts of a large replay)."""
        n = len(self.nodes)
        at = [*self.starts, len(self.body)]
        size = [at[k + 1] - at[k] for k in range(n)]
        for k in owners:
            size[k] += 1
        cuts = [0]
        total = 0
        for k in range(n):
            if total >= PART_LINES:
                cuts.append(k)
                total = 0
            total += size[k]
        bounds = [*cuts, n]
        forward = [self.body[at[a] : at[b]] for a, b in zip(bounds, bounds[1:])]
        back: list[list[str]] = [[] for _ in cuts]
        r = len(cuts) - 1
        for line, k in zip(backward, owners):
            while k < cuts[r]:
                r -= 1
            back[r].append(line)
        return forward, back

    def param_grads(self) -> dict[str, int]:
        return {self.gnames[("p", j)]: j for j in range(len(self.trace.params)) if ("p", j) in self.gnames}

    def sentinels(self) -> list[str]:
        """The values checked finite before the replay trusts them: of those that may be inf or
        nan (parameters, arguments, outputs of unbounded rules, risky partials), the ones that do
        not carry it on into a checked value through ``+``, ``-``, ``*`` or a numerator
        (inf + x, inf * 0 and nan / x are not finite either). Later nodes first: consumers
        come after the values they use."""
        if self._sentinels is None:
            needs = self.pnames + self.anames + self.checked
            need = set(needs)
            covered: set[str] = set()
            chosen: set[str] = set()
            spreads = self.spreads
            for out in reversed(self.nnames):
                if out not in covered:
                    if out not in need:
                        continue
                    chosen.add(out)
                    covered.add(out)
                if out in spreads:
                    covered.update(spreads[out])
            self._sentinels = [x for x in needs if x in chosen or x not in covered]
        return self._sentinels

    # --- the three functions ---------------------------------------------------------------

    def program(self, name: str, loops: Callable[[], tuple[str, str, dict[str, Any]]]) -> Program:
        """``replay(P, A, seed)``: one example, forward and backward, gradients into ``.grad``."""
        trace, pnames, anames = self.trace, self.pnames, self.anames
        pgrads = self.param_grads()
        root = self.text(trace.root)
        root_is_param = trace.root[0] == "p"
        reads = [f"{pnames[j]} = P[{j}].data" for j in range(len(trace.params))]
        unpack = [f"{', '.join(anames)}, = A"] if anames else []
        writes = [f"P[{j}].grad += {g}" for g, j in pgrads.items()]
        note = (
            "# inf or nan: replay through the engine (it raises OverflowError where finite inputs give them);\n"
            "    # a value not listed carries its inf or nan into one listed (through +, -, * or a numerator)"
        )
        doc = f'"""{root} and d {root} / d parameters, replayed from the trace (autograd_core.compile)."""'
        head = [f"def {name}(P, A, seed):", "    " + doc]
        owners: list[int] = []
        has_backward = bool(self.blocks) or trace.root[0] == "n"
        backward = self.render_backward(False, owners) if has_backward else []
        after = ["# accumulate into .grad, as backward() does", *writes]
        if root_is_param:
            after.append(f"P[{trace.root[1]}].grad += seed")
        after.append(f"return {root}")
        parts: tuple[str, ...] = ()
        if len(self.body) + len(backward) > SPLIT_LINES:
            before = _indent([*reads, *unpack, *finite_check(pnames + anames)], 4)
            local = self.namer.used - RESERVED - set(self.rule_names.values())
            forward, back = self._ranges(backward, owners)
            parts = tuple(split(name, head, before, forward, back, _indent(after, 4), local, self.sentinels()))
            call = ["".join(parts)[:-1]]  # the parts, then the function that calls them
        else:
            if has_backward:
                backward.insert(0, "# backward: g_v = d out / d v, from the output down (the chain rule, written out)")
            call = [
                *head,
                *(_LECTURE_NOTE if self.lecture else []),
                "    # parameters (read on every call) and arguments",
                *_indent(reads + unpack, 4),
                "    # forward: one line per node",
                *_indented(self.body),
                "    " + note,
                *_indent(finite_check(self.sentinels()), 4),
                *_indented(backward),
                *_indent(after, 4),
            ]
            if self.dense:  # one frame for every call, a generator resumed (dense.resumable)
                self.namespace["Resumable"] = Resumable
                fast = sorted(f for f, fn in self.namespace.items() if f[:1] == "_" and getattr(math, f[1:], 0) is fn)
                call = resumable(name, doc, call[2:-1], root, fast)
        return Program("\n".join(call) + "\n", self.namespace, name, parts, loops)

    def loops(self, name: str, forward_only: bool) -> tuple[str, str]:
        """``replay_over(P, rows, seed)`` (each row forward and backward, parameter gradients
        summed in locals, one write at the end) and ``replay_values(P, rows)`` (forward only;
        with ``forward_only`` every output of the trace)."""
        trace, pnames = self.trace, self.pnames
        pgrads = self.param_grads()
        root = self.text(trace.root)
        reads = [f"{pnames[j]} = P[{j}].data" for j in range(len(trace.params))]
        unpack = [f"{', '.join(self.anames)}, = A"] if self.anames else []
        example = unpack + self.body + finite_check([x for x in self.sentinels() if x not in pnames])
        writes = [f"P[{j}].grad += {g}" for g, j in pgrads.items()]
        # Data-set loop: parameter gradients in locals across examples, one write at the end.
        loop_head = ["    outs = []", "    push = outs.append", "    for A in rows:", "        try:"]
        loop_skip = ["        except Exception:", "            push(None)", "            continue"]
        over = [
            f"def {name}_over(P, rows, seed):",
            f'    """Each row replays {root} (forward, backward); returns the values (None: replay it by hand)."""',
            *_indent(reads + finite_check(pnames) + [f"{g} = 0.0" for g in pgrads], 4),
            *loop_head,
            *_indent(example, 12),
            *loop_skip,
            f"        push({root})",
            *_indent(self.render_backward(True), 8),
            *_indent(writes, 4),
        ]
        if trace.root[0] == "p":
            over.append(f"    P[{trace.root[1]}].grad += seed * (len(outs) - outs.count(None))")
        over.append("    return outs")
        result = "(" + ", ".join(self.text(r) for r in trace.outputs) + ",)" if forward_only else root
        values = [
            f"def {name}_values(P, rows):",
            f'    """{result} for each row, forward only (None: replay it by hand)."""',
            *_indent(reads + finite_check(pnames), 4),
            *loop_head,
            *_indent(example, 12),
            *loop_skip,
            f"        push({result})",
            "    return outs",
        ]
        return ("" if forward_only else "\n".join(over) + "\n"), "\n".join(values) + "\n"


_first = itemgetter(0)


def _term(g: str, d: str) -> str:
    """The term ``g * d`` of a push: ``g`` for d = 1, ``-g`` for d = -1, ``d`` for g = 1.0 (the
    seed: ``1.0 * d`` is ``d``, bit for bit)."""
    if d == "1.0":
        return g
    if d == "(-1.0)":
        return f"-{g}"
    return d if g == "1.0" else f"{g} * {d}"


def _summand(g: str, d: str) -> str:
    """The term ``g * d`` of a pulled sum: :func:`_term`, or for a negated quotient ``d = (-a / b)``
    the term ``-g * (a / b)`` that the sum writes as a subtraction (:func:`.dense.negated_term`)."""
    if d == "1.0":  # (the most common partial: of a sum, or an atom)
        return g
    return d.startswith("(-") and negated_term(g, d) or _term(g, d)


def _constant(terms: list[str]) -> bool:
    """Whether every term is a sum of seeds (1.0, 2.0...)."""
    return all(map(_ONES.fullmatch, terms))


def _enclosed(text: str) -> bool:
    """Whether ``text`` is one parenthesized expression, ``(...)`` (not ``(a) * (b)``): the
    first ``(`` closes at the end."""
    if not (text.startswith("(") and text.endswith(")")):
        return False
    close, closed = -1, 0
    while True:  # from one ")" to the next: the first "(" closes where as many have opened
        close = text.find(")", close + 1)
        if close < 0:  # unbalanced: never from generated code
            return False
        closed += 1
        if text.count("(", 0, close) == closed:
            return close == len(text) - 1


_ONES = re.compile(r"[1-9][0-9]{0,14}\.0")
"""A sum of seeds 1.0 (:func:`_sum_text`)."""

_INLINE_TERMS = 8
"""Most terms of a gradient written into its one use (larger sums keep their statement)."""


def _sum_text(terms: list[str], leading: bool = True) -> str:
    """``t1 + t2 - t3 ...``: the terms added left to right, as the pushes would add. A sum's first
    terms (``leading``) that are sums of seeds (1.0, 2.0...) are written as their sum, exact (and
    what Python's compiler would compute from ``1.0 + 1.0 + ...`` anyway)."""
    text, rest = terms[0], terms[1:]
    if leading and text[:1].isdigit() and rest and rest[0][:1].isdigit():  # 1.0 + 1.0 ...
        n, total = 0, 0.0
        while n < len(terms) and _ONES.fullmatch(terms[n]):
            total += float(terms[n])
            n += 1
        if n > 1:
            text, rest = repr(total), terms[n:]
    for term in rest:
        text += f" - {bare_term(term[1:])}" if term[0] == "-" else f" + {bare_term(term)}"
    return text


def _sum(target: str, terms: list[str]) -> list[str]:
    """``target = t1 + t2 + ...`` (left to right, as the pushes would add), 100 terms a statement
    (a large replay's: no comment)."""
    if not terms:
        return []
    lines = []
    for k in range(0, len(terms), 100):
        first = terms[k]
        head = "" if k == 0 else f"{target} - " if first[0] == "-" else f"{target} + "
        chunk = [first[1:] if k and first[0] == "-" else first, *terms[k + 1 : k + 100]]
        lines.append(f"{target} = {head}{_sum_text(chunk, k == 0)}")
    return lines


finite = math.isfinite
"""The generated code's one check before it trusts its values: ``finite(a + b + ...)`` is False
if a term is inf or nan (the sum then is not finite; nor is an overflowing sum, which the
engine then replays). The terms are added in place, as plain float additions: a Python
helper taking one argument per value cost a replayed example about twice as much."""


def _lecture_names(trace: Trace) -> list[str]:
    """The lecture's names (:func:`autograd_core.shape.lecture_names`) of parameters, arguments, nodes."""
    n_p, n_a = len(trace.params), len(trace.arg_labels)
    offset = {"p": 0, "a": n_p, "n": n_p + n_a}
    root = offset[trace.root[0]] + int(trace.root[1]) if trace.root[0] != "c" else -1
    if any(weight_place(label) for label in trace.param_labels):
        items: list[tuple[str, str, list[int]]] = [(label, "", []) for label in trace.param_labels]
        items += [("", "", []) for _ in trace.arg_labels]
        for node in trace.nodes:
            parents = [offset[kind] + x for kind, x in node.inputs if kind != "c"]
            items.append((node.label, node.rule.name, parents))
        return lecture_names(items, root)
    # No nn weight: only the output (e, h - y) can have a lecture name, from its own parents
    # (lecture_names reads items[root], the last item for a constant root): asked of those alone.
    names = [""] * (n_p + n_a + len(trace.nodes))
    top = root if root >= 0 else len(names) - 1
    if top >= n_p + n_a:
        node = trace.nodes[top - n_p - n_a]
        parents = [offset[kind] + x for kind, x in node.inputs if kind != "c"] if root >= 0 else []

        def item(p: int) -> tuple[str, str, list[int]]:  # a parent of the output, as lecture_names sees it
            if p < n_p:
                return (trace.param_labels[p], "", [])
            if p < n_p + n_a:
                return ("", "", [])
            return (trace.nodes[p - n_p - n_a].label, trace.nodes[p - n_p - n_a].rule.name, [])

        small = [*map(item, parents), (node.label, node.rule.name, list(range(len(parents))))]
        for p, name in zip([*parents, top], lecture_names(small, len(small) - 1)):
            if name:
                names[p] = name
    return names


def _guard_line(g: Guard, text: Any, note: bool = True) -> str:
    left = text(g.left)
    if g.op == "bool":
        cond = f"{left} != 0.0"
        shown = f"bool({left})"
    else:
        cond = f"{left} {_OPS[g.op]} {text(g.right)}"
        shown = cond
    # ``not a >= b`` is ``not (a >= b)`` (comparisons bind tighter); a large replay drops the parentheses
    check = (f"not ({cond})" if note else f"not {cond}") if g.result else cond
    return f"if {check}: raise GuardFailed" + (f"  # guard: {shown} was {g.result}" if note else "")
