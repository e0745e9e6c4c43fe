"""The Value node: construction, attributes, graph structure, comparisons, hashing, repr."""

from __future__ import annotations

from fractions import Fraction

import pytest

from autograd_core import Value

# --- construction ----------------------------------------------------------------------


@pytest.mark.parametrize("data", [3, -7, 0, 2.5, -0.0, 1e300, Fraction(1, 4)])
def test_value_stores_int_float_and_real_numbers_as_float(data):
    v = Value(data)
    assert type(v.data) is float
    assert v.data == float(data)


def test_value_accepts_numpy_floats_and_ints_as_float():
    np = pytest.importorskip("numpy")
    for data in (np.float64(1.5), np.float32(0.25), np.int64(3)):
        v = Value(data)
        assert type(v.data) is float
        assert v.data == float(data)


@pytest.mark.parametrize(
    "data, type_name",
    [
        (True, "bool"),
        (False, "bool"),
        ("1.0", "str"),
        (None, "NoneType"),
        (1 + 2j, "complex"),
        ([1.0], "list"),
        ((1.0,), "tuple"),
        ({"a": 1.0}, "dict"),
        ({1.0}, "set"),
    ],
)
def test_value_rejects_non_real_data_with_type_error_naming_the_type(data, type_name):
    with pytest.raises(TypeError, match=type_name):
        Value(data)


def test_value_inside_value_is_rejected_with_type_error_naming_value():
    with pytest.raises(TypeError, match="Value"):
        Value(Value(1.0))


def test_value_label_must_be_a_string():
    with pytest.raises(TypeError, match="label"):
        Value(1.0, label=3)  # type: ignore[arg-type]


# --- attributes --------------------------------------------------------------------------


def test_new_leaf_has_zero_grad_empty_op_no_parents_and_its_label():
    v = Value(2.0, label="w")
    assert v.data == 2.0
    assert v.grad == 0.0 and type(v.grad) is float
    assert v.label == "w"
    assert v.op == ""
    assert v.parents == ()
    assert v.is_leaf()


def test_label_defaults_to_empty_string():
    assert Value(1.0).label == ""


def test_op_node_names_its_basic_function():
    x, y = Value(2.0), Value(3.0)
    assert (x + y).op == "add"
    assert (x - y).op == "sub"
    assert (x * y).op == "mul"
    assert (x / y).op == "div"
    assert (x**y).op == "pow"
    assert (-x).op == "neg"
    assert abs(x).op == "abs"
    for name in ("exp", "log", "tanh", "sigmoid", "relu", "abs", "sqrt", "sin", "cos"):
        node = getattr(x, name)()
        assert node.op == name
        assert not node.is_leaf()


def test_parents_is_a_tuple_in_argument_order():
    x, y = Value(2.0, label="x"), Value(3.0, label="y")
    z = x - y
    assert type(z.parents) is tuple
    assert z.parents[0] is x and z.parents[1] is y
    w = y / x
    assert w.parents[0] is y and w.parents[1] is x


def test_same_input_twice_is_listed_twice_in_parents():
    x = Value(2.0)
    z = x * x
    assert len(z.parents) == 2
    assert z.parents[0] is x and z.parents[1] is x


def test_plain_numbers_are_constants_not_parents():
    x = Value(2.0)
    for node in (x * 2, 2 * x, x + 1.5, 1.5 + x, x - 1, 1 - x, x / 4, 4 / x, x**2, 2**x):
        assert node.parents == (x,)
        assert all(p is x for p in node.parents)


def test_unary_node_has_its_input_as_only_parent():
    x = Value(0.5)
    for node in (-x, abs(x), x.exp(), x.tanh(), x.sin()):
        assert node.parents == (x,)
        assert node.parents[0] is x


def test_result_data_is_a_float():
    x = Value(3)
    assert type((x * 2).data) is float
    assert type((x**2).data) is float
    assert type(x.relu().data) is float


# --- comparisons and hashing ---------------------------------------------------------------


def test_ordering_compares_data_and_returns_bool():
    a, b = Value(1.0), Value(2.0)
    results = [a < b, a <= b, b > a, b >= a, a < 1.5, 2 > a, a <= 1, a >= Value(1.0)]
    assert all(type(r) is bool for r in results)
    assert all(results)
    assert (a > b) is False and (a >= 2.0) is False and (b <= a) is False


def test_equality_is_identity_and_agrees_with_hash():
    a, b = Value(1.0), Value(1.0)
    assert a == a and (a == b) is False and a != b and (a != a) is False
    assert (a == 1.0) is False and (a != 1.0) is True  # a number is never a node: compare a.data
    assert [a, b].index(b) == 1 and b not in [a] and b in [a, b]
    assert len({a, b}) == 2
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert Value(1.0) not in {a, b}


def test_value_hash_is_stable_when_data_changes():
    a = Value(1.0)
    s = {a}
    a.data = 5.0
    assert a in s


# --- repr ---------------------------------------------------------------------------------


def test_repr_shows_data_grad_and_label():
    v = Value(2.5, label="weight")
    v.grad = 0.75
    text = repr(v)
    assert "2.5" in text and "0.75" in text and "weight" in text


def test_repr_of_op_node_shows_the_op():
    x = Value(2.0)
    text = repr(x * 3)
    assert "mul" in text and "6.0" in text


# --- recorded inputs and local derivatives ----------------------------------------------


def test_inputs_list_constants_in_argument_order_and_local_grads_follow_parents():
    x, y = Value(3.0), Value(2.0)
    right, left, both = x * 2, 2 - x, x * y
    assert right.inputs[0] is x and right.inputs[1:] == (2.0,) and right.local_grads == (2.0,)
    assert left.inputs[0] == 2.0 and left.inputs[1] is x and left.local_grads == (-1.0,)
    assert both.inputs[0] is x and both.inputs[1] is y and both.local_grads == (2.0, 3.0)
    assert x.inputs == () and x.local_grads == ()
