"""Operators and basic functions: forward values and first derivatives for every mix of
int, float and Value operands, module-level functions on plain numbers, and numerics at
the edges (large |x| for sigmoid, the kinks of relu and abs)."""

from __future__ import annotations

import math
import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core import Value

# op -> (python operator, d/dx, d/dy) at (x, y)
BINARY = {
    "add": (operator.add, lambda x, y: 1.0, lambda x, y: 1.0),
    "sub": (operator.sub, lambda x, y: 1.0, lambda x, y: -1.0),
    "mul": (operator.mul, lambda x, y: y, lambda x, y: x),
    "div": (operator.truediv, lambda x, y: 1.0 / y, lambda x, y: -x / (y * y)),
    "pow": (operator.pow, lambda x, y: y * x ** (y - 1), lambda x, y: x**y * math.log(x)),
}
X, Y = 3, 2.0  # an int and a float, both fine for every binary op (base > 0 for pow)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_operator_with_two_values_gives_value_and_both_derivatives(name):
    op, dx, dy = BINARY[name]
    x, y = Value(X), Value(Y)
    z = op(x, y)
    assert isinstance(z, Value) and z.op == name
    assert z.data == pytest.approx(op(float(X), Y), rel=1e-12)
    z.backward()
    assert x.grad == pytest.approx(dx(float(X), Y), rel=1e-12)
    assert y.grad == pytest.approx(dy(float(X), Y), rel=1e-12)


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("constant", [X, float(X)], ids=["int", "float"])
def test_binary_operator_with_number_on_the_left(name, constant):
    op, _, dy = BINARY[name]
    y = Value(Y)
    z = op(constant, y)
    assert isinstance(z, Value) and z.op == name
    assert z.data == pytest.approx(op(float(X), Y), rel=1e-12)
    z.backward()
    assert y.grad == pytest.approx(dy(float(X), Y), rel=1e-12)


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("constant", [2, 2.0], ids=["int", "float"])
def test_binary_operator_with_number_on_the_right(name, constant):
    op, dx, _ = BINARY[name]
    x = Value(X)
    z = op(x, constant)
    assert isinstance(z, Value) and z.op == name
    assert z.data == pytest.approx(op(float(X), 2.0), rel=1e-12)
    z.backward()
    assert x.grad == pytest.approx(dx(float(X), 2.0), rel=1e-12)


def test_number_to_the_power_of_a_value_differentiates_in_the_exponent():
    x = Value(1.5)
    z = 2**x
    assert z.data == pytest.approx(2**1.5)
    z.backward()
    assert x.grad == pytest.approx(2**1.5 * math.log(2.0), rel=1e-12)


@given(st.floats(0.1, 4.0), st.floats(-3.0, 3.0))
def test_value_to_the_power_of_a_value_differentiates_in_base_and_exponent(a, b):
    x, y = Value(a), Value(b)
    (x**y).backward()
    assert x.grad == pytest.approx(b * a ** (b - 1), rel=1e-10, abs=1e-12)
    assert y.grad == pytest.approx(a**b * math.log(a), rel=1e-10, abs=1e-12)


def test_negative_base_with_integer_constant_exponent_differentiates_in_the_base():
    x = Value(-3.0)
    z = x**2
    assert z.data == 9.0
    z.backward()
    assert x.grad == -6.0
    x3 = Value(-2.0)
    (x3**3).backward()
    assert x3.grad == 12.0


def test_unary_minus_negates_and_has_derivative_minus_one():
    x = Value(2.5)
    z = -x
    assert z.data == -2.5 and z.op == "neg"
    z.backward()
    assert x.grad == -1.0


def test_builtin_abs_on_a_value_records_abs():
    x = Value(-2.5)
    z = abs(x)
    assert isinstance(z, Value) and z.op == "abs" and z.data == 2.5
    z.backward()
    assert x.grad == -1.0


def test_subtraction_and_division_keep_operand_order_with_constants():
    x = Value(4.0)
    assert (x - 1).data == 3.0 and (1 - x).data == -3.0
    assert (x / 2).data == 2.0 and (2 / x).data == 0.5
    assert (x**0.5).data == 2.0 and (0.5**x).data == 0.0625


# --- basic functions: methods and module-level functions --------------------------------

UNARY = {
    "exp": (math.exp, 0.7),
    "log": (math.log, 0.7),
    "tanh": (math.tanh, 0.7),
    "sigmoid": (lambda x: 1.0 / (1.0 + math.exp(-x)), 0.7),
    "softplus": (lambda x: math.log1p(math.exp(x)), -0.7),
    "relu": (lambda x: max(0.0, x), -0.7),
    "abs": (lambda x: -x if x < 0 else x, -0.7),
    "sqrt": (math.sqrt, 0.7),
    "sin": (math.sin, 0.7),
    "cos": (math.cos, 0.7),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_basic_function_method_and_module_function_agree_on_values(name):
    reference, x = UNARY[name]
    method = getattr(Value(x), name)()
    function = getattr(ag, name)(Value(x))
    assert isinstance(method, Value) and isinstance(function, Value)
    assert function.op == method.op == name
    assert method.data == pytest.approx(reference(x), rel=1e-12)
    assert function.data == method.data


@pytest.mark.parametrize("name", sorted(UNARY))
def test_module_function_on_a_float_or_int_returns_a_float(name):
    reference, x = UNARY[name]
    result = getattr(ag, name)(x)
    assert type(result) is float
    assert result == pytest.approx(reference(x), rel=1e-12)
    as_int = getattr(ag, name)(2)
    assert type(as_int) is float
    assert as_int == pytest.approx(reference(2.0), rel=1e-12)


def test_module_sum_and_dot_on_plain_numbers_return_floats():
    assert ag.sum([1, 2, 3.5]) == 6.5 and type(ag.sum([1, 2])) is float
    assert ag.dot([1, 2], [3, 4.0]) == 11.0 and type(ag.dot([1], [2])) is float


def test_module_sum_and_dot_on_values_make_one_node_each():
    xs = [Value(float(i)) for i in range(1, 4)]
    s = ag.sum(xs)
    assert s.op == "sum" and s.data == 6.0 and s.parents == tuple(xs)
    d = ag.dot(xs, [2.0, 3.0, 4.0])
    assert d.op == "dot" and d.data == 20.0 and d.parents == tuple(xs)
    d.backward()
    assert [x.grad for x in xs] == [2.0, 3.0, 4.0]


def test_module_sum_and_dot_mix_values_and_plain_numbers():
    x = Value(1.5)
    s = ag.sum([x, 2, 3.5])
    assert s.data == 7.0 and s.parents == (x,)
    d = ag.dot([x, 2], [4, x])
    assert d.data == 1.5 * 4 + 2 * 1.5 and d.parents == (x, x)
    d.backward()
    assert x.grad == 4 + 2


def _left_to_right(xs):
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    return total


def test_sum_dot_and_affine_add_left_to_right_on_every_python():
    # builtins.sum compensates rounding errors from Python 3.12 on (1.0 here): the engine, like
    # a replay's a + b + c, rounds after each addition on every version
    big = [Value(1e16), Value(1.0), Value(-1e16)]
    assert ag.sum(big).data == 0.0 == (1e16 + 1.0) - 1e16
    assert ag.dot(big, [1.0, 1.0, 1.0]).data == 0.0
    assert ag.affine(Value(0.5), [1.0, 1.0, 1.0], big).data == 0.5 + 0.0
    zero = Value(-0.0)
    assert math.copysign(1.0, ag.sum([zero, zero]).data) == -1.0, "-0.0 + -0.0 is -0.0 (an int 0 start gives 0.0)"
    assert math.copysign(1.0, ag.dot([zero], [2.0]).data) == -1.0


@given(st.lists(st.floats(-1e300, 1e300, allow_subnormal=True), min_size=1, max_size=12))
def test_sum_and_dot_are_the_left_to_right_float_additions(xs):
    vs = [Value(x) for x in xs]
    assert ag.sum(vs).data.hex() == float(_left_to_right(xs)).hex()
    ones = [1.0] * len(xs)
    assert ag.dot(vs, ones).data.hex() == float(_left_to_right([x * 1.0 for x in xs])).hex()


# --- numerics ---------------------------------------------------------------------------


def _sigmoid_prime_reference(x: float) -> float:
    e = math.exp(-abs(x))  # never overflows
    return e / (1.0 + e) ** 2


@pytest.mark.parametrize("x", [1e4, -1e4, 1000.0, -1000.0, 745.0, -745.0, 710.0, -710.0, 40.0, -40.0])
def test_sigmoid_and_its_derivative_are_finite_and_correct_at_large_inputs(x):
    v = Value(x)
    s = v.sigmoid()
    expected = 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0 if x < -745 else math.exp(x)
    assert math.isfinite(s.data)
    assert s.data == pytest.approx(expected, rel=1e-12, abs=1e-300)
    s.backward()
    assert math.isfinite(v.grad)
    assert v.grad == pytest.approx(_sigmoid_prime_reference(x), rel=1e-9, abs=1e-15)
    assert math.isfinite(ag.sigmoid(x))


@given(st.floats(-1e4, 1e4))
def test_sigmoid_derivative_is_finite_and_correct_for_inputs_up_to_1e4(x):
    v = Value(x)
    s = v.sigmoid()
    assert 0.0 <= s.data <= 1.0
    s.backward()
    assert math.isfinite(v.grad)
    assert v.grad == pytest.approx(_sigmoid_prime_reference(x), rel=1e-6, abs=1e-15)


@given(st.floats(-1e4, 1e4))
def test_softplus_derivative_is_the_sigmoid_and_both_are_finite_for_inputs_up_to_1e4(x):
    v = Value(x)
    y = v.softplus()
    exact = max(x, 0.0) + math.log1p(math.exp(-abs(x)))  # ln(1 + e^x), never overflows
    assert math.isfinite(y.data) and y.data >= 0.0
    assert y.data == pytest.approx(exact, rel=1e-15, abs=1e-300)  # relative even where it is tiny
    y.backward()
    # d/dx softplus = σ(x), as e^(x - softplus x): x - out is off by up to half an ulp of x
    assert v.grad == pytest.approx(ag.sigmoid(x), rel=1e-15 * (4.0 + abs(x)), abs=1e-300)


@pytest.mark.parametrize("x", [-20.0, -37.0, -40.0, -300.0, -700.0])
def test_softplus_keeps_e_to_the_x_for_very_negative_x(x):
    # ln(1 + e^x) = e^x - e^2x / 2 + ...: e^x to double precision below x = -37 (1 + e^x rounds to 1)
    reference = math.exp(x) - math.exp(2.0 * x) / 2.0
    assert ag.softplus(x) == pytest.approx(reference, rel=1e-15, abs=0.0)
    assert Value(x).softplus().data == pytest.approx(reference, rel=1e-15, abs=0.0)


def test_relu_derivative_at_zero_is_zero():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0
    y = Value(-0.0)
    y.relu().backward()
    assert y.grad == 0.0


def test_abs_derivative_at_zero_is_zero():
    x = Value(0.0)
    x.abs().backward()
    assert x.grad == 0.0
    y = Value(-0.0)
    abs(y).backward()
    assert y.grad == 0.0


def test_relu_and_abs_derivatives_away_from_zero():
    for x, relu_grad, abs_grad in ((2.0, 1.0, 1.0), (-2.0, 0.0, -1.0), (1e-300, 1.0, 1.0)):
        a, b = Value(x), Value(x)
        a.relu().backward()
        b.abs().backward()
        assert (a.grad, b.grad) == (relu_grad, abs_grad)


@pytest.mark.parametrize("base", [1e-320, 5e-324, 1e-200])
def test_power_zero_has_zero_base_derivative_even_for_subnormal_base(base):
    """d/dx x^0 = 0 exactly; 0 * x^-1 must not turn into 0 * inf = nan for tiny x."""
    x = Value(base)
    (x**0).backward()
    assert x.grad == 0.0
    x2, y = Value(base), Value(0.0)
    (x2**y).backward()
    assert x2.grad == 0.0
