"""Tracing: call ``f`` once on Values and record the graph, the guards and the leaves.

A trace turns the arguments into Values (same nesting), runs ``f`` while
:func:`~autograd_core.value.watch_comparisons` records every comparison and ``bool()`` of a
Value (the guards), and then converts the graph into a small intermediate form that holds
no Value of the trace except the parameters: leaves that are still alive once the trace's
graph is dropped (a model's weights). Leaves that die with the graph (``nn``'s bias input
``x0 = Value(1.0)``, made anew on every call) can neither be read nor see their gradient,
so they become constants.
"""

from __future__ import annotations

import gc
import inspect
import numbers
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, cast

from ..custom import custom_error, is_custom
from ..graph import topological_order
from ..modes import get_observer, observing
from ..rules import Rule
from ..value import Value, enable_grad, watch_comparisons
from .homes import reachable
from .shifts import SHIFT, Shift, ancestors_of, place_shifts

__all__ = [
    "Spec",
    "Ref",
    "Node",
    "Guard",
    "Trace",
    "shape_of",
    "flatten",
    "arg_names",
    "trace",
    "depends_on_parameters",
]

Spec = tuple[Any, ...] | None  # None: a float; a tuple: a list/tuple with one spec per item
"""The nesting of one argument: ``None`` for a float, else a tuple of the items' specs."""

Ref = tuple[str, Any]  # ("n", k) node k, ("p", j) parameter j, ("a", i) flat argument i, ("c", x) constant x


@dataclass(slots=True)
class Node:
    """One basic-function application: ``rule(*inputs)``; ``value`` is the trace-time data."""

    rule: Rule
    inputs: list[Ref]
    value_parents: Sequence[bool]  # True where the engine saw a Value (it keeps a local derivative)
    label: str
    value: float


@dataclass(slots=True)
class Guard:
    """``left <op> right`` was ``result`` during the trace (``op`` "bool": ``left != 0``)."""

    op: str
    left: Ref
    right: Ref | None
    result: bool


@dataclass
class Trace:
    """What replays need: nodes in an order that computes them, root, guards, parameters."""

    nodes: list[Node]
    root: Ref
    guards: list[Guard]
    params: list[Value]
    param_labels: list[str]
    arg_labels: list[str]
    ancestors: set[int]  # nodes the root depends on: they get a backward pass
    float_reads: int = 0  # float(v), round(v), format(v) during the trace: invisible to guards
    unsupported: list[str] = field(default_factory=list)
    result: float = 0.0
    outputs: list[Ref] = field(default_factory=list)  # every output (forward-only traces of several)
    constant_leaves: list[tuple[int, str]] = field(default_factory=list)  # (leaf, label) that died with the graph
    leaf_data: list[float] = field(default_factory=list)  # every leaf's data during the trace
    leaf_count: int = 0
    unreplayed: int = 0  # nodes f made that reach neither the result nor a guard: a replay skips them
    unprobed: bool = False  # the probe could not run f on moved data: its numbers are unchecked


def depends_on_parameters(nodes: Sequence[Node]) -> list[bool]:
    """Per node: whether its value depends on a parameter through value parents, the inputs a
    gradient flows through (a number read from data, like ``x * w.data`` or a max_data shift,
    passes none). The code generators give a gradient only to such nodes."""
    depends = [False] * len(nodes)
    for k, node in enumerate(nodes):
        for (kind, x), is_value in zip(node.inputs, node.value_parents):
            if is_value and (kind == "p" or (kind == "n" and depends[x])):
                depends[k] = True
                break
    return depends


def _kind(x: Any) -> str:
    return type(x).__name__


def shape_of(x: Any, where: str) -> Spec:
    """The nesting of an example argument (floats or nested lists/tuples of floats)."""
    specs: dict[int, Any] = {}
    stack: list[tuple[Any, bool]] = [(x, False)]
    while stack:  # iterative post-order: children's specs before their container's
        item, done = stack.pop()
        if isinstance(item, (list, tuple)):
            if done:
                specs[id(item)] = tuple(specs[id(c)] if isinstance(c, (list, tuple)) else None for c in item)
            else:
                stack.append((item, True))
                stack.extend((c, False) for c in item)
        elif isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise TypeError(
                f"compile: {where} must be a float or a nested list of floats, found {_kind(item)} {item!r:.60}"
            )
    return specs[id(x)] if isinstance(x, (list, tuple)) else None


def _describe_spec(spec: Spec) -> str:
    if spec is None:
        return "a float"
    if all(s is None for s in spec):
        return f"a list of {len(spec)} floats"
    return f"a list of {len(spec)} items"


def flatten(args: Sequence[Any], specs: Sequence[Spec], names: Sequence[str], out: list[float]) -> None:
    """Append the floats of ``args`` to ``out``, checking them against ``specs``.

    ``names`` says where each argument is (``"argument 0 (x)"``). ``ValueError`` names the
    argument, the position inside it and what was expected; ``TypeError`` a value that is
    not a real number (ints become floats; nan and inf pass, as in ``Value``).
    """
    if len(args) != len(specs):
        raise TypeError(f"compile: expected {len(specs)} arguments like the example, got {len(args)}")
    push = out.append
    stack: list[tuple[Any, Spec, str]] = [(a, s, names[i]) for i, (a, s) in enumerate(zip(args, specs))][::-1]
    while stack:
        x, spec, where = stack.pop()
        if spec is None:
            if x.__class__ is float:
                push(x)
            elif isinstance(x, numbers.Real) and not isinstance(x, (bool, Value)):
                try:
                    push(float(x))
                except OverflowError:
                    raise ValueError(f"compile: {where} is an int too large for a float, {x!r:.40}...") from None
            elif isinstance(x, (list, tuple)):
                raise ValueError(f"compile: {where} should be a float like the example's, got a {_kind(x)} of {len(x)}")
            else:
                raise TypeError(f"compile: {where} must be a float, got {_kind(x)} {x!r:.60}")
            continue
        if not isinstance(x, (list, tuple)) or len(x) != len(spec):
            got = f"a {_kind(x)} of {len(x)} items" if isinstance(x, (list, tuple)) else f"{_kind(x)} {x!r:.40}"
            raise ValueError(f"compile: {where} should be {_describe_spec(spec)} like the example's, got {got}")
        if all(s is None for s in spec) and all(v.__class__ is float for v in x):
            out.extend(x)  # the common case: a flat list of floats
            continue
        stack.extend((x[i], spec[i], f"{where}[{i}]") for i in range(len(spec) - 1, -1, -1))


def unflatten(flat: Sequence[Any], specs: Sequence[Spec], kinds: Sequence[Any]) -> list[Any]:
    """Rebuild the arguments' nesting around ``flat`` (Values or floats), containers as in ``kinds``."""
    it = iter(flat)
    result = []
    for spec, kind in zip(specs, kinds):
        if spec is None:
            result.append(next(it))
            continue
        # iterative build: a stack of (spec, kind, items being filled)
        root: list[Any] = []
        stack: list[tuple[Spec, Any, list[Any], int]] = [(spec, kind, root, 0)]
        while stack:
            spec_or_none, k, items, i = stack.pop()
            s = cast(tuple[Any, ...], spec_or_none)
            if i == len(s):
                built = tuple(items) if k[0] is tuple else items
                if stack:
                    stack[-1][2].append(built)
                else:
                    result.append(built)
                continue
            stack.append((s, k, items, i + 1))
            if s[i] is None:
                items.append(next(it))
            else:
                stack.append((s[i], k[1][i], [], 0))
    return result


def kinds_of(x: Any) -> Any:
    """Container types of an example argument: None for a float, (type, [children kinds])."""
    if not isinstance(x, (list, tuple)):
        return None
    top: list[Any] = [type(x) if type(x) in (list, tuple) else list, []]
    stack = [(x, top)]
    while stack:
        item, entry = stack.pop()
        for c in item:
            if isinstance(c, (list, tuple)):
                child: list[Any] = [type(c) if type(c) in (list, tuple) else list, []]
                entry[1].append(child)
                stack.append((c, child))
            else:
                entry[1].append(None)
    return top


def arg_names(f: Callable[..., Any], n: int) -> list[str]:
    """Names for ``f``'s positional arguments (its parameter names where it has them)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names: list[str] = []
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and len(names) < n:
            names.append(p.name)
    names += [f"arg{i}" for i in range(len(names), n)]
    return names


def _labels(specs: Sequence[Spec], names: Sequence[str]) -> list[str]:
    """Labels of the flat arguments: ``x``, ``x[0]``, ``x[0][1]``..."""
    labels: list[str] = []
    stack: list[tuple[Spec, str]] = [(s, n) for s, n in zip(specs, names)][::-1]
    while stack:
        spec, label = stack.pop()
        if spec is None:
            labels.append(label)
        else:
            stack.extend((spec[i], f"{label}[{i}]") for i in range(len(spec) - 1, -1, -1))
    return labels


class _Recorder:
    """The comparison watcher: keeps every event (op, left, right, result) of the trace; as an
    observer it counts the nodes ``f`` makes (and passes them on to the observer it replaces)."""

    def __init__(self, observer: Any = None) -> None:
        self.events: list[tuple[str, Any, Any, Any]] = []
        self.made = 0
        self.observer = observer

    def __call__(self, op: str, left: Any, right: Any, result: Any) -> None:
        self.events.append((op, left, right, result))

    def created(self, node: Value) -> None:
        self.made += 1
        if self.observer is not None:
            self.observer.created(node)

    def propagating(self, node: Value) -> None:
        if self.observer is not None:
            self.observer.propagating(node)


def trace(
    f: Callable[..., Any],
    flat: Sequence[float],
    specs: Sequence[Spec],
    kinds: Sequence[Any],
    names: Sequence[str],
    several: bool = False,
) -> Trace:
    """Call ``f`` once on Values holding ``flat`` and return the :class:`Trace` of it.

    ``several``: ``f`` returns a Value or a list of Values (outputs for a forward-only replay).
    The trace records even inside ``no_grad()`` (a replay then runs forward only).

    If the trace holds constants that ``f`` may have computed (leaves made inside ``f``, like
    ``Value(1.0)`` but also ``x.detach()`` or ``Value(w.data * 2)``, or numbers that are inputs
    of a node, like ``x * w.data``), ``f`` is run a second time with the arguments and the
    ``.data`` of every Value ``f`` reaches (:func:`.homes.reachable`: the parameters, a model's
    weights) slightly moved: a constant that moves with them is a ``ValueError`` naming it
    (the engine recomputes it on every call, a replay would not). The ``.data`` is put back.
    """
    labels = _labels(specs, names)
    recorder = _Recorder(get_observer())
    result, layout = _convert(*_run(f, flat, specs, kinds, labels, several, recorder), labels, several)
    result.unreplayed = recorder.made - (len(result.nodes) - layout.shifts)
    del recorder
    reached = _resolve_leaves(result, layout.leaves, f)
    if result.constant_leaves or layout.numbers:
        _probe(f, flat, specs, kinds, labels, several, result, layout, reached)
    return result


def _run(
    f: Callable[..., Any],
    flat: Sequence[float],
    specs: Sequence[Spec],
    kinds: Sequence[Any],
    labels: list[str],
    several: bool,
    recorder: _Recorder | None = None,
) -> tuple[list[Value], list[Value], list[tuple[str, Any, Any, Any]]]:
    """``f`` on new Values holding ``flat``, recorded: (outputs, argument leaves, comparison events).
    With a ``recorder`` it also counts the nodes ``f`` makes (its observer); without, it does not."""
    leaves = [Value(x, label) for x, label in zip(flat, labels)]
    counted = recorder is not None
    recorder = recorder or _Recorder()
    with enable_grad(), watch_comparisons(recorder), observing(recorder) if counted else nullcontext():
        out = f(*unflatten(leaves, specs, kinds))
    outputs = list(out) if several and isinstance(out, (list, tuple)) and out else [out]
    for o in outputs:
        if not isinstance(o, Value):
            what = (
                f"a {type(out).__name__} of {len(out)}"
                if isinstance(out, (list, tuple))
                else f"{type(out).__name__} {out!r:.60}"
            )
            expected = "a Value or a list of Values" if several else "one scalar Value"
            raise TypeError(f"compile: f must return {expected}, got {what}")
    return outputs, leaves, recorder.events


def _probe(
    f: Callable[..., Any],
    flat: Sequence[float],
    specs: Sequence[Spec],
    kinds: Sequence[Any],
    labels: list[str],
    several: bool,
    traced: Trace,
    layout: _Layout,
    reached: list[Value] | None = None,
) -> None:
    """Run ``f`` again on arguments and parameters moved a little (up, then down if the graph
    changed; the parameters' ``.data`` is put back exactly): a leaf made inside ``f`` that
    became a constant, and a number that is a node's input, must hold the same value, or it
    was computed from data outside the graph, and a replay would keep the trace-time number.
    If ``f`` refuses moved arguments (a class index must stay a whole number), the parameters
    alone are moved; if neither run compares, ``traced.unprobed`` is set (compile warns).
    The second graph is not converted: it is ordered as the first, and each traced node or leaf
    compared with the item at its place (``layout``). ``reached``: :func:`_reached` of ``f`` if known."""
    params = list({id(v): v for v in [*traced.params, *(reached if reached is not None else _reached(f))]}.values())
    saved = [p.data for p in params]
    expected: list[Rule | None] = [None] * layout.size  # the rule at each place of the order (None: a leaf)
    for place, node in zip(layout.at, traced.nodes):
        expected[place] = node.rule
    traced.unprobed = True
    for arguments, direction in ((True, 1.0), (True, -1.0), (False, 1.0), (False, -1.0)):
        moved = [x + direction * _nudge(x) for x in flat] if arguments else list(flat)
        try:
            for p, x in zip(params, saved):
                p.data = x + direction * _nudge(x)
            outputs, _, events = _run(f, moved, specs, kinds, labels, several)
            order = _ordered(outputs, events)[0]
        except Exception:  # noqa: BLE001 - f fails nearby: nothing to compare
            continue
        finally:
            for p, x in zip(params, saved):
                p.data = x
        if (
            len(order) != layout.size
            or [v.rule for v in order] != expected
            or [(op, bool(result)) for op, _, _, result in _guarded(events, [])]
            != [(g.op, g.result) for g in traced.guards]
        ):
            continue  # another graph (a guard flipped): try the other side
        for j, label in traced.constant_leaves:
            if not _same(order[layout.leaf_at[j]].data, traced.leaf_data[j]):
                shown = f"'{label}'" if label else "an unlabelled Value"
                raise ValueError(
                    f"compile: {shown} (= {traced.leaf_data[j]!r}) was made inside f from the arguments' data "
                    "or a parameter's (x.detach(), Value(x.data), Value(w.data * 2), no_grad()) or changes from "
                    "call to call: a replay would keep this number while the engine recomputes it; compute it "
                    "with Values instead"
                )
        at = layout.at
        sources = _Sources(traced, order, at, params, saved, [p.data + direction * _nudge(p.data) for p in params])
        sources.moved_flat = (flat, moved)
        for k in layout.numbers:
            node = traced.nodes[k]
            ins = order[at[k]].inputs
            for i, (r, q) in enumerate(zip(node.inputs, ins)):  # (a variadic rule may have another arity there)
                # (a dead leaf is a Value here: compared above)
                if r[0] == "c" and not isinstance(q, Value) and not _same(q, r[1]):
                    ref = sources.find(r[1], q, k)
                    shown = f"'{node.label}'" if node.label else f"the {node.rule.name} node {k} (unlabelled)"
                    if ref == ("n", -1):
                        raise ValueError(
                            f"compile: input {i} of {shown} is the number {r[1]!r}, the data of another node of f "
                            "(v.data, float(v), max(f.data for f in ...)): a replay would keep this number while the "
                            "engine recomputes it; use the Value itself, or autograd_core.functions.max_data(values) "
                            "for the largest of some values (a replay recomputes it)"
                        )
                    if ref is None:
                        raise ValueError(
                            f"compile: input {i} of {shown} is the number {r[1]!r}, made inside f from the "
                            "arguments' data or a parameter's (w.data, float(x)): a replay would keep this number "
                            "while the engine recomputes it; use the Value itself"
                        )
                    node.inputs[i] = ref  # read on every call, as the engine does (no gradient: it was a number)
        traced.unprobed = False
        return


class _Sources:
    """Where a number ``f`` read from data comes from: a leaf whose data it is in the trace and
    in the moved run (``x * w.data``: the replay reads ``w.data`` on every call), or a node's
    value (``v.data`` of a node: refused, a replay cannot read it in the engine's order)."""

    def __init__(
        self,
        traced: Trace,
        order: list[Any],
        at: list[int],
        reached: list[Value],
        before: list[float],
        after: list[float],
    ):
        self.traced, self.order, self.at = traced, order, at  # node m of the moved run: order[at[m]]
        self.reached, self.before, self.after = reached, before, after
        self.moved_flat: tuple[Sequence[float], Sequence[float]] = ((), ())
        self.by_value: dict[float, list[int]] | None = None

    def find(self, x: float, y: float, k: int) -> Ref | None:
        traced = self.traced
        for v, a, b in zip(self.reached, self.before, self.after):
            if a == x and b == y:
                if not any(p is v for p in traced.params):
                    traced.params.append(v)  # read on every call; it gets no gradient
                    traced.param_labels.append(v.label)
                return ("p", next(j for j, p in enumerate(traced.params) if p is v))
        for i, (a, b) in enumerate(zip(*self.moved_flat)):
            if a == x and b == y:
                return ("a", i)
        if self.by_value is None:
            self.by_value = {}
            for m, n in enumerate(traced.nodes):
                self.by_value.setdefault(n.value, []).append(m)
        if any(self.order[self.at[m]].data == y for m in self.by_value.get(x, [])):
            return ("n", -1)
        return None


def _nudge(x: float) -> float:
    return max(abs(x), 1.0) * 2.0**-20 if x == x and abs(x) != float("inf") else 0.0


def _same(a: Any, b: Any) -> bool:
    return bool(a == b or (a != a and b != b))


@dataclass(slots=True)
class _Layout:
    """Where :func:`_convert` found each node and leaf in the order it walked (the probe compares
    another run of ``f`` place by place), the leaves, and the nodes with a number among their inputs."""

    size: int  # items in the order (arguments included)
    at: list[int]  # node -> its place
    leaf_at: list[int]  # leaf -> its place
    leaves: list[tuple[weakref.ref[Value], float, str]]  # (the leaf, its data, its label)
    numbers: list[int]  # nodes with a constant (a number) among their inputs
    shifts: int  # nodes that are max_data's numbers (:class:`.shifts.Shift`), not made by f


def _ordered(outputs: list[Value], events: list[tuple[str, Any, Any, Any]]) -> tuple[list[Any], int, bool]:
    """(order, float reads, whether shifts were placed): the nodes the outputs and the guards'
    operands depend on, each once, in an order that computes them, the output's first (the nodes
    it depends on are exactly those ordered up to and including it, unless shifts were placed),
    with max_data's numbers (:class:`.shifts.Shift`) placed where a replay computes them."""
    tops: list[Value] = list(outputs)
    float_reads = 0
    shifts: list[Shift] = []
    for op, left, right, result in events:
        if op == "float":
            float_reads += 1
        elif op == "max":
            shifts.append(Shift(left, result))
            tops += [x for x in left if isinstance(x, Value)]
        elif isinstance(left, Value):
            tops.append(left)
            if isinstance(right, Value):
                tops.append(right)
    order: list[Any] = topological_order(tops)  # one walk over all (each node once)
    if not shifts:
        return order, float_reads, False
    placed = place_shifts(order, shifts)
    if placed is None:
        raise ValueError(
            "compile: f uses a max_data number where a replay cannot compute it in the engine's order "
            "(placing it would change the order a gradient's terms are added in); call f through the engine"
        )
    return placed, float_reads, len(placed) != len(order)


def _guarded(events: list[tuple[str, Any, Any, Any]], unsupported: list[str]) -> Iterator[tuple[str, Value, Any, bool]]:
    """The comparisons that become guards: (op, left, right, result), ``right`` None for ``bool``,
    a Value or a float; a comparison with something else is described in ``unsupported``."""
    for op, left, right, result in events:
        if op == "float" or not isinstance(left, Value):
            continue
        if op == "bool":
            yield op, left, None, bool(result)
        elif isinstance(right, Value):
            yield op, left, right, bool(result)
        elif isinstance(right, numbers.Real) and not isinstance(right, bool):
            yield op, left, float(right), bool(result)
        elif op in ("eq", "ne") and (right is None or isinstance(right, (str, bytes, list, tuple, dict))):
            continue  # v == None is False whatever v holds: nothing to guard
        else:
            unsupported.append(f"{op} against {type(right).__name__}")


def _convert(
    outputs: list[Value], args: list[Value], events: list[tuple[str, Any, Any, Any]], labels: list[str], several: bool
) -> tuple[Trace, _Layout]:
    keep: list[Any] = [args]  # ids stay unique while every Value is referenced here
    nodes: list[Node] = []
    leaves: list[tuple[weakref.ref[Value], float, str]] = []
    root = outputs[0]
    order, float_reads, moved = _ordered(outputs, events)
    keep.append(order)
    at: list[int] = []
    leaf_at: list[int] = []
    numbers_in: list[int] = []
    shift_refs: dict[int, Ref] = {}  # id(m) -> the shift node (max_data's numbers, :mod:`.shifts`)
    shifts = 0
    # Values hash by identity (Value.__hash__ is object's): the Values themselves are the keys, looked
    # up without making an int per lookup; a subclass of Value may hash otherwise, then ids are.
    by_value = set(map(type, order)) <= _BY_VALUE
    key: Callable[[Any], Any] = _itself if by_value else id
    refs: dict[Any, Ref] = {key(a): ("a", i) for i, a in enumerate(args)}
    root_done = several
    below_root = 0  # the nodes ordered up to the root: the root depends on exactly these
    new_node = Node
    all_values: dict[int, tuple[bool, ...]] = {}  # one (True, ..., True) per arity, shared by the nodes
    ref_of: Callable[[Any], Ref | None] = refs.get
    for place, v in enumerate(order):
        if v.__class__ is Shift:
            shifts += 1
            shift_refs[id(v.m)] = ("n", len(nodes))
            inputs = [refs[key(x)] if isinstance(x, Value) else ("c", float(x)) for x in v.values]
            if any(r[0] == "c" for r in inputs):
                numbers_in.append(len(nodes))
            at.append(place)
            nodes.append(new_node(SHIFT, inputs, [False] * len(inputs), "m", v.m))
            continue
        k = v if by_value else id(v)
        if k not in refs:
            rule = v.rule
            if rule is None:  # a leaf
                refs[k] = ("l", len(leaves))
                leaf_at.append(place)
                leaves.append((weakref.ref(v), v.data, v.label))
            else:
                if is_custom(v):
                    raise custom_error("compile", v, "is Python code the generated replay cannot run")
                ins = v.inputs
                found: list[Any] = list(map(ref_of, ins if by_value else map(id, ins)))  # all Values made before
                if None not in found:  # (the usual case)
                    arity = len(ins)
                    is_value: Sequence[bool] = all_values.get(arity) or all_values.setdefault(arity, (True,) * arity)
                else:  # numbers among them (a float is no Value, nor is a live float's id a Value's)
                    is_value = [isinstance(x, Value) for x in ins]
                    found = [refs[key(x)] if b else shift_refs.get(id(x)) or ("c", x) for x, b in zip(ins, is_value)]
                    if any(r[0] == "c" for r in found):
                        numbers_in.append(len(nodes))
                refs[k] = ("n", len(nodes))
                at.append(place)
                nodes.append(new_node(rule, found, is_value, v.label, v.data))
        if not root_done:
            below_root = len(nodes)
            root_done = v is root
    root_ref = refs[key(root)]
    if several:
        ancestors: set[int] = set()
    elif moved:  # nodes were moved: the root's ancestors by its value parents
        ancestors = ancestors_of(nodes, root_ref[1]) if root_ref[0] == "n" else set()
    else:
        ancestors = set(range(below_root))
    unsupported: list[str] = []
    guards = [
        Guard(
            op,
            refs[key(left)],
            right if right is None else refs[key(right)] if isinstance(right, Value) else ("c", right),
            result,
        )
        for op, left, right, result in _guarded(events, unsupported)
    ]
    trace = Trace(
        nodes,
        root_ref,
        guards,
        [],
        [],
        labels,
        ancestors,
        float_reads,
        unsupported,
        root.data,
        [refs[key(o)] for o in outputs],
    )
    return trace, _Layout(len(order), at, leaf_at, leaves, numbers_in, shifts)


_BY_VALUE = {Value, Shift}
"""The classes :func:`_convert` may key by the object itself (they hash by identity)."""


def _itself(x: Any) -> Any:
    return x


def _reached(f: Callable[..., Any]) -> list[Value]:
    """The Values ``f`` reaches (:func:`.homes.reachable`): its parameters, a model's weights."""
    return [x for x in reachable(f) if isinstance(x, Value)]


def _resolve_leaves(
    trace: Trace, leaves: list[tuple[weakref.ref[Value], float, str]], f: Callable[..., Any]
) -> list[Value] | None:
    """Leaves still alive are parameters (read on every call); dead ones become constants.
    Returns :func:`_reached` of ``f`` if it was needed (None: no leaf was alive)."""
    trace.leaf_data = [data for _, data, _ in leaves]
    trace.leaf_count = len(leaves)
    alive = [v for v in (ref() for ref, _, _ in leaves) if v is not None]
    reached = _reached(f) if alive else None
    known = {id(v) for v in reached or ()}
    unknown = any(id(v) not in known for v in alive)
    del alive  # (it would keep a leaf of a reference cycle alive)
    if unknown:  # a leaf f does not reach may sit in a reference cycle of the young generation
        gc.collect(0)  # (the whole trace, while the collector is paused: only when needed)
    mapping: dict[int, Ref] = {}
    first_use: dict[int, int] = {}  # parameters are numbered in the order the forward pass uses them
    leaf_refs = {("l", j) for j in range(len(leaves))}
    users = [node for node in trace.nodes if not leaf_refs.isdisjoint(node.inputs)]  # the nodes that read a leaf
    for node in users:
        for r in node.inputs:
            if r[0] == "l":
                first_use.setdefault(r[1], len(first_use))
    for j in range(len(leaves)):
        first_use.setdefault(j, len(first_use))
    for j in sorted(range(len(leaves)), key=first_use.__getitem__):
        ref, data, label = leaves[j]
        v = ref()
        if v is None:
            mapping[j] = ("c", data)
            trace.constant_leaves.append((j, label))
        else:
            mapping[j] = ("p", len(trace.params))
            trace.params.append(v)
            trace.param_labels.append(label)

    def fix(r: Ref) -> Ref:
        return mapping[r[1]] if r[0] == "l" else r

    for node in users:
        node.inputs = [fix(r) for r in node.inputs]
    for g in trace.guards:
        g.left = fix(g.left)
        g.right = None if g.right is None else fix(g.right)
    trace.root = fix(trace.root)
    trace.outputs = [fix(r) for r in trace.outputs]
    return reached
