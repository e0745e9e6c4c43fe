"""``autograd_core.grad``: first-order results that leave ``.grad`` alone, and with
``create_graph=True`` second and third derivatives and Hessians against analytic formulas
and against central differences of the engine's own lower-order derivatives."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import RULES, Value, apply, grad, topological_order
from autograd_core.testing import central_difference
from autograd_core.testing.strategies import rule_inputs

from .helpers import assert_close

UNARY_RULES = sorted(name for name, rule in RULES.items() if rule.arity == 1)


# --- first order ---------------------------------------------------------------------------


def _graph():
    x, y = Value(0.7, label="x"), Value(-1.3, label="y")
    z = (x * y + x.exp()).tanh() * y
    return x, y, z


def test_grad_of_a_single_input_returns_a_float():
    x, _, z = _graph()
    g = grad(z, x)
    assert type(g) is float


def test_grad_of_a_list_of_inputs_returns_a_list_in_order():
    x, y, z = _graph()
    gs = grad(z, [x, y])
    assert type(gs) is list and len(gs) == 2
    z.backward()
    assert gs == [x.grad, y.grad]


def test_grad_repeats_the_result_for_a_repeated_input():
    x, _, z = _graph()
    g = grad(z, x)
    assert grad(z, [x, x]) == [g, g]


def test_grad_accepts_a_tuple_of_inputs():
    x, y, z = _graph()
    assert grad(z, (y, x)) == grad(z, [y, x])


def test_grad_leaves_every_grad_attribute_at_zero():
    x, y, z = _graph()
    grad(z, [x, y])
    grad(z, [x, y], create_graph=True)
    assert all(v.grad == 0.0 for v in topological_order(z))


def test_grad_does_not_change_grads_filled_by_backward():
    x, y, z = _graph()
    z.backward()
    before = [v.grad for v in topological_order(z)]
    grad(z, [x, y])
    assert [v.grad for v in topological_order(z)] == before


def test_grad_of_input_not_in_the_graph_is_zero():
    x, _, z = _graph()
    other = Value(5.0)
    assert grad(z, other) == 0.0
    assert grad(z, [other, x])[0] == 0.0
    as_value = grad(z, other, create_graph=True)
    assert isinstance(as_value, Value) and as_value.data == 0.0


def test_grad_of_output_with_respect_to_itself_is_one():
    *_, z = _graph()
    assert grad(z, z) == 1.0


def test_grad_handles_shared_subexpressions():
    a = Value(3.0)
    b = a + a
    c = b * b
    assert grad(c, [a, b]) == [24.0, 12.0]


def test_grad_with_create_graph_returns_values_equal_to_first_order_floats():
    x, y, z = _graph()
    floats = grad(z, [x, y])
    values = grad(z, [x, y], create_graph=True)
    assert all(isinstance(v, Value) for v in values)
    assert [v.data for v in values] == pytest.approx(floats, rel=1e-12, abs=1e-15)


# --- every rule: second and third derivatives against central differences ----------------


def _first_derivatives(name: str, xs: tuple[float, ...]) -> list[float]:
    leaves = [Value(x) for x in xs]
    return grad(apply(RULES[name], *leaves), leaves)


@pytest.mark.parametrize("name", sorted(RULES))
@given(data=st.data())
def test_rule_second_derivatives_match_central_differences_of_first(name, data):
    xs = data.draw(rule_inputs(RULES[name]), label="inputs")
    leaves = [Value(x) for x in xs]
    firsts = grad(apply(RULES[name], *leaves), leaves, create_graph=True)
    for i, first in enumerate(firsts):
        seconds = grad(first, leaves)
        for j, second in enumerate(seconds):
            expected = central_difference(lambda zs, i=i: _first_derivatives(name, zs)[i], xs, j)
            assert_close(second, expected, scale=first.data, what=f"d2 {name}/dx{i}dx{j} at {xs}")


@pytest.mark.parametrize("name", UNARY_RULES)
@given(data=st.data())
def test_unary_rule_third_derivative_matches_central_difference_of_second(name, data):
    (x0,) = data.draw(rule_inputs(RULES[name]), label="input")

    def second(z: float) -> float:
        x = Value(z)
        return grad(grad(apply(RULES[name], x), x, create_graph=True), x)

    x = Value(x0)
    d2 = grad(grad(apply(RULES[name], x), x, create_graph=True), x, create_graph=True)
    d3 = grad(d2, x)
    assert_close(d3, central_difference(lambda z: second(z[0]), (x0,), 0), scale=d2.data, what=f"{name}''' at {x0}")


# --- compositions against analytic formulas -------------------------------------------------


def _derivatives(build: Callable[[Value], Value], x0: float, order: int = 3) -> list[float]:
    """[f'(x0), f''(x0), ...] by repeated ``grad(..., create_graph=True)``."""
    x = Value(x0)
    y = build(x)
    out = []
    for _ in range(order):
        y = grad(y, x, create_graph=True)
        out.append(y.data)
    assert x.grad == 0.0
    return out


def _tanh_derivatives(x: float) -> tuple[float, float, float, float]:
    t = math.tanh(x)
    s = 1.0 - t * t
    return t, s, -2.0 * t * s, s * (6.0 * t * t - 2.0)


def _tanh_times_exp_derivatives(x: float) -> list[float]:
    """Leibniz: (t e^x)^(n) = e^x sum_k C(n, k) t^(k), since every derivative of e^x is e^x."""
    t0, t1, t2, t3 = _tanh_derivatives(x)
    e = math.exp(x)
    return [e * (t1 + t0), e * (t2 + 2 * t1 + t0), e * (t3 + 3 * t2 + 3 * t1 + t0)]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


ANALYTIC: dict[str, tuple[Callable[[Value], Value], Callable[[float], list[float]], tuple[float, float]]] = {
    # name: (f built from Values, x -> [f', f'', f'''], interval for x)
    "tanh(x) exp(x)": (
        lambda x: x.tanh() * x.exp(),
        _tanh_times_exp_derivatives,
        (-3.0, 3.0),
    ),
    "tanh(x)": (
        lambda x: x.tanh(),
        lambda x: list(_tanh_derivatives(x)[1:]),
        (-3.0, 3.0),
    ),
    "sigmoid(x)": (
        lambda x: x.sigmoid(),
        lambda x: [
            (s := _sigmoid(x)) * (1 - s),
            s * (1 - s) * (1 - 2 * s),
            s * (1 - s) * (1 - 6 * s + 6 * s * s),
        ],
        (-5.0, 5.0),
    ),
    "exp(x)": (lambda x: x.exp(), lambda x: [math.exp(x)] * 3, (-3.0, 3.0)),
    "log(x)": (lambda x: x.log(), lambda x: [1 / x, -1 / x**2, 2 / x**3], (0.1, 5.0)),
    "log(x^2 + 1)": (
        lambda x: (x * x + 1).log(),
        lambda x: [
            2 * x / (x * x + 1),
            (2 - 2 * x * x) / (x * x + 1) ** 2,
            (4 * x**3 - 12 * x) / (x * x + 1) ** 3,
        ],
        (-3.0, 3.0),
    ),
    "sin(x) cos(x)": (
        lambda x: x.sin() * x.cos(),
        lambda x: [math.cos(2 * x), -2 * math.sin(2 * x), -4 * math.cos(2 * x)],
        (-3.0, 3.0),
    ),
    "exp(sin(x))": (
        lambda x: x.sin().exp(),
        lambda x: [
            math.cos(x) * math.exp(math.sin(x)),
            (math.cos(x) ** 2 - math.sin(x)) * math.exp(math.sin(x)),
            math.cos(x) * (math.cos(x) ** 2 - 3 * math.sin(x) - 1) * math.exp(math.sin(x)),
        ],
        (-3.0, 3.0),
    ),
    "x cos(x)": (
        lambda x: x * ag.cos(x),
        lambda x: [
            math.cos(x) - x * math.sin(x),
            -2 * math.sin(x) - x * math.cos(x),
            -3 * math.cos(x) + x * math.sin(x),
        ],
        (-3.0, 3.0),
    ),
    "sqrt(x)": (
        lambda x: x.sqrt(),
        lambda x: [0.5 * x**-0.5, -0.25 * x**-1.5, 0.375 * x**-2.5],
        (0.1, 5.0),
    ),
    "1 / x": (lambda x: 1 / x, lambda x: [-1 / x**2, 2 / x**3, -6 / x**4], (0.2, 3.0)),
    "2 ** x": (
        lambda x: 2**x,
        lambda x: [2**x * math.log(2) ** k for k in (1, 2, 3)],
        (-3.0, 3.0),
    ),
    "x ** 3.5": (
        lambda x: x**3.5,
        lambda x: [3.5 * x**2.5, 3.5 * 2.5 * x**1.5, 3.5 * 2.5 * 1.5 * x**0.5],
        (0.1, 3.0),
    ),
    "-(x ** 3)": (lambda x: -(x**3), lambda x: [-3 * x * x, -6 * x, -6.0], (-3.0, 3.0)),
    "relu(x) ** 2": (
        lambda x: x.relu() ** 2,
        lambda x: [2 * max(x, 0.0), 2.0 if x > 0 else 0.0, 0.0],
        (-3.0, 3.0),
    ),
    "|x|^3": (
        lambda x: abs(x) * abs(x) * abs(x),
        lambda x: [3 * x * abs(x), 6 * abs(x), 6.0 if x > 0 else -6.0],
        (0.1, 3.0),
    ),
    "|x|^3, x < 0": (
        lambda x: abs(x) * abs(x) * abs(x),
        lambda x: [3 * x * abs(x), 6 * abs(x), 6.0 if x > 0 else -6.0],
        (-3.0, -0.1),
    ),
}


@pytest.mark.parametrize("name", sorted(ANALYTIC))
@given(data=st.data())
def test_second_and_third_derivatives_of_compositions_match_analytic_formulas(name, data):
    build, expected, (lo, hi) = ANALYTIC[name]
    x0 = data.draw(st.floats(lo, hi), label="x")
    got = _derivatives(build, x0)
    want = expected(x0)
    for k, (g, w) in enumerate(zip(got, want), start=1):
        assert g == pytest.approx(w, rel=1e-9, abs=1e-9), f"order {k} of {name} at {x0}"


@given(st.floats(0.2, 3.0), st.floats(-2.0, 2.0))
def test_power_of_two_values_has_the_analytic_hessian_and_third_derivatives(a, b):
    x, y = Value(a), Value(b)
    gx, gy = grad(x**y, [x, y], create_graph=True)
    (hxx, hxy), (hyx, hyy) = (
        grad(gx, [x, y], create_graph=True),
        grad(gy, [x, y], create_graph=True),
    )
    ln = math.log(a)
    assert hxx.data == pytest.approx(b * (b - 1) * a ** (b - 2), rel=1e-9, abs=1e-12)
    assert hxy.data == pytest.approx(a ** (b - 1) * (1 + b * ln), rel=1e-9, abs=1e-12)
    assert hyx.data == pytest.approx(hxy.data, rel=1e-12, abs=1e-15)
    assert hyy.data == pytest.approx(a**b * ln * ln, rel=1e-9, abs=1e-12)
    assert grad(hxx, x) == pytest.approx(b * (b - 1) * (b - 2) * a ** (b - 3), rel=1e-9, abs=1e-12)
    assert grad(hyy, y) == pytest.approx(a**b * ln**3, rel=1e-9, abs=1e-12)


@given(st.floats(-3.0, 3.0), st.one_of(st.floats(-3.0, -0.2), st.floats(0.2, 3.0)))
def test_division_has_the_analytic_hessian_and_third_derivative(a, b):
    x, y = Value(a), Value(b)
    gx, gy = grad(x / y, [x, y], create_graph=True)
    hxx, hxy = grad(gx, [x, y])
    hyx, hyy = grad(gy, [x, y], create_graph=True)
    assert hxx == 0.0
    assert hxy == pytest.approx(-1 / b**2, rel=1e-12)
    assert hyx.data == pytest.approx(hxy, rel=1e-12)
    assert hyy.data == pytest.approx(2 * a / b**3, rel=1e-9, abs=1e-12)
    assert grad(hyy, y) == pytest.approx(-6 * a / b**4, rel=1e-9, abs=1e-12)


@given(st.floats(-2.0, 2.0), st.floats(-2.0, 2.0))
def test_hessian_of_a_two_variable_function_is_analytic_and_symmetric(a, b):
    """f(x, y) = x^2 y + sin(xy)."""
    x, y = Value(a), Value(b)
    f = x * x * y + (x * y).sin()
    gx, gy = grad(f, [x, y], create_graph=True)
    assert gx.data == pytest.approx(2 * a * b + b * math.cos(a * b), rel=1e-12, abs=1e-12)
    assert gy.data == pytest.approx(a * a + a * math.cos(a * b), rel=1e-12, abs=1e-12)
    hessian = [grad(gx, [x, y]), grad(gy, [x, y])]
    s, c = math.sin(a * b), math.cos(a * b)
    expected = [[2 * b - b * b * s, 2 * a + c - a * b * s], [2 * a + c - a * b * s, -a * a * s]]
    for i in range(2):
        for j in range(2):
            assert hessian[i][j] == pytest.approx(expected[i][j], rel=1e-9, abs=1e-12)
    assert hessian[0][1] == pytest.approx(hessian[1][0], rel=1e-12, abs=1e-15)
    assert x.grad == y.grad == 0.0


def test_hessian_through_sum_and_dot_nodes():
    x, y = Value(1.5), Value(-0.5)
    f = ag.sum([x * y, x * x * x]) + ag.dot([x, y], [x, y])  # xy + x^3 + x^2 + y^2
    gx, gy = grad(f, [x, y], create_graph=True)
    assert grad(gx, [x, y]) == pytest.approx([6 * 1.5 + 2, 1.0])
    assert grad(gy, [x, y]) == pytest.approx([1.0, 2.0])


def test_derivative_of_a_constant_gradient_is_zero():
    x = Value(2.0)
    first = grad(x * 3 + 1, x, create_graph=True)
    assert first.data == 3.0
    assert grad(first, x) == 0.0


@pytest.mark.parametrize("base", [2.0, 0.5])
def test_mixed_second_derivative_of_power_at_exponent_zero_is_one_over_base(base):
    """d/dy (d/dx x^y) = x^(y-1) (1 + y ln x), which is 1/x at y = 0 (not 0)."""
    x, y = Value(base), Value(0.0)
    gx = grad(x**y, x, create_graph=True)
    assert gx.data == 0.0
    assert grad(gx, y) == pytest.approx(1 / base, rel=1e-12)


@pytest.mark.parametrize("x0", [1e-160, 1e-226, 0.5])
def test_higher_derivatives_of_integer_powers_stay_exact_at_tiny_inputs(x0):
    """x^1 and x^2 have derivatives 1, 0, 0 and 2x, 2, 0, 0: no x^-1, x^-2 may be built."""
    assert _derivatives(lambda x: x**1, x0, order=3) == [1.0, 0.0, 0.0]
    assert _derivatives(lambda x: x**2, x0, order=4) == [2 * x0, 2.0, 0.0, 0.0]
    assert _derivatives(lambda x: x.relu() ** 2, x0, order=4) == [2 * x0, 2.0, 0.0, 0.0]
