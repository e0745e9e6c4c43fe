"""detect_anomaly: nan/inf forward or backward stops at the basic function, with the user's line."""

import math
import sys

import pytest

from autograd_core import Value
from autograd_core.testing import AnomalyError, detect_anomaly
from autograd_core.value import set_observer

HERE = __file__


def _line() -> int:
    return sys._getframe(1).f_lineno


def test_a_forward_nan_names_the_function_its_inputs_and_the_line_that_made_it():
    a, b = Value(math.inf, label="a"), Value(0.0, label="b")
    with detect_anomaly():
        with pytest.raises(AnomalyError) as info:
            line = _line() + 1
            a * b
    text = str(info.value)
    assert isinstance(info.value, FloatingPointError)
    assert "forward: 'mul' produced nan" in text
    assert "'a'=inf" in text and "'b'=0.0" in text
    assert f"{HERE}:{line}" in text


def test_an_inf_input_is_reported_at_the_first_node_it_reaches():
    x = Value(math.inf, label="x")
    with detect_anomaly():
        y = Value(2.0, label="y").exp()
        with pytest.raises(AnomalyError) as info:
            y + x
    assert "forward: 'add' produced inf" in str(info.value)
    assert "exp=7.38905609893065 [created at " + HERE in str(info.value)  # the input's own site


def test_a_finite_overflow_is_left_to_the_engine():
    with detect_anomaly(), pytest.raises(OverflowError):
        Value(1e200) * Value(1e200)


def test_a_forward_nan_from_an_inf_input_is_caught_at_the_first_node():
    x = Value(math.inf, label="x")
    with detect_anomaly(), pytest.raises(AnomalyError, match="'sub' produced nan"):
        x - x


def test_a_backward_overflow_names_the_node_whose_local_derivative_produced_it():
    a, b, c = Value(1e200, label="a"), Value(1e-200, label="b"), Value(1e200, label="c")
    with detect_anomaly():
        line = _line() + 1
        z = a * b
        w = z * c
        assert math.isfinite(z.data) and math.isfinite(w.data)
        with pytest.raises(AnomalyError) as info:
            w.backward()
    text = str(info.value)
    assert text.startswith("backward: 'mul' (created at ") and f"{HERE}:{line}" in text
    assert "input 1 ('b'=1e-200) inf" in text and "local derivative 1e+200" in text


def test_without_the_context_nothing_is_checked_and_the_observer_is_restored():
    previous = set_observer(None)
    try:
        with detect_anomaly():
            pass
        assert math.isnan((Value(math.inf) * 0.0).data)
        with pytest.raises(AnomalyError):
            with detect_anomaly():
                Value(math.inf) * 0.0
        assert set_observer(None) is None  # restored after an error too
    finally:
        set_observer(previous)


def test_nested_contexts_restore_in_order_and_both_see_nodes():
    outer_calls = []

    class Recorder:
        def created(self, node):
            outer_calls.append(node.op)

        def propagating(self, node):
            outer_calls.append("back:" + node.op)

    previous = set_observer(Recorder())
    try:
        with detect_anomaly():
            with detect_anomaly():
                y = Value(2.0).exp() * 3.0
                y.backward()
            inner_done = set_observer(None)
            set_observer(inner_done)
            with pytest.raises(AnomalyError):
                Value(math.inf) - math.inf
        assert isinstance(set_observer(None), Recorder)
    finally:
        set_observer(previous)
    assert outer_calls[:2] == ["exp", "mul"] and "back:mul" in outer_calls
    assert type(inner_done).__name__ == "_Observer"


def test_nodes_made_before_the_context_are_reported_as_such():
    a, b = Value(1e200), Value(1e-200)
    z = a * b
    with detect_anomaly():
        w = z * Value(1e200)
        with pytest.raises(AnomalyError, match="created before detect_anomaly"):
            w.backward()
