"""Errors: what f returns, mismatched arguments, and the engine's own rules for bad numbers."""

from __future__ import annotations

import math
import re

import pytest

import autograd_core as ac
from autograd_core import Value

from .helpers import engine


@pytest.mark.parametrize("result", [1.0, [Value(1.0)], None, "loss"])
def test_f_returning_anything_but_a_scalar_value_is_a_type_error(result):
    with pytest.raises(TypeError, match="f must return one scalar Value"):
        ac.compile(lambda x: result, 1.0)


def test_f_returning_a_list_of_values_is_a_type_error():
    with pytest.raises(TypeError, match="got a list of 2"):
        ac.compile(lambda x: [x[0], x[1]], [1.0, 2.0])


@pytest.mark.parametrize(
    "args, message",
    [
        (([1.0, 2.0, 3.0], 1.0), r"argument 0 \(x\) should be a list of 2 floats like the example's, got a list of 3"),
        (([1.0], 1.0), r"argument 0 \(x\) should be a list of 2 floats"),
        ((1.0, 1.0), r"argument 0 \(x\) should be a list of 2 floats like the example's, got float"),
        (([1.0, 2.0], [1.0]), r"argument 1 \(y\) should be a float like the example's, got a list of 1"),
        (([[1.0], 2.0], 1.0), r"argument 0 \(x\)\[0\] should be a float"),
    ],
)
def test_mismatched_nesting_or_lengths_are_value_errors_naming_the_position(args, message):
    c = ac.compile(lambda x, y: (x[0] * x[1] + y).tanh(), [1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match=message):
        c(*args)


def test_nested_positions_are_named():
    c = ac.compile(lambda m: m[0][0] * m[1][1], [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match=r"argument 0 \(m\)\[1\] should be a list of 2 floats"):
        c([[1.0, 2.0], [3.0]])


def test_wrong_number_of_arguments_and_non_numbers_are_type_errors():
    c = ac.compile(lambda x, y: x * y, 1.0, 2.0)
    with pytest.raises(TypeError, match="expected 2 arguments"):
        c(1.0)
    with pytest.raises(TypeError, match="must be a float, got str"):
        c(1.0, "2")
    with pytest.raises(TypeError, match="must be a float, got bool"):
        c(True, 2.0)
    with pytest.raises(TypeError, match="must be a float or a nested list of floats"):
        ac.compile(lambda x: x, "1.0")
    assert c(3, 2) == 6.0  # ints are numbers, as in Value


def test_nan_inputs_give_nan_like_the_engine_without_error():
    w = Value(0.5, "w")

    def f(x):
        return (w * x).tanh() + w

    c = ac.compile(f, 1.0)
    w.grad = 0.0
    assert math.isnan(c(math.nan)) and math.isnan(w.grad)
    value, grads = engine(f, [w], math.nan)
    assert math.isnan(value) and math.isnan(grads[0])
    assert c.stats.engine_replays == 1


def test_overflow_from_finite_inputs_raises_the_engines_overflow_error():
    w = Value(2.0, "w")

    def f(x):
        return (w * x).exp().tanh()  # exp overflows; tanh would hide it

    c = ac.compile(f, 1.0)
    with pytest.raises(OverflowError) as expected:
        engine(f, [w], 1000.0)
    w.grad = 0.0
    with pytest.raises(OverflowError) as got:
        c(1000.0)
    assert str(got.value) == str(expected.value)
    assert w.grad == 0.0  # nothing accumulated by the failed replay


def test_squashed_overflow_in_a_product_is_still_reported():
    w = Value(1e200, "w")

    def f(x):
        return (w * x).sigmoid()  # w * x = inf, sigmoid(inf) = 1.0: the engine raises at the product

    c = ac.compile(f, 1.0)
    with pytest.raises(OverflowError, match="mul: result overflows"):
        c(1e200)


def test_domain_errors_are_the_engines():
    w = Value(1.0, "w")
    c = ac.compile(lambda x: (w * x).log(), 1.0)
    with pytest.raises(ValueError, match="log: expected x > 0") as got:
        c(-1.0)
    with pytest.raises(ValueError) as expected:
        engine(lambda x: (w * x).log(), [w], -1.0)
    assert str(got.value) == str(expected.value)


def test_an_undefined_derivative_raises_only_when_a_gradient_flows_through_it():
    w = Value(1.0, "w")

    def f(x):
        return (w * x).sqrt()

    c = ac.compile(f, 1.0)
    with pytest.raises(ValueError, match="sqrt: derivative is infinite") as got:
        c(0.0)
    with pytest.raises(ValueError) as expected:
        engine(f, [w], 0.0)
    assert str(got.value) == str(expected.value)

    def g(x):  # the sqrt node is compared, not differentiated: no error
        return w * 2.0 if (w * x).sqrt() > -1.0 else w

    c = ac.compile(g, 0.0)
    w.grad = 0.0
    assert c(0.0) == 2.0 and w.grad == 2.0


def test_compiling_inside_no_grad_traces_and_calls_there_touch_no_gradient():
    w = Value(3.0)
    with ac.no_grad():
        c = ac.compile(lambda x: x * w, 1.0)
        assert c(2.0) == 6.0 and w.grad == 0.0
    assert c(2.0) == 6.0 and w.grad == 2.0  # outside no_grad the trace gives gradients


def test_an_error_of_f_during_the_first_trace_names_compile_and_keeps_its_type():
    with pytest.raises(TypeError, match=r"compile: tracing f on the example arguments raised TypeError: mul"):
        ac.compile(lambda a, b: a * b, [[1.0, 2.0]], 1.5)
    with pytest.raises(ValueError, match=r"compile: tracing f .* log: expected x > 0"):
        ac.compile(lambda a: a.log(), -1.0)


_CARRIED = {  # a product that overflows, then: carried into a checked value, or stopped
    "carried by +": lambda w, x: (w * x) + 1.0,
    "carried by - and *": lambda w, x: ((w * x) - w) * 2.0,
    "carried by a numerator": lambda w, x: (w * x) / 3.0 + w,
    "carried by a sum into tanh": lambda w, x: ac.sum([w * x, w, x]).tanh(),
    "stopped by a denominator": lambda w, x: 1.0 / (w * x) + w,
    "stopped by exp": lambda w, x: (-(w * x)).exp() + w,
    "stopped by tanh": lambda w, x: (w * x).tanh() * w,
}


@pytest.mark.parametrize("name", sorted(_CARRIED))
def test_an_overflow_is_the_engines_whether_a_later_value_carries_it_or_not(name):
    w = Value(1e200, "w")

    def f(x):
        return _CARRIED[name](w, x)

    c = ac.compile(f, 1.0)
    with pytest.raises(OverflowError) as expected:
        engine(f, [w], 1e200)
    w.grad = 0.0
    message = str(expected.value).split(" (input")[0]  # the engine's, but for the argument's label
    assert message.startswith("mul: result overflows")
    with pytest.raises(OverflowError, match=re.escape(message)):
        c(1e200)
    assert w.grad == 0.0
    with pytest.raises(OverflowError, match=re.escape(message)):
        c.over([1e200])


@pytest.mark.parametrize("name", sorted(_CARRIED))
@pytest.mark.parametrize("x", [math.inf, -math.inf, math.nan])
def test_inf_and_nan_arguments_give_the_engines_numbers(name, x):
    w = Value(0.5, "w")

    def f(x):
        return _CARRIED[name](w, x)

    c = ac.compile(f, 1.0)
    expected = engine(f, [w], x)
    w.grad = 0.0
    got = [c(x), w.grad]
    assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(got, [expected[0], *expected[1]]))
