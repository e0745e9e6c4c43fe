"""Numpy code generation: one trace replayed over a batch, examples along axis 0.

Every node of the trace becomes one column of a *block*, a ``(rows, m)`` array computed by
one numpy line. Nodes join one block when they apply the same rule to inputs from the same
places (the same block, the parameters, the arguments or constants), so the m neurons of a
layer are one block:

- ``affine`` nodes whose bias and weights are parameters and whose inputs x are the same
  list are one matrix product, ``s1 = x0 @ W1.T + b1`` (backward: ``g_x0 = g_s1 @ W1``,
  ``g_W1 = g_s1.T @ x0``, ``g_b1 = ones @ g_s1``, a sum over the rows): the lecture's s^(l) = W_l x^(l-1);
- any other rule runs elementwise on the gathered columns, its formula the rule's own
  source text (the row run on symbols, :mod:`autograd_core.symbolic`, as the python
  backend writes it) translated to numpy by :func:`to_numpy`.

A block that depends on no argument has one row (the same value for every example) and its
gradient sums over the examples. Rows whose guards come out differently from the trace, or
whose values or risky partials are not finite, are returned as a mask: the caller replays
them elsewhere (:mod:`.numpy_backend`). Nothing else differs from the python backend: the
same formulas, only the order of sums over examples and over a layer's inputs.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from ..rules import RULES, VARIADIC, Rule
from .codegen import _OPS
from .numpy_rules import carries, rule_text, sum_of_terms, to_numpy
from .shifts import SHIFT
from .source import Namer, identifier, literal
from .trace import Ref, Trace, depends_on_parameters

__all__ = ["NumpyProgram", "filled", "generate_numpy"]

_AFFINE = RULES["affine"]
REDUCE_MIN = 6
"""A ``sum``/``dot`` node of at least this many inputs is one reduction over its gathered inputs."""
_ACTIVATIONS = ("tanh", "sigmoid", "relu")
_CLIP = re.compile(r"np\.where\((\w+) > 0\.0, \1, 0\.0\)")
_NUMBER = re.compile(r"\(?-?[0-9.e+\-]+\)?")
_CALL = re.compile(r"np\.\w+\([\w, ]*\)")  # np.f(a, b): needs no parentheses
_LAYER = re.compile(r"^layers\.(\d+)\.neurons\.\d+\.(?:w\.\d+|b)$")


# --- blocks -------------------------------------------------------------------------------


@dataclass
class _Block:
    """One numpy line: ``name`` holds columns ``members`` (node indices) of ``rule``."""

    name: str
    rule: Rule
    members: list[int]
    positions: list[list[Ref]]  # per input position, the members' inputs
    value_parents: list[bool]
    matrix: bool  # affine with parameter weights and shared inputs: one matrix product
    batched: bool
    layer: int = 0
    grad: bool = False
    partials: dict[int, str] = field(default_factory=dict)
    matrix_names: tuple[str, str, str, str, str] = ("", "", "", "", "")  # W, b, x, where W and b are in theta
    groups: list[tuple[list[Ref], str]] = field(default_factory=list)  # a reduction: (inputs, d out / d input)


@dataclass
class NumpyProgram:
    """The batch replay ``replay_batch(theta, A, w)`` and its forward part ``values_batch`` (for
    ``no_grad()``: the same values, ``None`` for the gradient): sources and namespace, each
    compiled on first use."""

    source: str
    namespace: dict[str, Any]
    values_source: str = ""
    name: str = "replay_batch"

    def function(self, grad: bool = True) -> Any:
        name, source = (self.name, self.source) if grad else ("values_batch", self.values_source)
        fn = self.namespace.get(name)
        if fn is None:
            exec(compile(source, f"<autograd_core.compile {name}>", "exec"), self.namespace)  # noqa: S102
            fn = self.namespace[name]
        return fn


class _Numpy:
    def __init__(self, trace: Trace) -> None:
        import numpy as np

        self.trace, self.np = trace, np
        self.namer = Namer()
        for reserved in ("np", "math", "theta", "A", "w", "rows", "ones", "filled", "bad", "gtheta", "out"):
            self.namer.used.add(reserved)
        self.namespace: dict[str, Any] = {"np": np, "math": math}
        self.blocks: list[_Block] = []
        self.where: dict[int, tuple[int, int]] = {}  # node -> (block, column)
        self.lines: list[str] = []
        self.setup: list[str] = []
        self.consts = 0
        self.depends = depends_on_parameters(trace.nodes)

    # --- grouping ------------------------------------------------------------------------

    def source_of(self, r: Ref) -> Any:
        return ("b", self.where[r[1]][0]) if r[0] == "n" else r[0]

    def batched(self, r: Ref) -> bool:
        return r[0] == "a" or (r[0] == "n" and self.blocks[self.where[r[1]][0]].batched)

    def group(self) -> None:
        open_blocks: dict[Any, int] = {}
        for k, node in enumerate(self.trace.nodes):
            inputs = node.inputs
            n = (len(inputs) - 1) // 2
            matrix = node.rule is _AFFINE and len(inputs) % 2 == 1 and all(r[0] == "p" for r in inputs[: n + 1])
            if matrix:
                key: Any = ("affine", tuple(inputs[n + 1 :]))
            else:
                key = (id(node.rule), tuple(self.source_of(r) for r in inputs), tuple(node.value_parents))
            b = open_blocks.get(key)
            if b is None:
                b = open_blocks[key] = len(self.blocks)
                batched = any(self.batched(r) for r in inputs)
                self.blocks.append(
                    _Block("", node.rule, [], [[] for _ in inputs], list(node.value_parents), matrix, batched)
                )
            block = self.blocks[b]
            self.where[k] = (b, len(block.members))
            block.members.append(k)
            for i, r in enumerate(inputs):
                block.positions[i].append(r)
        ancestors = self.trace.ancestors
        for block in self.blocks:
            block.grad = any(k in ancestors and self.depends[k] for k in block.members)

    def name_blocks(self) -> None:
        """The lecture's names where the parameters are an ``nn`` model's: s1 = W1 x0 + b1, x1 = θ(s1)."""
        labels = self.trace.param_labels
        count = 0
        for block in self.blocks:
            if not block.matrix:
                continue
            count += 1
            found = {m.group(1) for r in block.positions[0] if (m := _LAYER.match(labels[r[1]]))}
            block.layer = int(found.pop()) + 1 if len(found) == 1 else count
            block.name = self.namer.fresh(f"s{block.layer}")
        counts: dict[str, int] = {}
        for block in self.blocks:
            if block.name:
                continue
            src = block.positions[0][0] if block.positions else None
            if (
                block.rule.name in _ACTIVATIONS
                and src is not None
                and src[0] == "n"
                and self.blocks[self.where[src[1]][0]].matrix
                and self._identity(block.positions[0]) is not None
            ):
                block.name = self.namer.fresh(f"x{self.blocks[self.where[src[1]][0]].layer}")
                continue
            node = self.trace.nodes[block.members[0]]
            if len(block.members) == 1 and node.label:
                block.name = self.namer.fresh(identifier(node.label, "v"))
                continue
            base = identifier(block.rule.name, "f")
            counts[base] = counts.get(base, 0) + 1
            block.name = self.namer.fresh(f"{base}{counts[base]}")

    # --- operands --------------------------------------------------------------------------

    def const(self, value: Any, name: str = "") -> str:
        """A name for ``value`` (an index array or constants) in the program's namespace."""
        if not name:
            name = f"C{self.consts}"
            self.consts += 1
        self.namespace[name] = value
        self.namer.used.add(name)
        return name

    def _identity(self, refs: list[Ref]) -> str | None:
        """The block's name if ``refs`` are exactly its columns in order."""
        if not refs or refs[0][0] != "n":
            return None
        b = self.where[refs[0][1]][0]
        block = self.blocks[b]
        if len(refs) != len(block.members) or any(r[0] != "n" or r[1] != m for r, m in zip(refs, block.members)):
            return None
        return block.name

    def _columns(self, refs: list[Ref]) -> tuple[str, list[int]] | None:
        """(array name, column indices) if every ref is a column of one block or of A."""
        kinds = {r[0] for r in refs}
        if kinds == {"a"}:
            return "A", [int(r[1]) for r in refs]
        if kinds == {"n"}:
            bs = {self.where[r[1]][0] for r in refs}
            if len(bs) == 1:
                return self.blocks[bs.pop()].name, [self.where[r[1]][1] for r in refs]
        return None

    def _index(self, cols: list[int]) -> str:
        if len(cols) == 1:
            return f"{cols[0]}:{cols[0] + 1}"
        if cols == list(range(cols[0], cols[-1] + 1)):
            return f"{cols[0]}:{cols[-1] + 1}"
        return self.const(self.np.array(cols)) if len(cols) > 8 else str(cols)

    def gather(self, refs: list[Ref]) -> str:
        """``refs`` (one per column) as an expression of shape (rows or 1, len(refs)), or scalar-like."""
        same = self._identity(refs)
        if same is not None:
            return same
        kinds = {r[0] for r in refs}
        cols = self._columns(refs)
        if cols is not None:
            name, idx = cols
            full = name == "A" and idx == list(range(len(self.trace.arg_labels)))
            return name if full else f"{name}[:, {self._index(idx)}]"
        if kinds == {"p"}:
            idx = [int(r[1]) for r in refs]
            return f"theta[{idx[0]}]" if len(idx) == 1 else f"theta[{self._index(idx)}]"
        if kinds == {"c"}:
            values = [float(r[1]) for r in refs]
            if all(v == values[0] or (v != v and values[0] != values[0]) for v in values):
                return literal(values[0])
            return self.const(self.np.array(values))
        pieces = [self.gather([r]) for r in refs]  # mixed places: one column each
        return f"_columns({'rows' if any(self.batched(r) for r in refs) else 1}, {', '.join(pieces)})"

    def scatter(self, refs: list[Ref], g: str, batched: bool) -> list[str]:
        """Statements adding gradient ``g`` (one column per ref) to the refs' gradients."""
        wanted = [i for i, r in enumerate(refs) if self.wants(r)]
        if not wanted:
            return []
        if len(wanted) < len(refs) or {r[0] for r in refs} not in ({"n"}, {"p"}):
            if len(refs) == 1:
                return []
            lines = []
            for i in wanted:
                lines += self.scatter([refs[i]], f"{_wrap(g)}[:, {i}:{i + 1}]", batched)
            return lines
        if refs[0][0] == "p":  # added at the end of the backward pass, after the layers' assignments
            idx = [int(r[1]) for r in refs]
            total = self.row_sum(g) if batched else f"{_wrap(g)}[0]"
            if len(set(idx)) < len(idx):
                self.later.append(f"np.add.at(gtheta, {self.const(self.np.array(idx))}, {total})")
            else:
                self.later.append(f"gtheta[{self._index(idx)}] += {total}")
            return []
        cols = self._columns(refs)
        if cols is None:
            lines = []
            for i in wanted:
                lines += self.scatter([refs[i]], f"{_wrap(g)}[:, {i}:{i + 1}]", batched)
            return lines
        name, idx = cols
        target = self.blocks[self.where[refs[0][1]][0]]
        value = f"({self.row_sum(g)})[None]" if batched and not target.batched else g
        g_name = f"g_{name}"
        first = g_name not in self.ready
        self.ready.add(g_name)
        if self._identity(refs) is not None:
            if first:  # the first gradient to reach a block: assigned, not added to zeros
                if value.isidentifier():  # another block's gradient: shared until one is added to
                    self.aliased.add(g_name)
                return [f"{g_name} = {value}"]
            if g_name in self.aliased:  # a new array, not written into the one it shares
                self.aliased.discard(g_name)
                return [f"{g_name} = {g_name} + {value}"]
            return [f"{g_name} += {value}"]
        lines = [f"{g_name} = np.zeros_like({name})"] if first else []
        if g_name in self.aliased:
            self.aliased.discard(g_name)
            lines.append(f"{g_name} = {g_name}.copy()  # its own array before columns are added to it")
        if len(set(idx)) < len(idx):
            return lines + [f"np.add.at({g_name}, (slice(None), {self.const(self.np.array(idx))}), {value})"]
        return lines + [f"{g_name}[:, {self._index(idx)}] += {value}"]

    def row_sum(self, g: str) -> str:
        """Σ over the rows of ``g`` (rows, k) as ``ones @ g``: one BLAS call, a third of ``g.sum(0)``'s time."""
        self.ones = True
        return f"ones @ {_wrap(g)}"

    def wants(self, r: Ref) -> bool:
        if r[0] == "p":
            return True
        return r[0] == "n" and self.blocks[self.where[r[1]][0]].grad

    # --- the program -----------------------------------------------------------------------

    def forward(self) -> None:
        checks: list[tuple[str, bool, _Block | None]] = []  # (name, batched, the block it holds)
        shaped = {block.name for block in self.blocks}  # arrays of shape (rows or 1, their columns)
        for block in self.blocks:
            name = block.name
            if block.matrix:
                n = (len(block.positions) - 1) // 2
                W = self.namer.fresh(f"W{block.layer}")
                bias = self.namer.fresh(f"b{block.layer}")
                wi = [[int(r[1]) for r in block.positions[1 + i]] for i in range(n)]
                bidx = [int(r[1]) for r in block.positions[0]]
                m = len(block.members)
                shown = f"# layer {block.layer}: {m} neuron(s) x {n} input(s)"
                span = _span(bidx, wi)
                if span is not None:  # each neuron's bias and weights side by side in theta: views
                    start, first = span
                    Wb = self.namer.fresh(f"Wb{block.layer}")
                    self.setup.append(f"{Wb} = theta[{start}:{start + m * (n + 1)}].reshape({m}, {n + 1})  {shown}")
                    cols = ("1:", "0") if first else (f":{n}", f"{n}")
                    self.setup.append(f"{W}, {bias} = {Wb}[:, {cols[0]}], {Wb}[:, {cols[1]}]")
                    widx, where = Wb, f"{start}:{start + m * (n + 1)}"
                else:
                    widx = self.const(self.np.array(wi).T, self.namer.fresh(f"at_{W}"))
                    self.setup.append(f"{W} = theta[{widx}]  {shown}")
                    where = (
                        self.const(self.np.array(bidx), self.namer.fresh(f"at_{bias}"))
                        if len(bidx) > 1
                        else f"{bidx[0]}:{bidx[0] + 1}"
                    )
                    self.setup.append(f"{bias} = theta[{where}]")
                xs = [block.positions[n + 1 + i][0] for i in range(n)]
                x = self.gather(xs)
                if not x.isidentifier():
                    xname = self.namer.fresh(f"x{block.layer - 1}")
                    self.lines.append(f"{xname} = {x}")
                    x = xname
                block.matrix_names = (W, bias, x, widx, where)
                self.lines.append(f"{name} = {x} @ {W}.T + {bias}  # affine: s = W x + b, {m} neuron(s)")
                checks.append((name, block.batched, block))
                continue
            if block.rule is SHIFT:  # max_data's numbers (nn's log-sum-exp shift m), one per member
                columns = [self.gather([refs[j] for refs in block.positions]) for j in range(len(block.members))]
                shown = "# max_data: a number, no gradient flows through it"
                if len(columns) == 1:
                    self.lines.append(f"{name} = np.max({columns[0]}, axis=1, keepdims=True)  {shown}")
                else:
                    stacked = ", ".join(f"np.max({c}, axis=1)" for c in columns)
                    self.lines.append(f"{name} = np.stack([{stacked}], axis=1)  {shown}")
                continue
            if self.reduction(block):
                if not block.rule.bounded:
                    checks.append((name, block.batched, block))
                continue
            operands: list[Any] = []
            for refs in block.positions:
                text = self.gather(refs)
                if refs[0][0] == "c" and not text.startswith("C"):
                    operands.append(float(refs[0][1]))
                elif text.isidentifier() or text.startswith("theta[") or text.startswith("("):
                    operands.append(text)
                else:
                    single = refs[0][0] == "a" and len({r[1] for r in refs}) == 1
                    label = self.trace.arg_labels[int(refs[0][1])] if single else ""
                    op = self.namer.fresh(identifier(label, "") or f"{name}_in")
                    self.lines.append(f"{op} = {text}")
                    operands.append(op)
            value, partials = rule_text(block.rule, operands, name)
            expr = to_numpy(value.text)
            clip = _CLIP.fullmatch(expr)  # x if x > 0 else 0: one call where x's nan rows go elsewhere
            clipped = clip is not None and clip.group(1) in {n for n, _, _ in checks}
            if clip is not None and clipped:
                expr = f"np.maximum({clip.group(1)}, 0.0)"
            named = [op for op in operands if isinstance(op, str)]
            if not block.batched and not (named and all(op in shaped for op in named)):
                m = len(block.members)  # parameters and constants only: one row, shaped (1, m)
                arrays = any(isinstance(op, str) for op in operands)  # else a float: no .reshape
                expr = f"({expr}).reshape(1, {m})" if arrays else f"np.reshape({expr}, (1, {m}))"
            self.lines.append(f"{name} = {expr}  # {block.rule.name}, {len(block.members)} column(s)")
            if not block.rule.bounded:
                checks.append((name, block.batched, block))
            if not block.grad:
                continue
            for i, p in enumerate(partials):
                if not block.value_parents[i] or not any(self.wants(r) for r in block.positions[i]):
                    continue
                expr = to_numpy(p.text)
                if clipped and expr == f"{name} > 0.0":  # the mask of a finite clip (>= 0): 0 or 1 as floats
                    expr = f"np.sign({name})"  # one call, no cast of a bool array (+-0 only where it is 0)
                if p.risky:
                    d = self.namer.fresh(f"d_{name}_{i}")
                    self.lines.append(f"{d} = {expr}  # d {name} / d input {i}")
                    checks.append((d, block.batched, None))
                    expr = d
                block.partials[i] = expr
        self.checks = checks

    def reduction(self, block: _Block) -> bool:
        """A ``sum``/``dot`` node of many inputs as one reduction over its inputs gathered in g
        arrays (:func:`sum_of_terms`): value = Σ_i term(a_i, b_i), d/da_i the rule's own partial
        on the arrays. False (the node is written input by input) if that does not apply."""
        rule, positions = block.rule, block.positions
        if rule.arity != VARIADIC or len(block.members) != 1 or len(positions) < REDUCE_MIN:
            return False
        groups = sum_of_terms(rule, len(positions))
        if groups is None:
            return False
        k = len(positions) // groups
        # The terms in the order of the first group's inputs (the sum's order is free, as in any
        # reduction): nn's parameters then come out as one slice of theta, not a gather.
        order = sorted(range(k), key=lambda i: (positions[i][0][0], positions[i][0][1]))
        refs = [[positions[g * k + i][0] for i in order] for g in range(groups)]
        if any(all(r[0] == "c" for r in group) for group in refs):
            return False
        texts = [self.gather(group) for group in refs]
        names: list[str] = []
        for g, text in enumerate(texts):
            if text in texts[:g]:  # the same inputs again (dot(w, w)): the same array
                names.append(names[texts.index(text)])
            elif text.isidentifier():
                names.append(text)
            else:
                names.append(self.namer.fresh(f"{block.name}_{'xy'[g] if groups == 2 else 'x'}"))
        try:
            value, partials = rule_text(rule, names, block.name)
        except Exception:  # noqa: BLE001 - not on symbols: written input by input
            return False
        if any(re.search(rf"\b{block.name}\b", p.text) for p in partials):  # uses the output: not per term
            return False
        new = [g for g, (name, text) in enumerate(zip(names, texts)) if name not in (text, *names[:g])]
        self.lines += [f"{names[g]} = {texts[g]}" for g in new]
        terms = to_numpy(value.text)
        total = (
            f"np.add.reduce({terms}, -1, keepdims=True)"
            if block.batched
            else f"np.add.reduce({terms}, None).reshape(1, 1)"
        )
        self.lines.append(f"{block.name} = {total}  # {rule.name} of {len(positions)} inputs as one reduction")
        if block.grad:
            for g, group in enumerate(refs):
                dg = to_numpy(partials[g].text)
                twice = [h for h, (other, d) in enumerate(block.groups) if other == group and d == dg]
                if twice and not _NUMBER.fullmatch(dg):  # dot(w, w): d/dw_i = 2 w_i, one scatter
                    block.groups[twice[0]] = (group, f"2.0 * {_wrap(dg)}")  # 2 (g x) = g x + g x exactly
                    continue
                block.groups.append((group, dg))
        return True

    def covered(self) -> set[int]:
        """The checked blocks whose finite check a later check makes redundant: every member
        feeds, row for row, a checked (or itself covered) node whose rule :func:`carries` inf
        and nan from that input (``1.0 - y s3`` is inf or nan wherever ``s3`` is). Matrix products
        never cover: a BLAS may skip the products of a zero weight, and ``0 * inf`` with them."""
        nodes = self.trace.nodes
        checked = {id(block) for _, _, block in self.checks if block is not None}
        watched = [id(self.blocks[self.where[k][0]]) in checked for k in range(len(nodes))]
        covers = [False] * len(nodes)  # inf or nan here makes some check fail in the same row
        consumers: list[list[tuple[int, int]]] = [[] for _ in nodes]
        for m, node in enumerate(nodes):
            for i, r in enumerate(node.inputs):
                if r[0] == "n":
                    consumers[r[1]].append((m, i))
        for k in range(len(nodes) - 1, -1, -1):
            for m, i in consumers[k]:
                block = self.blocks[self.where[m][0]]
                if (watched[m] or covers[m]) and not block.matrix and carries(nodes[m].rule, len(nodes[m].inputs), i):
                    covers[k] = True
                    break
        out: set[int] = set()
        for block in self.blocks:
            if id(block) in checked and all(covers[k] for k in block.members):
                out.add(id(block))
        return out

    def guards(self) -> list[str]:
        lines = []
        for g in self.trace.guards:
            left = self.column(g.left)
            if g.op == "bool":
                cond = f"{left} != 0.0"
            else:
                assert g.right is not None
                cond = f"{left} {_OPS[g.op]} {self.column(g.right)}"
            lines.append(f"bad |= {'~' if g.result else ''}({cond})  # guard: was {g.result}")
        return lines

    def column(self, r: Ref) -> str:
        """A value as an array over the rows (or a scalar)."""
        if r[0] == "n":
            b, c = self.where[r[1]]
            return f"{self.blocks[b].name}[:, {c}]"
        if r[0] == "a":
            return f"A[:, {r[1]}]"
        if r[0] == "p":
            return f"theta[{r[1]}]"
        return literal(float(r[1]))

    def backward(self) -> list[str]:
        lines: list[str] = []
        self.ones = False  # set by row_sum: the program needs ``ones``
        self.ready: set[str] = set()  # gradients assigned so far
        self.aliased: set[str] = set()  # gradients that are another block's array: never written in place
        self.written = [False] * len(self.trace.params)  # theta entries whose gradient has a term
        self.assigned = [False] * len(self.trace.params)  # ... whose first term is assigned, not added to 0
        self.later: list[str] = []  # the parameters' terms from other blocks than layers, added last
        root = self.trace.root
        if root[0] == "n" and self.blocks[self.where[root[1]][0]].grad:
            b, c = self.where[root[1]]
            block = self.blocks[b]
            if block.batched and len(block.members) == 1:
                lines.append(f"g_{block.name} = w.reshape(rows, 1)  # d out / d out, times each row's weight")
                self.aliased.add(f"g_{block.name}")  # a view of w (read-only): never added to in place
            else:
                lines.append(f"g_{block.name} = np.zeros_like({block.name})")
                lines.append(f"g_{block.name}[:, {c}] = {'w' if block.batched else 'w.sum()'}  # d out / d out")
            self.ready.add(f"g_{block.name}")
        elif root[0] == "p":
            lines.append(f"gtheta[{root[1]}] += w.sum()")
        for block in reversed(self.blocks):
            g = f"g_{block.name}"
            if not block.grad or g not in self.ready:  # no gradient reaches it
                continue
            if block.matrix:
                n = (len(block.positions) - 1) // 2
                W, bias, x, widx, where = block.matrix_names
                lines.append(f"# {block.name} = {x} @ {W}.T + {bias}: g_W = g_s^T x, g_b = sum of g_s, g_x = g_s W")
                total = self.row_sum(g) if block.batched else f"{g}[0]"
                wi = [[int(r[1]) for r in block.positions[1 + i]] for i in range(n)]
                span = _span([int(r[1]) for r in block.positions[0]], wi)
                if span is not None:
                    m = len(block.members)
                    cols = ("1:", "0") if span[1] else (f":{n}", f"{n}")
                    start = span[0]
                    fresh = not any(self.written[start : start + m * (n + 1)])
                    self.written[start : start + m * (n + 1)] = [True] * (m * (n + 1))
                    lines.append(f"g_{widx} = gtheta[{where}].reshape({m}, {n + 1})  # a view: [b | W] per neuron")
                    if fresh:  # the first write to these entries: the products go straight into gtheta
                        self.assigned[start : start + m * (n + 1)] = [True] * (m * (n + 1))
                        lines.append(f"np.matmul({g}.T, {x}, out=g_{widx}[:, {cols[0]}])")
                        if block.batched:
                            lines.append(f"np.matmul(ones, {g}, out=g_{widx}[:, {cols[1]}])")
                        else:
                            lines.append(f"g_{widx}[:, {cols[1]}] = {total}")
                    else:
                        lines.append(f"g_{widx}[:, {cols[0]}] += {g}.T @ {x}")
                        lines.append(f"g_{widx}[:, {cols[1]}] += {total}")
                else:
                    flat = [j for row in wi for j in row]
                    for j in flat + [int(r[1]) for r in block.positions[0]]:
                        self.written[j] = True
                    if len(set(flat)) < len(flat):
                        lines.append(f"np.add.at(gtheta, {widx}, {g}.T @ {x})")
                    else:
                        lines.append(f"gtheta[{widx}] += {g}.T @ {x}")
                    lines.append(f"gtheta[{where}] += {total}")
                xs = [block.positions[n + 1 + i][0] for i in range(n)]
                if any(self.wants(r) for r in xs):
                    # one neuron: g_x = g_s W is an outer product, one multiplication per entry
                    lines += self.scatter(xs, f"{g} {'*' if len(block.members) == 1 else '@'} {W}", block.batched)
                continue
            lines.append(f"# {block.name} = {block.rule.name}(...): {block.rule.math.split(';', 1)[-1].strip()}")
            for refs, dg in block.groups:  # a reduction: the term's partial, one column per input
                if _NUMBER.fullmatch(dg):  # the same for every input: one column repeated
                    term = f"np.repeat({g if dg == '1.0' else f'{g} * {dg}'}, {len(refs)}, axis=1)"
                else:
                    term = f"{g} * {dg if dg.isidentifier() else f'({dg})'}"
                lines += self.scatter(refs, term, block.batched)
            for i, refs in enumerate(block.positions if not block.groups else []):
                d = block.partials.get(i)
                if d is None:
                    continue
                if not (d.isidentifier() or _NUMBER.fullmatch(d) or _CALL.fullmatch(d)):
                    d = f"({d})"
                term = g if d == "1.0" else f"-{g}" if d == "-1.0" else f"{g} * {d}"
                lines += self.scatter(refs, term, block.batched)
        if self.later:
            lines += ["# the parameters' other terms (a penalty, a parameter used outside a layer)", *self.later]
        return lines

    def program(self) -> NumpyProgram:
        self.group()
        self.name_blocks()
        self.forward()
        root = self.trace.root
        out = self.column(root)
        # A sum is inf or nan if any of its terms is (or, rarely, if it overflows: then those rows
        # go one by one): one scalar test, and only when it fails the rows are looked for.
        covered = self.covered()
        watched = [(name, b) for name, b, block in self.checks if block is None or id(block) not in covered]
        totals = [f"np.add.reduce({name}, None)" for name, _ in watched]
        rowwise = [f"{name}.sum(1)" if batched else f"{name}.sum()" for name, batched in watched]
        guards = self.guards()
        checks = ["bad = np.zeros(rows, dtype=bool)", *guards] if guards else []
        if totals:
            checks += [
                f"if not math.isfinite({' + '.join(totals)}):  # some value is inf or nan: in which rows?",
                f"    return {'bad | ' if guards else ''}~np.isfinite({' + '.join(rowwise)})",
            ]
        if guards:
            checks += ["if bad.any():", "    return bad"]
        root_block = self.blocks[self.where[root[1]][0]] if root[0] == "n" else None
        if root_block is None or not root_block.batched:
            out = f"np.full(rows, {out})"
        params = self.trace.param_labels
        backward = self.backward()
        if self.ones:
            backward.insert(0, "ones = filled(rows, 1.0)  # ones @ g: the sum of g over the rows (read-only)")
        forward = [
            "    rows = len(w)",
            f"    # parameters: theta[j] is P[j].data ({len(params)} of them)",
            *_indent(self.setup, 4),
            "    # forward: one line per layer-wide operation",
            *_indent(self.lines, 4),
            "    # rows the batch cannot replay: a guard flips, or a value is inf or nan",
            *_indent(checks, 4),
            f"    out = {out}",
        ]
        head = [
            "def replay_batch(theta, A, w):",
            '    """Every row of A replayed at once (examples along axis 0), gradients weighted by w.',
            "",
            "    Returns (values, d sum_i w_i f_i / d theta), or the mask of rows to replay one by one",
            '    (a guard came out differently, or a value is inf or nan)."""',
            *forward,
            "    # backward: g_v = d(sum_i w_i f_i)/dv, from the output layer down",
            "    gtheta = np.empty(theta.shape)  # every entry's first term is assigned"
            if all(self.assigned)
            else "    gtheta = np.zeros(theta.shape)",
            *_indent(backward, 4),
            "    return out, gtheta",
        ]
        values = [
            "def values_batch(theta, A, w):",
            '    """replay_batch\'s forward part (inside no_grad()): (values, None), or the mask."""',
            *forward,
            "    return out, None",
        ]
        self.namespace["_columns"] = _columns
        self.namespace["filled"] = filled
        return NumpyProgram("\n".join(head) + "\n", self.namespace, "\n".join(values) + "\n")


def _span(bias: list[int], weights: list[list[int]]) -> tuple[int, bool] | None:
    """(start, bias first) if neuron j's bias and weights are theta[start + j (n + 1) + (0..n)],
    bias first or last (``nn``'s parameters, numbered in the order the trace uses them)."""
    n, m = len(weights), len(bias)
    for first in (True, False):
        start = bias[0] - (0 if first else n)
        ok = all(
            bias[j] == start + j * (n + 1) + (0 if first else n)
            and all(weights[i][j] == start + j * (n + 1) + (i + 1 if first else i) for i in range(n))
            for j in range(m)
        )
        if ok:
            return start, first
    return None


def _wrap(expr: str) -> str:
    """``expr`` ready to be indexed or to have a method called on it."""
    return expr if expr.isidentifier() else f"({expr})"


def _indent(lines: list[str], n: int) -> list[str]:
    return [" " * n + line for line in lines]


def _columns(rows: int, *pieces: Any) -> Any:
    """Columns from different places side by side, each broadcast to ``rows`` rows."""
    import numpy as np

    return np.hstack([np.broadcast_to(np.reshape(p, (-1, 1)) if np.ndim(p) < 2 else p, (rows, 1)) for p in pieces])


_FILLED: dict[tuple[int, float], Any] = {}


def filled(n: int, value: float) -> Any:
    """A read-only array of ``n`` copies of ``value``, made once per (n, value): the programs'
    ``ones`` and the rows' weights (a few lengths per process)."""
    array = _FILLED.get((n, value))
    if array is None:
        import numpy as np

        if len(_FILLED) > 64:
            _FILLED.clear()
        array = _FILLED[(n, value)] = np.full(n, value)
        array.flags.writeable = False
    return array


def generate_numpy(trace: Trace) -> NumpyProgram:
    """The batch replay of ``trace``; :class:`Unsupported` if a rule has no source text."""
    return _Numpy(trace).program()
