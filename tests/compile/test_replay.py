"""Compiled replays agree with the engine: random expressions, nn models, the lecture's network."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
import nn
from autograd_core import RULES, Rule, Value
from autograd_core.compile.codegen import UseEngine, finite
from autograd_core.testing.strategies import expressions
from autograd_core.viz import lecture_steps

from .helpers import assert_same, engine, replay


def _split(expr):
    """The expression as f(args) with its first inputs as arguments and the rest parameters."""
    k = max(1, len(expr.inputs) // 2)
    params = [Value(v, label=f"p{i}") for i, v in enumerate(expr.inputs[k:])]

    def f(a):
        return expr(*a, *params)

    return f, list(expr.inputs[:k]), params


def _outcome(run):
    try:
        return run(), None
    except (ValueError, ArithmeticError) as error:
        return None, error


@given(expressions(max_nodes=25), st.floats(-0.05, 0.05))
def test_replays_match_the_engine_on_random_expressions_and_on_new_numbers(expr, shift):
    f, args, params = _split(expr)
    c = ac.compile(f, args)
    assert_same(replay(c, params, args), engine(f, params, args))
    moved = [a * (1.0 + shift) + shift for a in args]
    for p in params:
        p.data += shift  # an optimizer's update: seen on the next call
    expected, error = _outcome(lambda: engine(f, params, moved))
    got, got_error = _outcome(lambda: replay(c, params, moved))
    if error is not None:  # out of a domain now: the same error as the engine's
        assert type(got_error) is type(error) and str(got_error) == str(error)
    else:
        assert got_error is None, got_error
        assert_same(got, expected)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "linear"])
@pytest.mark.parametrize("loss", ["square", "mse", "hinge", "bce", "cross_entropy", "logsumexp", "l2"])
def test_nn_models_with_every_activation_and_loss_match_the_engine(activation, loss):
    k = 3 if loss in ("cross_entropy", "logsumexp", "mse") else 1
    model = nn.MLP(2, [4, k], activation=activation, output_activation=activation, seed=3)
    params = model.parameters()
    losses = {
        "square": lambda x, y: nn.square_loss(model(x)[0], y),
        "mse": lambda x, y: nn.mse_loss(model(x), [y, 0.5 * y, -y]),
        "hinge": lambda x, y: nn.hinge_loss(model(x), [1 if y > 0 else -1]),
        "bce": lambda x, y: nn.bce_with_logits(model(x), [1.0 if y > 0 else 0.0]),
        "cross_entropy": lambda x, y: nn.cross_entropy(model(x), 1 if y > 0 else 2),
        "logsumexp": lambda x, y: nn.logsumexp(model(x)) * y,
        "l2": lambda x, y: nn.square_loss(model(x)[0], y) + nn.l2_penalty(params, 0.01),
    }
    f = losses[loss]
    c = ac.compile(f, [0.3, -0.7], 0.5)
    for x, y in [([0.3, -0.7], 0.5), ([0.25, -0.6], 0.5), ([-1.1, 0.4], 0.5)]:
        assert_same(replay(c, params, x, y), engine(f, params, x, y))


def lecture_network():
    """The lecture's 4-layer tanh network (3 inputs; 3, 3, 3, 1 neurons) and e = (h(x) - y)²; no labels set."""
    model = nn.MLP(3, [3, 3, 3, 1], activation="tanh", output_activation="tanh", seed=10)

    def e(x, y):
        return nn.square_loss(model(x)[0], y)

    return model, e


def test_the_lecture_network_matches_the_engine_and_reads_like_the_delta_recursion():
    model, e = lecture_network()
    params = model.parameters()
    c = ac.compile(e, [0.5, -1.0, 2.0], 1.0)
    for x, y in [([0.5, -1.0, 2.0], 1.0), ([0.1, 0.2, -0.3], -0.5)]:
        assert_same(replay(c, params, x, y), engine(e, params, x, y))
    src = c.source
    forward, backward = src.split("# backward")
    assert "x_1_l4 = math.tanh(s_1_l4)  # tanh" in forward
    assert "s_1_l1 = w_01_l1 + (w_11_l1 * x_1_l0 + w_21_l1 * x_2_l0 + w_31_l1 * x_3_l0)" in forward
    assert "delta_1_l4 = g_x_1_l4 * (1.0 - x_1_l4 * x_1_l4)" in backward  # δ_1^(4) = (1 - x²) ∂e/∂x
    assert "g_w_11_l1 = delta_1_l1 * x_1_l0" in backward  # ∂e/∂w_ij = x_i δ_j
    assert "e = h_minus_y * h_minus_y  # square" in forward
    assert "x_0_l0" not in src and " 1.0 * " not in src  # the bias input x_0 = 1 is folded away


def test_the_names_in_the_source_hold_the_lectures_numbers():
    model, e = lecture_network()
    x, y = [0.5, -1.0, 2.0], 1.0
    steps = lecture_steps(model, x, y)
    c = ac.compile(e, x, y)
    program = c.source.replace("    return e\n", "    return locals()\n")  # the replay, every name kept
    namespace = {"math": math, "finite": finite, "UseEngine": UseEngine}
    exec(compile(program, "<lecture>", "exec"), namespace)  # noqa: S102
    names = namespace["replay"](c.parameters, [*x, y], 1.0)
    sizes = [3, 3, 3, 3, 1]
    for l in range(1, 5):
        for j in range(1, sizes[l] + 1):
            assert names[f"s_{j}_l{l}"] == steps["s"][l - 1][j - 1]
            assert names[f"x_{j}_l{l}"] == steps["x"][l][j - 1]
            assert names[f"delta_{j}_l{l}"] == steps["delta"][l - 1][j - 1]
            neuron = model.layers[l - 1].neurons[j - 1]
            for i, w in enumerate([neuron.b, *neuron.w]):  # w_0j is the bias
                assert names[f"w_{i}{j}_l{l}"] == w.data
                assert names[f"g_w_{i}{j}_l{l}"] == steps["grad"][l - 1][i][j - 1]
    for i in range(1, 4):
        assert names[f"x_{i}_l0"] == steps["x"][0][i - 1]
    assert names["e"] == steps["e"]


def test_each_node_is_one_statement_in_the_forward_part():
    model, e = lecture_network()
    c = ac.compile(e, [0.5, -1.0, 2.0], 1.0)
    forward = c.source.split("# forward: one line per node\n")[1].split("# inf or nan")[0]
    statements = [line for line in forward.splitlines() if line.strip() and not line.strip().startswith("#")]
    nodes = ac.topological_order(e([Value(0.5), Value(-1.0), Value(2.0)], Value(1.0)))
    assert len(statements) == sum(not v.is_leaf() for v in nodes)


def test_parameters_are_read_on_every_call_and_gradients_accumulate():
    w = Value(2.0, "w")
    c = ac.compile(lambda x: w * x * x, 3.0)
    assert c(3.0) == 18.0 and w.grad == 9.0
    w.data = -1.0
    assert c(2.0) == -4.0 and w.grad == 13.0
    assert c.parameters == [w]


def test_a_new_rule_with_forward_and_partials_only_is_inlined_and_exact():
    cube = Rule(
        "cube_compile_test",
        1,
        lambda x: x * x * x,
        lambda x, out: (3.0 * x * x,),
        "x^3; d/dx = 3x^2",
        (((-2.0, 2.0),),),
    )
    w = Value(0.7, "w")

    def f(x):
        return ac.apply(cube, w * x).sin()

    c = ac.compile(f, 0.5)
    assert "R_cube" not in c.source and "cube_compile_test.forward" not in c.source
    assert " * 3.0 * " in c.source or "3.0 * " in c.source  # the derivative, written out
    for x in (1.5, -0.25, 2.0):
        assert_same(replay(c, [w], x), engine(f, [w], x))


def test_a_rule_with_branches_is_inlined_as_conditional_expressions():
    leaky = Rule(
        "leaky_compile_test",
        1,
        lambda x: x if x > 0.0 else 0.1 * x,
        lambda x, out: (1.0 if x > 0.0 else 0.1,),
        "max(x, x/10); d/dx = 1 or 1/10",
        (((-2.0, -0.2), (0.2, 2.0)),),
    )
    w = Value(0.7, "w")

    def f(x):
        return ac.apply(leaky, w * x)

    c = ac.compile(f, 0.5)
    assert "R_leaky" not in c.source
    assert "1.0 if mul0 > 0.0 else 0.1" in c.source
    for x in (1.5, -0.25, 0.0):
        assert_same(replay(c, [w], x), engine(f, [w], x))


def test_a_rule_that_calls_math_itself_is_called_and_stays_exact():
    log1p = Rule(
        "log1p_compile_test",
        1,
        math.log1p,
        lambda x, out: (1.0 / (1.0 + x),),
        "ln(1 + x); d/dx = 1 / (1 + x)",
        (((0.0, 2.0),),),
    )
    w = Value(0.7, "w")

    def f(x):
        return ac.apply(log1p, w * x)

    c = ac.compile(f, 0.5)
    assert "R_log1p_compile_test.forward(" in c.source
    assert "1.0 / (1.0 + mul0)" in c.source  # its derivative is plain arithmetic: written out
    assert_same(replay(c, [w], 1.5), engine(f, [w], 1.5))


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_rule_of_the_table_replays_exactly(name):
    rule = RULES[name]
    n = 4 if rule.arity < 0 else rule.arity
    lo, hi = rule.domain[0][0]
    params = [Value(lo + (hi - lo) * (0.3 + 0.1 * i), f"p{i}") for i in range(n)]
    if name == "affine":
        params = params[:3]

    def f(x):
        return ac.apply(rule, *params) * x

    c = ac.compile(f, 1.5)
    assert_same(replay(c, params, 1.5), engine(f, params, 1.5), rtol=0.0)


@settings(max_examples=20)
@given(st.floats(0.1, 3.0), st.sampled_from([-2.0, 0.5, 2.0, 3.0]))
def test_pow_with_a_constant_exponent_folds_and_matches(x, e):
    w = Value(x, "w")

    def f(y):
        return (w * y) ** e

    c = ac.compile(f, 1.0)
    assert_same(replay(c, [w], 1.1), engine(f, [w], 1.1))
    if e >= 1.0:  # the base may be 0 only for a negative exponent
        assert "UNDEFINED" not in c.source
    assert not math.isnan(c(0.7))


def test_the_parameters_are_the_models_and_nns_bias_inputs_are_constants():
    model = nn.MLP(3, [4, 2], activation="relu", seed=5)
    c = ac.compile(lambda x: nn.logsumexp(model(x)), [0.1, 0.2, 0.3])
    assert {id(p) for p in c.parameters} == {id(p) for p in model.parameters()}
    assert "w_34_l1" in c.source and "w_02_l2" in c.source  # w_ij^(l) from nn's parameter labels
