"""trace(): nodes in topological order, one edge per Value input, fan-out, op labels."""

import pytest

import autograd_core as ac
from autograd_core import Value
from autograd_core.viz import trace
from autograd_core.viz.trace import format_number, op_label


def test_trace_lists_nodes_in_topological_order_with_root_last():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    d = c + a
    t = trace(d)
    assert t.nodes == tuple(ac.topological_order(d))
    assert t.root is d
    assert len(t.nodes) == 4


def test_trace_has_one_edge_per_value_input_with_local_grads():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    t = trace(c)
    idx = {v: i for i, v in enumerate(t.nodes)}
    assert [(e.parent, e.child, e.position) for e in t.edges] == [(idx[a], idx[c], 0), (idx[b], idx[c], 1)]
    assert [e.local_grad for e in t.edges] == [-3.0, 2.0]


def test_trace_keeps_a_repeated_parent_twice_and_counts_fan_out():
    x = Value(3.0, "x")
    y = x * x + x
    t = trace(y)
    ix = t.nodes.index(x)
    assert sum(1 for e in t.edges if e.parent == ix) == 3
    assert t.fan_out[ix] == 3
    assert t.fan_out[-1] == 0


def test_trace_skips_constants_as_nodes():
    x = Value(1.5, "x")
    t = trace(2.0 * x - 1)
    assert len(t.nodes) == 3
    assert len(t.edges) == 2


def test_trace_of_a_deep_chain_does_not_recurse():
    x = Value(0.1)
    y = x
    for _ in range(5000):
        y = y + 1.0
    t = trace(y)
    assert len(t.nodes) == 5001
    assert len(t.edges) == 5000


def test_trace_rejects_non_values():
    with pytest.raises(TypeError, match="trace: expected a Value"):
        trace(1.0)


def test_incoming_groups_edges_by_child_in_argument_order():
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    s = ac.dot([a, b], [c, 4.0])
    t = trace(s)
    (edges,) = [t.incoming()[i] for i, v in enumerate(t.nodes) if v is s]
    assert [t.nodes[e.parent] for e in edges] == [a, b, c]


def test_op_label_shows_symbol_name_and_constants_in_place():
    x = Value(2.0)
    assert op_label(x * x) == "*"
    assert op_label(x**2) == "\u2022 ** 2"
    assert op_label(1 - x) == "1 - \u2022"
    assert op_label(x.tanh()) == "tanh"
    assert op_label(ac.dot([x, x], [1.0, x])) == "dot(\u2022, \u2022, 1, \u2022)"
    assert op_label(x) == ""


def test_op_label_summarises_functions_of_many_inputs():
    xs = [Value(float(i)) for i in range(4)]
    label = op_label(ac.dot(xs, [1.0, 2.0, 3.0, 4.0]))
    assert label == "dot (8 inputs, 4 constants)"


def test_format_number_has_four_significant_digits_everywhere():
    assert format_number(0.4999999999999998) == "0.5000"
    assert format_number(0.0) == "0"
    assert format_number(-0.0001234) == "-0.0001234"
    assert format_number(1.5e-7) == "1.500e-7"
    assert format_number(2.5e6) == "2.500e6"
    assert format_number(123.456) == "123.5"
    assert format_number(float("inf")) == "inf"


def test_importing_viz_and_tracing_does_not_import_graphviz():
    import subprocess
    import sys

    code = (
        "import sys, autograd_core as ac, autograd_core.viz as viz\n"
        "x = ac.Value(1.0); viz.trace(x * x); viz.backprop_steps(x.exp())\n"
        "print('graphviz' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_nn_graphs_are_labelled_in_lecture_notation():
    import nn
    from autograd_core.viz.trace import lecture_labels, trace, unicode_math

    model = nn.MLP(3, [2, 1], activation="tanh", output_activation="tanh", seed=0)
    e = nn.square_loss(model([1.0, 2.0, 3.0])[0], 1.0)
    names = lecture_labels(trace(e))
    assert names[-1] == "e" and "h \u2212 y" in names
    assert {"x_1^(0)", "x_3^(0)", "s_1^(1)", "x_2^(1)", "s_1^(2)", "x_1^(2)"} <= set(names)
    assert "w_{01}^(1)" in names and "w_{32}^(1)" in names and "w_{21}^(2)" in names  # i = 0 is the bias
    assert [p.label for p in model.parameters()][0] == "layers.0.neurons.0.w.0"  # the model keeps its names
    assert unicode_math("w_{32}^(1)") == "w\u2083\u2082\u207d\u00b9\u207e"
    assert unicode_math("w_{10,1}^(2)") == "w\u2081\u2080,\u2081\u207d\u00b2\u207e"
