"""Backpropagation through nn models equals the lecture's delta rule, and more.

Lecture notation: w_ij^(l) is the weight from input i of layer l-1 (i = 0 is the bias input
x_0 = 1) to neuron j of layer l; x_j^(l) = tanh(s_j^(l)); e = (x_1^(L) - y)²;
δ_1^(L) = 2(x_1^(L) - y)(1 - (x_1^(L))²), δ_i^(l-1) = (1 - (x_i^(l-1))²) Σ_j w_ij^(l) δ_j^(l),
∂e/∂w_ij^(l) = x_i^(l-1) δ_j^(l).
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd_core import Value, grad
from tests.optional import import_torch

coords = st.floats(-2.0, 2.0, allow_nan=False)


def weight(model, l, i, j):
    """w_ij^(l) in the lecture's 1-based notation (i = 0: the bias)."""
    neuron = model.layers[l - 1].neurons[j - 1]
    return neuron.b if i == 0 else neuron.w[i - 1]


def lecture_forward(model, x):
    """[x^(0), ..., x^(L)], each with x_0 = 1 in front, computed with floats from the slides."""
    xs = [[1.0, *x]]
    for layer in model.layers:
        prev = xs[-1]
        out = [math.tanh(sum(w.data * xi for w, xi in zip((n.b, *n.w), prev))) for n in layer.neurons]
        xs.append([1.0, *out])
    return xs


def lecture_deltas(model, xs, y):
    """δ^(l) for l = 1..L (index 0 unused), by the lecture's backward recursion."""
    L = len(model.layers)
    deltas = [None] * (L + 1)
    xL = xs[L][1]
    deltas[L] = [2.0 * (xL - y) * (1.0 - xL * xL)]
    for l in range(L, 1, -1):
        d_prev = len(xs[l - 1]) - 1
        deltas[l - 1] = [
            (1.0 - xs[l - 1][i] ** 2)
            * sum(weight(model, l, i, j).data * deltas[l][j - 1] for j in range(1, len(deltas[l]) + 1))
            for i in range(1, d_prev + 1)
        ]
    return deltas


def all_weights(model):
    """(l, i, j, w_ij^(l)) for every weight of the model."""
    for l, layer in enumerate(model.layers, start=1):
        for j, neuron in enumerate(layer.neurons, start=1):
            for i in range(neuron.nin + 1):
                yield l, i, j, weight(model, l, i, j)


def lecture_net(seed):
    return nn.MLP(3, [3, 3, 2, 1], activation="tanh", output_activation="tanh", seed=seed)


@given(x=st.lists(coords, min_size=3, max_size=3), y=st.sampled_from([-1.0, 1.0]), seed=st.integers(0, 10**6))
def test_engine_gradient_equals_delta_rule_for_every_weight_including_bias(x, y, seed):
    model = lecture_net(seed)
    out = model(x)
    xs = lecture_forward(model, x)
    assert out[0].data == pytest.approx(xs[-1][1], rel=1e-12, abs=1e-15)
    e = nn.square_loss(out[0], y)
    e.backward()
    deltas = lecture_deltas(model, xs, y)
    count = 0
    for l, i, j, w in all_weights(model):
        expected = xs[l - 1][i] * deltas[l][j - 1]  # x_i^(l-1) δ_j^(l), x_0 = 1 for the bias
        assert w.grad == pytest.approx(expected, rel=1e-9, abs=1e-13), (l, i, j)
        count += 1
    assert count == len(model.parameters()) == 4 * 3 + 4 * 3 + 4 * 2 + 3 * 1


@given(
    x=st.lists(coords, min_size=3, max_size=3),
    y=st.floats(-1.0, 1.0),
    seed=st.integers(0, 10**6),
    eta=st.floats(0.001, 1.0),
)
def test_one_plain_sgd_step_moves_each_weight_by_minus_eta_x_delta(x, y, seed, eta):
    model = lecture_net(seed)
    opt = nn.SGD(model.parameters(), lr=eta)
    xs = lecture_forward(model, x)
    deltas = lecture_deltas(model, xs, y)
    before = {id(w): w.data for *_, w in all_weights(model)}
    opt.zero_grad()
    nn.square_loss(model(x)[0], y).backward()
    grads = {id(w): w.grad for *_, w in all_weights(model)}
    opt.step()
    for l, i, j, w in all_weights(model):
        assert w.data == before[id(w)] - eta * grads[id(w)]  # exactly w <- w - η ∂e/∂w
        change = w.data - before[id(w)]
        assert change == pytest.approx(-eta * xs[l - 1][i] * deltas[l][j - 1], rel=1e-7, abs=1e-12)


def test_the_slides_first_deltas_by_name():
    """δ_1^(4) = 2(x_1^(4) - y)(1 - (x_1^(4))²) and δ_2^(3) = (1 - (x_2^(3))²) δ_1^(4) w_21^(4)."""
    model = lecture_net(11)
    x, y = [0.3, -1.2, 0.8], 1.0
    xs = lecture_forward(model, x)
    nn.square_loss(model(x)[0], y).backward()
    x4, x3_2 = xs[4][1], xs[3][2]
    d4 = 2 * (x4 - y) * (1 - x4**2)
    d3_2 = (1 - x3_2**2) * d4 * weight(model, 4, 2, 1).data
    assert weight(model, 4, 0, 1).grad == pytest.approx(d4, rel=1e-12)  # bias: x_0 = 1
    assert weight(model, 4, 2, 1).grad == pytest.approx(x3_2 * d4, rel=1e-12)
    assert weight(model, 3, 0, 2).grad == pytest.approx(d3_2, rel=1e-12)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_second_derivatives_through_an_mlp_match_finite_differences(activation):
    model = nn.MLP(2, [3, 1], activation=activation, output_activation=activation, seed=5)
    params = model.parameters()
    x, y = [0.7, -0.4], 0.25

    def first_derivatives():
        return grad(nn.square_loss(model(x)[0], y), params)

    gs = grad(nn.square_loss(model(x)[0], y), params, create_graph=True)
    assert all(isinstance(g, Value) for g in gs)
    assert [g.data for g in gs] == pytest.approx(first_derivatives(), rel=1e-12, abs=1e-15)
    h = 1e-5
    for k in (0, 3, len(params) - 1):
        row = grad(gs[k], params)  # ∂/∂p_j (∂e/∂p_k)
        for j, p in enumerate(params):
            old = p.data
            p.data = old + h
            up = first_derivatives()[k]
            p.data = old - h
            down = first_derivatives()[k]
            p.data = old
            assert row[j] == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-7), (k, j)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
@pytest.mark.torch
def test_gradients_match_torch_for_a_multiclass_mlp(activation):
    torch = import_torch()
    model = nn.MLP(3, [5, 4, 3], activation=activation, seed=2)
    x, target = [0.5, -1.5, 2.0], 1
    loss = nn.cross_entropy(model(x), target)
    loss.backward()
    h = torch.tensor(x, dtype=torch.float64)
    tensors = []
    for layer in model.layers:
        W = torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        b = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
        tensors.append((W, b))
        h = W @ h + b
        if layer is not model.layers[-1]:
            h = getattr(torch, activation)(h)
    ref = torch.nn.functional.cross_entropy(h.unsqueeze(0), torch.tensor([target]))
    ref.backward()
    assert loss.data == pytest.approx(ref.item(), rel=1e-12)
    for layer, (W, b) in zip(model.layers, tensors):
        for j, n in enumerate(layer.neurons):
            assert [w.grad for w in n.w] == pytest.approx(W.grad[j].tolist(), rel=1e-10, abs=1e-14)
            assert n.b.grad == pytest.approx(b.grad[j].item(), rel=1e-10, abs=1e-14)
