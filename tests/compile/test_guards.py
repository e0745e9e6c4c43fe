"""Data-dependent Python control flow: comparisons and bool() of Values are guards."""

from __future__ import annotations

import operator
import warnings

import pytest

import autograd_core as ac
import nn
from autograd_core import Value

from .helpers import assert_same, engine, replay, replay_over


def test_an_if_on_a_value_re_traces_when_it_flips_and_stays_exact():
    w = Value(0.8, "w")

    def f(x):
        h = w * x
        if h > 0.0:  # a hinge written with if
            return h * h
        return -h

    c = ac.compile(f, 1.0)
    assert "raise GuardFailed" in c.source
    for x in [1.0, 2.0, -1.0, -3.0, 0.5, -0.5]:
        assert_same(replay(c, [w], x), engine(f, [w], x))
    assert c.stats.guard_failures >= 2
    assert c.stats.retraces == 1 and c.stats.variants == 2  # the second branch is traced once, then reused


def test_max_of_values_records_its_comparisons():
    a, b, c0 = Value(0.1, "a"), Value(0.5, "b"), Value(-0.2, "c")

    def f(x):
        return max([a * x, b * x, c0 * x]) * 2.0

    c = ac.compile(f, 1.0)
    for x in [1.0, 3.0, -1.0, -2.0, 0.25]:
        assert_same(replay(c, [a, b, c0], x), engine(f, [a, b, c0], x))
    assert c.stats.retraces >= 1


def test_bool_of_a_value_is_a_guard():
    w = Value(1.0, "w")

    def f(x):
        d = w - x
        return d * 3.0 if d else w * 1.0

    c = ac.compile(f, 0.0)
    assert_same(replay(c, [w], 1.0), engine(f, [w], 1.0))  # d == 0: the other branch
    assert c.stats.guard_failures == 1


@pytest.mark.parametrize("op", ["le", "ge", "lt", "gt"])
@pytest.mark.parametrize("traced_at", [0.5, 3.0])  # below and above the boundary h = 2
def test_a_guard_replayed_exactly_at_its_boundary_matches_the_engine(op, traced_at):
    w = Value(1.0, "w")

    compare = getattr(operator, op)  # only this one comparison is made: one guard

    def f(x):
        h = w * x
        return h * 2.0 if compare(h, 2.0) else h * 20.0

    c = ac.compile(f, traced_at)
    for x in (2.0, traced_at, 2.0):  # h == 2.0 exactly: the equality case of the guard
        assert_same(replay(c, [w], x), engine(f, [w], x), rtol=0.0)


def test_equality_of_values_is_identity_and_no_guard():
    w = Value(1.0, "w")

    def f(x):
        h = w * x
        return h * 2.0 if h == h else h * 20.0  # identity: always the first branch

    c = ac.compile(f, 1.0)
    assert "GuardFailed  # guard" not in c.source
    assert_same(replay(c, [w], 5.0), engine(f, [w], 5.0), rtol=0.0)


def test_labels_compared_as_values_select_variants_in_a_data_set():
    model = nn.MLP(2, [3, 1], activation="tanh", seed=1)

    def f(x, y):
        s = model(x)[0]
        return (1.0 - s).relu() if y > 0.0 else (1.0 + s).relu()  # y is a Value: a guard (== is identity)

    X = [[0.1, 0.2], [0.5, -0.3], [-0.4, 0.9], [0.3, 0.3]]
    Y = [1.0, -1.0, 1.0, -1.0]
    c = ac.compile(f, X[0], Y[0])
    params = model.parameters()
    got = replay_over(c, params, X, Y)
    for p in params:
        p.grad = 0.0
    loss = nn.mean([f([Value(v) for v in x], Value(y)) for x, y in zip(X, Y)])
    loss.backward()
    assert_same(got, (loss.data, [p.grad for p in params]))
    assert c.stats.variants == 2


def test_float_reads_are_reported_and_check_compares_with_the_engine():
    w = Value(0.5, "w")

    def f(x):
        h = w * x
        return h * h if float(h) > 0.0 else -h  # invisible to guards: unsupported

    c = ac.compile(f, 1.0)
    assert c.stats.float_reads == 1 and c.stats.warnings
    assert c.check(2.0).ok
    report = c.check(-2.0)  # the branch flipped unseen: check says so
    assert not report.ok and report.expected == 1.0
    assert w.grad == 0.0  # check leaves gradients alone


def test_a_branch_that_flips_one_side_of_the_probe_is_compared_on_the_other_side():
    """compile runs f again on arguments moved up, then down, to find numbers computed from data:
    a side where f makes another graph (a float read, invisible to guards, took the other branch)
    is not compared with the trace; the other side is."""
    x0 = 1.0 - 2.0**-21  # moved up by 2**-20, x is past 1.0

    def f(x):
        return x + 5.0 if float(x) >= 1.0 else x * 3.0  # the same size of graph, another rule

    c = ac.compile(f, x0)
    assert c.stats.float_reads == 1
    assert c(0.5) == 1.5 and c(x0) == x0 * 3.0

    def fewer(x):  # the same rules in the same places, one constant fewer on the other side
        return ac.sum([x, 1.0, 2.0]) if float(x) < 1.0 else ac.sum([x, 1.0])

    c = ac.compile(fewer, x0)
    assert c(0.5) == 3.5


def test_no_warning_is_emitted_for_ordinary_functions():
    w = Value(0.5, "w")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = ac.compile(lambda x: (w * x).tanh(), 1.0)
    assert c.stats.warnings == [] and c.stats.float_reads == 0
