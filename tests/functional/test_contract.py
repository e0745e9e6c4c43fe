"""The contract around the numbers: shapes, errors naming the argument, constants, no side effects."""

import pytest

import autograd_core as ac
from autograd_core import Value, no_grad
from autograd_core.value import observing


def f2(x, y):
    return x * x * y + y.sin()


TRANSFORMS = {
    "jvp": lambda f, xs: ac.jvp(f, xs, [1.0] * len(xs)),
    "vjp": lambda f, xs: ac.vjp(f, xs, 1.0),
    "hessian": lambda f, xs: ac.hessian(f, xs),
    "hvp": lambda f, xs: ac.hvp(f, xs, [1.0] * len(xs)),
}


def test_results_are_plain_floats_with_the_documented_shapes():
    value, dd = ac.jvp(f2, [1.0, 2.0], [1.0, 0.0])
    assert type(value) is float and type(dd) is float and dd == 4.0
    values, dds = ac.jvp(lambda x, y: [x * y, x + y, x], [1.0, 2.0], [1.0, 1.0])
    assert values == [2.0, 3.0, 1.0] and dds == [3.0, 2.0, 1.0]
    value, g = ac.vjp(f2, (1, 2), 1)  # ints and tuples are fine
    assert ac.vjp(f2, [1.0, 2.0], [1.0]) == ac.vjp(f2, [1.0, 2.0], 1.0), "a scalar f takes [u] too"
    assert type(value) is float and type(g) is list and all(type(v) is float for v in g)
    values, g = ac.vjp(lambda x, y: (x * y, x + y), [1.0, 2.0], [1.0, -1.0])
    assert values == [2.0, 3.0] and g == [1.0, 0.0]
    jac = ac.jacobian(lambda x, y: [x * y], [1.0, 2.0])
    assert jac == [[2.0, 1.0]]
    h = ac.hessian(f2, [1.0, 2.0])
    assert len(h) == 2 and all(len(r) == 2 and all(type(v) is float for v in r) for r in h)
    hv = ac.hvp(f2, [1.0, 2.0], [1.0, 0.0])
    assert type(hv) is list and hv == [h[0][0], h[1][0]]


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: ac.jvp(f2, [1.0, 2.0], [1.0]), "tangents"),
        (lambda: ac.vjp(lambda x: [x, x], [1.0], [1.0, 2.0, 3.0]), "cotangent"),
        (lambda: ac.vjp(lambda x: x, [1.0], [1.0, 2.0]), "cotangent"),
        (lambda: ac.hvp(f2, [1.0, 2.0], [1.0, 2.0, 3.0]), "v"),
        (lambda: ac.jacobian(lambda: [], []), "xs"),
        (lambda: ac.hessian(f2, []), "xs"),
        (lambda: ac.jvp(f2, [], []), "primals"),
        (lambda: ac.jacobian(lambda x: [x], [1.0], mode="sideways"), "mode"),
        (lambda: ac.jacobian(lambda x: [x], [1.0], mode=["forward"]), "mode"),
        (lambda: ac.hessian(f2, [1.0, 2.0, 3.0]), "xs"),
        (lambda: ac.jvp(f2, [1.0], [1.0]), "primals"),
        (lambda: ac.vjp(lambda x, y, *, z: x, [1.0, 2.0, 3.0], 1.0), "primals"),
    ],
)
def test_wrong_lengths_raise_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        call()


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: ac.hessian(lambda x: [x, x], [1.0]), "one Value"),
        (lambda: ac.hvp(lambda x: (x,), [1.0], [1.0]), "one Value"),
        (lambda: ac.jacobian(lambda x: x * 2, [1.0]), "list of Values"),
        (lambda: ac.jvp(lambda x: {"y": x}, [1.0], [1.0]), "dict"),
        (lambda: ac.vjp(lambda x: None, [1.0], 1.0), "NoneType"),
        (lambda: ac.jacobian(lambda x: [x, "y"], [1.0]), "entry 1"),
        (lambda: ac.hessian(lambda x: True, [1.0]), "bool"),
        (lambda: ac.vjp(lambda x: x, [1.0], None), "cotangent"),
        (lambda: ac.vjp(lambda x: [x, x], [1.0], 1.0), "cotangent"),
        (lambda: ac.jvp(f2, [1.0, "2"], [1.0, 1.0]), r"primals\[1\]"),
        (lambda: ac.jvp(f2, [1.0, Value(2.0)], [1.0, 1.0]), r"primals\[1\]"),
        (lambda: ac.jvp(f2, 1.0, [1.0]), "primals"),
        (lambda: ac.hvp(f2, [1.0, 2.0], [1.0, None]), r"v\[1\]"),
        (lambda: ac.hessian("f", [1.0]), "callable"),
    ],
)
def test_a_wrong_kind_of_result_or_argument_raises_type_error_naming_it(call, words):
    with pytest.raises(TypeError, match=words):
        call()


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_a_constant_result_has_zero_derivatives(name):
    """f returning a plain number (it ignored its inputs) is a constant, as in f(x) = 3."""
    result = TRANSFORMS[name](lambda x, y: 3.0, [1.0, 2.0])
    zeros = {"jvp": (3.0, 0.0), "vjp": (3.0, [0.0, 0.0]), "hessian": [[0.0, 0.0], [0.0, 0.0]], "hvp": [0.0, 0.0]}
    assert result == zeros[name]
    assert ac.jacobian(lambda x, y: [x, 2.0], [1.0, 2.0]) == [[1.0, 0.0], [0.0, 0.0]]
    assert ac.jvp(lambda x, y: [x, 2], [1.0, 2.0], [5.0, 5.0]) == ([1.0, 2.0], [5.0, 0.0])


def test_a_type_error_inside_f_is_not_mistaken_for_a_wrong_number_of_inputs():
    with pytest.raises(TypeError, match="add"):
        ac.jvp(lambda x: x + "1", [1.0], [1.0])


def test_inputs_f_ignores_get_zero_and_a_linear_f_has_a_zero_hessian():
    assert ac.vjp(lambda x, y: x.exp(), [0.0, 5.0], 1.0) == (1.0, [1.0, 0.0])
    assert ac.hessian(lambda x, y: 2 * x - y, [1.0, 1.0]) == [[0.0, 0.0], [0.0, 0.0]]
    assert ac.hessian(lambda x, y: x * y, [3.0, 4.0]) == [[0.0, 1.0], [1.0, 0.0]]


def test_jvp_runs_no_backward_pass_and_no_transform_touches_grad():
    seen = []

    def f(x, y):
        seen.extend([x, y])
        return f2(x, y)

    class Watch:
        propagated = 0

        def created(self, node):
            pass

        def propagating(self, node):
            Watch.propagated += 1

    with observing(Watch()):
        ac.jvp(f, [1.0, 2.0], [1.0, 1.0])
        ac.jacobian(lambda x, y: [f(x, y), x], [1.0, 2.0], mode="forward")
    assert Watch.propagated == 0, "forward mode never calls backward"
    for transform in TRANSFORMS.values():
        transform(f, [1.0, 2.0])
    assert seen and all(v.grad == 0.0 for v in seen)


def test_inside_no_grad_the_transforms_record_as_torch_func_does():
    expected = {name: transform(f2, [1.0, 2.0]) for name, transform in TRANSFORMS.items()}
    with no_grad():
        for name, transform in TRANSFORMS.items():
            assert transform(f2, [1.0, 2.0]) == expected[name], name
        assert not ac.is_grad_enabled()


def test_deep_graphs_need_no_recursion():
    """A chain of 10 000 nodes: the sweeps and orders are iterative."""

    def chain(x, y):
        for _ in range(5_000):
            x = x * 0.9999 + y * 1e-4
        return x * y

    value, dd = ac.jvp(chain, [1.0, 2.0], [1.0, 0.0])
    assert value == pytest.approx(2.0 * (1.0 * 0.9999**5_000 + 2.0 * (1 - 0.9999**5_000)), rel=1e-9)
    assert dd == pytest.approx(2.0 * 0.9999**5_000, rel=1e-9)
    assert ac.hvp(chain, [1.0, 2.0], [1.0, 0.0])[1] == pytest.approx(0.9999**5_000, rel=1e-9)


def test_an_undefined_local_derivative_raises_only_when_a_tangent_flows_through_it():
    f = lambda x, y: x**y  # d/dx x^y is undefined at x = 0 for y < 1  # noqa: E731
    with pytest.raises(ValueError, match="pow"):
        ac.jvp(f, [0.0, 0.5], [1.0, 0.0])
    e = Value(2.0)  # not an input: no tangent reaches it, so d/de x^e (undefined at x = 0) is never used
    assert ac.jvp(lambda x: x**e, [0.0], [1.0]) == (0.0, 0.0)
