"""Errors that name the problem: undefined derivatives at every order, inputs classified one
by one, a user's rule's own exceptions, and rules that return the wrong number of partials."""

from __future__ import annotations

import pytest

import autograd_core as ac
from autograd_core import RULES, Rule, Value, apply
from autograd_core.testing import gradgradcheck
from tests.optional import import_torch

np = pytest.importorskip("numpy")


@pytest.mark.parametrize(
    "build",
    [lambda x: x + ac.sqrt(x), lambda x: x**x, lambda x: ac.sqrt(x) * 2.0],
    ids=["x + sqrt(x)", "x ** x", "2 sqrt(x)"],
)
def test_undefined_derivative_raises_the_same_labelled_error_at_every_order(build):
    x = Value(0.0, "x")
    with pytest.raises(ValueError) as first:
        build(x).backward()
    with pytest.raises(ValueError) as floats:
        ac.grad(build(x), x)
    with pytest.raises(ValueError) as values:
        ac.grad(build(x), x, create_graph=True)
    for error in (first, floats, values):
        assert "'x'" in str(error.value)
        assert "derivative" in str(error.value)


def test_gradgradcheck_at_an_undefined_derivative_raises_the_labelled_value_error():
    with pytest.raises(ValueError, match=r"sqrt: derivative is infinite at x = 0.0 \(input"):
        gradgradcheck(lambda x: x + ac.sqrt(x), [0.0])


@pytest.mark.parametrize("name", ["sum", "dot", "affine"])
def test_numpy_scalars_are_constants_in_any_position(name):
    x = Value(3.0, "x")
    fn = getattr(ac, name)
    for c in (np.float64(2.0), np.int64(2), np.float32(2.0)):
        if name == "sum":
            results = [fn([c, x]), fn([x, c]), fn([c, x, c])]
            expected = [5.0, 5.0, 7.0]
        elif name == "dot":
            results = [fn([c, x], [x, c]), fn([x, c], [c, x])]
            expected = [12.0, 12.0]
        else:
            results = [fn(c, [x, c], [c, x]), fn(x, [c, x], [x, c])]
            expected = [2.0 + 12.0, 3.0 + 12.0]
        assert [r.data for r in results] == expected
        for r in results:
            assert all(p is x for p in r.parents)
            r.backward()


@pytest.mark.parametrize("bad", [np.array([1.0, 2.0]), np.array(2.0), "2", None, 1 + 2j, [1.0]])
@pytest.mark.parametrize("position", [0, 1, 2])
def test_arrays_and_non_numbers_among_n_ary_inputs_raise_type_error_naming_the_position(bad, position):
    args = [Value(1.0), Value(2.0), Value(3.0)]
    args[position] = bad
    with pytest.raises(TypeError, match=rf"sum: .*argument {position}"):
        ac.sum(args)
    with pytest.raises(TypeError, match=rf"argument {position}"):
        ac.value.apply_nary(RULES["sum"], tuple(args))


@pytest.mark.torch
def test_torch_tensors_are_rejected_by_dot_with_the_position():
    torch = import_torch()
    row = [torch.tensor(1.0, dtype=torch.float64), torch.tensor(2.0, dtype=torch.float64)]
    w = [Value(0.5), Value(0.25)]
    with pytest.raises(TypeError, match=r"dot: .*argument 0.*Tensor"):
        ac.dot(row, w)
    with pytest.raises(TypeError, match=r"dot: .*argument 2"):
        ac.dot(w, row)


class DomainError(Exception):
    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def _user_rule(forward=None, partials=None, arity: int = 1) -> Rule:
    return Rule(
        "user_fn",
        arity,
        forward or (lambda *xs: 2.0 * sum(xs)),
        partials or (lambda *xs_out: (2.0,) * (len(xs_out) - 1)),
        "2 sum x; d/dx_i = 2",
        (((-1.0, 1.0),),) * max(arity, 1),
    )


def _raise_domain(*xs: float) -> float:
    raise DomainError("outside my domain", 42)


@pytest.mark.parametrize("stage", ["forward", "partials"])
@pytest.mark.parametrize("arity", [1, 2, 3])
def test_a_user_rules_exception_keeps_its_type_with_context_in_a_note(stage, arity):
    rule = (
        _user_rule(forward=_raise_domain, arity=arity)
        if stage == "forward"
        else _user_rule(partials=_raise_domain, arity=arity)
    )
    args = [Value(0.5, "a"), 1.0, Value(0.25, "c")][:arity] if arity > 1 else [Value(0.5, "a")]
    with pytest.raises(DomainError) as error:
        apply(rule, *args)
    assert error.value.code == 42 and str(error.value) == "outside my domain"
    notes = "\n".join(getattr(error.value, "__notes__", []))
    assert "user_fn" in notes and stage in notes and "'a'" in notes


@pytest.mark.parametrize(("arity", "const_at"), [(1, None), (2, None), (2, 0), (2, 1), (3, None), (3, 0), (3, 1)])
def test_a_rule_returning_the_wrong_number_of_partials_raises_type_error_naming_it(arity, const_at):
    bad = _user_rule(partials=lambda *xs_out: (1.0,) * len(xs_out), arity=arity)  # one too many
    args: list = [Value(0.1 * (k + 1)) for k in range(arity)]
    if const_at is not None:
        args[const_at] = 0.5
    with pytest.raises(TypeError, match="user_fn: partials must return a tuple of"):
        apply(bad, *args)
    not_a_tuple = _user_rule(partials=lambda *xs_out: 2.0, arity=arity)
    with pytest.raises(TypeError, match="user_fn: partials"):
        apply(not_a_tuple, *args)


@pytest.mark.parametrize("bad", [None, "tanh", 3, RULES])
def test_apply_functions_reject_non_rules_with_a_named_type_error(bad):
    x = Value(1.0)
    for call in (
        lambda: apply(bad, x),
        lambda: ac.apply_unary(bad, x),
        lambda: ac.apply_binary(bad, x, x),
        lambda: ac.apply_nary(bad, (x, x, x)),
        lambda: ac.apply_unary(bad, 1.0),
    ):
        with pytest.raises(TypeError, match=r"apply(_unary|_binary|_nary)?: expected a Rule"):
            call()


def test_forward_returning_a_non_number_is_a_type_error_naming_the_rule():
    rule = _user_rule(forward=lambda x: "2")
    with pytest.raises(TypeError, match="user_fn: forward must return a float"):
        apply(rule, Value(1.0))
    as_int = apply(_user_rule(forward=lambda x: 2), Value(1.0))
    assert as_int.data.__class__ is float


@pytest.mark.parametrize("seed", [1 + 2j, "1", None, [1.0], True])
def test_backward_seed_must_be_a_real_number(seed):
    y = Value(2.0) * 3.0
    with pytest.raises(TypeError, match="backward"):
        y.backward(seed)
