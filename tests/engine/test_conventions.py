"""Python habits a Value honours (like a PyTorch scalar tensor), pickling, and the node's public
structure, which is all that code outside value.py and graph.py may read."""

from __future__ import annotations

import copy
import pickle
import re
from pathlib import Path

import pytest

import autograd_core as ac
from autograd_core import Value


def test_round_format_item_and_bool_read_data():
    v = Value(2.71828, "e")
    assert round(v, 2) == 2.72 and round(v) == 3 and isinstance(round(v), int)
    assert f"{v:.3f}" == "2.718" and f"{v:>8.1f}" == "     2.7"
    assert f"{v}" == str(v) == repr(v)
    assert v.item() == 2.71828 and v.item().__class__ is float
    assert bool(Value(0.0)) is False and bool(Value(-0.0)) is False and bool(Value(1e-300)) is True
    loss = Value(0.0) * 3.0
    taken = "taken" if loss else "skipped"
    assert taken == "skipped"


def test_a_graph_pickles_and_unpickles_with_its_gradients_and_keeps_training():
    x, w = Value(0.5, "x"), Value(-1.5, "w")
    y = ac.tanh(ac.affine(0.1, [w], [x])) * ac.sum([x, 2.0, w]) + x**2.0
    y.backward()
    restored, rx = pickle.loads(pickle.dumps((y, x)))
    assert restored.data == y.data and restored.op == y.op
    assert [v.data for v in ac.topological_order(restored)] == [v.data for v in ac.topological_order(y)]
    assert [v.label for v in ac.topological_order(restored)] == [v.label for v in ac.topological_order(y)]
    assert [v.inputs.__len__() for v in ac.topological_order(restored)] == [
        len(v.inputs) for v in ac.topological_order(y)
    ]
    assert rx in restored.parents[0].parents[0].parents[0].parents  # leaves keep identity in one pickle
    assert rx.grad == x.grad
    for v in (restored, y):
        for leaf in ac.topological_order(v):
            if leaf.is_leaf():
                leaf.grad = 0.0
        v.backward()
    assert rx.grad == x.grad
    assert copy.deepcopy(y).data == y.data


def test_a_deep_graph_pickles_without_recursion():
    x = Value(1.0, "x")
    y = x
    for _ in range(20_000):
        y = y * 1.0001 + 0.0
    restored = pickle.loads(pickle.dumps(y))
    restored.backward()
    y.backward()
    leaf = ac.topological_order(restored)[0]
    assert leaf.label == "x" and leaf.grad == x.grad


def test_one_pickle_of_several_roots_keeps_their_shared_nodes_once():
    a, b = Value(0.5, "a"), Value(-1.5, "b")
    shared = (a * b).tanh()
    first, second = shared * 2.0, shared + a
    for dump in (pickle.dumps, copy.deepcopy):
        for v in (a, b, shared):
            v.grad = 0.0
        restored = dump([first, second]) if dump is copy.deepcopy else pickle.loads(dump([first, second]))
        r1, r2 = restored
        assert r1.parents[0] is r2.parents[0]  # one node, as in the original
        (r1 + r2).backward()
        (first + second).backward()
        ra = r2.parents[1]
        assert (ra.grad, r1.parents[0].grad) == (a.grad, shared.grad)  # gradients add up through it


def test_a_list_of_chained_nodes_pickles_in_size_linear_in_the_nodes():
    def chain(n):
        xs = [Value(1.0)]
        for _ in range(n):
            xs.append(xs[-1] * 1.0001 + 0.001)
        return xs

    small, large = len(pickle.dumps(chain(400))), len(pickle.dumps(chain(1600)))
    assert large < 5 * small  # four times the nodes: about four times the bytes, not sixteen
    xs = chain(1600)
    restored = pickle.loads(pickle.dumps(xs))
    assert restored[-1].data == xs[-1].data and restored[-1].parents[0].parents[0] is restored[-2]
    again = pickle.loads(pickle.dumps(xs[-1]))  # a second pickle of the same nodes is whole again
    assert again.data == xs[-1].data and len(ac.topological_order(again)) == len(ac.topological_order(xs[-1]))


def test_rules_pickle_by_name_and_unregistered_rules_say_why_not():
    assert pickle.loads(pickle.dumps(ac.RULES["tanh"])) is ac.RULES["tanh"]
    mine = ac.Rule("mine", 1, lambda x: x, lambda x, out: (1.0,), "x", (((-1.0, 1.0),),))
    with pytest.raises(TypeError, match="mine.*RULES"):
        pickle.dumps(mine)


def test_structure_accessors_answer_parents_local_grads_and_inputs():
    x, y = Value(2.0), Value(3.0)
    cases = [
        (x * y, (x, y), (3.0, 2.0), (x, y)),
        (x - 1.0, (x,), (1.0,), (x, 1.0)),
        (1.0 - x, (x,), (-1.0,), (1.0, x)),
        (ac.tanh(x), (x,), (1.0 - ac.tanh(2.0) ** 2,), (x,)),
        (ac.dot([x, 2.0], [y, x]), (x, y, x), (3.0, 2.0, 2.0), (x, 2.0, y, x)),
    ]
    for node, parents, local, inputs in cases:
        assert [id(p) for p in node.parents] == [id(p) for p in parents]
        assert node.local_grads == pytest.approx(local)
        assert [a if a.__class__ is float else id(a) for a in node.inputs] == [
            a if a.__class__ is float else id(a) for a in inputs
        ]
        assert not node.is_leaf() and node.rule is ac.RULES[node.op]
    assert x.is_leaf() and x.rule is None and x.parents == () and x.inputs == ()


LIBRARY = Path(ac.__file__).resolve().parent
PRIVATE_FIELD = re.compile(r"\.(_rule|_in0|_in1|_d0|_d1|_const|_nary|_mark|_fn|_p0|_p1)\b")


def test_no_module_outside_value_graph_and_custom_reads_a_private_node_field():
    roots = [LIBRARY, LIBRARY.parent / "nn"]
    offenders = []
    for root in roots:
        for path in root.rglob("*.py"):
            if path.parent == LIBRARY and path.name in ("value.py", "graph.py", "custom.py"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PRIVATE_FIELD.search(line) and "self._" not in line:
                    offenders.append(f"{path.relative_to(LIBRARY.parent)}:{number}: {line.strip()}")
    assert not offenders, "private node fields read outside the engine:\n" + "\n".join(offenders)
