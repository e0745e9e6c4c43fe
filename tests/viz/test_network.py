"""draw_network(): neurons and layers as nodes, weights as edges coloured by value or gradient."""

import re
from types import SimpleNamespace

import pytest

import nn
from autograd_core import Value
from autograd_core.viz import draw_network, lecture_steps, render_svg
from autograd_core.viz.network import edge_color
from autograd_core.viz.trace import format_number


def _edges(src):
    return re.findall(r"^\s*(\w+) -> (\w+) \[([^\n]*)\]", src, flags=re.M)


def _nodes(src, prefix):
    return re.findall(rf"^\s*({prefix}\w*) \[", src, flags=re.M)


def test_mlp_gives_one_node_per_input_and_neuron_and_one_edge_per_weight():
    model = nn.MLP(3, [4, 2], seed=0)
    src = draw_network(model).source
    assert _nodes(src, r"x\d") == ["x1", "x2", "x3"]
    assert len(_nodes(src, r"n\d")) == 4 + 2
    edges = _edges(src)
    assert len(edges) == (3 + 1) * 4 + (4 + 1) * 2  # w_0j from the constant x_0 = 1 of each layer
    assert ("one0", "n1_1") in [(a, b) for a, b, _ in edges] and ("one1", "n2_2") in [(a, b) for a, b, _ in edges]
    assert ("x2", "n1_3") in [(a, b) for a, b, _ in edges]
    assert ("n1_4", "n2_2") in [(a, b) for a, b, _ in edges]
    assert 'layer1 [label="layer 1: 4 neurons, tanh"' in src
    assert "layer 1: 4 neurons, tanh" in src and "layer 2: 2 neurons, linear" in src


def test_edges_are_coloured_by_weight_or_by_gradient():
    model = nn.MLP(2, [2, 1], seed=1)
    out = model([0.5, -1.0])[0]
    out.backward()
    weights = draw_network(model, show="weights").source
    grads = draw_network(model, show="grads").source
    n0 = model.layers[0].neurons[0]
    scale_w = max(abs(p.data) for p in model.parameters())
    scale_g = max(abs(p.grad) for p in model.parameters())
    (attrs_w,) = [a for s, d, a in _edges(weights) if (s, d) == ("x1", "n1_1")]
    (attrs_g,) = [a for s, d, a in _edges(grads) if (s, d) == ("x1", "n1_1")]
    assert f'color="{edge_color(n0.w[0].data, scale_w)}"' in attrs_w
    assert f'color="{edge_color(n0.w[0].grad, scale_g)}"' in attrs_g
    assert weights != grads
    assert "gradients \u2202e/\u2202w: blue" in grads and "weights: blue" in weights
    assert "backward() has not run" not in grads


def test_edge_colour_and_width_follow_sign_and_magnitude():
    assert edge_color(1.0, 1.0) != edge_color(-1.0, 1.0)
    assert edge_color(0.0, 1.0) == "#bbbbbb"
    r, _g, b = (int(edge_color(1.0, 1.0)[i : i + 2], 16) for i in (1, 3, 5))
    assert b > r
    fake = SimpleNamespace(
        layers=[
            SimpleNamespace(neurons=[SimpleNamespace(w=[Value(2.0), Value(-0.5)], b=Value(0.0), activation="relu")])
        ]
    )
    src = draw_network(fake).source
    widths = {(s, d): float(re.search(r"penwidth=([\d.]+)", a).group(1)) for s, d, a in _edges(src)}
    assert widths[("x1", "n1_1")] > widths[("x2", "n1_1")]
    assert "label=2.00" in src and "label=-0.500" in src  # few weights: labelled


def test_accepts_a_layer_or_a_neuron_and_validates():
    layer = nn.Layer(2, 3, seed=0)
    assert len(_edges(draw_network(layer).source)) == 3 * 3
    neuron = nn.Neuron(4, seed=0)
    assert len(_edges(draw_network(neuron).source)) == 5
    with pytest.raises(ValueError, match="draw_network: show must be"):
        draw_network(layer, show="values")
    with pytest.raises(TypeError, match="expected an nn model"):
        draw_network([1, 2])
    bad = SimpleNamespace(
        layers=[
            SimpleNamespace(neurons=[SimpleNamespace(w=[Value(1.0)], b=Value(0.0))]),
            SimpleNamespace(neurons=[SimpleNamespace(w=[Value(1.0), Value(2.0)], b=Value(0.0))]),
        ]
    )
    with pytest.raises(ValueError, match="neuron 1 of layer 2 has 2 weights, expected 1"):
        draw_network(bad)


def test_large_network_draws_without_edge_labels_and_renders(monkeypatch, tmp_path):
    model = nn.MLP(8, [16, 16, 1], seed=0)
    src = draw_network(model).source
    assert "label=" not in "".join(a for _, _, a in _edges(src))
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    svg = render_svg(draw_network(model, show="grads"))
    assert svg.count('class="edge"') == 9 * 16 + 17 * 16 + 17


def test_neurons_keep_their_order_in_each_layer():
    model = nn.MLP(3, [5, 2], seed=3)
    for rankdir, axis, sign in (("LR", 1, -1), ("TB", 0, 1)):
        src = draw_network(model, rankdir=rankdir).source
        pos = {
            name: tuple(float(c) for c in p.split(","))
            for name, p in re.findall(r'^\s*(\w+) \[[^\n]*pos="([-\d.]+,[-\d.]+)!"', src, flags=re.M)
        }
        for names in (["x1", "x2", "x3"], [f"n1_{j}" for j in range(1, 6)], ["n2_1", "n2_2"]):
            across = [sign * pos[n][axis] for n in names]
            assert across == sorted(across), (rankdir, names, across)
        assert "layout=neato" in src


def test_lecture_notation_x_delta_y_and_e_for_one_example():
    model = nn.MLP(3, [3, 3, 3, 1], activation="tanh", output_activation="tanh", seed=10)
    before = [(p.data, p.grad) for p in model.parameters()]
    steps = lecture_steps(model, [0.5, -1.0, 2.0], 1.0)
    src = draw_network(model, show="grads", x=[0.5, -1.0, 2.0], y=1.0).source
    assert [(p.data, p.grad) for p in model.parameters()] == before  # drawing does not change the model
    assert "x\u2081\u207d\u00b9\u207e" in src and "x\u2081\u207d\u2070\u207e" in src  # x_1^(1), x_1^(0)
    assert "x\u2080 = 1" in src  # the bias input, a constant
    assert f"\u03b4 {format_number(steps['delta'][3][0], 3)}" in src  # δ_1^(4), named δ
    assert f"\\n{format_number(steps['x'][2][1], 3)}" in src  # x_2^(2)
    assert "e = (h \u2212 y)\u00b2" in src and "y\\n1.00" in src
    assert "backward() has not run" not in src


def test_says_so_when_every_gradient_is_zero():
    model = nn.MLP(2, [2, 1], seed=1)
    assert "every gradient is 0: backward() has not run" in draw_network(model, show="grads").source
    nn.square_loss(model([0.5, -1.0])[0], 1.0).backward()
    assert "backward() has not run" not in draw_network(model, show="grads").source
    with pytest.raises(ValueError, match="needs its input x"):
        draw_network(model, y=1.0)
