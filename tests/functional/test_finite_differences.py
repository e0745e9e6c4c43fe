"""jvp and hvp against central differences, through the project's own checker.

Each transform is wrapped as a one-input basic function of a step ε, e.g.
ε ↦ f(x + ε t) with derivative jvp(f, x + ε t, t), and handed to
``autograd_core.testing.check_point``, which compares the derivative with
(g(ε + h) - g(ε - h)) / 2h at ε = 0.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core import Rule
from autograd_core.testing import check_point
from autograd_core.testing.strategies import expressions


def along(x, t, e):
    e = float(e)
    return [a + e * b for a, b in zip(x, t)]


def jvp_as_rule(f, x, t):
    """ε ↦ f(x + ε t), d/dε = jvp(f, x + ε t, t)."""
    return Rule("jvp_along_t", 1, lambda e: ac.jvp(f, along(x, t, e), t)[0],
                lambda e, out: (ac.jvp(f, along(x, t, e), t)[1],), "f(x + e t)", (((-1.0, 1.0),),))


def hvp_as_rule(f, x, v, i):
    """ε ↦ ∂f/∂x_i (x + ε v), d/dε = hvp(f, x + ε v, v)[i]."""
    return Rule(f"hvp_{i}", 1, lambda e: ac.vjp(f, along(x, v, e), 1.0)[1][i],
                lambda e, out: (ac.hvp(f, along(x, v, e), v)[i],), "df/dx_i(x + e v)", (((-1.0, 1.0),),))


def direction(draw, n):
    return [draw(st.floats(-1.0, 1.0, allow_nan=False)) for _ in range(n)]


@settings(max_examples=25)
@given(expressions(max_depth=12, max_nodes=20), st.data())
def test_jvp_and_hvp_match_central_differences_on_random_graphs(expr, data):
    x = list(expr.inputs)
    t = direction(data.draw, len(x))
    assert check_point(jvp_as_rule(expr, x, t), (0.0,), second_order=False) == []
    for i in range(len(x)):
        assert check_point(hvp_as_rule(expr, x, t, i), (0.0,), second_order=False) == []


def test_jvp_of_a_vector_function_matches_central_differences_per_output():
    f = lambda x, y: [(x * y).sin(), x.exp() / y, y.log() * x]  # noqa: E731
    x, t = [0.4, 1.7], [1.0, -0.5]
    for k in range(3):
        g = lambda *xs, k=k: f(*xs)[k]  # noqa: E731
        assert check_point(jvp_as_rule(g, x, t), (0.0,), second_order=False) == []
