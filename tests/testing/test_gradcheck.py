"""gradcheck / gradgradcheck: passes on right gradients, a readable table and the guilty node otherwise."""

import pytest

from autograd_core import Value, apply, grad
from autograd_core.testing import (
    GradcheckError,
    first_bad_node,
    gradcheck,
    gradgradcheck,
)

from .helpers import bad_second_order_rule, bad_sin_rule


def smooth(x, y):
    return (x * y).sin() + (x / y).exp() - y**3 + (x * x + 1.0).log()


def test_gradcheck_passes_on_a_smooth_function_and_returns_true():
    assert gradcheck(smooth, [0.5, 1.2]) is True


def test_gradcheck_accepts_a_single_number_and_values_used_in_place():
    assert gradcheck(lambda x: x.tanh() * x, 0.3) is True
    w = Value(0.7, label="w")
    assert gradcheck(lambda *_: (w * w).sigmoid(), [w]) is True  # f closes over w
    assert w.data == 0.7  # moved for the differences, then restored


def test_gradcheck_error_is_an_assertion_error_with_a_table_and_the_bad_node():
    bad = bad_sin_rule()
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x, y: apply(bad, x * y) + y.tanh(), [Value(0.5, label="a"), Value(1.2, label="b")])
    assert isinstance(info.value, AssertionError)
    text = str(info.value)
    for word in ("analytic", "numeric", "abs error", "rel error", "'a'", "'b'"):
        assert word in text
    assert "'bad_sin' node" in text
    assert "recorded" in text and "mul=0.6" in text


def test_first_bad_node_is_none_for_a_correct_graph_and_names_the_first_culprit():
    x = Value(0.4, label="x")
    assert first_bad_node(smooth(x, Value(1.1))) is None
    bad = bad_sin_rule()
    root = apply(bad, apply(bad, x).exp())
    message = first_bad_node(root)
    assert message.startswith("node 1 of 4") and "'bad_sin'" in message and "'x'=0.4" in message


def test_a_mismatch_no_node_explains_says_so():
    x = Value(0.3)
    # f reads .data: the engine sees a constant, finite differences do not.
    with pytest.raises(GradcheckError, match="no single node's rule disagrees"):
        gradcheck(lambda x: x * x.data, [x])


def test_gradcheck_rejects_non_scalar_results_and_bad_inputs():
    with pytest.raises(TypeError, match="scalar Value"):
        gradcheck(lambda x: [x], [1.0])
    with pytest.raises(TypeError, match="inputs\\[0\\]"):
        gradcheck(lambda x: x, ["a"])
    with pytest.raises(ValueError, match="no inputs"):
        gradcheck(lambda: Value(1.0), [])


def test_gradgradcheck_passes_on_smooth_functions():
    assert gradgradcheck(smooth, [0.5, 1.2]) is True
    assert gradgradcheck(lambda x, y, z: (x * y * z).tanh() + (x**y), [0.8, -0.6, 1.5]) is True


def test_gradgradcheck_catches_a_partial_that_is_only_right_on_floats():
    flat = bad_second_order_rule()

    def f(x):
        return apply(flat, x) * 2.0

    assert gradcheck(f, [0.4]) is True  # first order is right
    with pytest.raises(GradcheckError) as info:
        gradgradcheck(f, [0.4])
    text = str(info.value)
    assert "second derivative mismatch" in text and "'flat_sin'" in text and "second order" in text


def test_gradgradcheck_hessian_matches_a_hand_computed_one():
    x, y = Value(0.5), Value(2.0)
    gx, gy = grad(x * x * y, [x, y], create_graph=True)
    assert grad(gx, [x, y]) == [4.0, 1.0] and grad(gy, [x, y]) == [1.0, 0.0]
    assert gradgradcheck(lambda x, y: x * x * y, [x, y])


@pytest.mark.parametrize("scale", [1.0, 1e9, -1e12, 1e15])
def test_the_step_is_relative_so_correct_functions_pass_at_large_inputs(scale):
    assert gradcheck(lambda x: 3.0 * x - 2.0, scale) is True
    assert gradcheck(lambda x, y: x * y + x, [scale, 0.5]) is True
    assert gradgradcheck(lambda x: x * x * 0.5, scale) is True


@pytest.mark.parametrize("eps", [0.0, -1e-6, float("nan"), float("inf")])
def test_a_step_that_is_not_positive_and_finite_is_a_value_error(eps):
    for check in (gradcheck, gradgradcheck):
        with pytest.raises(ValueError, match=f"{check.__name__}: eps must be a finite number > 0"):
            check(lambda x: x * x, 0.5, eps=eps)


def test_bad_settings_and_inputs_name_the_checker():
    with pytest.raises(ValueError, match="gradcheck: atol must be"):
        gradcheck(lambda x: x, 0.5, atol=-1.0)
    with pytest.raises(TypeError, match="gradcheck: rtol must be a real number"):
        gradcheck(lambda x: x, 0.5, rtol=1j)
    with pytest.raises(TypeError, match="gradcheck: f must be a callable"):
        gradcheck(None, 0.5)
    with pytest.raises(TypeError, match="gradgradcheck: inputs must be"):
        gradgradcheck(lambda x: x, None)
    with pytest.raises(TypeError, match=r"gradcheck: inputs\[1\] must be a Value or a finite real number"):
        gradcheck(lambda x, y: x, [0.5, 1j])
