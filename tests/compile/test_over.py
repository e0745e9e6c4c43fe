"""Data-set replay: c.over(X, Y, reduce=...) against a Python loop through the engine."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
import nn
from autograd_core import Value

from .helpers import assert_same, replay_over


def _loop(f, params, X, Y, reduce):
    for p in params:
        p.grad = 0.0
    terms = [f([Value(v) for v in x], Value(y)) for x, y in zip(X, Y)]
    loss = nn.mean(terms) if reduce == "mean" else ac.sum(terms)
    loss.backward()
    return loss.data, [p.grad for p in params]


@settings(max_examples=15)
@given(
    st.lists(st.tuples(st.floats(-2, 2), st.floats(-2, 2), st.sampled_from([-1.0, 1.0])), min_size=1, max_size=12),
    st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
    st.sampled_from(["mean", "sum"]),
)
def test_over_matches_a_python_loop_through_the_engine(rows, activation, reduce):
    model = nn.MLP(2, [5, 4, 1], activation=activation, seed=7)
    params = model.parameters()

    def f(x, y):
        return (1.0 - y * model(x)[0]).relu()

    X = [[a, b] for a, b, _ in rows]
    Y = [y for _, _, y in rows]
    c = ac.compile(f, X[0], Y[0])
    assert_same(replay_over(c, params, X, Y, reduce=reduce), _loop(f, params, X, Y, reduce), rtol=1e-12, atol=1e-15)


def test_over_reads_parameters_once_per_call_and_sees_updates_between_calls():
    w = Value(0.5, "w")
    c = ac.compile(lambda x, y: (w * x - y) * (w * x - y), 1.0, 0.0)
    X, Y = [1.0, 2.0], [0.0, 1.0]

    def by_engine(reduce_mean: bool) -> tuple[float, float]:
        w.grad = 0.0
        loss = ac.sum([(w * x - y) * (w * x - y) for x, y in zip(X, Y)])
        loss = loss * (1.0 / len(X)) if reduce_mean else loss
        loss.backward()
        return loss.data, w.grad

    expected = by_engine(False)
    w.grad = 0.0
    assert c.over(X, Y, reduce="sum") == expected[0] == 0.25 + 0.0
    assert w.grad == expected[1] != 0.0  # d/dw at w = 0.5
    w.data = 1.0  # a new value between calls: read by the next one, for the value and the gradient
    expected = by_engine(True)
    w.grad = 0.0
    assert c.over(X, Y, reduce="mean") == expected[0] == (1.0 + 1.0) / 2
    assert w.grad == expected[1]


def test_over_examples_that_need_the_engine_are_replayed_one_by_one():
    w = Value(1.0, "w")

    def f(x, y):
        return (w * x).log() * y

    c = ac.compile(f, 1.0, 1.0)
    w.grad = 0.0
    assert math.isnan(c.over([1.0, math.nan, 2.0], [1.0, 1.0, 1.0], reduce="sum"))
    w.grad = 0.5
    with pytest.raises(ValueError, match="log: expected x > 0"):
        c.over([1.0, -1.0], [1.0, 1.0])
    assert w.grad == 0.5  # the examples replayed before the error leave no trace


def test_over_argument_errors():
    c = ac.compile(lambda x, y: x[0] * y, [1.0], 1.0)
    with pytest.raises(ValueError, match="different lengths"):
        c.over([[1.0], [2.0]], [1.0])
    with pytest.raises(ValueError, match="empty data set"):
        c.over([], [])
    with pytest.raises(ValueError, match="reduce must be one of"):
        c.over([[1.0]], [1.0], reduce="max")
    with pytest.raises(TypeError, match="expected 2 data sets"):
        c.over([[1.0]])
    with pytest.raises(ValueError, match=r"example 1, argument 0 \(x\) should be a list of 1 floats"):
        c.over([[1.0], [1.0, 2.0]], [1.0, 2.0])


def test_a_function_of_no_arguments_replays_too():
    params = [Value(0.1 * i, f"p{i}") for i in range(5)]
    c = ac.compile(lambda: nn.l2_penalty(params, 0.5))
    for p in params:
        p.grad = 0.0
    assert c() == pytest.approx(0.5 * sum((0.1 * i) ** 2 for i in range(5)), rel=1e-15)
    assert [p.grad for p in params] == [2 * 0.5 * p.data for p in params]


def test_values_replays_forward_only_and_leaves_gradients_alone():
    model = nn.MLP(2, [4, 1], activation="tanh", seed=2)
    score = ac.compile(lambda x: model(x)[0], [0.0, 0.0])
    X = [[0.1, 0.2], [-1.0, 0.5], [math.nan, 0.0], [2.0, -2.0]]
    for p in model.parameters():
        p.grad = 0.0
    got = score.values(X)
    with ac.no_grad():
        expected = [model(x)[0].data for x in X]
    assert got[:2] == expected[:2] and got[3] == expected[3] and math.isnan(got[2])
    assert all(p.grad == 0.0 for p in model.parameters())


def test_compile_forward_gives_every_output_of_a_model():
    from autograd_core.compile import compile_forward

    model = nn.MLP(3, [5, 4], activation="tanh", seed=4)
    scores = compile_forward(model, [0.0, 0.0, 0.0])
    X = [[0.1, 0.2, 0.3], [-1.0, 0.5, 2.0]]
    with ac.no_grad():
        expected = [[v.data for v in model(x)] for x in X]
    assert scores.over(X) == expected
    assert scores(X[1]) == expected[1]
    assert "return" in scores.source and "g_" not in scores.source
    with pytest.raises(TypeError, match="a Value or a list of Values"):
        compile_forward(lambda x: [x, 1.0], 1.0)


def test_over_with_inputs_that_are_exactly_zero_matches_the_engine():
    model = nn.MLP(6, [5, 3], activation="relu", seed=11)
    params = model.parameters()

    def f(x, y):
        return nn.logsumexp(model(x)) - ac.dot(y, model(x))

    X = [[0.0, 0.5, 0.0, 0.0, 1.0, 0.0], [0.0] * 6, [1.0, 0.0, 0.25, 0.0, 0.0, 0.75], [0.3] * 6]
    Y = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    c = ac.compile(f, X[0], Y[0])
    assert "if x_1_l0 or not ok:" in c.over_source
    got = replay_over(c, params, X, Y)
    for p in params:
        p.grad = 0.0
    loss = nn.mean([f([Value(v) for v in x], [Value(v) for v in y]) for x, y in zip(X, Y)])
    loss.backward()
    assert_same(got, (loss.data, [p.grad for p in params]), rtol=1e-12, atol=1e-15)


def test_last_values_are_each_examples_value_of_the_last_over_call():
    w = Value(0.5, "w")
    c = ac.compile(lambda x: (w * x).tanh(), 1.0)
    c.over([1.0, -2.0, math.nan], reduce="sum")
    assert c.last_values[:2] == [math.tanh(0.5), math.tanh(-1.0)] and math.isnan(c.last_values[2])
