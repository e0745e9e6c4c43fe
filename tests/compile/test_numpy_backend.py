"""compile(..., backend="numpy"): c.over replays the data set as arrays and equals the python
backend and the engine; layers are matrix products; guards that differ between examples."""

from __future__ import annotations

import math
import random
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
import nn
from autograd_core import RULES, Value
from autograd_core._extras import MissingExtra
from autograd_core.testing.strategies import expressions

from .helpers import assert_same, replay_over

np = pytest.importorskip("numpy", reason="the numpy backend needs the numpy extra")

RTOL = 1e-12


def _engine_over(f, params, *datasets, reduce="mean"):
    for p in params:
        p.grad = 0.0
    outs = [f(*example) for example in zip(*datasets)]
    total = ac.sum(outs)
    out = total * (1.0 / len(outs)) if reduce == "mean" else total
    out.backward()
    return out.data, [p.grad for p in params]


def _both(f, params, example, *datasets, reduce="mean", rtol=RTOL, atol=1e-13):
    """numpy backend == python backend == engine over the data set (rtol 1e-12; atol 1e-13 for
    gradients that cancel to ~0 over the examples, summed in another order); returns the numpy c."""
    cn = ac.compile(f, *example, backend="numpy")
    cp = ac.compile(f, *example)
    got = replay_over(cn, params, *datasets, reduce=reduce)
    assert_same(got, replay_over(cp, params, *datasets, reduce=reduce), rtol, atol)
    assert_same(got, _engine_over(f, params, *datasets, reduce=reduce), rtol, atol)
    return cn


def _moons(n=40, seed=0):
    rng = random.Random(seed)
    X = [[rng.uniform(-1.5, 2.5), rng.uniform(-1.0, 1.5)] for _ in range(n)]
    y = [1.0 if x[1] > 0.5 * math.sin(2 * x[0]) else -1.0 for x in X]
    return X, y


def test_missing_numpy_names_the_extra_and_the_python_backend_still_works(monkeypatch):
    monkeypatch.setitem(sys.modules, "numpy", None)  # import numpy now raises ImportError
    w = Value(0.5, "w")
    with pytest.raises(MissingExtra, match=r'pip install "autograd-core\[numpy\]"'):
        ac.compile(lambda x: w * x, 1.0, backend="numpy")
    assert ac.compile(lambda x: w * x, 1.0).over([1.0, 2.0]) == 0.75


def test_an_unknown_backend_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="backend must be one of 'python', 'numpy', got 'jax'"):
        ac.compile(lambda x: x * 2.0, 1.0, backend="jax")


def test_an_mlp_layer_is_one_matrix_product_named_as_in_the_lecture():
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=0)
    X, y = _moons()
    c = _both(lambda x, t: (1.0 - t * model(x)[0]).relu(), model.parameters(), (X[0], y[0]), X, y)
    src = c.source
    for line in ("s1 = x0 @ W1.T + b1", "x1 = np.maximum(s1, 0.0)", "s2 = x1 @ W2.T + b2", "g_x1 = g_s2 @ W2"):
        assert line in src
    code = [line.split("#")[0] for line in src.splitlines()]
    products = sum(line.count(" @ ") - line.count("ones @ ") + line.count("np.matmul(g_") for line in code)
    assert products == 3 + 3 + 1  # forward, g_W of each layer, g_x of layer 2 (ones: the bias sums)
    assert "g_x2 = g_s3 * W3" in src  # layer 3 has one neuron: g_x is an outer product, by broadcasting
    assert "np.matmul(g_s1.T, x0, out=g_Wb1[:, 1:])" in src  # straight into gtheta, nothing added to zeros
    assert c.stats.split_batches == 0 and c.stats.examples_one_by_one == 0
    assert "s1 = x0 @ W1.T + b1" not in c.python_source


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("loss", ["square", "mse", "hinge", "bce", "cross_entropy", "logsumexp", "l2"])
def test_every_activation_with_every_loss_equals_python_and_the_engine(activation, loss):
    k = 3 if loss in ("cross_entropy", "logsumexp", "mse") else 1
    model = nn.MLP(2, [5, k], activation=activation, output_activation=activation, seed=3)
    params = model.parameters()
    losses = {
        "square": lambda x, y: nn.square_loss(model(x)[0], y),
        "mse": lambda x, y: nn.mse_loss(model(x), [y, 0.5 * y, -y]),
        "hinge": lambda x, y: nn.hinge_loss(model(x), [1]) * y,
        "bce": lambda x, y: nn.bce_with_logits(model(x), [1.0]) * y,
        "cross_entropy": lambda x, y: nn.cross_entropy(model(x), 1) * y,
        "logsumexp": lambda x, y: nn.logsumexp(model(x)) * y,
        "l2": lambda x, y: nn.square_loss(model(x)[0], y) + nn.l2_penalty(params, 0.01),
    }
    X, y = _moons(12, seed=1)
    _both(losses[loss], params, (X[0], y[0]), X, y, reduce="sum")


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_of_the_table_over_a_batch(name):
    rule = RULES[name]
    n = 3 if name == "affine" else 4 if rule.arity < 0 else rule.arity
    (lo, hi), *_ = rule.domain[0]
    params = [Value(lo + (hi - lo) * (0.3 + 0.1 * i), f"p{i}") for i in range(n)]
    xs = [lo + (hi - lo) * (0.2 + 0.15 * i) for i in range(5)]

    def f(x):
        return ac.apply(rule, x, *params[1:]) * params[0]

    _both(f, params, (xs[0],), xs)


def _split(expr):
    k = max(1, len(expr.inputs) // 2)
    params = [Value(v, label=f"p{i}") for i, v in enumerate(expr.inputs[k:])]
    return (lambda a: expr(*a, *params)), list(expr.inputs[:k]), params


@settings(max_examples=60, deadline=None)
@given(expressions(max_nodes=20), st.lists(st.floats(-0.02, 0.02), min_size=1, max_size=6))
def test_random_expressions_over_a_batch_equal_python_and_the_engine(expr, shifts):
    f, args, params = _split(expr)
    rows = [[a * (1.0 + s) + s for a in args] for s in [0.0, *shifts]]
    cp = ac.compile(f, args)
    try:
        expected = replay_over(cp, params, rows)
    except (ValueError, ArithmeticError) as error:  # a row left the domain: the same error
        cn = ac.compile(f, args, backend="numpy")
        with pytest.raises(type(error)):
            replay_over(cn, params, rows)
        return
    cn = ac.compile(f, args, backend="numpy")
    assert_same(replay_over(cn, params, rows), expected, RTOL, 1e-12)


def test_guards_that_differ_between_examples_split_the_batch_exactly():
    w = Value(0.7, "w")

    def f(x):  # a branch on a Value: one variant per side
        return (w * x).tanh() if x > 0.0 else w * x * x

    xs = [-1.5, 0.3, -0.2, 2.0, 0.0, 1.1, -0.9]
    c = _both(f, [w], (xs[0],), xs)
    assert c.stats.split_batches >= 1
    assert c.stats.variants == 2
    before = c.stats.examples_one_by_one
    replay_over(c, [w], xs)  # both variants known now: no example one by one
    assert c.stats.examples_one_by_one == before


def test_rows_with_inf_or_nan_go_one_by_one_and_match_the_engine():
    w = Value(2.0, "w")

    def f(x):
        return (w * x).exp()

    xs = [1.0, 400.0, 0.5]  # e^800 overflows: the engine raises, so does the batch
    c = ac.compile(f, 1.0, backend="numpy")
    with pytest.raises(OverflowError):
        c.over(xs)
    assert w.grad == 0.0  # nothing half-accumulated
    assert_same(replay_over(c, [w], [1.0, 0.5, -3.0]), _engine_over(f, [w], [1.0, 0.5, -3.0]))


def test_c_of_one_example_still_replays_in_python():
    model = nn.MLP(3, [4, 1], seed=2)
    c = ac.compile(lambda x: model(x)[0].tanh(), [0.1, 0.2, 0.3], backend="numpy")
    for p in model.parameters():
        p.grad = 0.0
    value = c([0.5, -0.5, 1.0])
    out = model([0.5, -0.5, 1.0])[0].tanh()
    assert value == out.data


def test_data_sets_as_numpy_arrays_and_lists_give_the_same_result():
    model = nn.MLP(2, [3, 1], seed=4)
    X, y = _moons(10)
    c = ac.compile(lambda x, t: nn.square_loss(model(x)[0], t), X[0], y[0], backend="numpy")
    a = replay_over(c, model.parameters(), X, y)
    b = replay_over(c, model.parameters(), np.array(X), np.array(y))
    assert a == b
    assert replay_over(c, model.parameters(), np.array(X), np.array(y, dtype=int)) == a  # int labels
    assert replay_over(c, model.parameters(), X, np.array(y)) == a  # a list beside an array
    assert replay_over(c, model.parameters(), np.array(X)[:, ::-1][:, ::-1], np.array(y)) == a  # a strided view
    with pytest.raises(ValueError, match="example 1, argument 0"):
        c.over([X[0], X[1][:1]], y[:2])
    with pytest.raises(TypeError, match="must be a float"):
        c.over([[True, 1.0]], [1.0])


@pytest.mark.parametrize("form", ["index", "one-hot"])
def test_cross_entropy_compiles_with_the_label_as_an_argument(form):
    k = 4
    model = nn.MLP(3, [6, k], activation="tanh", seed=5)
    params = model.parameters()
    rng = random.Random(7)
    X = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(30)]
    classes = [rng.randrange(k) for _ in X]
    T = classes if form == "index" else [[1.0 if j == c else 0.0 for j in range(k)] for c in classes]

    def f(x, t):
        return nn.cross_entropy(model(x), t)

    def engine_f(x, t):  # the engine with the label as a plain number / list, as users write it
        return nn.cross_entropy(model(x), t.data if isinstance(t, Value) else t)

    cp = ac.compile(f, X[0], T[0])
    cn = ac.compile(f, X[0], T[0], backend="numpy")
    got = replay_over(cn, params, X, T)
    assert_same(got, replay_over(cp, params, X, T), RTOL, 1e-13)
    assert_same(got, _engine_over(engine_f, params, X, T), RTOL, 1e-13)
    if form == "index":  # one variant per class: the batch is split by the label's guards
        assert cn.stats.variants == k and cn.stats.split_batches >= 1
        before = cn.stats.examples_one_by_one
        assert_same(replay_over(cn, params, X, T), got, RTOL, 1e-13)
        assert cn.stats.examples_one_by_one == before  # every class has its variant now
    else:
        assert cn.stats.variants == 1 and cn.stats.split_batches == 0


def test_cross_entropy_accepts_value_targets_as_the_lecture_writes_them():
    logits = [Value(0.5), Value(-1.0), Value(2.0)]
    y = [Value(0.0), Value(1.0), Value(0.0)]
    loss = nn.cross_entropy(logits, y)
    loss.backward()
    p = [math.exp(v.data) for v in logits]
    p = [e / sum(p) for e in p]
    assert loss.data == pytest.approx(-math.log(p[1]), rel=1e-12)
    assert [v.grad for v in logits] == pytest.approx([p[0], p[1] - 1.0, p[2]], rel=1e-12)
    with pytest.raises(ValueError, match="target class 3.0 is not an integer in 0..2"):
        nn.cross_entropy(logits, Value(3.0))
    with pytest.raises(ValueError, match="sum to 1"):
        nn.cross_entropy(logits, [Value(0.5), Value(0.0), Value(0.0)])


def test_a_users_arithmetic_rule_is_batched_from_its_row():
    cube = ac.Rule("cube_numpy_test", 1, lambda x: x * x * x, lambda x, out: (3.0 * x * x,), "x^3", (((-2.0, 2.0),),))
    w = Value(0.7, "w")

    def f(x):
        return ac.apply(cube, w * x).sin()

    c = _both(f, [w], (0.5,), [0.5, -1.0, 1.5])
    assert c.stats.examples_one_by_one == 0
    assert c.source.count(".forward(") == 0  # its row written out as numpy, not called
    assert "3.0 * " in c.source  # the partial 3x^2, from the row


def test_a_rule_that_cannot_run_on_symbols_runs_its_examples_one_by_one_and_says_so():
    soft = ac.Rule(
        "log1p_sq_numpy_test",
        1,
        lambda x: math.log1p(x * x),
        lambda x, out: (2.0 * x / (1.0 + x * x),),
        "log(1 + x^2)",
        (((-2.0, 2.0),),),
    )
    w = Value(0.7, "w")

    def f(x):
        return ac.apply(soft, w * x).sin()

    c = _both(f, [w], (0.5,), [0.5, -1.0, 1.5])
    assert c.stats.examples_one_by_one == 3
    assert any("log1p_sq_numpy_test" in message for message in c.stats.warnings)


def test_the_engine_and_the_python_backend_import_and_run_without_numpy():
    import subprocess

    code = (
        "import sys; sys.modules['numpy'] = None\n"
        "import autograd_core as ac, nn\n"
        "from autograd_core._extras import MissingExtra\n"
        "m = nn.MLP(2, [3, 1], seed=0)\n"
        "c = ac.compile(lambda x: m(x)[0].tanh(), [0.1, 0.2])\n"
        "print(c.over([[0.1, 0.2], [0.3, -0.4]]))\n"
        "try:\n"
        "    ac.compile(lambda x: m(x)[0], [0.1, 0.2], backend='numpy')\n"
        "except MissingExtra as error:\n"
        "    print(error)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert math.isfinite(float(lines[0]))
    assert 'pip install "autograd-core[numpy]"' in lines[1]


def test_a_data_set_array_changed_in_place_is_read_again():
    model = nn.MLP(2, [4, 1], seed=6)
    X, y = _moons(12)
    X, y = np.array(X), np.array(y)
    params = model.parameters()

    def f(x, t):
        return (1.0 - t * model(x)[0]).relu()

    cn, cp = ac.compile(f, X[0].tolist(), float(y[0]), backend="numpy"), ac.compile(f, X[0].tolist(), float(y[0]))
    first = replay_over(cn, params, X, y)
    X[3, 0] += 0.75  # the same objects, new contents: no stale copy may be used
    y[5] = -y[5]
    got = replay_over(cn, params, X, y)
    assert got != first
    assert_same(got, replay_over(cp, params, X.tolist(), y.tolist()), RTOL, 1e-13)


def test_a_weight_replaced_in_the_model_is_used_by_the_next_over():
    model = nn.MLP(2, [3, 1], seed=1)
    X, y = _moons(8)

    def f(x, t):
        return nn.square_loss(model(x)[0], t)

    c = ac.compile(f, X[0], y[0], backend="numpy")
    model.layers[0].neurons[1].w[0] = Value(2.0)
    params = model.parameters()
    assert_same(replay_over(c, params, X, y), _engine_over(f, params, X, y), RTOL, 1e-13)
    assert c.stats.retraces == 1 and "replaced" in next(iter(c.stats.reasons))


def test_over_inside_no_grad_gives_the_value_and_touches_no_gradient():
    model = nn.MLP(2, [3, 1], seed=3)
    X, y = _moons(9)

    def f(x, t):
        return nn.square_loss(model(x)[0], t)

    c = ac.compile(f, X[0], y[0], backend="numpy")
    params = model.parameters()
    expected = _engine_over(f, params, X, y)[0]
    for p in params:
        p.grad = 0.25
    with ac.no_grad():
        value = c.over(X, y)
    assert value == pytest.approx(expected, rel=RTOL)
    assert c.last_values == pytest.approx([f(x, t).data for x, t in zip(X, y)], rel=RTOL)
    assert all(p.grad == 0.25 for p in params)


def test_inside_no_grad_only_the_forward_part_runs_and_gives_the_same_values():
    model = nn.MLP(3, [4, 3], activation="tanh", seed=5)
    X = [[0.3 * i, -0.1 * i, 0.2] for i in range(6)]
    T = [[1.0 if k == i % 3 else 0.0 for k in range(3)] for i in range(6)]

    def f(x, t):
        return nn.cross_entropy(model(x), t)

    c = ac.compile(f, X[0], T[0], backend="numpy")
    with ac.no_grad():
        value = c.over(X, T, reduce="sum")
        values = list(c.last_values)
    program = c._current.numpy
    assert "values_batch" in program.namespace and "replay_batch" not in program.namespace
    assert "gtheta" not in program.values_source and "return out, None" in program.values_source
    assert value == replay_over(c, model.parameters(), X, T, reduce="sum")[0]
    assert c.last_values == values, "the forward part is the replay's own: the same floats"


def test_inside_no_grad_guards_that_differ_between_examples_give_the_engines_values():
    w = Value(0.7, "w")

    def f(x):
        return (w * x).tanh() if x > 0.0 else w * x * x

    xs = [-1.5, 0.3, -0.2, 2.0, 0.0, 1.1, -0.9]
    c = ac.compile(f, xs[0], backend="numpy")
    with ac.no_grad():
        assert c.over(xs, reduce="sum") == pytest.approx(sum(f(x).data for x in xs), rel=RTOL)
        assert c.last_values == pytest.approx([f(x).data for x in xs], rel=RTOL)
    assert w.grad == 0.0 and c.stats.split_batches >= 1


def test_gradients_beyond_the_straight_line_accumulator_are_the_same(monkeypatch):
    from autograd_core import _bulk

    model = nn.MLP(3, [5, 2], activation="tanh", seed=8)
    X = [[0.1 * i, -0.2 * i, 0.3] for i in range(7)]

    def f(x):
        return nn.logsumexp(model(x))

    params = model.parameters()

    def over_adding_to(c):  # gradients already there are added to, not replaced
        for k, p in enumerate(params):
            p.grad = 0.5 - 0.01 * k
        value = c.over(X)
        return value, [p.grad for p in params]

    straight = over_adding_to(ac.compile(f, X[0], backend="numpy"))
    assert_same(straight, over_adding_to(ac.compile(f, X[0])), RTOL, 1e-13)
    monkeypatch.setattr(_bulk, "UNROLL", 4)  # now a loop adds the gradients
    monkeypatch.setattr(_bulk, "_ADDERS", {})
    assert len(params) > 4
    assert over_adding_to(ac.compile(f, X[0], backend="numpy")) == straight


def test_sum_and_dot_of_many_inputs_are_one_reduction_equal_to_python_and_the_engine():
    ws = [Value(0.1 * (i - 4), f"w{i}") for i in range(9)]

    def f(x):  # dot of parameters and arguments, sum of a layer's columns and a constant, dot(w, w)
        h = [(w * xi).tanh() for w, xi in zip(ws, x)]
        return ac.dot(ws, x) + ac.sum([*h, 0.5]) * ac.dot(ws, ws) + ac.sum([x[0], ws[1], h[2], x[3], 2.0, ws[5]])

    rows = [[0.3 * i - 1.0 + 0.1 * k for k in range(9)] for i in range(6)]
    c = _both(f, ws, (rows[0],), rows)
    assert c.source.count("as one reduction") >= 3
    assert c.stats.examples_one_by_one == 0


def test_only_rules_that_are_sums_of_one_term_per_input_become_reductions():
    from autograd_core.compile.numpy_rules import sum_of_terms

    assert sum_of_terms(RULES["sum"], 12) == 1
    assert sum_of_terms(RULES["dot"], 12) == 2
    assert sum_of_terms(RULES["affine"], 13) is None  # the bias is not a term per input
    assert sum_of_terms(RULES["dot"], 13) is None


def test_a_penalty_of_parameters_alone_has_a_batch_program_equal_to_python():
    model = nn.MLP(2, [5, 1], seed=2)
    params = model.parameters()
    cn = ac.compile(lambda: nn.l2_penalty(params, 1e-3), backend="numpy")
    assert "dot of" in cn.source and "as one reduction" in cn.source
    cp = ac.compile(lambda: nn.l2_penalty(params, 1e-3))
    for p in params:
        p.grad = 0.0
    got = cn(), [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    assert_same(got, (cp(), [p.grad for p in params]), RTOL, 0.0)


def test_relu_of_a_nan_argument_is_zero_as_in_the_engine_and_of_a_checked_value_one_call():
    w = Value(0.5, "w")
    xs = [1.5, float("nan"), -2.0, 0.0, -0.0]
    bare = ac.compile(lambda x: x.relu(), 1.0, backend="numpy")  # nothing checks x: nan rows stay
    assert "np.where(A > 0.0, A, 0.0)" in bare.source
    bare.over(xs, reduce="sum")
    assert bare.last_values == [1.5, 0.0, 0.0, 0.0, 0.0] and bare.stats.examples_one_by_one == 0

    def f(x):
        return (w * x).relu()

    c = ac.compile(f, 1.0, backend="numpy")
    assert "np.maximum(mul1, 0.0)" in c.source  # w x is checked: its nan rows go one by one
    got = replay_over(c, [w], xs, reduce="sum")
    assert repr(got) == repr(_engine_over(f, [w], xs, reduce="sum"))
    assert [repr(v) for v in c.last_values] == [repr(f(x).data) for x in xs]


def test_an_overflow_in_the_first_layer_hidden_by_a_relu_raises_as_in_the_engine():
    model = nn.MLP(2, [3, 1], activation="relu", seed=4)

    def f(x):  # s1 overflows for the second example; relu and the next layer would hide it
        return model(x)[0].tanh()

    c = ac.compile(f, [0.1, 0.2], backend="numpy")
    for p in model.parameters():
        p.data, p.grad = 1.0, 0.0  # s1 = 1 + x_1 + x_2 = -inf for -1e308 each: relu hides it
    with pytest.raises(OverflowError, match="overflows for finite input"):
        c.over([[0.1, 0.2], [-1e308, -1e308], [0.3, 0.1]])
    with pytest.raises(OverflowError, match="overflows for finite input"):
        f([-1e308, -1e308])
    assert all(p.grad == 0.0 for p in model.parameters())  # nothing half-accumulated


def test_a_finite_check_is_left_out_only_where_a_later_check_carries_inf_and_nan():
    from autograd_core.compile.numpy_rules import carries

    assert all(carries(RULES[name], 2, i) for name in ("add", "sub", "mul") for i in (0, 1))
    assert not any(carries(RULES[name], 1, 0) for name in ("exp", "relu", "tanh", "sigmoid"))
    assert not carries(RULES["div"], 2, 1)  # x / inf = 0
    w = Value(10.0, "w")

    def f(x):  # w x overflows to -inf for x = -1e308; exp hides it (e^-inf = 0), 3 e^(w x) is finite
        return (w * x).exp() * 3.0 - w * 0.5

    c = ac.compile(f, 0.1, backend="numpy")
    assert "np.add.reduce(mul1, None)" in c.source  # exp does not carry: w x keeps its check
    with pytest.raises(OverflowError):
        f(Value(-1e308))
    with pytest.raises(OverflowError):
        c.over([0.1, -1e308, 0.2])
    assert w.grad == 0.0
    assert_same(replay_over(c, [w], [0.1, -0.3]), _engine_over(f, [w], [0.1, -0.3]))


def test_a_gradient_shared_by_two_blocks_is_never_added_to_in_place():
    w, v = Value(0.7, "w"), Value(-0.4, "v")

    def f(x):  # g_b and g_c start as the output's gradient; c's backward adds to b's, then reads its own
        b = w * x
        c = b * (v + x)
        return b + c

    c = _both(f, [w, v], (0.5,), [0.5, -1.5, 2.0, 0.25])
    assert "g_mul1 = g_add" in c.source and ".copy()" not in c.source  # shared, not copied


def test_dot_of_the_parameters_with_themselves_reads_them_as_one_slice():
    ws = [Value(0.1 * k - 0.3, f"w{k}") for k in range(8)]

    def f(x):
        return ac.dot(list(reversed(ws)), list(reversed(ws))) * x

    c = _both(f, ws, (0.5,), [0.5, -1.5, 2.0])
    assert "theta[0:8]" in c.source and "2.0 *" in c.source  # sorted terms; d/dw_i = 2 w_i in one line


def test_relu_at_exactly_zero_has_derivative_zero_as_in_the_engine():
    """A relu's mask is np.sign of its clipped (finite) output: 0 or 1, as the engine's [x > 0],
    also where the pre-activation is exactly 0 (a zero neuron) or -0.0."""
    model = nn.MLP(2, [3, 2, 1], activation="relu", seed=3)
    first, second = model.layers[0].neurons[0], model.layers[1].neurons[1]
    for v in [*first.w, first.b]:
        v.data = 0.0  # s = 0 on every row
    second.b.data = -0.0
    for v in second.w:
        v.data = 0.0  # s = -0.0 on every row
    X, y = _moons(12, seed=5)
    c = _both(lambda x, t: (1.0 - t * model(x)[0]).relu(), model.parameters(), (X[0], y[0]), X, y)
    assert "np.sign(x1)" in c.source and "np.sign(x2)" in c.source
    assert first.w[0].grad == 0.0 and second.w[0].grad == 0.0


def test_over_adds_to_the_gradients_already_there_exactly_and_none_is_a_type_error():
    model = nn.MLP(2, [4, 1], activation="tanh", seed=6)
    params = model.parameters()
    X, y = _moons(10, seed=2)
    c = ac.compile(lambda x, t: (1.0 - t * model(x)[0]).relu(), X[0], y[0], backend="numpy")
    for p in params:
        p.grad = 0.0
    c.over(X, y)
    once = [p.grad for p in params]
    assert all(g != 0.0 for g in once)
    before = [0.125 * k - 1.0 for k in range(len(params))]
    for p, b in zip(params, before):
        p.grad = b
    c.over(X, y)
    assert [p.grad for p in params] == [b + g for b, g in zip(before, once)], "p.grad += g, exactly"
    assert c.stats.examples_one_by_one == 0
    for p in params:
        p.grad = 0.0
    c.over(X, y)
    params[2].grad = None  # a gradient that is not a number: Python's error for None + g, not nan
    with pytest.raises(TypeError, match="NoneType"):
        c.over(X, y)
    assert params[2].grad is None


def test_a_mask_on_an_output_that_can_be_negative_stays_a_comparison():
    """np.sign(out) is 0 or 1 only for a clipped output (relu's): a rule whose partial is
    [out > 0] on any other output keeps the comparison (np.sign would give -1 below 0)."""
    shifted = ac.Rule(
        "shifted", 1, lambda x: x - 0.5, lambda x, out: (1.0 if out > 0.0 else 0.0,), "x - 1/2", (((-3.0, 3.0),),)
    )
    w = Value(0.8, "w")

    def f(x):
        return ac.apply(shifted, w * x) * 3.0

    xs = [-1.0, -0.2, 0.3, 0.9, 2.0]
    c = _both(f, [w], (xs[0],), xs)
    assert "np.sign" not in c.source
