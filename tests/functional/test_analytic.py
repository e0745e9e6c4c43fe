"""Closed forms: a quadratic form, a linear map, Rosenbrock's function; duality of jvp and vjp."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core.testing.strategies import expressions


def random_matrix(seed, rows, cols):
    rng = random.Random(seed)
    return [[rng.uniform(-2.0, 2.0) for _ in range(cols)] for _ in range(rows)]


def quadratic_form(a):
    """f(x) = xᵀ A x = Σ_ij A_ij x_i x_j, whose Hessian is A + Aᵀ."""
    return lambda *x: ac.sum([a[i][j] * x[i] * x[j] for i in range(len(a)) for j in range(len(a))])


def rosenbrock(x, y):
    """f(x, y) = (1 - x)² + 100 (y - x²)², minimum 0 at (1, 1)."""
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_hessian(x, y):
    return [[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]]


def close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize("seed", range(4))
def test_quadratic_form_has_hessian_a_plus_a_transpose_and_gradient_a_plus_a_transpose_x(seed):
    n = 4
    a = random_matrix(seed, n, n)
    x = [row[0] for row in random_matrix(seed + 10, n, 1)]
    h = ac.hessian(quadratic_form(a), x)
    s = [[a[i][j] + a[j][i] for j in range(n)] for i in range(n)]
    assert all(close(h[i][j], s[i][j]) for i in range(n) for j in range(n))
    value, g = ac.vjp(quadratic_form(a), x, 1.0)
    assert close(value, sum(a[i][j] * x[i] * x[j] for i in range(n) for j in range(n)))
    assert all(close(g[i], sum(s[i][j] * x[j] for j in range(n))) for i in range(n))


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
@pytest.mark.parametrize("shape", [(2, 5), (5, 2), (3, 3)])
def test_jacobian_of_a_linear_map_is_its_matrix_in_every_mode(mode, shape):
    m, n = shape
    a = random_matrix(m * n, m, n)
    f = lambda *x: [ac.dot(a[k], x) for k in range(m)]  # noqa: E731
    assert ac.jacobian(f, [0.3] * n, mode=mode) == a  # d dot(a, x) / dx_i = a_i, exactly


@pytest.mark.parametrize("point", [(-1.2, 1.0), (1.0, 1.0), (0.5, -0.3), (2.0, 4.1)])
def test_rosenbrock_hessian_gradient_and_hvp_match_the_closed_forms(point):
    x, y = point
    expected = rosenbrock_hessian(x, y)
    h = ac.hessian(rosenbrock, list(point))
    assert all(close(h[i][j], expected[i][j]) for i in range(2) for j in range(2))
    _, g = ac.vjp(rosenbrock, list(point), 1.0)
    assert close(g[0], -2 * (1 - x) - 400 * x * (y - x * x)) and close(g[1], 200 * (y - x * x))
    v = [0.7, -1.3]
    hv = ac.hvp(rosenbrock, list(point), v)
    assert all(close(hv[i], expected[i][0] * v[0] + expected[i][1] * v[1]) for i in range(2))
    value, dd = ac.jvp(rosenbrock, list(point), v)
    assert close(value, rosenbrock(x, y)) and close(dd, g[0] * v[0] + g[1] * v[1])


@settings(max_examples=30)
@given(expressions(max_depth=20, max_nodes=30), st.data())
def test_jvp_and_vjp_are_dual_and_hvp_is_the_hessian_times_v(expr, data):
    """uᵀ (J t) = (uᵀ J) t, and hvp(v) = hessian · v, on random graphs."""
    n = len(expr.inputs)
    x = list(expr.inputs)
    picks = data.draw(st.lists(st.integers(0, len(expr.steps) - 1), min_size=1, max_size=4), label="picks")
    f = lambda *xs: [expr.build_all(xs)[j] for j in picks]  # noqa: E731
    t = [row[0] for row in random_matrix(n, n, 1)]
    u = [row[0] for row in random_matrix(len(picks), len(picks), 1)]
    _, jt = ac.jvp(f, x, t)
    _, uj = ac.vjp(f, x, u)
    left, right = sum(a * b for a, b in zip(u, jt)), sum(a * b for a, b in zip(uj, t))
    assert abs(left - right) <= 1e-9 * max(1.0, sum(abs(a * b) for a, b in zip(u, jt)))
    h, hv = ac.hessian(expr, x), ac.hvp(expr, x, t)
    for i in range(n):
        row = sum(h[i][j] * t[j] for j in range(n))
        assert abs(hv[i] - row) <= 1e-9 * max(1.0, sum(abs(h[i][j] * t[j]) for j in range(n)))
