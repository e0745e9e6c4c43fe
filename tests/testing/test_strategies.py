"""The hypothesis strategies, and the project's own property-based gradient checks built on them."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import RULES, Value
from autograd_core.testing import GradcheckError, gradcheck, gradgradcheck
from autograd_core.testing.rules_check import input_domain
from autograd_core.testing.strategies import (
    Expression,
    domain_floats,
    expressions,
    rule_inputs,
)

from .helpers import bad_sin_rule, cube_rule


@given(st.data())
def test_domain_floats_stay_inside_the_rules_domain(data):
    name = data.draw(st.sampled_from(sorted(RULES)))
    rule = RULES[name]
    i = data.draw(st.integers(0, max(rule.arity, 1) - 1))
    x = data.draw(domain_floats(name, i))
    assert any(lo <= x <= hi for lo, hi in input_domain(rule, i))


@given(st.data())
def test_rule_inputs_fit_the_rule_and_its_domain(data):
    rule = RULES[data.draw(st.sampled_from(sorted(RULES)))]
    xs = data.draw(rule_inputs(rule))
    assert all(any(lo <= x <= hi for lo, hi in input_domain(rule, i)) for i, x in enumerate(xs))
    rule.forward(*xs)  # an accepted number of inputs


def _outside_domain(expr: Expression) -> list[int]:
    """Steps (other than glue) with an input outside the rule's domain."""
    bad = []
    for j, node in enumerate(expr.build_all(expr.leaves())):
        if j in expr.glue:
            continue
        for i, a in enumerate(node.inputs):
            x = a.data if a.__class__ is Value else a
            if not any(lo <= x <= hi for lo, hi in input_domain(node.rule, i)):
                bad.append(j)
    return bad


@settings(max_examples=200)
@given(expressions(max_depth=30))
def test_random_graphs_have_gradients_that_match_finite_differences(expr):
    assert _outside_domain(expr) == [], expr.describe()
    assert gradcheck(expr, expr.leaves())


@given(expressions(max_depth=12, max_nodes=15, max_inputs=3))
def test_random_graphs_have_second_derivatives_that_match(expr):
    assert gradgradcheck(expr, expr.leaves())


@given(expressions(max_nodes=10))
def test_an_expression_repr_rebuilds_the_same_graph(expr):
    again = eval(repr(expr), {"Expression": Expression})
    assert again == expr and again.evaluate() == expr.evaluate()
    assert all(expr.steps[j][0] in ("mul", "sigmoid", "add") for j in expr.glue)
    assert expr(*expr.leaves()).data == expr.evaluate()
    assert expr.describe().count("\n") == len(expr.steps)
    assert 1 <= expr.depth() <= 35


def test_expressions_use_every_rule_shared_nodes_and_constants_on_both_sides():
    seen, shared, left, right = set(), False, False, False

    @settings(max_examples=100, derandomize=True, database=None)
    @given(expressions(max_nodes=20))
    def collect(expr):
        nonlocal seen, shared, left, right
        seen |= expr.rule_names()
        refs = [a for _, args in expr.steps for a in args if isinstance(a, tuple)]
        shared = shared or len(refs) != len(set(refs))
        for _, args in expr.steps:
            left = left or (isinstance(args[0], float) and len(args) == 2)
            right = right or (isinstance(args[-1], float) and len(args) == 2)

    collect()
    assert seen == set(RULES) and shared and left and right


def test_a_rule_added_to_the_table_is_drawn_without_other_edits(monkeypatch):
    monkeypatch.setitem(RULES, "cube", cube_rule())
    seen = []

    @settings(max_examples=30, derandomize=True, database=None)
    @given(expressions(max_nodes=30))
    def check(expr):
        seen.append("cube" in expr.rule_names())
        assert gradcheck(expr, expr.leaves())

    check()
    assert any(seen)


def test_a_wrong_rule_added_to_the_table_makes_random_graphs_fail_naming_it(monkeypatch):
    monkeypatch.setitem(RULES, "bad_sin", bad_sin_rule())

    @settings(max_examples=50, derandomize=True, database=None, print_blob=False)
    @given(expressions(max_nodes=20, rules=["bad_sin", "mul", "add", "exp"]))
    def check(expr):
        gradcheck(expr, expr.leaves())

    with pytest.raises(GradcheckError, match="'bad_sin' node"):
        check()


def test_without_hypothesis_the_strategies_module_names_the_testing_extra():
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import autograd_core.testing.strategies\n"
        "except ImportError as error:\n    print(type(error).__name__, error)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.startswith("MissingExtra"), done.stdout + done.stderr
    assert 'pip install "autograd-core[testing]"' in done.stdout
