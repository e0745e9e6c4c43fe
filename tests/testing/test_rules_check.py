"""check_rule over the whole rule table, and on wrong rules a user might add."""

import math

import pytest

from autograd_core import RULES, Rule
from autograd_core.rules import VARIADIC
from autograd_core.testing import GradcheckError, check_point, check_rule, domain_points
from autograd_core.testing.rules_check import input_counts, input_domain

from .helpers import bad_second_order_rule, bad_sin_rule, cube_rule


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_agrees_with_finite_differences_over_its_domain(name):
    assert check_rule(name) is True


def test_pow_keeps_its_second_derivative_at_exponent_zero():
    # found by check_rule: d/dx x^y was the constant 0 at y == 0, losing d/dy of it (1/x)
    assert check_point(RULES["pow"], (0.4, 0.0)) == []


def test_a_wrong_user_rule_is_caught_and_named():
    with pytest.raises(GradcheckError) as info:
        check_rule(bad_sin_rule())
    text = str(info.value)
    assert "check_rule('bad_sin')" in text and "partial 0" in text and "first order" in text
    assert "at x = (" in text


def test_a_wrong_rule_added_to_the_table_is_caught_by_name(monkeypatch):
    monkeypatch.setitem(RULES, "bad_sin", bad_sin_rule())
    with pytest.raises(GradcheckError, match="bad_sin"):
        check_rule("bad_sin")


def test_a_partial_right_only_on_floats_fails_the_second_order_check():
    with pytest.raises(GradcheckError, match="second order"):
        check_rule(bad_second_order_rule())
    assert check_rule(bad_second_order_rule(), second_order=False) is True


def test_partials_on_values_must_equal_partials_on_floats():
    def partials(x, out):
        return (math.cos(x) if x.__class__ is float else x.cos() + 1e-3,)

    odd = Rule("odd_sin", 1, math.sin, partials, "sin x", (((-1.0, 1.0),),))
    with pytest.raises(GradcheckError, match="Values vs floats"):
        check_rule(odd)


def test_a_correct_user_rule_passes():
    assert check_rule(cube_rule()) is True


def test_unknown_names_and_wrong_types_are_rejected():
    with pytest.raises(ValueError, match="no rule named 'nope'"):
        check_rule("nope")
    with pytest.raises(TypeError):
        check_rule(3)


def test_domain_points_are_deterministic_inside_the_domain_and_cover_every_interval():
    for name, rule in RULES.items():
        points = domain_points(rule)
        assert points == domain_points(rule)
        for point in points:
            for i, x in enumerate(point):
                assert any(lo < x < hi for lo, hi in input_domain(rule, i)), (name, point)
        for i in range(len(points[0])):
            for lo, hi in input_domain(rule, i):
                assert sum(lo < p[i] < hi for p in points) >= 3, (name, i)


def test_input_counts_find_the_valid_numbers_of_inputs_of_variadic_rules():
    assert input_counts(RULES["dot"]) == (2, 4, 6)
    assert input_counts(RULES["sum"]) == (1, 2, 3)
    assert input_counts(RULES["exp"]) == (1,)
    for rule in RULES.values():
        if rule.arity == VARIADIC:
            assert input_counts(rule)


def test_check_point_reports_nothing_at_a_good_point():
    assert check_point(RULES["mul"], (0.5, -1.5)) == []
    found = check_point(bad_sin_rule(), (0.3,))
    assert len(found) == 1 and found[0].rule == "bad_sin" and found[0].index == 0
    assert abs(found[0].analytic - found[0].numeric - 0.1) < 1e-6
