"""jvp, vjp, jacobian, hessian and hvp against torch.func in float64, on random expression graphs.

The graphs come from ``autograd_core.testing.strategies.expressions``; the torch version of
each graph is built by the torch oracle's table (``tests/testing/test_torch_oracle.py``),
and compared with its ``assert_close`` (1e-9 relative, 1e-12 absolute floor).
"""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core.testing.strategies import expressions
from tests.optional import import_torch

pytestmark = pytest.mark.torch
torch = import_torch()

from tests.testing.test_torch_oracle import TORCH, assert_close, torch_op  # noqa: E402 - after the skip

F64 = torch.float64
RULES_IN_TORCH = sorted(set(ac.RULES) & set(TORCH))
"""Rules the oracle can build (a rule it lacks fails the oracle's own coverage test)."""


def scalar_in_torch(expr):
    """The expression's root as a torch function of one 1-D tensor of inputs."""
    return lambda x: expr.build(list(x.unbind()), torch_op)


def vector_in_torch(expr, picks):
    """The nodes ``picks`` of the expression, stacked, as a torch function of one 1-D tensor."""

    def fn(x):
        nodes = expr.build_all(list(x.unbind()), torch_op)
        return torch.stack([nodes[j] for j in picks])

    return fn


def vector_here(expr, picks):
    """The nodes ``picks`` of the expression, as a list of Values: the ``f`` of our transforms."""

    def f(*xs):
        nodes = expr.build_all(xs)
        return [nodes[j] for j in picks]

    return f


def directions(seed, n):
    rng = random.Random(seed)
    return [rng.uniform(-1.0, 1.0) for _ in range(n)]


def tensor(xs):
    return torch.tensor(xs, dtype=F64)


@settings(max_examples=40)
@given(expressions(max_depth=20, max_nodes=30, rules=RULES_IN_TORCH), st.integers(0, 2**16))
def test_scalar_transforms_match_torch_func(expr, seed):
    n = len(expr.inputs)
    x, t = list(expr.inputs), directions(seed, n)
    tf, tx = scalar_in_torch(expr), tensor(x)

    value, dd = ac.jvp(expr, x, t)
    t_value, t_dd = torch.func.jvp(tf, (tx,), (tensor(t),))
    assert_close([value, dd], [t_value, t_dd], "jvp")

    value, g = ac.vjp(expr, x, 0.5)
    t_value, pull = torch.func.vjp(tf, tx)
    assert_close([value, *g], [t_value, *pull(torch.tensor(0.5, dtype=F64))[0]], "vjp")

    h = ac.hessian(expr, x)
    t_h = torch.func.hessian(tf)(tx)
    for i in range(n):
        assert_close(h[i], t_h[i], f"hessian row {i}")
        assert all(h[i][j] == h[j][i] for j in range(n)), "the Hessian is exactly symmetric"

    hv = ac.hvp(expr, x, t)
    _, t_hv = torch.func.jvp(torch.func.grad(tf), (tx,), (tensor(t),))
    assert_close(hv, t_hv, "hvp")


@settings(max_examples=30)
@given(expressions(max_depth=20, max_nodes=30, rules=RULES_IN_TORCH), st.data())
def test_vector_transforms_match_torch_func(expr, data):
    """f returns several nodes of the graph (shared subgraphs, repeats allowed)."""
    n = len(expr.inputs)
    picks = data.draw(st.lists(st.integers(0, len(expr.steps) - 1), min_size=1, max_size=5), label="picks")
    m = len(picks)
    f, tf = vector_here(expr, picks), vector_in_torch(expr, picks)
    x, tx = list(expr.inputs), tensor(list(expr.inputs))
    t, u = directions(len(picks), n), directions(n + 7, m)

    for mode in ("forward", "reverse", "auto"):
        jac = ac.jacobian(f, x, mode=mode)
        t_jac = torch.func.jacrev(tf)(tx)
        assert len(jac) == m and all(len(row) == n for row in jac)
        for k in range(m):
            assert_close(jac[k], t_jac[k], f"jacobian ({mode}) row {k}")

    values, dd = ac.jvp(f, x, t)
    t_values, t_dd = torch.func.jvp(tf, (tx,), (tensor(t),))
    assert_close(values + dd, list(t_values) + list(t_dd), "jvp")

    values, g = ac.vjp(f, x, u)
    t_values, pull = torch.func.vjp(tf, tx)
    assert_close(values + g, list(t_values) + list(pull(tensor(u))[0]), "vjp")
