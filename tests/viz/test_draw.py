"""draw_graph(): record nodes, op nodes, edges, options, escaping, determinism, size limit."""

import re

import pytest

import autograd_core as ac
from autograd_core import Value
from autograd_core.viz import (
    MAX_NODES,
    draw_graph,
    escape_label,
    escape_text,
    grad_color,
    lecture_example,
)


def _neuron():
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o, [w1, w2, b]


def _value_nodes(source):
    return re.findall(r"^\s*(v\d+) \[", source, flags=re.M)


def _op_nodes(source):
    return re.findall(r"^\s*(op\d+) \[", source, flags=re.M)


def _edges(source):
    return re.findall(r"^\s*(\w+) -> (\w+)", source, flags=re.M)


def test_one_record_per_value_and_one_op_node_per_function():
    o, _ = _neuron()
    src = draw_graph(o).source
    n_values = len(ac.topological_order(o))
    n_functions = sum(1 for v in ac.topological_order(o) if not v.is_leaf())
    assert len(_value_nodes(src)) == n_values == 10
    assert len(_op_nodes(src)) == n_functions == 5
    # each function: one edge per Value input, plus op -> output
    assert len(_edges(src)) == 2 + 2 + 2 + 2 + 1 + n_functions


def test_value_nodes_show_label_data_and_grad():
    o, _ = _neuron()
    src = draw_graph(o).source
    assert "{ o | data 0.7071 | grad 1.000 }" in src
    assert "{ w1 | data -3.000 | grad 1.000 }" in src
    assert "shape=record" in src


def test_node_ids_follow_topological_index():
    o, _ = _neuron()
    src = draw_graph(o).source
    assert _value_nodes(src) == [f"v{i}" for i in range(10)]
    assert "op9 -> v9" in src


def test_same_graph_gives_same_source_twice_and_across_rebuilds():
    o1, _ = _neuron()
    o2, _ = _neuron()
    assert draw_graph(o1).source == draw_graph(o1).source
    assert draw_graph(o1, show_local_grads=True).source == draw_graph(o2, show_local_grads=True).source


def test_local_grads_label_the_input_edges_only_when_asked():
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    assert "label=" not in "".join(line for line in draw_graph(c).source.splitlines() if "->" in line)
    src = draw_graph(c, show_local_grads=True).source
    assert 'v0 -> op2 [label="\u2202 -3.000"]' in src
    assert 'v1 -> op2 [label="\u2202 2.000"]' in src


def test_leaves_and_params_are_highlighted():
    o, params = _neuron()
    src = draw_graph(o, params=params).source
    w1_line = next(line for line in src.splitlines() if "{ w1 |" in line)
    x1_line = next(line for line in src.splitlines() if "{ x1 |" in line)
    o_line = next(line for line in src.splitlines() if "{ o |" in line)
    assert "#fff1bf" in w1_line and "penwidth=2" in w1_line
    assert "Mrecord" in x1_line and "#e4f3e0" in x1_line
    assert "filled" not in o_line
    plain = draw_graph(o, highlight_leaves=False).source
    assert "Mrecord" not in plain and "#e4f3e0" not in plain


def test_nodes_where_paths_add_up_are_marked():
    x = Value(3.0, "x")
    y = x * x
    y.backward()
    src = draw_graph(y).source
    x_line = next(line for line in src.splitlines() if "{ x |" in line)
    assert "used 2 times" in x_line and "#c2410c" in x_line
    assert "used 2 times:" not in draw_graph(y, mark_accumulation=False).source


def test_color_by_grad_uses_sign_and_magnitude():
    a, b = Value(1.0, "a"), Value(1.0, "b")
    y = 3.0 * a - 0.5 * b
    y.backward()
    src = draw_graph(y, color_by_grad=True).source
    a_fill = re.search(r"\{ a \|[^\n]*fillcolor=\"(#\w+)\"", src).group(1)
    b_fill = re.search(r"\{ b \|[^\n]*fillcolor=\"(#\w+)\"", src).group(1)
    assert a_fill == grad_color(3.0, 3.0)
    assert b_fill == grad_color(-0.5, 3.0)
    r, _g, bl = (int(a_fill[i : i + 2], 16) for i in (1, 3, 5))
    assert bl > r  # positive: blue
    r, _g, bl = (int(b_fill[i : i + 2], 16) for i in (1, 3, 5))
    assert r > bl  # negative: red
    assert grad_color(0.0, 3.0) == "#ffffff"
    assert grad_color(-3.0, 3.0) != grad_color(-0.5, 3.0)


def test_record_labels_escape_graphviz_special_characters():
    assert escape_label('a<b>{c}|"d"\\e&f') == 'a\\<b\\>\\{c\\}\\|\\"d\\"\\\\e&amp;f'
    assert escape_text('x "y" \\ &\nz') == 'x \\"y\\" \\\\ &amp;\\nz'
    x = Value(1.0, 'in<x>|{y} "q" \\ &amp;')
    src = draw_graph(x * 2.0).source
    assert 'in\\<x\\>\\|\\{y\\} \\"q\\" \\\\ &amp;amp;' in src


def test_rankdir_is_applied_and_validated():
    a = Value(1.0, "a")
    src = draw_graph(a.exp(), rankdir="TB").source
    assert "rankdir=TB" in src
    assert "{ a | data" not in src and "a | data 1.000" in src  # fields side by side in TB too
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(a, rankdir="XY")


def test_drawing_above_the_node_limit_points_at_draw_network():
    x = Value(0.5)
    y = x
    for _ in range(MAX_NODES):
        y = y * 1.0001
    with pytest.raises(ValueError, match="draw_network"):
        draw_graph(y)
    with pytest.raises(ValueError, match="more than 10 nodes"):
        draw_graph(x + x + x + x + x + x + x + x + x + x + x, max_nodes=10)
    assert len(_value_nodes(draw_graph(y, max_nodes=None).source)) == MAX_NODES + 1


def test_draw_graph_rejects_non_values():
    with pytest.raises(TypeError, match="draw_graph: expected a Value"):
        draw_graph([1.0])


def test_lecture_example_draws_every_node():
    loss, params = lecture_example()
    loss.backward()
    src = draw_graph(loss, params=params, show_local_grads=True).source
    assert len(_value_nodes(src)) == len(ac.topological_order(loss))
    assert src.count("#fff1bf") == len(params) == 9
    assert src.count("label=affine") == 3 and "label=square" in src  # one node per neuron's s, one for (h - y)²


def test_nn_graphs_are_drawn_in_lecture_notation_and_user_labels_verbatim():
    import nn

    model = nn.MLP(2, [2, 1], activation="tanh", output_activation="tanh", seed=0)
    x = Value(0.5, "a_1")  # a user's own label is drawn as written
    e = nn.square_loss(model([x, 1.0])[0], 1.0)
    src = draw_graph(e).source
    assert "w\u2080\u2081\u207d\u00b9\u207e" in src and "s\u2081\u207d\u00b2\u207e" in src  # w_01^(1), s_1^(2)
    assert "{ a_1 |" in src and "layers.0" not in src
    assert "label=square" in src and "{ e |" in src


def test_viz_draw_is_the_drawing_function_not_a_module():
    import autograd_core.viz as viz

    assert viz.draw is viz.draw_graph and callable(viz.draw)
    from autograd_core.viz import draw

    assert draw is viz.draw_graph
