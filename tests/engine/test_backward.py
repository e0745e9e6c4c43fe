"""The backward pass: every rule's derivative against central differences, shared
subexpressions, a deep chain and a wide sum at the default recursion limit, repeated
backward, several roots, no_grad and detach."""

from __future__ import annotations

import math
import sys
import weakref

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import (
    RULES,
    Rule,
    Value,
    apply,
    is_grad_enabled,
    no_grad,
    topological_order,
)
from autograd_core.rules import VARIADIC
from autograd_core.testing import central_difference
from autograd_core.testing.rules_check import input_counts
from autograd_core.testing.strategies import rule_inputs

from .helpers import assert_close, collector_disabled

BASIC_FUNCTIONS = {
    "add",
    "sub",
    "mul",
    "div",
    "pow",
    "neg",
    "exp",
    "log",
    "tanh",
    "sigmoid",
    "relu",
    "abs",
    "sqrt",
    "sin",
    "cos",
}
CHAIN_LENGTH = 1_000_000


def test_rule_table_holds_every_basic_function_the_engine_promises():
    assert BASIC_FUNCTIONS <= set(RULES)
    for name, rule in RULES.items():
        assert rule.name == name
        assert rule.domain, name


def test_every_variadic_rule_runs_at_the_input_counts_the_gradient_checks_use():
    for rule in (r for r in RULES.values() if r.arity == VARIADIC):
        counts = input_counts(rule)
        assert counts, rule.name
        for n in counts:
            rule.forward(*[0.5 + 0.1 * k for k in range(n)])


# --- each rule against central differences (a new row is picked up automatically) ------


@pytest.mark.parametrize("name", sorted(RULES))
@given(data=st.data())
def test_rule_derivative_matches_central_difference_across_its_domain(name, data):
    rule = RULES[name]
    xs = data.draw(rule_inputs(rule), label="inputs")
    leaves = [Value(x) for x in xs]
    out = apply(rule, *leaves)
    fx = rule.forward(*xs)
    assert out.data == fx
    out.backward()
    for i, leaf in enumerate(leaves):
        expected = central_difference(lambda z: rule.forward(*z), xs, i)
        assert_close(leaf.grad, expected, scale=fx, what=f"d{name}/dx{i} at {xs}")


@pytest.mark.parametrize("name", sorted(n for n, r in RULES.items() if r.arity != 1))  # a unary rule has no other input
@given(data=st.data())
def test_rule_derivative_with_constant_inputs_matches_all_value_inputs(name, data):
    rule = RULES[name]
    xs = data.draw(rule_inputs(rule), label="inputs")
    reference = [Value(x) for x in xs]
    apply(rule, *reference).backward()
    for i in range(len(xs)):  # input i is a Value, every other input a plain float
        only = Value(xs[i])
        args = [only if j == i else xs[j] for j in range(len(xs))]
        out = apply(rule, *args)
        assert out.parents == (only,)
        out.backward()
        assert only.grad == reference[i].grad


def test_a_new_rule_row_is_differentiated_without_engine_changes():
    cube = Rule(
        "cube",
        1,
        lambda x: x * x * x,
        lambda x, out: (3.0 * x * x,),
        "x^3; d/dx = 3x^2",
        (((-2.0, 2.0),),),
    )
    x = Value(1.5)
    y = apply(cube, x)
    assert y.op == "cube" and y.data == 3.375
    (y * 2).backward()
    assert x.grad == pytest.approx(2 * 3 * 1.5**2)
    second = ag.grad(ag.grad(apply(cube, x), x, create_graph=True), x)
    assert second == pytest.approx(6 * 1.5)


# --- graph shapes ---------------------------------------------------------------------------


def test_shared_subexpression_accumulates_every_path():
    a = Value(3.0)
    b = a + a  # 2a
    c = b * b  # 4a^2
    c.backward()
    assert b.grad == 2 * b.data == 12.0
    assert a.grad == 8 * a.data == 24.0


def test_diamond_graph_sums_both_branches():
    x = Value(0.5)
    u, v = x.exp(), x.sin()
    y = u * v
    y.backward()
    assert x.grad == pytest.approx(math.exp(0.5) * (math.sin(0.5) + math.cos(0.5)), rel=1e-12)


def test_value_used_many_times_in_one_expression():
    x = Value(2.0)
    y = x * x * x + x * 4 - x / x
    y.backward()
    assert x.grad == pytest.approx(3 * 4.0 + 4.0)


def test_topological_order_lists_parents_before_children_and_root_last():
    x, y = Value(1.0), Value(2.0)
    z = (x * y + x).tanh()
    order = topological_order(z)
    assert order[-1] is z
    position = {id(v): i for i, v in enumerate(order)}
    assert len(position) == len(order) == 5
    for v in order:
        assert all(position[id(p)] < position[id(v)] for p in v.parents)
    assert [id(v) for v in topological_order(z)] == [id(v) for v in order]  # deterministic


@pytest.fixture
def default_recursion_limit():
    """The interpreter's default limit (another library in the session may have raised it)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def test_backward_of_a_million_node_chain_works_at_default_recursion_limit(default_recursion_limit):
    c = 1.0000001
    # The collector is off only to save time (it would rescan the growing graph); the
    # graph is acyclic, so reference counting frees it either way.
    with collector_disabled():
        x = Value(1.0)
        v = x
        for _ in range(CHAIN_LENGTH):
            v = v * c
        v.backward()
        assert x.grad == pytest.approx(c**CHAIN_LENGTH, rel=1e-8)
        ref = weakref.ref(v)
        del v  # freeing a million-deep chain must not overflow the C stack either
        assert ref() is None


def test_builtin_sum_of_a_million_terms_works_at_default_recursion_limit(default_recursion_limit):
    with collector_disabled():
        xs = [Value(float(i % 3)) for i in range(CHAIN_LENGTH)]
        total = sum(xs)  # Python's builtin: a chain of a million additions
        assert total.data == float(sum(i % 3 for i in range(CHAIN_LENGTH)))
        total.backward()
        assert all(x.grad == 1.0 for x in xs)
        del total, xs


# --- repeated backward, several roots, leaves ----------------------------------------------


def test_second_backward_accumulates_in_leaves_but_not_in_interior_nodes():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c + a
    e = d * d
    e.backward()
    first = {"a": a.grad, "b": b.grad, "c": c.grad, "d": d.grad, "e": e.grad}
    e.backward()
    assert a.grad == 2 * first["a"] and b.grad == 2 * first["b"]
    assert c.grad == first["c"] and d.grad == first["d"] and e.grad == first["e"] == 1.0


def test_two_roots_sharing_leaves_accumulate_into_the_leaves():
    a, b = Value(2.0), Value(5.0)
    r1 = a * b
    r2 = a + b
    r1.backward()
    r2.backward()
    assert a.grad == b.data + 1.0
    assert b.grad == a.data + 1.0


def test_backward_on_a_leaf_seeds_its_grad_with_one_and_accumulates():
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0
    x.backward()
    assert x.grad == 2.0


def test_backward_gradient_argument_scales_the_seed():
    x = Value(3.0)
    y = x * x
    y.backward(0.5)
    assert y.grad == 0.5
    assert x.grad == 0.5 * 2 * 3.0


def test_module_backward_function_matches_method():
    x1, x2 = Value(0.3), Value(0.3)
    x1.tanh().backward()
    ag.backward(x2.tanh())
    assert x1.grad == x2.grad == pytest.approx(1 - math.tanh(0.3) ** 2)


# --- no_grad and detach ---------------------------------------------------------------------


def test_grad_is_enabled_by_default():
    assert is_grad_enabled() is True


def test_no_grad_results_are_leaves_without_parents():
    x = Value(2.0)
    with no_grad():
        assert is_grad_enabled() is False
        y = x * 3 + x.exp()
        z = ag.sum([x, y])
    for node in (y, z):
        assert node.parents == () and node.op == "" and node.is_leaf()
    assert y.data == pytest.approx(6 + math.exp(2.0))
    assert is_grad_enabled() is True


def test_no_grad_nesting_restores_the_previous_state():
    with no_grad():
        with no_grad():
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_no_grad_restores_the_state_after_an_exception():
    with pytest.raises(ZeroDivisionError), no_grad():
        Value(1.0) / 0
    assert is_grad_enabled()


def test_value_computed_under_no_grad_is_a_constant_for_backward():
    x = Value(2.0)
    with no_grad():
        y = x * x
    z = y * x
    z.backward()
    assert x.grad == y.data == 4.0


def test_detach_gives_a_new_leaf_with_same_data_and_label():
    x = Value(2.0, label="x")
    y = x * x
    y.label = "y"
    d = y.detach()
    assert d is not y
    assert d.data == y.data and d.label == "y"
    assert d.parents == () and d.op == "" and d.grad == 0.0
    z = d * x
    z.backward()
    assert x.grad == d.data
