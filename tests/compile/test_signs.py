"""Large replays leave out the guards that every finite input answers as the trace did (an
operand the rules show >= 0: softmax and softplus outputs); a guard that can flip stays, and
every call still equals the engine bit for bit."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core import Value
from autograd_core.compile import codegen, signs
from benchmarks.w6 import compile_w6, engine_graph, softplus_written_out
from tests.compile.helpers import replay


def _bits(got: tuple[float, list[float]], expected: tuple[float, list[float]]) -> None:
    assert [x.hex() for x in [got[0], *got[1]]] == [x.hex() for x in [expected[0], *expected[1]]]


def _engine(f, params):
    for p in params:
        p.grad = 0.0
    out = f()
    out.backward()
    return out.data, [p.grad for p in params]


def _guards(source: str) -> int:
    return source.count("raise GuardFailed")


def test_a_large_replay_leaves_out_the_guards_on_softmax_and_softplus_outputs():
    c, params, ops = compile_w6(300, written=True)
    trace = c._current.trace
    kept = _guards(c.source)
    assert len(trace.guards) > 50 and kept < len(trace.guards) / 3
    for line in c.source.splitlines():  # what stays tests an input: a parameter, or a sum of some
        if "raise GuardFailed" in line:
            assert not line.strip().startswith(("if not div", "if div", "if not exp"))
    _bits(replay(c, params), _engine(lambda: engine_graph(ops, params, True), params))


def _wide(ws: list[Value], flip: Value, turn: Value, lean: Value):
    """A graph of > PULL_NODES nodes: softmax outputs and softplus of them (>= 0: their guards
    go); a softplus of a difference (``flip``), a branch on tanh (``turn``) and a softplus of a
    softmax output times another difference (``lean``), each of either sign: their guards stay."""

    def f():
        terms = []
        for i in range(120):
            a, b = ws[i % len(ws)], ws[(i * 7 + 3) % len(ws)]
            e = [ac.exp(a), ac.exp(b), ac.exp(a * b)]
            z = ac.sum(e)
            p = [x / z for x in e]
            d, back = a - b * flip, b * lean - a  # no guard on back: its sign is not known
            tilt = (ws[i % 3 * 2] * turn).tanh()  # ws[0], ws[2], ws[4] > 0: turn alone sets its sign
            bent = tilt * 3.0 if tilt >= 0.0 else tilt * -2.0  # a guard on tanh
            terms += [
                softplus_written_out(p[0]),
                p[1],
                softplus_written_out(d),
                bent,
                softplus_written_out(p[2] * back),
            ]
        return ac.sum(terms)

    return f


def _knobs():
    ws = [Value(v, f"w{i}") for i, v in enumerate([0.5, -0.8, 0.3, -0.2, 0.9, -0.6])]
    return ws, Value(1.0, "flip"), Value(1.0, "turn"), Value(1.0, "lean")


@pytest.mark.parametrize("knob", [1, 2, 3])
@pytest.mark.parametrize("moved", [1.0, 0.35, -0.45])
def test_guards_that_can_flip_stay_and_every_call_equals_the_engine_bit_for_bit(knob, moved):
    ws, *knobs = _knobs()
    f = _wide(ws, *knobs)
    params = [*ws, *knobs]
    c = ac.compile(f)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES
    for either in ("sub", "tanh", "mul"):  # was >= 0 in the trace, and may not be
        assert re.search(rf"if not {either}\d+ >= 0\.0: raise GuardFailed", c.source)
    params[len(ws) + knob - 1].data = moved  # one knob: only its guards may fail
    _bits(replay(c, params), _engine(f, params))


def test_a_graph_with_a_rule_outside_the_table_keeps_every_guard():
    cube = ac.Rule("cube_signs_test", 1, lambda x: x * x * x, lambda x, out: (3.0 * x * x,), "x^3", (((-2.0, 2.0),),))
    ws, *knobs = _knobs()
    f0 = _wide(ws, *knobs)

    def f():
        return f0() + ac.apply(cube, ws[0])

    c, plain = ac.compile(f), ac.compile(f0)
    assert re.search(r"if (not )?div\d+ >= 0\.0: raise GuardFailed", c.source)
    assert _guards(c.source) > _guards(plain.source)
    _bits(replay(c, [*ws, *knobs]), _engine(f, [*ws, *knobs]))


def test_a_guard_on_a_parameter_makes_it_known_to_be_at_least_zero_after_it():
    add, exp, mul, sub, log = (ac.RULES[name] for name in ("add", "exp", "mul", "sub", "log"))
    from autograd_core.compile.trace import Guard, Node

    nodes = [
        Node(mul, [("p", 0), ("p", 1)], (True, True), "", 0.5),  # p0 >= 0 and p1 >= 0 (guarded): >= 0
        Node(sub, [("p", 0), ("p", 1)], (True, True), "", 0.0),  # either sign
        Node(exp, [("n", 1)], (True,), "", 1.0),
        Node(add, [("c", 1.0), ("n", 2)], (False, True), "", 2.0),  # >= 1
        Node(log, [("n", 3)], (True,), "", 0.7),  # >= 0
        Node(log, [("n", 2)], (True,), "", 0.0),  # exp may be below 1: either sign
        Node(mul, [("n", 1), ("n", 4)], (True, True), "", 0.0),  # >= 0 after the guard on sub
    ]
    zero = ("c", 0.0)
    guards = [
        Guard("ge", ("p", 0), zero, True),
        Guard("lt", ("p", 1), zero, False),
        Guard("ge", ("n", 0), zero, True),  # 0: holds
        Guard("ge", ("n", 1), zero, True),  # sub: stays, and says sub >= 0 to its uses
        Guard("le", zero, ("n", 4), True),  # 4: holds
        Guard("ge", ("n", 5), zero, True),
        Guard("gt", ("n", 4), zero, True),  # log may be 0: stays
        Guard("ge", ("n", 6), zero, True),  # 7: holds
        Guard("lt", ("n", 2), zero, False),  # exp: holds
        Guard("ge", ("n", 2), zero, False),  # exp < 0 was the trace's answer: not this rule's sign
    ]
    assert signs.settled(nodes, guards) == {2, 4, 7, 8}
    guarded_sum = [Guard("ge", ("n", 3), zero, True), guards[4]]  # 1 + exp >= 0, then log(1 + exp) >= 0
    assert signs.settled(nodes, guarded_sum) == {0, 1}
    assert signs.settled(nodes, guards[2:]) == {2, 5, 6}  # nothing known of p0 and p1: p0 p1 either sign


def _softplus_chain(x: Value, w: list[Value], n: int):
    h = x
    for i in range(n):  # softplus of a softmax output (its guard goes), then of either sign (stays)
        e = [ac.exp(h * w[i % 4]), ac.exp(w[(i + 1) % 4]), ac.exp(h)]
        p = ac.sum(e)
        h = softplus_written_out(e[0] / p) - w[(i + 2) % 4] * 0.5
        if i % 3 == 0:
            h = softplus_written_out(h) * w[(i + 3) % 4]
    return h


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-3.0, 3.0), min_size=5, max_size=5), st.floats(-40.0, 40.0))
def test_a_large_replay_without_settled_guards_equals_the_engine_on_any_input(values, x):
    w = [Value(v, f"w{i}") for i, v in enumerate(values[:4])]
    c = ac.compile(lambda x: _softplus_chain(x, w, 90), 0.25)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES
    try:
        expected = _engine(lambda: _softplus_chain(Value(x), w, 90), w)
    except (OverflowError, ValueError, ZeroDivisionError) as error:
        with pytest.raises(type(error)):
            c(x)
        return
    got = replay(c, w, x)
    if math.isnan(expected[0]):
        assert math.isnan(got[0])
    else:
        _bits(got, expected)


@pytest.mark.parametrize("value", [800.0, -800.0, 1e200, math.inf, -math.inf, math.nan])
def test_a_large_replay_without_settled_guards_answers_as_the_engine_when_values_are_not_finite(value):
    c, params, ops = compile_w6(300, written=True)
    params[3].data = params[9].data = value  # exp overflows, products reach inf, inf - inf is nan
    try:
        expected = _engine(lambda: engine_graph(ops, params, True), params)
    except (OverflowError, ValueError, ZeroDivisionError) as error:
        with pytest.raises(type(error)):
            replay(c, params)
        return
    got = replay(c, params)
    assert [x.hex() if x == x else "nan" for x in [got[0], *got[1]]] == [
        x.hex() if x == x else "nan" for x in [expected[0], *expected[1]]
    ]
