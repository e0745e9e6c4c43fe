"""micrograd's names on Value: ``_prev``, ``_op``, ``_backward``, ``Value(data, _children, _op, label)``,
custom nodes with a ``_backward`` closure, and Value subclasses."""

from __future__ import annotations

import gc
import importlib.util
import math
import pickle
import weakref

import pytest

import autograd_core as ac
from autograd_core import Value, grad, topological_order
from autograd_core.testing import GradcheckError, gradcheck

HAS_MICROGRAD = importlib.util.find_spec("micrograd") is not None


# --- helpers written the way a micrograd user writes them (iteratively here) ------------


def trace(root):
    """All nodes and edges (child -> node) reachable through ``_prev``, as a draw_dot helper does."""
    nodes, edges, stack = set(), set(), [root]
    while stack:
        v = stack.pop()
        if v in nodes:
            continue
        nodes.add(v)
        for child in v._prev:
            edges.add((child, v))
            stack.append(child)
    return nodes, edges


def build_topo(root):
    """Post-order over ``_prev`` (a set, so siblings in any order), as the lecture's build_topo."""
    topo, visited, stack = [], set(), [(root, False)]
    while stack:
        v, expanded = stack.pop()
        if expanded:
            topo.append(v)
        elif v not in visited:
            visited.add(v)
            stack.append((v, True))
            stack.extend((c, False) for c in v._prev)
    return topo


def cube(x):
    """x³ written as in the lecture video: a node with children, an op string and a closure."""
    out = Value(x.data**3, (x,), "cube")

    def _backward():
        x.grad += 3 * x.data**2 * out.grad

    out._backward = _backward
    return out


def wrong_cube(x):
    out = Value(x.data**3, (x,), "cube")

    def _backward():
        x.grad += 2 * x.data**2 * out.grad  # the planted mistake: 2 instead of 3

    out._backward = _backward
    return out


def mul(a, b):
    """a * b as a custom node with two children (micrograd's __mul__)."""
    out = Value(a.data * b.data, (a, b), "*")

    def _backward():
        a.grad += b.data * out.grad
        b.grad += a.data * out.grad

    out._backward = _backward
    return out


# --- _prev and _op ---------------------------------------------------------------------


def test_prev_is_the_set_of_parents_and_empty_for_a_leaf():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c + a
    assert c._prev == {a, b} and isinstance(c._prev, set)
    assert d._prev == {c, a}
    assert a._prev == set()
    assert (a * a)._prev == {a}
    assert (a * 2.0)._prev == {a}  # a constant is folded into the node, not a parent


@pytest.mark.parametrize(
    ("build", "op"),
    [
        (lambda a, b: a + b, "+"),
        (lambda a, b: a * b, "*"),
        (lambda a, b: a - b, "-"),
        (lambda a, b: a / b, "/"),
        (lambda a, b: a**2, "**2"),
        (lambda a, b: a**-1, "**-1"),
        (lambda a, b: a**0.5, "**0.5"),
        (lambda a, b: a**b, "**"),
        (lambda a, b: a.relu(), "ReLU"),
        (lambda a, b: a.tanh(), "tanh"),
        (lambda a, b: a.exp(), "exp"),
        (lambda a, b: ac.square(a), "**2"),
        (lambda a, b: -a, "neg"),
        (lambda a, b: a, ""),
    ],
)
def test_op_is_micrograds_string(build, op):
    a, b = Value(1.5), Value(0.5)
    assert build(a, b)._op == op


def test_micrograd_style_tracing_through_prev_and_op_sees_the_whole_graph():
    x1, w1, x2, w2, b = (
        Value(v, label=n) for v, n in [(2.0, "x1"), (-3.0, "w1"), (0.0, "x2"), (1.0, "w2"), (6.9, "b")]
    )
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    nodes, edges = trace(o)
    order = topological_order(o)
    assert nodes == set(order)
    assert edges == {(p, v) for v in order for p in v.parents}
    assert sorted(v._op for v in nodes) == sorted(["", "", "", "", "", "*", "*", "+", "+", "tanh"])
    labels = {v.label for v in nodes if not v._op}
    assert labels == {"x1", "w1", "x2", "w2", "b"}


def test_prev_op_and_backward_are_views_not_slots():
    for name in ("_prev", "_op", "_backward"):
        assert isinstance(Value.__dict__[name], property)
        assert name not in Value.__slots__


# --- _backward(): one step, by hand --------------------------------------------------------


def _neuron():
    x1, w1, x2, w2 = Value(2.0, label="x1"), Value(-3.0, label="w1"), Value(0.0, label="x2"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    s = x1w1 + x2w2
    n = s + b
    o = n.tanh()
    return [x1, w1, x2, w2, b], [x1w1, x2w2, s, n, o]


def test_manual_backward_node_by_node_matches_backward():
    leaves, (x1w1, x2w2, s, n, o) = _neuron()
    o.grad = 1.0
    o._backward()
    assert n.grad == pytest.approx(1.0 - o.data**2)
    n._backward()
    leaves[4]._backward()  # a leaf: nothing to push
    s._backward()
    x2w2._backward()
    x1w1._backward()
    manual = [v.grad for v in leaves]

    leaves2, (*_, o2) = _neuron()
    o2.backward()
    assert manual == pytest.approx([v.grad for v in leaves2], rel=1e-15)
    assert manual[0] == pytest.approx(-3.0 * 0.5) and manual[1] == pytest.approx(2.0 * 0.5)


def test_backward_step_accumulates_like_micrograd():
    a, b = Value(3.0), Value(4.0)
    c = a * b
    c.grad = 2.0
    c._backward()
    c._backward()
    assert (a.grad, b.grad) == (16.0, 12.0)  # += each time, as in micrograd


def test_the_lecture_loop_over_build_topo_gives_backwards_gradients():
    _, (*_, o) = _neuron()
    topo = build_topo(o)
    o.grad = 1.0
    for node in reversed(topo):
        node._backward()
    ours = {v.label: v.grad for v in topo if v.label}
    leaves, (*_, o2) = _neuron()
    o2.backward()
    assert ours == pytest.approx({v.label: v.grad for v in leaves}, rel=1e-15)


def test_propagate_is_the_public_name_of_the_step():
    a, b = Value(3.0), Value(4.0)
    c = a * b
    c.grad = 1.0
    c.propagate()
    assert (a.grad, b.grad) == (4.0, 3.0)
    with pytest.raises(TypeError, match="propagate: expected a Value"):
        ac.graph.propagate(3.0)  # type: ignore[arg-type]


def test_backward_of_an_engine_node_cannot_be_replaced():
    c = Value(1.0) * Value(2.0)
    with pytest.raises(AttributeError, match="rule 'mul'"):
        c._backward = lambda: None
    with pytest.raises(AttributeError, match="a leaf"):
        Value(1.0)._backward = lambda: None


# --- Value(data, _children, _op, label) -------------------------------------------------


def test_second_positional_string_is_still_the_label():
    assert Value(0.5, "w").label == "w"
    assert Value(2.0, label="a").label == "a"
    v = Value(1.0, (), "", "x")
    assert v.label == "x" and v.is_leaf()


def test_micrograd_constructor_with_children_makes_a_custom_node():
    a, b = Value(2.0), Value(3.0)
    out = Value(6.0, (a, b), "*", label="ab")
    assert not out.is_leaf() and out.label == "ab"
    assert out._op == "*" and out.op == "*"
    assert out._prev == {a, b} and out.parents == (a, b)
    assert Value(4.0, (a, a), "sq").parents == (a,)  # children form a set, as in micrograd
    assert Value(2.0, (a,), "relu")._op == "relu"  # a custom node keeps its maker's string


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((1.0, (), "x"), ValueError, "_op 'x' given without _children"),
        ((1.0, (2.0,), "x"), TypeError, r"_children\[0\] must be a Value, got float"),
        ((1.0, 5, "x"), TypeError, "_children must be a tuple of Values"),
        ((1.0, (Value(1.0),), 3), TypeError, "_op must be a str"),
        ((1.0, "a", "", "b"), TypeError, "label twice"),
    ],
)
def test_bad_micrograd_constructor_arguments_raise(args, error, match):
    with pytest.raises(error, match=match):
        Value(*args)


# --- custom nodes ------------------------------------------------------------------------


def test_custom_op_mixed_with_engine_ops_backpropagates_and_passes_gradcheck():
    def f(x, y):
        return (cube(x * y) + x).tanh() * y - cube(y)

    x, y = Value(0.7, label="x"), Value(-0.4, label="y")
    out = f(x, y)
    out.backward()
    t = math.tanh((0.7 * -0.4) ** 3 + 0.7)
    dx = (1 - t * t) * (3 * (0.7 * -0.4) ** 2 * -0.4 + 1) * -0.4
    assert x.grad == pytest.approx(dx, rel=1e-12)
    assert gradcheck(f, [x, y])


def test_a_custom_node_with_two_children_matches_the_engines_product():
    a, b = Value(1.5), Value(-2.0)
    mul(a, b).tanh().backward()
    c, d = Value(1.5), Value(-2.0)
    (c * d).tanh().backward()
    assert (a.grad, b.grad) == (c.grad, d.grad)


def test_backward_runs_closures_in_topological_order_once_each():
    calls = []

    def logged(x, name):
        out = Value(2.0 * x.data, (x,), name)

        def _backward():
            calls.append(name)
            x.grad += 2.0 * out.grad

        out._backward = _backward
        return out

    x = Value(1.0)
    h = logged(x, "first")
    y = logged(h, "second") + logged(h, "third")
    y.backward()
    assert sorted(calls[:2]) == ["second", "third"] and calls[2:] == ["first"]
    assert x.grad == 8.0


def test_a_custom_node_without_a_closure_pushes_nothing_as_in_micrograd():
    x = Value(2.0)
    out = Value(4.0, (x,), "sq")
    (out * 3.0).backward()
    assert out.grad == 3.0 and x.grad == 0.0


def test_grad_through_a_custom_node_leaves_every_grad_as_it_was():
    x = Value(1.2)
    y = cube(x) * 2.0
    x.grad = 5.0
    assert grad(y, x) == pytest.approx(6 * 1.2**2)
    assert x.grad == 5.0 and y.grad == 0.0


def test_gradcheck_names_the_custom_node_whose_closure_is_wrong():
    x = Value(0.9, label="x")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: (wrong_cube(x) + x).tanh(), [x])
    message = str(info.value)
    assert "first node whose _backward closure disagrees" in message
    assert "custom node 'cube'" in message and "'x'=0.9" in message


def test_gradcheck_blames_the_wrong_closure_not_a_correct_one_before_it():
    def wrong_square(v):
        out = Value(v.data**2, (v,), "sq")

        def _backward():
            v.grad += v.data * out.grad  # the planted mistake: v instead of 2v

        out._backward = _backward
        return out

    x = Value(0.8, label="x")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: wrong_square(cube(x) + x), [x])
    blame = str(info.value).split("disagrees:", 1)[1]
    assert "custom node 'sq'" in blame and "'cube'" not in blame


def test_higher_order_through_a_closure_names_the_node_and_points_at_rule():
    x = Value(0.5)
    y = cube(x)
    y.label = "y"
    with pytest.raises(TypeError, match=r"grad\(create_graph=True\): custom node 'cube' 'y'.*Rule"):
        grad(y * x, x, create_graph=True)
    with pytest.raises(TypeError, match="custom node 'cube'.*Rule"):
        ac.hessian(lambda v: cube(v), [0.5])


def test_compile_and_pickle_name_the_custom_node_and_point_at_rule():
    with pytest.raises(TypeError, match="compile: custom node 'cube'.*Rule"):
        ac.compile(lambda v: cube(v) * 2.0, 1.0)
    with pytest.raises(TypeError, match="pickle: custom node 'cube'.*Rule"):
        pickle.dumps(cube(Value(1.0)) + 1.0)


def test_custom_node_is_drawn_with_its_op_and_local_derivative():
    viz = pytest.importorskip("autograd_core.viz")
    x = Value(2.0, label="x")
    y = cube(x)
    x.grad, y.grad = 5.0, 7.0
    t = viz.trace(y)
    assert [e.local_grad for e in t.edges] == [12.0]
    assert (x.grad, y.grad) == (5.0, 7.0)  # the probe restored every grad
    assert y.local_grads == (12.0,) and (x.grad, y.grad) == (5.0, 7.0)
    from autograd_core.viz.trace import op_label

    assert op_label(y) == "cube"


def test_custom_node_inside_no_grad_is_a_leaf():
    x = Value(2.0)
    with ac.no_grad():
        y = cube(x)
    assert y.is_leaf() and y._prev == set()


def test_a_dropped_graph_with_a_custom_node_is_collected():
    x = Value(1.0)
    ref = weakref.ref(cube(x))
    gc.collect()
    assert ref() is None


# --- subclasses ----------------------------------------------------------------------------


class MyValue(Value):
    """A user's subclass with an extra method, as in a course exercise."""

    def double(self):
        return self * 2.0

    def cube(self):
        return cube(self)


def test_a_subclass_builds_graphs_mixes_with_values_and_backpropagates():
    a, b = MyValue(1.5, label="a"), Value(-0.5, label="b")
    y = (a.double() * b + a.cube()).tanh() + a / b - ac.sigmoid(a) + 2.0 * a + b**2
    y.backward()
    assert isinstance(y, Value)
    assert any(v is a for v in topological_order(y)) and a in (a * b)._prev
    assert gradcheck(lambda a, b: (a.double() * b + MyValue.cube(a)).tanh() + a / b - ac.sigmoid(a) + b**2, [a, b])
    assert grad(y, [a, b]) == pytest.approx([a.grad, b.grad])


def test_a_subclass_root_and_subclass_inputs_of_nn_layers():
    import nn

    layer = nn.Layer(2, 1, seed=0)
    out = layer([MyValue(0.5), MyValue(-1.0)])[0]
    out.backward()
    assert all(p.grad != 0.0 for p in layer.parameters()[:2])
    root = MyValue(3.0)
    root.backward()
    assert root.grad == 1.0


def test_a_subclass_value_as_a_constant_error_is_gone():
    a = MyValue(2.0)
    assert (a * a).data == 4.0 and (3.0 - a).data == 1.0 and ac.tanh(a).data == math.tanh(2.0)


# --- against micrograd's own engine (the bench extra) --------------------------------------


@pytest.mark.skipif(not HAS_MICROGRAD, reason='needs micrograd: pip install "autograd-core[bench]"')
def test_ops_grads_and_graph_shape_match_micrograd_on_an_expression_without_constants():
    from micrograd.engine import Value as MValue

    def f(V):
        a, b, c = V(-4.0), V(2.0), V(0.5)
        d = a * b + c
        e = (d.relu() * a + b**2).relu() + c * c
        return [a, b, c], e

    (ours, root), (theirs, mroot) = f(Value), f(MValue)
    root.backward()
    mroot.backward()
    assert root.data == mroot.data
    assert [v.grad for v in ours] == [v.grad for v in theirs]
    assert sorted(v._op for v in trace(root)[0]) == sorted(v._op for v in trace(mroot)[0])
    assert len(trace(root)[1]) == len(trace(mroot)[1])
