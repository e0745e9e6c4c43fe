"""max_data's numbers in replays: nn's log-sum-exp shift m = max_j f_j is recomputed from each
call's scores, so softmax models replay the engine's floats bit for bit whichever class wins."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
import nn
from autograd_core import Value
from autograd_core.compile.shifts import place_shifts
from autograd_core.functions import max_data
from autograd_core.graph import topological_order

from .helpers import engine, replay, replay_over

MODEL = nn.MLP(3, [5, 4], activation="tanh", output_activation="linear", seed=3)
PARAMS = MODEL.parameters()
X0 = [0.1, -0.2, 0.3]
inputs = st.lists(st.floats(-4.0, 4.0, allow_nan=False), min_size=3, max_size=3)

LOSSES = {
    "cross_entropy index": (lambda x, t: nn.cross_entropy(MODEL(x), t), 2),
    "cross_entropy one-hot": (lambda x, t: nn.cross_entropy(MODEL(x), t), [0.0, 1.0, 0.0, 0.0]),
    "logsumexp - f_t": (lambda x, t: nn.logsumexp(MODEL(x)) - ac.dot(t, MODEL(x)), [0.0, 0.0, 0.0, 1.0]),
    "log_softmax": (lambda x, t: ac.dot(t, nn.log_softmax(MODEL(x))), [0.5, 0.0, 0.5, 0.0]),
    "softmax, one output used": (lambda x, t: nn.softmax(MODEL(x))[1] * t, 2.0),
}
COMPILED = {name: ac.compile(f, X0, t) for name, (f, t) in LOSSES.items()}


@pytest.mark.parametrize("name", sorted(LOSSES))
@settings(max_examples=40, deadline=None)
@given(x=inputs)
def test_a_softmax_model_replays_the_engines_floats_whichever_score_is_largest(name, x):
    f, t = LOSSES[name]
    assert replay(COMPILED[name], PARAMS, x, t) == engine(f, PARAMS, x, t)


def test_the_shift_is_a_line_of_the_replay_computed_from_the_scores():
    c = COMPILED["cross_entropy one-hot"]
    line = next(line for line in c.source.splitlines() if "max(" in line)
    assert line.split("=", 1)[1].split("#")[0].strip() == "max(s_1_l2, s_2_l2, s_3_l2, s_4_l2)"
    assert c.stats.variants == 1 and not c.stats.warnings


def test_every_winning_class_replays_without_a_new_variant():
    f, t = LOSSES["cross_entropy one-hot"]
    c = ac.compile(f, X0, t)
    seen = set()
    for k in range(60):
        x = [math.sin(1.7 * k + j) * 3.0 for j in range(3)]
        with ac.no_grad():
            scores = [s.data for s in MODEL(x)]
        seen.add(scores.index(max(scores)))
        assert replay(c, PARAMS, x, t) == engine(f, PARAMS, x, t)
    assert len(seen) > 1, "the inputs make different classes win"
    assert c.stats.retraces == 0 and c.stats.engine_replays == 0


def test_several_shifts_in_one_function():
    def batch(x, t):
        return nn.mean([nn.cross_entropy(MODEL([a * s for a in x]), t) for s in (1.0, -2.0, 0.5)])

    c = ac.compile(batch, X0, 1)
    for x in ([1.0, 2.0, -3.0], [-2.5, 0.3, 1.1], [0.0, 0.0, 0.0]):
        assert replay(c, PARAMS, x, 1) == engine(batch, PARAMS, x, 1)


def test_max_data_in_users_code_is_recomputed_on_every_call():
    def f(a, b):
        return a * b - max_data([a, b, 0.5])

    c = ac.compile(f, 1.0, 2.0)
    for a, b in ((3.0, -1.0), (-4.0, 0.25), (0.1, 0.2)):
        leaves = [Value(a), Value(b)]
        out = f(*leaves)
        out.backward()
        assert c(a, b) == out.data == a * b - max(a, b, 0.5)


def test_numpy_backend_recomputes_the_shift_per_row():
    np = pytest.importorskip("numpy", reason='the numpy backend needs numpy: pip install -e ".[numpy]"')
    f, t = LOSSES["cross_entropy one-hot"]
    c = ac.compile(f, X0, t, backend="numpy")
    assert "np.max(s2, axis=1, keepdims=True)" in c.source
    rng = np.random.default_rng(7)
    X, T = rng.uniform(-4.0, 4.0, (40, 3)), np.eye(4)[rng.integers(0, 4, 40)]
    value, got = replay_over(c, PARAMS, X, T, reduce="sum")
    for p in PARAMS:
        p.grad = 0.0
    total = ac.sum([f(list(x), list(y)) for x, y in zip(X.tolist(), T.tolist())])
    total.backward()
    assert value == pytest.approx(total.data, rel=1e-12)
    assert got == pytest.approx([p.grad for p in PARAMS], rel=1e-12, abs=1e-15)
    assert c.stats.split_batches == 0 and c.stats.examples_one_by_one == 0


def test_a_number_read_from_a_nodes_data_is_refused_and_max_data_is_named():
    def f(x):
        scores = [x * 2.0, x * -1.0]
        m = max(s.data for s in scores)  # the data of a node: the engine reads it again on every call
        return ac.sum([ac.exp(s - m) for s in scores])

    with pytest.raises(ValueError, match="max_data"):
        ac.compile(f, 0.7)


def test_a_shift_that_would_reorder_a_gradients_terms_is_refused():
    def f(x):
        p = x * 2.0
        m = max_data([x * 5.0])
        return (p - m) + p * 3.0  # p's uses: p - m (waits for m), then p * 3.0

    with pytest.raises(ValueError, match="max_data"):
        ac.compile(f, 0.5)


def test_place_shifts_keeps_each_nodes_uses_in_order():
    x = Value(0.3)
    p, g = x * 2.0, x * 5.0
    m = max_data([g])
    first, second = p - m, p * 3.0
    root = first + second
    order = topological_order([root, g])
    from autograd_core.compile.shifts import Shift

    assert place_shifts(order, [Shift((g,), m)]) is None
    later = p * 3.0
    root = (p - 0.0) + later
    assert place_shifts(topological_order([root]), []) == topological_order([root])


def test_max_data_is_pythons_max_of_the_data_as_a_number():
    a, b = Value(-0.0), Value(0.0)
    m = max_data([a, b, -1.0])
    assert m.__class__ is float and math.copysign(1.0, m) == -1.0  # the first of equal values
    assert max_data([Value(1.0), 3, Value(2.5)]) == 3.0
    with pytest.raises(ValueError, match="max_data: no values"):
        max_data([])
    with pytest.raises(TypeError, match="max_data"):
        max_data(Value(1.0))
    with pytest.raises(TypeError, match="max_data"):
        max_data([Value(1.0), "2"])


def test_numbers_read_from_data_are_found_in_a_graph_whose_shifts_moved_its_nodes():
    """The probe runs f again and compares it place by place in the order the shifts were placed
    in (not the engine's): a number read from a parameter is read on every call, a number read from
    a node and a leaf made from the arguments' data are refused, plain constants pass."""
    w = Value(0.5, "w")

    def read(x):
        loss = nn.logsumexp(MODEL(x))
        return loss * w.data + (loss * 2.0 + 1.0)  # w.data: a number, read again on every call

    c = ac.compile(read, X0)
    assert "max(" in c.source and c.stats.variants == 1
    for x, data in (([1.0, -2.0, 0.5], 0.5), ([-3.0, 0.2, 2.5], -1.5), ([0.0, 4.0, -1.0], 3.0)):
        w.data = data
        assert replay(c, PARAMS, x) == engine(read, PARAMS, x)
    w.data = 0.5

    def node_data(x):
        scores = MODEL(x)
        return nn.logsumexp(scores) * scores[0].data  # the data of a node

    with pytest.raises(ValueError, match="input 1 of the mul node .* the data of another node of f"):
        ac.compile(node_data, X0)

    def made(x):
        return nn.logsumexp(MODEL(x)) * Value(x[1].data * 3.0, "made")  # a leaf from the arguments' data

    with pytest.raises(ValueError, match="'made' .* was made inside f from the arguments' data"):
        ac.compile(made, X0)
