"""The sweeps under the transforms: joint order of several roots, forward and reverse sweeps."""

from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import Value, grad, topological_order
from autograd_core.functional import joint_order, pull_back, push_forward
from autograd_core.testing.strategies import expressions


@settings(max_examples=30)
@given(expressions(max_depth=15, max_nodes=25), st.data())
def test_joint_order_lists_every_node_once_parents_first(expr, data):
    leaves = expr.leaves()
    nodes = expr.build_all(leaves)
    picks = data.draw(st.lists(st.integers(0, len(nodes) - 1), min_size=1, max_size=4), label="picks")
    roots = [nodes[j] for j in picks]
    order = joint_order(roots)
    assert len(set(order)) == len(order)
    position = {v: k for k, v in enumerate(order)}
    assert all(position[p] < position[v] for v in order for p in v.parents)
    expected = set().union(*(topological_order(r) for r in roots))
    assert set(order) == expected
    if len(set(roots)) == 1:
        assert order == topological_order(roots[0])


def test_a_sweep_with_a_unit_seed_gives_one_row_or_column_of_the_jacobian():
    x, y = Value(0.3, "x"), Value(-1.2, "y")
    u, w = (x * y).tanh(), x.exp() + y
    order = joint_order([u, w])
    dx = push_forward(order, {x: 1.0})
    assert [dx[u], dx[w]] == [grad(u, x), grad(w, x)]
    back = pull_back(order, {u: 1.0})
    assert [back[x], back[y]] == grad(u, [x, y])
    assert w not in back and y in push_forward(order, {y: 1.0})
    assert joint_order([1.0, u]) == topological_order(u), "constants among the roots are skipped"
