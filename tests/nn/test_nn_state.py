"""No stale state: replaced weights and neurons are used at once; models pickle and keep training."""

import pickle

import pytest

import nn
from autograd_core import Value

X = [[0.5, -1.0], [0.2, 0.3], [-0.7, 0.9], [1.1, -0.4]]
Y = [1.0, -1.0, -1.0, 1.0]


def test_a_replaced_weight_is_seen_by_the_forward_pass_and_parameters():
    neuron = nn.Neuron(2, activation="linear", seed=0)
    new = Value(0.5)
    neuron.w[0] = new
    s = neuron([2.0, 0.0])
    assert s.data == pytest.approx(neuron.b.data + 1.0)
    assert any(p is new for p in s.parents)
    assert neuron.parameters()[0] is new and dict(neuron.named_parameters())["w.0"] is new


def test_a_replaced_weight_inside_an_mlp_learns():
    model = nn.MLP(2, [3, 1], seed=1)
    new = Value(0.25)
    model.layers[0].neurons[1].w[1] = new
    new_bias = Value(-0.5)
    model.layers[1].neurons[0].b = new_bias
    params = model.parameters()
    assert sum(p is new for p in params) == 1 and sum(p is new_bias for p in params) == 1
    assert dict(model.named_parameters())["layers.0.neurons.1.w.1"] is new
    loss = nn.mse_loss([model(x)[0] for x in X], Y)
    loss.backward()
    assert new.grad != 0.0 and new_bias.grad != 0.0  # both are in the graph
    opt = nn.SGD(model.parameters(), lr=0.1)
    before = new.data
    opt.step()
    assert new.data != before


def test_a_replaced_neuron_or_layer_is_used():
    model = nn.MLP(2, [2, 1], activation="relu", seed=2)
    layer = nn.Layer(2, 2, activation="linear", seed=3)
    model.layers[0] = layer
    expected = nn.MLP(2, [2, 1], activation="relu", seed=2).layers[1]([v.data for v in layer([0.3, 0.4])])
    assert [v.data for v in model([0.3, 0.4])] == [v.data for v in expected]
    assert model.parameters()[:6] == layer.parameters()
    model.layers[0].neurons[0] = nn.Neuron(2, activation="linear", seed=4)
    assert model.parameters()[0] is model.layers[0].neurons[0].w[0]


def train(model, opt, steps):
    losses = []
    for _ in range(steps):
        loss = nn.mse_loss([model(x)[0] for x in X], Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data)
    return losses


@pytest.mark.parametrize("make_opt", [lambda p: nn.SGD(p, lr=0.05, momentum=0.9), lambda p: nn.Adam(p, lr=0.01)])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
def test_models_and_optimizers_pickle_and_training_continues_identically(activation, make_opt):
    model = nn.MLP(2, [4, 1], activation=activation, seed=5)
    opt = make_opt(model.parameters())
    train(model, opt, 3)
    copy_model, copy_opt = pickle.loads(pickle.dumps((model, opt)))
    assert repr(copy_model) == repr(model) and repr(copy_opt) == repr(opt)
    assert copy_model.state_dict() == model.state_dict()
    assert all(a is b for a, b in zip(copy_opt.params, copy_model.parameters()))  # still the model's weights
    assert train(copy_model, copy_opt, 3) == train(model, opt, 3)
    assert copy_model.state_dict() == model.state_dict()


def test_neurons_layers_and_schedules_pickle():
    neuron, layer = nn.Neuron(3, activation="sigmoid", seed=6), nn.Layer(3, 2, seed=7)
    for m in (neuron, layer):
        m2 = pickle.loads(pickle.dumps(m))
        assert m2.state_dict() == m.state_dict() and repr(m2) == repr(m)
    decay = nn.LinearDecay(nn.SGD(layer.parameters(), lr=0.1), 0.1, 0.0, 10)
    decay.step()
    copy = pickle.loads(pickle.dumps(decay))
    assert repr(copy) == repr(decay) and copy.step() == decay.step()


def test_a_lambda_activation_does_not_pickle_and_the_error_points_at_save():
    model = nn.MLP(2, [2, 1], activation=lambda s: s.tanh(), seed=8)
    with pytest.raises(pickle.PicklingError, match=r"MLP: cannot pickle the activation .*model\.save"):
        pickle.dumps(model)
