"""Memory: graphs are freed by reference counting alone (no cycles, no closures), and a
node is a single garbage-collector-tracked object with a small footprint."""

from __future__ import annotations

import gc
import tracemalloc
import types
import weakref
from collections.abc import Callable

import pytest

import autograd_core as ag
from autograd_core import Value, grad, topological_order

from .helpers import collector_disabled


def _every_kind_of_node() -> Value:
    """A graph using every operator, every method, constants on both sides, shared
    subexpressions, a repeated parent and the n-ary nodes."""
    a, b = Value(0.8, label="a"), Value(-0.4, label="b")
    c = a * b + a  # shared: a used twice
    d = c * c - 2 * a / (b - 3) + (a + 1) ** 2 + 2**b + a ** b.abs()
    e = d.tanh() + d.sigmoid() + (a * a).log() + a.sqrt() + b.exp() + b.relu() + b.sin() * b.cos()
    f = -e + abs(b) + ag.sum([a, b, c, 1.0]) + ag.dot([a, b], [c, 2.0]) + ag.tanh(e)
    return f


def _weakrefs(root: Value) -> list[weakref.ref]:
    return [weakref.ref(v) for v in topological_order(root)]


def _assert_freed(build: Callable[[], list[weakref.ref]]) -> None:
    with collector_disabled():
        refs = build()  # every strong reference dies with build's frame
        alive = [r() for r in refs if r() is not None]
        assert not alive, f"{len(alive)} of {len(refs)} nodes outlive their graph: {alive[:3]}"


def test_dropped_graph_is_freed_immediately_with_the_collector_disabled():
    _assert_freed(lambda: _weakrefs(_every_kind_of_node()))


def test_graph_is_freed_after_backward():
    def build() -> list[weakref.ref]:
        root = _every_kind_of_node()
        root.backward()
        return _weakrefs(root)

    _assert_freed(build)


def test_graph_and_its_derivative_graphs_are_freed_after_create_graph():
    def build() -> list[weakref.ref]:
        root = _every_kind_of_node()
        leaves = [v for v in topological_order(root) if v.is_leaf()]
        firsts = grad(root, leaves, create_graph=True)
        second = grad(firsts[0], leaves, create_graph=True)
        return _weakrefs(root) + [r for g in [*firsts, *second] for r in _weakrefs(g)]

    _assert_freed(build)


def test_graph_is_freed_after_a_failed_backward():
    def build() -> list[weakref.ref]:
        root = Value(-2.0) ** Value(2.0) * Value(3.0)
        with pytest.raises(ValueError):
            root.backward()
        return _weakrefs(root)

    _assert_freed(build)


def test_nodes_have_no_instance_dict():
    for node in topological_order(_every_kind_of_node()):
        assert not hasattr(node, "__dict__")


def _slot_names() -> list[str]:
    names = []
    for cls in Value.__mro__:
        slots = cls.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else list(slots)
    return [n for n in names if n != "__weakref__"]


def test_nodes_hold_no_functions_or_closures_in_their_slots():
    callables = (types.FunctionType, types.MethodType, types.BuiltinFunctionType)
    for node in topological_order(_every_kind_of_node()):
        for name in _slot_names():
            held = getattr(node, name, None)
            items = held if isinstance(held, tuple) else (held,)
            for item in items:
                assert not isinstance(item, callables), f"{node!r}.{name} holds {item!r}"
                assert not (callable(item) and item.__class__ is not Value), f"{name}: {item!r}"


def test_node_data_and_grad_are_untracked_floats():
    node = Value(1.5) * Value(2.0)
    node.backward()
    assert type(node.data) is float and not gc.is_tracked(node.data)
    assert type(node.grad) is float and not gc.is_tracked(node.grad)
    assert gc.is_tracked(node)


def _tracked_objects_per_node(make: Callable[[], Value], n: int = 4000) -> float:
    """How many GC-tracked objects building one node adds (the node itself counts)."""
    keep: list = [None] * n
    with collector_disabled():
        before = len(gc.get_objects())
        for i in range(n):
            keep[i] = make()
        after = len(gc.get_objects())
    return (after - before) / n


X, Y = Value(0.5), Value(0.25)
BUILDERS = {
    "value * value": lambda: X * Y,
    "value + value": lambda: X + Y,
    "value ** value": lambda: X**Y,
    "tanh(value)": lambda: X.tanh(),
    "-value": lambda: -X,
}
WITH_CONSTANTS = {
    "value * constant": lambda: X * 2.0,
    "constant - value": lambda: 1.0 - X,
    "value ** constant": lambda: X**2,
}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_node_of_values_is_one_gc_tracked_object(kind):
    assert _tracked_objects_per_node(BUILDERS[kind]) < 1.5


@pytest.mark.parametrize("kind", sorted(WITH_CONSTANTS))
def test_a_node_mixing_a_value_and_a_constant_is_one_gc_tracked_object(kind):
    assert _tracked_objects_per_node(WITH_CONSTANTS[kind]) < 1.5


def _bytes_per_node(make: Callable[[], Value], n: int = 4000) -> float:
    keep: list = [None] * n
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for i in range(n):
            keep[i] = make()
        return (tracemalloc.get_traced_memory()[0] - start) / n
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def micrograd_bytes_per_node() -> float:
    """micrograd's cost of one ``a * b`` node, measured in this run (the peer of the benchmarks)."""
    engine = pytest.importorskip("micrograd.engine", reason='micrograd is the peer: pip install "autograd-core[bench]"')
    a, b = engine.Value(1.5), engine.Value(-0.5)
    return _bytes_per_node(lambda: a * b)


@pytest.mark.parametrize("kind", sorted({**BUILDERS, **WITH_CONSTANTS}))
def test_a_node_costs_less_than_half_of_micrograds_bytes(kind, micrograd_bytes_per_node):
    make = {**BUILDERS, **WITH_CONSTANTS}[kind]
    assert _bytes_per_node(make) < micrograd_bytes_per_node / 2
