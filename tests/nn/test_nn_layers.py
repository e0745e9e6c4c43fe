"""Neuron, Layer, MLP: structure, the fused weighted sum, initialisation and bad input."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd_core import Value, topological_order


def test_weighted_sum_is_one_affine_node_over_bias_weights_and_inputs():
    n = nn.Neuron(3, activation="linear", seed=1)
    s = n([0.5, -1.0, 2.0])
    assert s.op == "affine"
    ws, xs = s.inputs[:4], s.inputs[4:]
    assert list(ws) == [n.b, *n.w] and all(a is b for a, b in zip(ws, [n.b, *n.w]))
    assert [float(x) for x in xs] == [0.5, -1.0, 2.0]  # x_0 = 1 is folded into the rule
    expected = n.b.data + sum(w.data * x for w, x in zip(n.w, [0.5, -1.0, 2.0]))
    assert s.data == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "relu"])
def test_activation_is_one_node_on_top_of_the_affine(name):
    y = nn.Neuron(2, activation=name, seed=0)([0.3, 0.7])
    assert y.op == name
    assert [p.op for p in y.parents] == ["affine"]


def test_layer_graph_has_one_affine_and_one_activation_per_neuron():
    layer = nn.Layer(4, 5, activation="tanh", seed=0)
    out = layer([1.0, 2.0, 3.0, 4.0])
    nodes = {v for o in out for v in topological_order(o)}
    ops = [v.op for v in nodes if v.op]
    assert sorted(ops) == ["affine"] * 5 + ["tanh"] * 5


def test_parameters_order_weights_in_input_order_then_bias():
    m = nn.MLP(3, [4, 2], seed=0)
    expected = [p for layer in m.layers for n in layer.neurons for p in (*n.w, n.b)]
    got = m.parameters()
    assert len(got) == 4 * 4 + 2 * 5
    assert all(a is b for a, b in zip(got, expected))
    names = [name for name, _ in m.named_parameters()]
    assert names[:5] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.w.2",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.1.b"
    assert all(a is b for (_, a), b in zip(m.named_parameters(), got))
    assert [p.label for p in got] == names


def test_mlp_always_returns_a_list_and_mlp_2_1_3_works():
    m = nn.MLP(2, [1, 3], seed=0)
    out = m([0.1, 0.2])
    assert isinstance(out, list) and len(out) == 3 and all(isinstance(v, Value) for v in out)
    single = nn.MLP(2, [4, 1], seed=0)([0.1, 0.2])
    assert isinstance(single, list) and len(single) == 1
    assert isinstance(nn.Layer(2, 1, seed=0)([1.0, 2.0]), list)


def test_inputs_may_be_floats_ints_or_values_with_gradients_to_value_inputs():
    m = nn.MLP(2, [3, 1], seed=4)
    a = m([1, 0.5])[0].data
    x = [Value(1.0), Value(0.5)]
    out = m(x)[0]
    assert out.data == a
    out.backward()
    assert x[0].grad != 0.0 or x[1].grad != 0.0


@pytest.mark.parametrize(
    "model, good",
    [(nn.MLP(3, [2, 1], seed=0), 3), (nn.Layer(3, 2, seed=0), 3), (nn.Neuron(3, seed=0), 3)],
)
@pytest.mark.parametrize("n", [0, 2, 4])
def test_wrong_input_length_states_expected_and_received(model, good, n):
    with pytest.raises(ValueError, match=f"expected {good} inputs, got {n}"):
        model([0.5] * n)


def test_non_number_input_is_a_type_error_naming_the_model():
    with pytest.raises(TypeError, match="MLP: inputs must be numbers or Values.*str"):
        nn.MLP(2, [1])([1.0, "a"])


@pytest.mark.parametrize("bad", ["softmax", "Tanh", "", None, 3])
def test_unknown_activation_lists_valid_names(bad):
    for make in (
        lambda: nn.MLP(2, [1], activation=bad),
        lambda: nn.Layer(2, 1, activation=bad),
        lambda: nn.Neuron(2, activation=bad),
        lambda: nn.MLP(2, [1], output_activation=bad),
    ):
        with pytest.raises(ValueError, match="unknown activation.*'tanh', 'sigmoid', 'relu', 'linear'"):
            make()


@pytest.mark.parametrize(
    "make",
    [
        lambda: nn.MLP(0, [1]),
        lambda: nn.MLP(2, [3, 0]),
        lambda: nn.MLP(2, [-1]),
        lambda: nn.MLP(2, []),
        lambda: nn.Layer(2, 0),
        lambda: nn.Layer(-2, 1),
        lambda: nn.Neuron(0),
    ],
)
def test_non_positive_sizes_raise_value_error(make):
    with pytest.raises(ValueError, match="positive|non-empty"):
        make()


def test_callable_activation_is_applied_to_the_weighted_sum():
    m = nn.MLP(2, [3, 2], activation=lambda s: s * s, seed=3)
    ref = nn.MLP(2, [3, 2], activation="linear", seed=3)
    x = [0.4, -0.9]
    hidden = [v.data**2 for v in ref.layers[0]([0.4, -0.9])]
    assert [v.data for v in m(x)] == pytest.approx([v.data for v in ref.layers[1](hidden)])


def test_same_seed_gives_identical_weights_and_other_seed_differs():
    a = nn.MLP(3, [8, 8, 2], seed=42).state_dict()
    b = nn.MLP(3, [8, 8, 2], seed=42).state_dict()
    c = nn.MLP(3, [8, 8, 2], seed=43).state_dict()
    assert a == b and a != c
    r1, r2 = random.Random(7), random.Random(7)
    assert nn.MLP(2, [3], seed=r1).state_dict() == nn.MLP(2, [3], seed=r2).state_dict()


@given(nin=st.integers(1, 30), nout=st.integers(1, 30), seed=st.integers(0, 2**32))
def test_default_init_is_xavier_for_tanh_and_he_for_relu(nin, nout, seed):
    tanh = nn.Layer(nin, nout, activation="tanh", seed=seed)
    relu = nn.Layer(nin, nout, activation="relu", seed=seed)
    xavier = math.sqrt(6.0 / (nin + nout))
    he = math.sqrt(6.0 / nin)
    assert all(abs(p.data) <= xavier for p in tanh.parameters())
    assert all(abs(p.data) <= he for p in relu.parameters())
    # same draws, scaled: the schemes differ only in the bound
    for p, q in zip(tanh.parameters(), relu.parameters()):
        assert p.data * he == pytest.approx(q.data * xavier)


def test_init_scheme_selectable_by_name_or_callable():
    u = nn.Layer(100, 2, activation="relu", init="uniform", seed=0).parameters()
    assert all(-1.0 <= p.data <= 1.0 for p in u) and max(abs(p.data) for p in u) > 0.5
    x = nn.Layer(100, 2, activation="relu", init="xavier", seed=0).parameters()
    assert max(abs(p.data) for p in x) <= math.sqrt(6 / 102)
    const = nn.Layer(3, 2, init=lambda rng, fan_in, fan_out: fan_in + 10 * fan_out).parameters()
    assert [p.data for p in const] == [23.0] * 8
    with pytest.raises(ValueError, match="unknown scheme 'glorot'"):
        nn.Layer(3, 2, init="glorot")


def test_bad_seed_type_is_rejected():
    with pytest.raises(TypeError, match="seed"):
        nn.MLP(2, [1], seed="0")


def test_repr_shows_the_architecture():
    assert repr(nn.MLP(2, [16, 1], activation="relu")) == (
        "MLP(2, [16, 1], activation='relu', output_activation='linear')"
    )
    assert repr(nn.Layer(2, 3)) == "Layer(2, 3, activation='tanh')"
