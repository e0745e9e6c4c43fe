"""The 2-D case of the Newton demo: Rosenbrock from (-1.2, 1) with the Hessian from autograd_core.hessian."""

import pytest

pytest.importorskip("matplotlib", reason='the demos need matplotlib: pip install -e ".[demos]"')

from demos import newton  # noqa: E402


def test_newton_with_the_engines_hessian_reaches_the_minimum_in_a_few_steps():
    path, hessian_error = newton.newton_2d(newton.START_2D, 50)
    assert hessian_error < 1e-12, "hessian() matches the closed form along the path"
    assert newton.rosenbrock(*path[-1]) < 1e-15
    assert newton._steps_2d(path) is not None and newton._steps_2d(path) <= 8


def test_gradient_descent_is_far_slower_but_goes_downhill():
    path = newton.gradient_descent_2d(newton.START_2D, 2000)
    values = [newton.rosenbrock(*p) for p in path]
    assert all(b <= a for a, b in zip(values, values[1:])), "η = 1e-3 is a stable step on this path"
    assert newton._steps_2d(path) is None, "2000 steps are not enough for 1e-8 (it needs about 46 000)"
