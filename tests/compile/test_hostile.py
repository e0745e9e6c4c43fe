"""Hostile inputs to compile: names that collide with the generated code's own, rule text
that is not a Python name, very wide expressions; the replay must stay valid and exact."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest

import autograd_core as ac
import nn
from autograd_core import Rule, Value
from autograd_core.compile import CompileWarning

from .helpers import assert_same, engine, replay, replay_over


def finishes(work: Callable[[], Any], seconds: float = 30.0) -> Any:
    """``work()``'s result, or a failure if it has not returned after ``seconds`` (no hang)."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"did not return within {seconds} s"
    return box[0]


def square_rule(name: str, math: str = "u^2; d/du = 2u") -> Rule:
    return Rule(name, 1, lambda u: u * u, lambda u, out: (2.0 * u,), math, (((-2.0, 2.0),),))


def test_labels_arguments_and_rules_named_like_the_generated_code_compile_and_replay():
    sq = square_rule("R_sq")
    w = Value(0.5, label="R_1")

    def f(R_x):  # noqa: N803 - the argument's name is the point
        a = R_x * w
        a.label = "R_mul"
        b = ac.apply(sq, a)
        b.label = ".R_x"
        return (b + R_x).tanh()

    c = finishes(lambda: ac.compile(f, 0.3))
    assert_same(replay(c, [w], 0.7), engine(f, [w], 0.7))
    assert c.stats.replays == 1 and c.stats.engine_replays == 0


def test_labels_of_100000_characters_compile_into_short_names():
    w = Value(0.5, label="w" * 100_000)

    def f(x):
        y = (x * w).tanh()
        y.label = "h" * 100_000
        z = y * y
        z.label = "h" * 100_000
        return z

    c = finishes(lambda: ac.compile(f, 0.3), 10.0)
    assert max(map(len, c.source.splitlines())) < 1000
    assert_same(replay(c, [w], -0.4), engine(f, [w], -0.4))


HOSTILE_TEXT = [
    'x^2\nraise SystemExit("ran")',
    'x^2; d/dx = 2x\n    raise SystemExit("ran")',
    "a\rb\x00c\x0bd\u2028e\ud800",
]


def test_rule_names_and_math_with_newlines_and_code_stay_in_comments():
    for text in HOSTILE_TEXT:
        rule = square_rule(text.replace("x^2", "sq"), math=text)
        w = Value(0.5, label=text)

        def f(x, rule=rule, w=w):
            return ac.apply(rule, x * w) + x

        c = ac.compile(f, 0.3)
        compile(c.source, "<test>", "exec")  # valid Python
        assert_same(replay(c, [w], 0.9), engine(f, [w], 0.9))  # SystemExit if the text ran
        assert c.stats.replays == 1 and c.stats.engine_replays == 0, text  # the replay ran, not the engine


def test_a_wide_dot_sum_and_affine_replay_without_falling_back():
    n = 5_000
    w = [Value(0.25 * (i % 5) - 0.5) for i in range(n)]
    b = Value(0.1)

    def f(x):
        return ac.dot(w, x) + ac.sum(x) * ac.affine(b, w, x)

    xs = [0.01 * (i % 11) for i in range(n)]
    c = ac.compile(f, xs)
    ys = [0.02 * (i % 13) - 0.1 for i in range(n)]
    assert_same(replay(c, [*w, b], ys), engine(f, [*w, b], ys))
    assert c.stats.replays == 1 and c.stats.engine_replays == 0
    assert c.over([xs, ys]) == c.over([xs, ys])  # the data-set loop compiles too
    assert c.stats.engine_replays == 0


@pytest.mark.filterwarnings("ignore::autograd_core.compile.CompileWarning")  # most calls fall back, on purpose
def test_a_nan_in_any_argument_of_a_wide_function_sends_the_call_to_the_engine():
    # relu hides a nan from the result (nan > 0 is False), so only the finite(...) check sees it;
    # 1,700 arguments: the check's sum is grouped two levels deep
    n = 1_700
    w = Value(0.5, label="w")

    def f(x):
        return w * ac.sum([xi.relu() for xi in x])

    c = ac.compile(f, [0.1] * n)
    for k in range(0, n, 13):
        xs = [0.1] * n
        xs[k] = float("nan")
        before = c.stats.engine_replays
        assert c(xs) == pytest.approx(0.05 * (n - 1))
        assert c.stats.engine_replays == before + 1, f"a nan at argument {k} was replayed"


# --- a replay equals the engine, or the call goes through the engine: never a third answer ---


@pytest.mark.parametrize(
    "f, named",
    [
        (lambda x: x / x.detach(), "'x'"),
        (lambda x: x * Value(x.data * 2.0), "an unlabelled Value"),
        (lambda x: x * Value(x.data, label="copy"), "'copy'"),
    ],
)
def test_values_made_from_the_arguments_data_inside_f_are_refused_naming_them(f, named):
    w = Value(0.5)

    def constants(x):  # leaves made inside f that do not depend on x compile
        return x * w + Value(1.0) * Value(2.0, label="two")

    c = ac.compile(constants, 2.0)
    assert_same(replay(c, [w], 3.0), engine(constants, [w], 3.0))
    with pytest.raises(ValueError, match=f"compile: {named} .* made inside f from the arguments' data"):
        ac.compile(f, 2.0)


class _Model:
    def __init__(self) -> None:
        self.w = Value(0.5, "model.w")


@pytest.mark.parametrize(
    "f, named",
    [
        (lambda m, x: x * m.w + Value(m.w.data * 2.0, "twice"), "'twice'"),  # m.w is in the graph too
        (lambda m, x: x * Value(m.w.data * 2.0), "an unlabelled Value"),  # m.w only through .data
        (lambda m, x: x * (m.w.data * 2.0), "input 1 of the mul node 0"),
        (lambda m, x: (x * m.w).tanh() * (m.w.data + 1.0), "input 1 of the mul node 2"),
    ],
)
def test_values_and_numbers_made_from_a_parameters_data_inside_f_are_refused_naming_them(f, named):
    m = _Model()
    with pytest.raises(ValueError, match=f"compile: {named}.* made inside f from the arguments' data or a parameter's"):
        ac.compile(lambda x: f(m, x), 2.0)
    assert m.w.data == 0.5  # moved while checking, then put back


@pytest.mark.parametrize("f", [lambda w, x: x * w.data, lambda w, x: (x * w).tanh() * float(w) + x.data * x])
def test_a_parameters_or_arguments_data_read_as_a_number_is_read_again_on_every_call(f):
    w = Value(0.5, "w")
    c = ac.compile(lambda x: f(w, x), 2.0)
    for data, x in ((0.5, 3.0), (-1.25, 0.75), (2.0, -1.5)):
        w.data = data  # an SGD step: the engine reads the new number, so does the replay
        assert_same(replay(c, [w], x), engine(lambda y: f(w, y), [w], x), rtol=0.0)
    assert c.stats.engine_replays == 0 and c.stats.retraces == 0


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_a_parameters_data_is_read_again_when_f_refuses_moved_arguments(backend):
    """nn.cross_entropy refuses a class index that is not a whole number, so the probe cannot move
    the arguments: it moves the parameters alone, and finds the number w.data all the same."""
    if backend == "numpy":
        pytest.importorskip("numpy", reason="the numpy backend")
    model = nn.MLP(3, [4, 3], activation="tanh", seed=1)
    params = model.parameters()
    w = params[0]

    def f(x, t):
        return nn.cross_entropy(model(x), t) * w.data

    x0 = [0.1, -0.2, 0.3]
    c = ac.compile(f, x0, 1, backend=backend)
    for step in (0.5, -1.25):
        w.data += step  # the engine reads the new number; so must the replay
        assert_same(replay_over(c, params, [x0], [2]), engine(lambda x: f(x, 2), params, x0))
    assert not c.stats.warnings


def test_a_function_that_refuses_any_moved_data_is_compiled_with_a_warning():
    w = Value(0.5, "w")

    def f(x):
        if w.data != 0.5:  # refuses the probe's moved parameter (and the arguments stay)
            raise ValueError("w moved")
        return x * w * 2.0

    with pytest.warns(CompileWarning, match="could not tell a number f read from data"):
        c = ac.compile(f, 3.0)
    assert any("could not tell" in m for m in c.stats.warnings)
    assert replay(c, [w], 1.5) == engine(f, [w], 1.5)


def test_a_weight_replaced_in_a_model_after_compile_is_used_by_the_next_call():
    model = nn.MLP(2, [3, 1], seed=1)

    def f(x):
        return model(x)[0]

    c = ac.compile(f, [0.5, -0.5])
    model.layers[0].neurons[1].w[0] = Value(2.0)  # documented as live
    model.layers[1].neurons[0].b = Value(-1.0)
    params = model.parameters()
    assert_same(replay(c, params, [0.3, 0.2]), engine(f, params, [0.3, 0.2]))
    assert c.stats.retraces == 1 and "replaced" in next(iter(c.stats.reasons))


@pytest.mark.parametrize("layer, neuron, i", [(0, 0, 0), (0, 2, 1), (1, 0, 2)])
def test_a_weight_replaced_alone_in_its_list_is_used_by_the_next_call(layer, neuron, i):
    model = nn.MLP(2, [3, 1], seed=1)

    def f(x):
        return model(x)[0]

    c = ac.compile(f, [0.5, -0.5])
    model.layers[layer].neurons[neuron].w[i] = Value(2.0)  # a list holding only parameters
    params = model.parameters()
    assert_same(replay(c, params, [0.3, 0.2]), engine(f, params, [0.3, 0.2]))
    assert c.stats.retraces == 1


def test_in_a_list_mixing_parameters_and_numbers_only_a_replaced_parameter_retraces():
    ws: list[Any] = [Value(0.5), 1.0, Value(2.0)]

    def f(x):
        return ws[0] * x + ws[2]

    c = ac.compile(f, 1.0)
    ws[1] = 7.0  # not a parameter: nothing to retrace
    assert c(1.0) == 2.5 and c.stats.retraces == 0
    ws[2] = Value(3.0)
    assert c(1.0) == 3.5 and c.stats.retraces == 1


def test_a_rebound_global_or_closure_variable_is_used_by_the_next_call():
    def make():
        w = Value(2.0)

        def f(x):
            return x * w

        def rebind(value):
            nonlocal w
            w = value

        return f, rebind

    f, rebind = make()
    c = ac.compile(f, 1.0)
    new = Value(3.0)
    rebind(new)
    assert c(1.5) == 4.5 and new.grad == 1.5


def test_inside_no_grad_a_compiled_call_writes_no_gradient_for_any_input():
    w = Value(0.5)

    def f(x):
        return (x * w).tanh() if x > 0.0 else x * w * w

    c = ac.compile(f, 1.0)
    with ac.no_grad():
        values = [c(x) for x in (2.0, -3.0, 0.5)]  # -3.0 flips the guard: no trace inside no_grad
        mean = c.over([2.0, -3.0, 0.5])
    assert w.grad == 0.0
    expected = [f(Value(x)).data for x in (2.0, -3.0, 0.5)]
    assert values == expected and mean == sum(expected) / 3


# --- every fallback and retrace is counted, and a warning says so once ---


def test_retrace_storms_are_counted_and_warned_about_once():
    w = Value(0.5)

    def f(x):
        y = w * 1.0
        while y < x:  # one more guard per unit of x: a new trace for each call below
            y = y + 1.0
        return y * x

    c = ac.compile(f, 1.0)
    with pytest.warns(CompileWarning, match="retraces") as caught:
        for i in range(40):
            c(i + 1.7)
    assert len(caught) == 1 and c.stats.retraces >= 20
    assert sum(c.stats.reasons.values()) >= 20 and c.stats.warnings


def test_engine_fallbacks_are_counted_with_their_reason():
    c = ac.compile(lambda x: x.log(), 1.0)
    with pytest.raises(ValueError, match="log"):
        c(-1.0)
    assert c.stats.engine_replays == 1 and sum(c.stats.reasons.values()) == 1


def test_custom_rules_returning_ints_or_values_replay_as_the_engine():
    rounded = Rule("rounded", 1, lambda u: round(u), lambda u, out: (Value(1.0) if u > 5.0 else 1,), "round", ((),))
    w = Value(1.5)

    def f(x):
        return ac.apply(rounded, x * w)

    c = ac.compile(f, 1.0)
    value = c(2.0)
    assert value.__class__ is float and w.grad.__class__ is float
    with pytest.raises(TypeError, match="rounded: partials must return real numbers"):
        c(4.0)  # the partial is a Value there: refused as by the engine
    assert w.grad.__class__ is float


# --- losses with the label as a compiled argument; comparisons with None ---


@pytest.mark.parametrize(
    "loss, labels",
    [
        (lambda out, y: nn.hinge_loss(out[:1], [y]), [1.0, -1.0, 1.0]),
        (lambda out, y: nn.bce_with_logits(out[:1], [y]), [1.0, 0.0, 0.3]),
        (lambda out, y: nn.cross_entropy(out, y), [1.0, 0.0, 2.0]),
    ],
    ids=["hinge_loss", "bce_with_logits", "cross_entropy"],
)
def test_losses_take_the_label_as_a_compiled_argument(loss, labels):
    model = nn.MLP(2, [3, 3], seed=2)
    params = model.parameters()

    def f(x, y):
        return loss(model(x), y)

    c = ac.compile(f, [0.5, -0.2], labels[0])
    for y in labels:
        assert_same(replay(c, params, [0.4, 0.1], y), engine(f, params, [0.4, 0.1], y))
    assert c.stats.engine_replays == 0


def test_comparisons_of_values_with_none_compile():
    w = Value(2.0)

    def f(x):
        return x * w if x != None and not (x == None) else x  # noqa: E711 - the comparison is the point

    c = ac.compile(f, 1.0)
    assert_same(replay(c, [w], 3.0), engine(f, [w], 3.0))


def test_computations_that_reach_no_result_are_reported_by_stats_and_check():
    w = Value(2.0)

    def f(x):
        (x - 5.0).log()  # unused: the engine raises below x = 5, a replay skips it
        return x * w

    c = ac.compile(f, 6.0)
    assert any("2 node(s) that reach neither its result" in m for m in c.stats.warnings)
    assert c.check(7.0).unreplayed == 2
    with pytest.raises(ValueError, match="log"):
        c.check(1.0)  # check runs f through the engine, which raises


def test_a_number_read_from_data_passes_no_gradient_and_the_replay_writes_none_for_it():
    w = Value(0.5, "w")

    def f(x):
        return ((x * w).tanh() * w.data + x * w.data).relu()  # x * w.data: no path to w's gradient

    c = ac.compile(f, 2.0)
    lines = c.source.splitlines()
    for k, line in enumerate(lines):  # every gradient the backward part assigns is read later
        name = line.strip().split(" = ", 1)[0]
        if name.startswith("g_") and " = " in line:
            assert any(re.search(rf"\b{name}\b", later) for later in lines[k + 1 :]), f"{name} is never read"
    for x in (2.0, -0.7, 1.3):
        assert_same(replay(c, [w], x), engine(f, [w], x), rtol=0.0)


@pytest.mark.parametrize("backend", ["python", "numpy"])
def test_sums_that_builtins_sum_would_compensate_or_turn_positive_replay_the_engines_floats(backend):
    if backend == "numpy":
        pytest.importorskip("numpy", reason="the numpy backend needs the numpy extra")
    a, b, c, z = Value(1e16), Value(1.0), Value(-1e16), Value(-0.0)

    def f() -> Any:
        return ac.sum([a, b, c]) + ac.dot([a, b, c], [1.0, 1.0, 1.0]) + ac.sum([z, z * 2.0])

    expected = f().data
    assert expected == 0.0
    got = ac.compile(f, backend=backend)()
    assert got.hex() == expected.hex()
    w = Value(2.0)
    g = ac.compile(lambda: ac.sum([z * w, z]) * 3.0, backend=backend)
    assert g().hex() == (-0.0).hex() == ac.sum([z * w, z]).data.__mul__(3.0).hex()


class _EqualByData(Value):
    """A Value subclass that compares and hashes by its data: two parameters holding the same
    number are equal dict keys, which the trace must still tell apart."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Value) and self.data == other.data

    def __hash__(self) -> int:
        return hash(self.data)


def test_parameters_of_a_subclass_equal_by_data_keep_their_own_gradients():
    w, v = _EqualByData(0.5, "w"), _EqualByData(0.5, "v")

    def f(x: Value) -> Value:
        return ac.tanh(w * x + v * x * x)

    c = ac.compile(f, 0.3)
    got = replay(c, [w, v], 0.7)
    expected = engine(f, [w, v], 0.7)
    assert_same(got, expected)
    assert got[1][0] != got[1][1]
    assert c.stats.replays == 1


def test_a_leaf_made_inside_f_in_a_reference_cycle_becomes_a_constant():
    w = Value(0.5, "w")
    kept = [Value(3.0, "kept")]  # a parameter f reaches through a list

    def f(x):
        b = Value(2.0, "b")
        holder = [b]
        holder.append(holder)  # b sits in a reference cycle: only the cyclic collector frees it
        return x * w + b * kept[0]

    c = ac.compile(f, 1.5)
    assert c.parameters == [w, kept[0]]  # b died with the graph (a constant); w and kept[0] are read on every call
    assert_same(replay(c, [w, kept[0]], 0.25), engine(f, [w, kept[0]], 0.25))


def test_max_data_shifts_are_not_counted_among_the_nodes_a_replay_skips():
    model = nn.MLP(3, [4, 3], seed=0)
    c = ac.compile(lambda x, t: nn.cross_entropy(model(x), t), [0.1, -0.2, 0.3], 1)
    assert any(node.label == "m" for node in c._current.trace.nodes)  # log-sum-exp's shift: a node f did not make
    assert c._current.trace.unreplayed == 0 and not any("reach neither" in m for m in c.stats.warnings)
