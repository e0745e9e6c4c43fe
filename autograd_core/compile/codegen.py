"""Code generation: a :class:`~.trace.Trace` as straight-line Python, forward then backward.

One statement per node, ``name = expression  # basic function``, with names from labels.
The backward part is the chain rule written out in reverse order, ``g_v`` = d out / d v:
for each node, each parent gets ``g_parent (+)= g_node * d node / d parent``, in the
order the engine's ``backward`` pushes them (so the sums round the same way). Expressions
come from the rule's source templates (``Rule.forward_code``/``partials_code``); variadic
rows of the table are evaluated on symbols (``dot`` becomes ``w0 * x0 + w1 * x1 + ...``);
any other rule is called (``R_name.forward(...)``), which is just as exact.

Failure modes stay the engine's: a guard that flips raises :class:`GuardFailed`; any
other problem (a domain error, an undefined derivative, a non-finite value out of finite
inputs) raises :class:`UseEngine` or the kernel's own exception, and the caller replays
the call through the engine to get its exact result or error. Nothing is written to
``.grad`` before the whole computation succeeded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..rules import RULES, Rule, Undefined, undefined
from .source import Namer, fold, identifier, is_atom, literal, risky, symbolic
from .trace import Guard, Ref, Trace

__all__ = ["GuardFailed", "UseEngine", "Program", "generate"]


class GuardFailed(Exception):
    """A comparison recorded during the trace came out differently: this replay does not apply."""


class UseEngine(Exception):
    """This replay must go through the engine (non-finite value, undefined derivative...)."""


_OPS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">=", "eq": "==", "ne": "!="}
_BOUNDED = ("tanh", "sigmoid", "relu", "abs", "neg", "sin", "cos", "sqrt", "log")
"""Rules whose value is finite for finite inputs (the rest get the overflow check)."""
_SKIP_MIN = 3  # a node pushing to this many parents or more skips them when its gradient is 0
_CHUNK = 40  # terms per line of the overflow check (long expressions strain the compiler)


@dataclass
class Program:
    """Generated source of the three replays and their namespace; each function is compiled
    by Python the first time it is asked for (``compile()`` is most of the cost)."""

    source: str  # the single call ``replay(P, A, seed)``, as shown by ``Compiled.source``
    over_source: str  # the data-set loop ``replay_over(P, rows, seed)``
    values_source: str  # forward only, ``replay_values(P, rows)``
    namespace: dict[str, Any]
    name: str = "replay"

    def function(self, which: str) -> Any:
        """The compiled function ``which``: "call", "over" or "values"."""
        name = {"call": self.name, "over": f"{self.name}_over", "values": f"{self.name}_values"}[which]
        fn = self.namespace.get(name)
        if fn is None:
            text = {"call": self.source, "over": self.over_source, "values": self.values_source}[which]
            if not text:
                raise TypeError(f"compile: this replay has no {which!r} function (forward only)")
            exec(compile(text, f"<autograd_core.compile {name}>", "exec"), self.namespace)  # noqa: S102
            fn = self.namespace[name]
        return fn


def generate(trace: Trace, name: str = "replay", forward_only: bool = False) -> Program:
    """Source for the trace: ``replay(P, A, seed)``, ``replay_over(P, rows, seed)`` and
    ``replay_values(P, rows)``; with ``forward_only`` just ``replay_values``, giving every output."""
    namer = Namer()
    namespace: dict[str, Any] = {"math": math, "Undefined": Undefined, "GuardFailed": GuardFailed,
                                 "UseEngine": UseEngine, "UNDEFINED": undefined("undefined local derivative")}
    pnames = [namer.fresh(identifier(lbl, f"p{j}")) for j, lbl in enumerate(trace.param_labels)]
    anames = [namer.fresh(identifier(lbl, f"a{i}")) for i, lbl in enumerate(trace.arg_labels)]
    nodes = trace.nodes
    counts: dict[str, int] = {}
    nnames: list[str] = []
    for node in nodes:  # unlabelled nodes: the rule's name and a count per rule (tanh0, tanh1, ...)
        base = identifier(node.rule.name, "f")
        counts[base] = counts.get(base, -1) + 1
        nnames.append(namer.fresh(identifier(node.label, f"{base}{counts[base]}")))
    rule_names: dict[int, str] = {}

    def rule_ref(rule: Rule) -> str:
        if id(rule) not in rule_names:
            rname = f"R_{identifier(rule.name, 'rule')}"
            while rname in namespace:
                rname += "_"
            namespace[rname] = rule
            rule_names[id(rule)] = rname
        return rule_names[id(rule)]

    def text(r: Ref) -> str:
        kind, x = r
        names = nnames if kind == "n" else pnames if kind == "p" else anames if kind == "a" else None
        return literal(x) if names is None else names[int(x)]

    # Which nodes need a gradient: they depend on a parameter and the root depends on them.
    depends = [False] * len(nodes)
    for k, node in enumerate(nodes):
        depends[k] = any(r[0] == "p" or (r[0] == "n" and depends[r[1]]) for r in node.inputs)
    backward_nodes = [k for k in range(len(nodes)) if k in trace.ancestors and depends[k]]
    # A parent at input i of node k needs its gradient if it is a parameter or such a node.
    def wants(r: Ref) -> bool:
        return r[0] == "p" or (r[0] == "n" and depends[r[1]] and r[1] in trace.ancestors)

    forward: list[str] = []  # statements, no indentation
    position: dict[int, int] = {}  # node -> index in forward after which it exists
    partial_text: dict[tuple[int, int], str] = {}
    checked: list[str] = []
    for k, node in enumerate(nodes):
        rule, out = node.rule, nnames[k]
        operands = [text(r) for r in node.inputs]
        fcode = getattr(rule, "forward_code", "")
        pcode = getattr(rule, "partials_code", ())
        in_backward = k in trace.ancestors
        names_or_constants = [t if r[0] != "c" else r[1] for t, r in zip(operands, node.inputs)]
        sym = None if fcode else symbolic(rule, names_or_constants, out)
        comment = rule.name
        has_constant = any(r[0] == "c" for r in node.inputs)
        if fcode:
            expr = fcode.format(*operands, out=out)
            forward.append(f"{out} = {fold(expr) if has_constant else expr}  # {comment}")
        elif sym is not None:
            forward.append(f"{out} = {sym[0]}  # {comment}")
        else:
            forward.append(f"{out} = {rule_ref(rule)}.forward({', '.join(operands)})  # {comment}")
        if rule.name not in _BOUNDED or RULES.get(rule.name) is not rule:
            checked.append(out)
        if in_backward:
            edges = [i for i, r in enumerate(node.inputs) if node.value_parents[i]]
            if fcode and len(pcode) == len(node.inputs) or sym is not None:
                for i in edges:
                    expr = pcode[i].format(*operands, out=out) if fcode else sym[1][i]  # type: ignore[index]
                    if fcode and has_constant:
                        expr = fold(expr)
                    unsafe = risky(expr)
                    if is_atom(expr) and not unsafe:
                        partial_text[k, i] = expr
                    elif not unsafe:
                        if wants(node.inputs[i]):
                            partial_text[k, i] = f"({expr})"
                    else:  # may raise or be undefined: evaluate before anything is accumulated
                        d = namer.fresh(f"d_{out}_{i}")
                        forward.append(f"{d} = {expr}  # d {out} / d input {i}")
                        if "UNDEFINED" in expr:
                            forward.append(f"if {d} is UNDEFINED: raise UseEngine")
                        checked.append(d)
                        partial_text[k, i] = d
            elif edges:
                d = namer.fresh(f"d_{out}")
                forward.append(f"{d} = {rule_ref(rule)}.partials({', '.join(operands + [out])})  # d {out} / d inputs")
                for i in edges:
                    forward.append(f"if {d}[{i}].__class__ is Undefined: raise UseEngine")
                    partial_text[k, i] = f"{d}[{i}]"
                    checked.append(f"{d}[{i}]")
        position[k] = len(forward)

    # Guards go right after both of their operands exist.
    placed: dict[int, list[str]] = {}
    for guard in trace.guards:
        at = max((position[r[1]] for r in (guard.left, guard.right) if r is not None and r[0] == "n"), default=0)
        placed.setdefault(at, []).append(_guard_line(guard, text))
    body: list[str] = []
    for i in range(len(forward) + 1):
        body.extend(placed.get(i, []))
        if i < len(forward):
            body.append(forward[i])
    root = text(trace.root)

    # Backward: seed the root, then each node's gradient to its parents, children first.
    gnames: dict[Ref, str] = {}

    def gname(r: Ref) -> str:
        if r not in gnames:
            gnames[r] = namer.fresh(f"g_{text(r)}")
        return gnames[r]

    blocks: list[tuple[str, list[tuple[str, str]], str]] = []  # (g of node, [(target, term)], comment)
    for k in reversed(backward_nodes):
        node = nodes[k]
        g = gname(("n", k))
        comment = f"{nnames[k]} = {node.rule.name}(...): " + node.rule.math.split(";", 1)[-1].strip()
        pushes = []
        for i, r in enumerate(node.inputs):
            if node.value_parents[i] and wants(r):
                d = partial_text[k, i]
                pushes.append((gname(r), g if d == "1.0" else (f"-{g}" if d == "-1.0" else f"{g} * {d}")))
        if pushes:
            blocks.append((g, pushes, comment))
    pgrads = {gnames[("p", j)]: j for j in range(len(trace.params)) if ("p", j) in gnames}
    root_is_param = trace.root[0] == "p"
    # A node whose gradient only comes through relu-like partials (exactly 0 when off) and
    # that pushes to many parents skips its block when its gradient is 0: every value was
    # checked finite, so the skipped terms were all +-0.
    feeds: dict[int, list[int]] = {}
    for c in backward_nodes:
        for r in nodes[c].inputs:
            if r[0] == "n":
                feeds.setdefault(r[1], []).append(c)

    def gated(c: int) -> bool:
        return any("else 0.0" in code for code in getattr(nodes[c].rule, "partials_code", ()))

    skippable_nodes = {nnames[k] for k in backward_nodes if k in feeds and all(gated(c) for c in feeds[k])}
    skippable_g = {gnames[("n", k)] for k in backward_nodes if nnames[k] in skippable_nodes and ("n", k) in gnames}

    def indent(lines: list[str], n: int) -> list[str]:
        return [" " * n + line for line in lines]

    def render(over: bool) -> list[str]:
        lines: list[str] = []
        started: set[str] = set(pgrads) if over else set()
        inits: list[str] = []
        for g, pushes, _ in blocks:  # targets first reached inside a skippable block start at 0.0
            skippable = len(pushes) >= _SKIP_MIN and g in skippable_g
            for target, _ in pushes:
                if target not in started:
                    started.add(target)
                    if skippable:
                        inits.append(target)
        if trace.root[0] == "n" and trace.root[1] in backward_nodes:
            lines.append(f"{gname(trace.root)} = seed  # d out / d out")
        lines += [f"{t} = 0.0" for t in inits]
        assigned: set[str] = set(pgrads) if over else set()
        assigned.update(inits)
        for g, pushes, comment in blocks:
            skippable = len(pushes) >= _SKIP_MIN and g in skippable_g
            body_lines = []
            for target, term in pushes:
                op = "+=" if target in assigned else "="
                assigned.add(target)
                body_lines.append(f"{target} {op} {term}")
            if skippable:
                lines.append(f"if {g}:  # {comment}")
                lines += indent(body_lines, 4)
            else:
                body_lines[0] += f"  # {comment}"
                lines += body_lines
        return lines

    reads = [f"{pnames[j]} = P[{j}].data" for j in range(len(trace.params))]
    unpack = [f"{', '.join(anames)}, = A"] if anames else []

    def check(terms: list[str]) -> list[str]:
        if not terms:
            return []
        chunks = [terms[i:i + _CHUNK] for i in range(0, len(terms), _CHUNK)]
        lines = [f"fail {'=' if j == 0 else '+='} {' + '.join(c)}" for j, c in enumerate(chunks)]
        return lines + ["if fail - fail != 0.0: raise UseEngine"]

    note = "# inf or nan: replay through the engine (it raises OverflowError where finite inputs give them)"
    example_check = check(anames + checked)
    writes = [f"P[{j}].grad += {g}" for g, j in pgrads.items()]
    if root_is_param:
        writes.append(f"P[{trace.root[1]}].grad += seed")
    doc = f'"""{root} and d {root} / d parameters, replayed from the trace (autograd_core.compile)."""'
    call = [f"def {name}(P, A, seed):", "    " + doc,
            "    # parameters (read on every call) and arguments", *indent(reads + unpack, 4),
            "    # forward: one line per node", *indent(body, 4),
            "    " + note, *indent(check(pnames + anames + checked), 4)]
    if blocks or trace.root[0] == "n":
        call += ["    # backward: g_v = d out / d v, from the output down (the chain rule, written out)",
                 *indent(render(False), 4)]
    call += ["    # accumulate into .grad, as backward() does", *indent(writes, 4), f"    return {root}"]

    # Data-set loop: parameter gradients in locals across examples, one write at the end.
    over = [f"def {name}_over(P, rows, seed):",
            f'    """Each row replays {root} (forward, backward); returns the values (None: replay it by hand)."""',
            *indent(reads + check(pnames) + [f"{g} = 0.0" for g in pgrads], 4),
            "    outs = []", "    push = outs.append", "    for A in rows:",
            "        try:", *indent(unpack + body + example_check, 12),
            "        except Exception:", "            push(None)", "            continue",
            f"        push({root})", *indent(render(True), 8),
            *indent([w for w in writes if not w.endswith("+= seed")], 4)]
    if root_is_param:
        over.append(f"    P[{trace.root[1]}].grad += seed * (len(outs) - outs.count(None))")
    over.append("    return outs")
    if forward_only:
        root = "(" + ", ".join(text(r) for r in trace.outputs) + ",)"
    values = [f"def {name}_values(P, rows):",
              f'    """{root} for each row, forward only (None: replay it by hand)."""',
              *indent(reads + check(pnames), 4), "    outs = []", "    push = outs.append", "    for A in rows:",
              "        try:", *indent(unpack + body + example_check, 12),
              "        except Exception:", "            push(None)", "            continue",
              f"        push({root})", "    return outs"]
    source = "\n".join(call) + "\n"
    over_source = "\n".join(over) + "\n"
    values_source = "\n".join(values) + "\n"
    if forward_only:
        return Program(values_source, "", values_source, namespace, name)
    return Program(source, over_source, values_source, namespace, name)



def _guard_line(g: Guard, text: Any) -> str:
    left = text(g.left)
    if g.op == "bool":
        cond = f"{left} != 0.0"
        shown = f"bool({left})"
    else:
        cond = f"{left} {_OPS[g.op]} {text(g.right)}"
        shown = cond
    check = f"not ({cond})" if g.result else f"{cond}"
    return f"if {check}: raise GuardFailed  # guard: {shown} was {g.result}"
