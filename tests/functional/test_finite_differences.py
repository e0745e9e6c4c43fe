"""jvp and hvp against central differences (``autograd_core.testing.central_difference``).

Along a direction t: d/dε f(x + ε t) at ε = 0 is jvp(f, x, t), and d/dε ∇f(x + ε t) is
hvp(f, x, t). A pass is |analytic - numeric| <= 1e-6 + 1e-5 |numeric|, the checkers' defaults.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core.testing import central_difference
from autograd_core.testing.strategies import expressions

ATOL, RTOL = 1e-6, 1e-5


def along(x, t, e):
    return [a + e * b for a, b in zip(x, t)]


def assert_close(analytic, numeric, what):
    assert numeric is not None, f"{what}: f fails on both sides"
    assert abs(analytic - numeric) <= ATOL + RTOL * abs(numeric), f"{what}: analytic {analytic!r}, numeric {numeric!r}"


def check_jvp(f, x, t):
    _, dd = ac.jvp(f, x, t)
    numeric = central_difference(lambda z: ac.jvp(f, along(x, t, z[0]), t)[0], [0.0], 0)
    assert_close(dd, numeric, "jvp")


def check_hvp(f, x, t):
    hv = ac.hvp(f, x, t)
    for i in range(len(x)):
        numeric = central_difference(lambda z, i=i: ac.vjp(f, along(x, t, z[0]), 1.0)[1][i], [0.0], 0)
        assert_close(hv[i], numeric, f"hvp[{i}]")


@settings(max_examples=25)
@given(expressions(max_depth=12, max_nodes=20), st.data())
def test_jvp_and_hvp_match_central_differences_on_random_graphs(expr, data):
    x = list(expr.inputs)
    t = [data.draw(st.floats(-1.0, 1.0, allow_nan=False), label=f"t{i}") for i in range(len(x))]
    check_jvp(expr, x, t)
    check_hvp(expr, x, t)


def test_jvp_of_a_vector_function_matches_central_differences_per_output():
    x, t = [0.4, 1.7], [1.0, -0.5]
    _, dd = ac.jvp(lambda a, b: [(a * b).sin(), a.exp() / b, b.log() * a], x, t)
    for k, fk in enumerate([lambda a, b: (a * b).sin(), lambda a, b: a.exp() / b, lambda a, b: b.log() * a]):
        numeric = central_difference(lambda z, fk=fk: ac.jvp(fk, along(x, t, z[0]), t)[0], [0.0], 0)
        assert_close(dd[k], numeric, f"jvp output {k}")


def test_hvp_of_rosenbrock_matches_central_differences():
    check_hvp(lambda a, b: (1 - a) ** 2 + 100 * (b - a * a) ** 2, [-1.2, 1.0], [0.3, -0.8])
