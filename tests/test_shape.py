"""autograd_core.shape: the one walk over a model, the activation table, the lecture's names."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import nn
from autograd_core import RULES, Value
from autograd_core.shape import ACTIVATIONS, forward_floats, lecture_names, walk, weight_place
from autograd_core.viz.trace import lecture_labels, trace


@pytest.mark.parametrize("act", sorted(ACTIVATIONS))
def test_the_float_forward_pass_is_the_engines(act):
    model = nn.MLP(3, [4, 2], activation=act, output_activation=act, seed=3)
    x = [0.3, -1.2, 0.7]
    xs = forward_floats(walk(model), x)
    assert xs[0] == x and [len(layer) for layer in xs] == [3, 4, 2]
    assert xs[-1] == [v.data for v in model(x)]  # bit for bit: the same rule, the same sums


def test_the_table_is_nns_and_the_bridges():
    assert nn.ACTIVATIONS == {name: a.rule for name, a in ACTIVATIONS.items()}
    assert ACTIVATIONS["relu"].rule is RULES["relu"] and ACTIVATIONS["linear"].rule is None


def test_walk_lists_weights_in_the_lectures_places():
    model = nn.MLP(2, [3, 1], seed=0)
    net = walk(model)
    assert net.sizes == [2, 3, 1] and net.activations == ["tanh", "linear"]
    first = model.layers[0].neurons[1]
    k = net.params.index(first.b)
    assert net.places[k] == (1, 0, 2) and net.params[k + 1] is first.w[0] and net.places[k + 1] == (1, 1, 2)
    assert all(weight_place(p.label) == place for p, place in zip(net.params, net.places))


def test_walk_accepts_any_class_of_the_same_shape_and_names_the_caller():
    neuron = SimpleNamespace(w=[Value(1.0), Value(2.0)], b=Value(0.5))
    assert walk(SimpleNamespace(neurons=[neuron])).sizes == [2, 1]
    assert walk(neuron).params == [neuron.b, *neuron.w]
    with pytest.raises(TypeError, match="^caller: expected an nn model"):
        walk(3.0, "caller")
    with pytest.raises(ValueError, match="caller: the model has an empty layer"):
        walk(SimpleNamespace(layers=[SimpleNamespace(neurons=[])]), "caller")


def test_lecture_names_of_a_network_and_its_loss():
    model = nn.MLP(2, [2, 1], seed=1)
    loss = nn.square_loss(model([0.5, -0.5])[0], 1.0)
    names = lecture_labels(trace(loss))
    for name in ("w_{01}^(1)", "w_{21}^(2)", "s_1^(1)", "x_2^(1)", "s_1^(2)", "x_1^(0)", "x_2^(0)", "e", "h \u2212 y"):
        assert name in names
    assert "x_1^(2)" not in names  # the output layer is linear: no θ node
    assert lecture_names([("", "", []), ("", "square", [0])]) == ["", "e"]
