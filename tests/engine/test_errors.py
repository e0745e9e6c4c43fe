"""Bad input: each raises the right exception, whose message names the operation, the
offending value and the input's label when it has one; never "math domain error"."""

from __future__ import annotations

import pytest

import autograd_core as ag
from autograd_core import Value, grad


def _message(excinfo: pytest.ExceptionInfo) -> str:
    text = str(excinfo.value)
    assert "math domain error" not in text
    return text


# --- ValueError: outside a function's domain ----------------------------------------------


@pytest.mark.parametrize("x", [-1.0, 0.0, -0.0, -1e-300])
def test_log_of_non_positive_value_raises_value_error_naming_log_value_and_label(x):
    with pytest.raises(ValueError) as excinfo:
        Value(x, label="a").log()
    text = _message(excinfo)
    assert "log" in text and repr(float(x)) in text and "'a'" in text


@pytest.mark.parametrize("x", [-2.0, 0.0])
def test_log_of_non_positive_float_raises_value_error_naming_log_and_value(x):
    with pytest.raises(ValueError) as excinfo:
        ag.log(x)
    text = _message(excinfo)
    assert "log" in text and repr(x) in text


def test_sqrt_of_negative_value_raises_value_error_naming_sqrt_value_and_label():
    with pytest.raises(ValueError) as excinfo:
        Value(-4.0, label="b").sqrt()
    text = _message(excinfo)
    assert "sqrt" in text and "-4.0" in text and "'b'" in text
    with pytest.raises(ValueError) as excinfo:
        ag.sqrt(-4)
    assert "sqrt" in _message(excinfo)


def test_sqrt_of_zero_is_allowed():
    assert Value(0.0).sqrt().data == 0.0


@pytest.mark.parametrize(
    "make",
    [
        lambda z, e: z**-1,
        lambda z, e: z**-0.5,
        lambda z, e: z**e,
        lambda z, e: 0**e,
    ],
    ids=["value**int", "value**float", "value**value", "int**value"],
)
def test_zero_to_a_negative_power_raises_value_error(make):
    z, e = Value(0.0, label="zero"), Value(-1.0, label="exponent")
    with pytest.raises(ValueError) as excinfo:
        make(z, e)
    text = _message(excinfo)
    assert "pow" in text and "0.0" in text and "-" in text
    assert "'zero'" in text or "'exponent'" in text


def test_negative_base_to_a_non_integer_power_raises_value_error_naming_base_and_label():
    with pytest.raises(ValueError) as excinfo:
        Value(-8.0, label="base") ** (1 / 3)
    text = _message(excinfo)
    assert "pow" in text and "-8.0" in text and "'base'" in text
    with pytest.raises(ValueError) as excinfo:
        (-8.0) ** Value(0.5, label="e")
    text = _message(excinfo)
    assert "pow" in text and "-8.0" in text and "'e'" in text


def test_negative_base_to_an_integer_valued_float_power_is_allowed():
    assert (Value(-2.0) ** 3.0).data == -8.0
    assert (Value(-2.0) ** Value(2.0)).data == 4.0


@pytest.mark.parametrize("base", [-2.0, 0.0])
def test_power_with_non_positive_base_and_value_exponent_does_not_raise_in_forward(base):
    z = Value(base) ** Value(2.0)
    assert z.data == base**2.0


@pytest.mark.parametrize("base", [-2.0, 0.0])
def test_exponent_gradient_with_non_positive_base_raises_value_error_on_backward(base):
    b, e = Value(base, label="base"), Value(2.0, label="exponent")
    z = b**e
    with pytest.raises(ValueError) as excinfo:
        z.backward()
    text = _message(excinfo)
    assert "pow" in text and "exponent" in text and repr(base) in text


@pytest.mark.parametrize("base", [-2.0, 0.0])
def test_exponent_gradient_error_names_the_label_of_the_base(base):
    b, e = Value(base, label="b"), Value(2.0, label="e")
    with pytest.raises(ValueError) as excinfo:
        (b**e).backward()
    assert "'b'" in _message(excinfo)


def test_exponent_gradient_with_negative_constant_base_raises_value_error_on_backward():
    e = Value(2.0, label="e")
    z = (-2) ** e
    assert z.data == 4.0
    with pytest.raises(ValueError) as excinfo:
        z.backward()
    assert "pow" in _message(excinfo)


@pytest.mark.parametrize("create_graph", [False, True])
def test_exponent_gradient_with_non_positive_base_raises_value_error_in_grad(create_graph):
    b, e = Value(-2.0), Value(2.0)
    with pytest.raises(ValueError) as excinfo:
        grad(b**e, [e], create_graph=create_graph)
    assert "pow" in _message(excinfo)


# --- ZeroDivisionError, OverflowError -----------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [lambda n, d: n / d, lambda n, d: 1 / d, lambda n, d: n / 0, lambda n, d: n / 0.0],
    ids=["value/value", "int/value", "value/int", "value/float"],
)
def test_division_by_zero_raises_zero_division_error_naming_div(make):
    n, d = Value(1.0, label="num"), Value(0.0, label="den")
    with pytest.raises(ZeroDivisionError) as excinfo:
        make(n, d)
    text = _message(excinfo)
    assert "div" in text and "0.0" in text
    assert "'num'" in text or "'den'" in text


def test_division_by_zero_error_names_the_denominator_label():
    with pytest.raises(ZeroDivisionError) as excinfo:
        1.0 / Value(0.0, label="den")
    assert "'den'" in _message(excinfo)


def test_exp_overflow_on_a_value_raises_overflow_error_naming_exp_value_and_label():
    with pytest.raises(OverflowError) as excinfo:
        Value(1e4, label="big").exp()
    text = _message(excinfo)
    assert "exp" in text and "10000.0" in text and "'big'" in text


def test_exp_overflow_on_a_float_raises_overflow_error_naming_exp_and_value():
    with pytest.raises(OverflowError) as excinfo:
        ag.exp(1e4)
    text = _message(excinfo)
    assert "exp" in text and "10000.0" in text


def test_pow_overflow_raises_overflow_error_naming_pow():
    with pytest.raises(OverflowError) as excinfo:
        Value(10.0, label="ten") ** Value(400.0)
    text = _message(excinfo)
    assert "pow" in text and "'ten'" in text


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda x: x * 1e10, "mul"),
        (lambda x: x + 1e308, "add"),
        (lambda x: x / 1e-10, "div"),
    ],
    ids=["mul", "add", "div"],
)
def test_arithmetic_whose_result_overflows_raises_overflow_error(make, name):
    """ "OverflowError where a result overflows" - not a silent inf."""
    with pytest.raises(OverflowError) as excinfo:
        make(Value(1e308, label="huge"))
    text = _message(excinfo)
    assert name in text and "'huge'" in text


# --- TypeError: operands that are not numbers ------------------------------------------


@pytest.mark.parametrize(
    "make, name, type_name",
    [
        (lambda v: v + "a", "add", "str"),
        (lambda v: "a" + v, "add", "str"),
        (lambda v: v * None, "mul", "NoneType"),
        (lambda v: None * v, "mul", "NoneType"),
        (lambda v: v + [1], "add", "list"),
        (lambda v: [1] + v, "add", "list"),
        (lambda v: v - (1,), "sub", "tuple"),
        (lambda v: v / {}, "div", "dict"),
        (lambda v: v ** "2", "pow", "str"),
        (lambda v: v + True, "add", "bool"),
        (lambda v: v * 1j, "mul", "complex"),
    ],
)
def test_non_number_operand_raises_type_error_naming_operation_and_type(make, name, type_name):
    with pytest.raises(TypeError) as excinfo:
        make(Value(1.0))
    text = str(excinfo.value)
    assert name in text and type_name in text


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "abs", "sqrt", "sin", "cos"])
def test_module_function_on_non_number_raises_type_error_naming_function_and_type(name):
    with pytest.raises(TypeError) as excinfo:
        getattr(ag, name)("x")
    text = str(excinfo.value)
    assert name in text and "str" in text


def test_sum_and_dot_reject_non_numbers_and_mismatched_lengths():
    with pytest.raises(TypeError, match="sum"):
        ag.sum([Value(1.0), "a"])
    with pytest.raises(TypeError, match="dot"):
        ag.dot([Value(1.0)], [None])
    with pytest.raises(ValueError, match="dot"):
        ag.dot([Value(1.0)], [1.0, 2.0])


def test_grad_rejects_non_value_output_and_inputs():
    x = Value(1.0)
    with pytest.raises(TypeError, match="grad"):
        grad(1.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="grad"):
        grad(x * 2, [x, 3.0])  # type: ignore[list-item]


@pytest.mark.parametrize("exponent", [-1.0, -2.0])
def test_power_with_finite_result_does_not_raise_when_its_local_derivative_overflows(exponent):
    """1e-200 ** -1 = 1e200 is finite; only d/dx = -x^-2 overflows. Forward must succeed, and
    any later error must name the operation (not a bare errno message)."""
    for make in (lambda x: x**exponent, lambda x: x ** Value(exponent)):
        x = Value(1e-150 if exponent == -2.0 else 1e-200, label="tiny")
        z = make(x)
        assert z.data == x.data**exponent
        try:
            z.backward()
        except (ValueError, OverflowError) as error:
            assert "pow" in str(error) and "Numerical result" not in str(error)
