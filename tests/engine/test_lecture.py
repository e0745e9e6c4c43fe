"""The engine against the lecture (CS260 "Lecture 10: Neural Networks", Cho-Jui Hsieh, UCLA, 2019).

"Activation Function" names sigmoid 1/(1+e^-x), tanh(x) and ReLU max(0, x); the
"Computing Gradient" slides give theta'(s) = 1 - theta^2(s) for tanh and the delta rule:
  delta_1^(L)   = 2 (x_1^(L) - y) (1 - (x_1^(L))^2)             (square loss, "Final layer")
  delta_i^(l-1) = (1 - (x_i^(l-1))^2) sum_j w_ij^(l) delta_j^(l)
  de/dw_ij^(l)  = x_i^(l-1) delta_j^(l)
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import Value, grad

# --- "Activation Function": the derivatives the lecture uses ------------------------------


@given(st.floats(-20.0, 20.0))
def test_sigmoid_derivative_is_s_times_one_minus_s(x0):
    x = Value(x0)
    s = x.sigmoid()
    s.backward()
    assert x.grad == pytest.approx(s.data * (1.0 - s.data), rel=1e-12, abs=1e-300)


@given(st.floats(-20.0, 20.0))
def test_tanh_derivative_is_one_minus_tanh_squared(x0):
    """Lecture: "where theta'(s) = 1 - theta^2(s) for tanh"."""
    x = Value(x0)
    t = x.tanh()
    t.backward()
    assert t.data == pytest.approx(math.tanh(x0), rel=1e-15, abs=1e-300)
    assert x.grad == pytest.approx(1.0 - t.data**2, rel=1e-12, abs=1e-300)


@given(st.floats(-20.0, 20.0))
def test_relu_derivative_is_indicator_of_positive_input(x0):
    x = Value(x0)
    r = x.relu()
    r.backward()
    assert r.data == max(0.0, x0)
    assert x.grad == (1.0 if x0 > 0 else 0.0)


# --- a 2-2-1 tanh network by hand: autodiff equals the lecture's delta rule -----------------

weights = st.floats(-2.0, 2.0)


@st.composite
def network(draw):
    w1 = [[draw(weights) for _ in range(2)] for _ in range(3)]  # w1[i][j-1] = w_ij^(1), i = 0..2
    w2 = [draw(weights) for _ in range(3)]  # w2[i] = w_i1^(2), i = 0..2
    x = [1.0, draw(weights), draw(weights)]  # x_0 = 1 is the bias input
    y = draw(st.floats(-1.0, 1.0))
    return w1, w2, x, y


def _forward(w1, w2, x, y):
    """e = (x_1^(2) - y)^2, x_j^(l) = tanh(sum_i w_ij^(l) x_i^(l-1)), with Values or floats."""
    tanh = ag.tanh
    hidden = [1.0] + [tanh(w1[0][j] * x[0] + w1[1][j] * x[1] + w1[2][j] * x[2]) for j in range(2)]
    out = tanh(w2[0] * hidden[0] + w2[1] * hidden[1] + w2[2] * hidden[2])
    return (out - y) ** 2, hidden, out


def _delta_rule(w1, w2, x, y):
    """de/dw^(1), de/dw^(2) and de/dx^(0) from the lecture's backward propagation."""
    _, hidden, out = _forward(w1, w2, x, y)
    delta2 = 2.0 * (out - y) * (1.0 - out**2)
    delta1 = [(1.0 - hidden[j + 1] ** 2) * w2[j + 1] * delta2 for j in range(2)]
    dw2 = [hidden[i] * delta2 for i in range(3)]
    dw1 = [[x[i] * delta1[j] for j in range(2)] for i in range(3)]
    dx = [sum(w1[i][j] * delta1[j] for j in range(2)) for i in range(3)]
    return dw1, dw2, dx


@given(network())
def test_backward_on_a_2_2_1_tanh_network_equals_the_lecture_delta_rule(net):
    w1, w2, x, y = net
    W1 = [[Value(w, label=f"w{i}{j + 1}^(1)") for j, w in enumerate(row)] for i, row in enumerate(w1)]
    W2 = [Value(w, label=f"w{i}1^(2)") for i, w in enumerate(w2)]
    X = [Value(v, label=f"x{i}^(0)") for i, v in enumerate(x)]
    error, _, _ = _forward(W1, W2, X, y)
    expected_error, _, _ = _forward(w1, w2, x, y)
    assert error.data == pytest.approx(expected_error, rel=1e-12, abs=1e-15)
    error.backward()
    dw1, dw2, dx = _delta_rule(w1, w2, x, y)
    for i in range(3):
        assert W2[i].grad == pytest.approx(dw2[i], rel=1e-9, abs=1e-12)
        assert X[i].grad == pytest.approx(dx[i], rel=1e-9, abs=1e-12)
        for j in range(2):
            assert W1[i][j].grad == pytest.approx(dw1[i][j], rel=1e-9, abs=1e-12)


@given(network())
def test_grad_on_a_network_built_from_dot_nodes_equals_the_delta_rule(net):
    w1, w2, x, y = net
    W1 = [[Value(w) for w in row] for row in w1]
    W2 = [Value(w) for w in w2]
    hidden = [1.0] + [ag.dot([W1[i][j] for i in range(3)], x).tanh() for j in range(2)]
    error = (ag.dot(W2, hidden).tanh() - y) ** 2
    got = grad(error, [*W2, *(W1[i][j] for i in range(3) for j in range(2))])
    dw1, dw2, _ = _delta_rule(w1, w2, x, y)
    expected = [*dw2, *(dw1[i][j] for i in range(3) for j in range(2))]
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)
    assert all(w.grad == 0.0 for w in W2)
