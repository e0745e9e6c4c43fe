"""nn.micrograd: micrograd 0.1.0's Neuron, Layer, MLP and Module, and nn.MLP following ``random.seed``."""

from __future__ import annotations

import importlib.util
import math
import random

import pytest

import nn
from autograd_core import Value
from nn import micrograd as mg

HAS_MICROGRAD = importlib.util.find_spec("micrograd") is not None


def test_import_as_nn_then_neuron_of_two_inputs():
    from nn import micrograd as nn_

    n = nn_.Neuron(2)
    assert len(n.w) == 2 and n.nonlin is True
    assert isinstance(n([1.0, -2.0]), Value)


def test_weights_come_from_module_level_random_in_micrograd_order_and_biases_are_zero():
    random.seed(1337)
    model = mg.MLP(3, [4, 2])
    random.seed(1337)
    expected = [random.uniform(-1, 1) for _ in range(3 * 4 + 4 * 2)]
    weights = [w.data for layer in model.layers for n in layer.neurons for w in n.w]
    assert weights == expected
    assert [n.b.data for layer in model.layers for n in layer.neurons] == [0.0] * 6


def test_same_random_seed_gives_the_same_model_and_outputs():
    random.seed(7)
    a = mg.MLP(2, [5, 1])
    random.seed(7)
    b = mg.MLP(2, [5, 1])
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    assert a([0.3, -0.4]).data == b([0.3, -0.4]).data


def test_neuron_is_relu_of_bias_plus_weighted_sum_or_the_plain_sum():
    random.seed(0)
    x = [0.5, -1.5, 2.0]
    for nonlin in (True, False):
        n = mg.Neuron(3, nonlin=nonlin)
        n.b.data = -0.25
        s = n.b.data + sum(w.data * xi for w, xi in zip(n.w, x))
        expected = max(s, 0.0) if nonlin else s
        assert n(x).data == pytest.approx(expected, rel=1e-15, abs=1e-15)


def test_relu_neuron_is_zero_where_its_sum_is_negative():
    n = mg.Neuron(2)
    n.w[0].data, n.w[1].data, n.b.data = 1.0, 1.0, -5.0
    y = n([1.0, 1.0])
    assert y.data == 0.0
    y.backward()
    assert n.w[0].grad == 0.0


def test_layer_of_one_output_returns_the_value_itself_else_a_list():
    one = mg.Layer(2, 1)([1.0, 2.0])
    many = mg.Layer(2, 3, nonlin=False)([1.0, 2.0])
    assert isinstance(one, Value)
    assert isinstance(many, list) and len(many) == 3 and all(isinstance(v, Value) for v in many)


def test_layer_passes_its_keyword_arguments_to_every_neuron():
    layer = mg.Layer(3, 4, nonlin=False)
    assert [n.nonlin for n in layer.neurons] == [False] * 4


def test_mlp_has_relu_hidden_layers_and_a_linear_output():
    model = mg.MLP(3, [4, 4, 1])
    assert [[n.nonlin for n in layer.neurons] for layer in model.layers] == [[True] * 4, [True] * 4, [False]]
    assert len(model.parameters()) == 4 * 4 + 4 * 5 + 5


def test_mlp_forward_is_the_composition_of_its_layers():
    random.seed(3)
    model = mg.MLP(2, [3, 2])
    x = [0.7, -0.2]
    hidden = [max(n.b.data + sum(w.data * xi for w, xi in zip(n.w, x)), 0.0) for n in model.layers[0].neurons]
    out = [n.b.data + sum(w.data * h for w, h in zip(n.w, hidden)) for n in model.layers[1].neurons]
    assert [v.data for v in model(x)] == pytest.approx(out, rel=1e-14)


def test_mlp_with_a_hidden_layer_of_one_neuron_works():
    model = mg.MLP(2, [1, 2])
    assert len(model([1.0, 2.0])) == 2


def test_parameters_are_weights_then_bias_per_neuron_and_zero_grad_resets_them():
    model = mg.MLP(2, [2, 1])
    first = model.layers[0].neurons[0]
    assert model.parameters()[:3] == [first.w[0], first.w[1], first.b]
    assert all(a is b for a, b in zip(model.parameters()[:3], [first.w[0], first.w[1], first.b]))
    y = model([1.0, -1.0])
    y.backward()
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_reprs_read_like_micrograd():
    assert repr(mg.Neuron(2)) == "ReLUNeuron(2)"
    assert repr(mg.Neuron(3, nonlin=False)) == "LinearNeuron(3)"
    assert repr(mg.MLP(2, [2, 1])) == "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]"


def test_a_module_subclass_defines_parameters_only():
    class Scale(mg.Module):
        def __init__(self) -> None:
            self.k = Value(2.0)

        def parameters(self) -> list[Value]:
            return [self.k]

    m = Scale()
    (m.k * 3.0).backward()
    assert m.k.grad == 3.0
    m.zero_grad()
    assert m.k.grad == 0.0
    assert m.state_dict() == {"0": 2.0}
    assert mg.Module().parameters() == []


def test_model_saves_and_loads_like_every_nn_module(tmp_path):
    a, b = mg.MLP(2, [3, 1]), mg.MLP(2, [3, 1])
    a.save(tmp_path / "m.json")
    b.load(tmp_path / "m.json")
    assert b.state_dict() == a.state_dict()
    with pytest.raises(ValueError, match="architecture"):
        mg.MLP(2, [4, 1]).load(tmp_path / "m.json")


@pytest.mark.parametrize("model", [mg.Neuron(2), mg.Layer(2, 3), mg.MLP(2, [3, 1])], ids=repr)
def test_wrong_input_length_names_the_class(model):
    with pytest.raises(ValueError, match=f"{type(model).__name__}: expected 2 inputs, got 3"):
        model([1.0, 2.0, 3.0])


def test_bad_sizes_raise():
    with pytest.raises(ValueError, match="Neuron: nin"):
        mg.Neuron(0)
    with pytest.raises(TypeError, match="Layer: nout"):
        mg.Layer(2, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="MLP: nouts"):
        mg.MLP(2, [])


def test_nn_mlp_without_seed_draws_from_module_level_random():
    random.seed(11)
    a = nn.MLP(2, [4, 1])
    random.seed(11)
    b = nn.MLP(2, [4, 1])
    c = nn.MLP(2, [4, 1])
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != c.state_dict()  # the generator moved on


def test_nn_mlp_with_an_explicit_seed_ignores_module_level_random():
    random.seed(1)
    a = nn.MLP(2, [4, 1], seed=5)
    random.seed(2)
    b = nn.MLP(2, [4, 1], seed=5)
    assert a.state_dict() == b.state_dict()


# --- against micrograd's own package (the bench extra) --------------------------------------


def _moons(n: int) -> tuple[list[list[float]], list[int]]:
    data = nn.make_moons(n, noise=0.1, seed=0)
    return [list(x) for x in data[0]], [1 if y > 0 else -1 for y in data[1]]


def _svm_losses(lib, model, steps: int) -> list[float]:
    """micrograd's demo recipe: SVM max-margin loss + L2, SGD with a decaying rate."""
    X, Y = _moons(16)
    losses = []
    for k in range(steps):
        inputs = [[lib(v) for v in x] for x in X]
        scores = [model(x) for x in inputs]
        data_loss = sum((1 + -y * s).relu() for y, s in zip(Y, scores)) * (1.0 / len(scores))
        loss = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / steps) * p.grad
        losses.append(loss.data)
    return losses


@pytest.mark.skipif(not HAS_MICROGRAD, reason='needs micrograd: pip install "autograd-core[bench]"')
def test_same_weights_give_micrograds_loss_curve():
    from micrograd import engine as mg_engine
    from micrograd import nn as mg_nn

    random.seed(1337)
    ours = mg.MLP(2, [8, 8, 1])
    random.seed(1337)
    theirs = mg_nn.MLP(2, [8, 8, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert repr(ours) == repr(theirs)
    a = _svm_losses(Value, ours, 6)
    b = _svm_losses(mg_engine.Value, theirs, 6)
    assert a[-1] < a[0]
    for k, (x, y) in enumerate(zip(a, b)):
        assert math.isclose(x, y, rel_tol=1e-12), f"step {k}: {x} here, {y} in micrograd"
