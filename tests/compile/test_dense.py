"""Large replays (codegen.PULL_NODES nodes or more): a value or gradient used once is written
into its use, the seed is taken as 1.0 (another seed replays a second function), math's
functions are called by a global name; every float stays the engine's, bit for bit."""

from __future__ import annotations

import ast
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ac
from autograd_core import Value
from autograd_core.compile import codegen, dense
from autograd_core.compile.codegen import GuardFailed
from benchmarks.w6 import compile_w6, engine_graph, initial_values
from tests.compile.helpers import assert_same, engine, replay


def _forward(source: str) -> str:
    return source.split("# backward")[0]


def test_a_large_replay_writes_single_use_values_into_their_use_and_equals_the_engine_bit_for_bit():
    c, params, ops = compile_w6(300, written=True)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES
    forward = _forward(c.source)
    # softplus z + log(1 + exp(-z)): -z and the log are used once, so not stored (nor parenthesized)
    assert re.search(r"= _exp\(-\w+\)$", forward, re.MULTILINE) and re.search(r"\+ _log\(\w+\)$", forward, re.MULTILINE)
    assert not re.search(r"^\s*neg\d+ = ", forward, re.MULTILINE)
    assert "#" not in forward.split("# forward: one line per node")[1].split("# inf or nan")[0].replace(
        "# guard", ""
    )  # no comment on the node lines
    assert_same(replay(c, params), engine(lambda: engine_graph(ops, params, True), params), rtol=0.0)


def test_a_large_replay_writes_gradients_used_once_into_their_use():
    c, _, _ = compile_w6(300, written=True)
    backward = c.source.split("# backward")[1].split("# accumulate")[0]
    targets = [line.split(" = ", 1)[0].strip() for line in backward.splitlines() if " = " in line]
    # exp's gradient is used once (pushed to exp's input): no statement of its own
    assert targets and not any(t.startswith("g_exp") for t in targets)
    assert "seed" not in backward  # d out / d out = 1.0, and g * 1.0 is g


@pytest.mark.parametrize("seed", [0.5, -3.0, 1e-300, 0.1])
def test_a_large_replay_with_another_seed_equals_the_engine_bit_for_bit(seed):
    c, params, ops = compile_w6(300, written=True)
    c()
    for p in params:
        p.grad = 0.0
    value = c._run([], seed)  # over() seeds the examples it replays one by one with 1/n
    got = (value, [p.grad for p in params])
    for p in params:
        p.grad = 0.0
    out = engine_graph(ops, params, True)
    out.backward(seed)
    assert_same(got, (out.data, [p.grad for p in params]), rtol=0.0)
    assert c.stats.engine_replays == 0 and c._current.program._seeded is not None


def _guarded(n: int):
    """log(wx) (may raise, used once), then a guard on 2x, then log(wx) + 2x, then n more nodes."""
    w = Value(0.8, "w")

    def f(x):
        a = (w * x).log()
        b = x * 2.0
        s = a + b if b > 1.0 else a - b
        for _ in range(n):
            s = s * 0.5 + x
        return s

    return f


def test_a_value_that_may_raise_is_not_moved_past_a_guard():
    f = _guarded(600)
    c = ac.compile(f, 0.75)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES
    forward = _forward(c.source)
    lines = forward.splitlines()
    log_line = next(i for i, line in enumerate(lines) if "_log(" in line)
    guard_line = next(i for i, line in enumerate(lines) if "raise GuardFailed" in line)
    assert log_line < guard_line and re.match(r"\s*\w+ = _log\(\w+\)$", lines[log_line])
    params = c.parameters
    for x in (0.75, 0.25, 2.0):  # the guard holds, flips, holds
        assert_same(replay(c, params, x), engine(f, params, x), rtol=0.0)
    with pytest.raises(ValueError):
        c(-1.0)  # log of a negative number: the engine's error


def test_a_large_replay_whose_output_subtracts_equals_the_engine_bit_for_bit():
    c0, params, ops = compile_w6(300, written=True)
    half = len(ops) // 2

    def f():  # d out / d (second half) = -1: the folded seed's terms carry the sign
        return engine_graph(ops[:half], params) - engine_graph(ops, params, True)

    c = ac.compile(f)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES
    assert_same(replay(c, params), engine(f, params), rtol=0.0)


def test_small_replays_keep_their_names_comments_and_seed():
    w = Value(0.5, "w")
    c = ac.compile(lambda x: (w * x).exp().log() * 2.0, 1.5)
    assert "# exp" in c.source and "= seed" in c.source and "math.exp(" in c.source
    assert c._current.program.seeded is None


def _resumable(c):
    call = c._current.call
    assert isinstance(call, dense.Resumable)
    return call


def test_a_large_replay_is_one_generator_resumed_per_call_and_each_call_equals_the_engine_bit_for_bit():
    c, params, ops = compile_w6(300, written=True)
    # math's functions are its first locals (read without an EXTENDED_ARG), bound when defined
    assert (
        c.source.startswith("def replay_steps(_exp=_exp, _log=_log):")
        and "replay = Resumable(replay_steps)" in c.source
    )
    first = None
    for scale in (1.0, 1.001, 0.999, 1.0):  # the floats of the previous call are overwritten, never reused
        for p, x in zip(params, initial_values()):
            p.data = x * scale
        assert_same(replay(c, params), engine(lambda: engine_graph(ops, params, True), params), rtol=0.0)
        send = _resumable(c).send
        first = first or send
        assert send is first  # the same generator every call: one frame
    assert c.stats.engine_replays == 0 and c.stats.replays == 4
    frame = first.__self__.gi_frame
    assert frame.f_code.co_varnames[:2] == ("_exp", "_log") and frame.f_locals["_exp"] is math.exp
    assert frame.f_locals["P"] is None and frame.f_locals["A"] is None  # the caller's objects are let go


def test_a_large_replay_that_raised_starts_a_new_generator_on_its_next_call():
    f = _guarded(600)
    c = ac.compile(f, 0.75)
    params = c.parameters
    call = _resumable(c)
    c(0.75)
    with pytest.raises(GuardFailed):
        call(params, [0.25], 1.0)  # the guard flips: the generator is finished
    assert call.send is None
    for x in (0.75, 2.0, 0.7):
        assert_same(replay(c, params, x), engine(f, params, x), rtol=0.0)
    assert c.stats.engine_replays == 0 and call.send is not None


def test_a_large_replay_called_again_while_it_runs_runs_a_generator_of_its_own():
    c, params, ops = compile_w6(300, written=True)
    call = _resumable(c)
    expected = engine(lambda: engine_graph(ops, params, True), params)
    inner: list[float] = []

    class Reentrant(list):  # reading the first parameter calls the replay again, while it runs
        def __getitem__(self, i):
            if not inner:
                inner.append(call(list(self), [], 1.0))
            return list.__getitem__(self, i)

    for p in params:
        p.grad = 0.0
    outer = call(Reentrant(c._current.params), [], 1.0)
    assert outer == inner[0] == expected[0]
    assert_same((outer, [p.grad / 2 for p in params]), expected, rtol=0.0)  # both calls accumulated
    assert call.send is not None and not call.lock.locked()


def test_negated_term_moves_the_sign_of_a_negated_quotient_in_front():
    assert dense.negated_term("g_div3", "(-div3 / sum1)") == "-g_div3 * (div3 / sum1)"
    assert dense.negated_term("1.0", "(-div3 / sum1)") == "-(div3 / sum1)"
    assert dense.negated_term("(g_a + g_b)", "(-div3 / sum1)") == "-(g_a + g_b) * (div3 / sum1)"
    for other in ("(-2.0 / x)", "(1.0 / x)", "(-div3 / sum1 ** 2)", "div3", "(-a / b) * c"):
        assert dense.negated_term("g", other) is None


def test_a_pulled_term_is_the_product_with_a_negated_quotients_sign_in_front():
    summand = codegen._summand
    assert summand("g_x", "1.0") == "g_x" and summand("1.0", "1.0") == "1.0"
    assert summand("g_x", "(-1.0)") == "-g_x"
    assert summand("g_x", "(-div3 / sum1)") == "-g_x * (div3 / sum1)"
    assert summand("1.0", "(-div3 / sum1)") == "-(div3 / sum1)"
    assert summand("g_x", "(-2.0 / x)") == "g_x * (-2.0 / x)"
    assert summand("1.0", "mul0") == "mul0" and summand("g_x", "mul0") == "g_x * mul0"


def test_a_large_replay_subtracts_division_partials_and_equals_the_engine_bit_for_bit():
    ws = [Value(v, f"w{i}") for i, v in enumerate([0.5, -1.25, 2.0, -0.75])]

    def f():  # one denominator, numerators and gradients of both signs, a numerator exactly 0
        s = ws[0] * ws[1] + 3.0
        return ac.sum([(ws[i % 4] * float(i - 200)) / s * ws[(i + 1) % 4] for i in range(400)])

    c = ac.compile(f)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES
    backward = c.source.split("# backward")[1]
    assert "(-div" not in backward and re.search(r" - w\d \* \(div\d+ / add0\)", backward)
    got, expected = replay(c, ws), engine(f, ws)
    assert [x.hex() for x in [got[0], *got[1]]] == [x.hex() for x in [expected[0], *expected[1]]]


def test_a_large_replay_writes_a_constant_gradient_into_its_uses_and_equals_the_engine_bit_for_bit():
    c, params, ops = compile_w6(300, written=True)
    backward = c.source.split("# backward")[1]
    assert not re.search(r"^\s*g_\w+ = [0-9. +()]+$", backward, re.MULTILINE)  # no statement of its own
    # d out / d v through two sums of the output, where v is used twice: 1.0 + 1.0, written as its sum
    assert re.search(r"[-=] 2\.0 \* \(div\d+ / sum\d+\)", backward)
    assert not re.search(r"(= |\()1\.0 \+ 1\.0", backward)  # a sum's first terms, not (x + 1.0) + 1.0
    got, expected = replay(c, params), engine(lambda: engine_graph(ops, params, True), params)
    assert [x.hex() for x in [got[0], *got[1]]] == [x.hex() for x in [expected[0], *expected[1]]]


def _chained(head, n: int = 600):
    """``head(w, x)``, then ``n`` nodes that carry its inf or nan on to the output."""
    w = Value(1e200, "w")

    def f(x):
        s = head(w, x)
        for _ in range(n):
            s = s * 0.5 + x
        return s

    return f


@pytest.mark.parametrize(
    "head, carried",
    [
        (lambda w, x: (w * x).log(), True),  # log(inf) = inf: the product is checked through the output
        (lambda w, x: (w * x).sqrt(), True),
        (lambda w, x: (-(w * x)).exp(), False),  # exp(-inf) = 0 hides it: the product is checked itself
        (lambda w, x: (w * x).tanh(), False),
    ],
)
def test_an_overflow_under_log_or_sqrt_is_found_through_their_output_and_raises_the_engines_error(head, carried):
    f = _chained(head)
    for n in (2, 600):  # a small and a large replay
        c = ac.compile(_chained(head, n), 1.0)
        checked = c.source.split("finite(")[-1].split("raise UseEngine")[0]
        assert ("mul0" not in checked) == carried, checked
        with pytest.raises(OverflowError, match="mul: result overflows"):
            c(1e200)  # w * x = inf from finite inputs: the engine raises at the product
    c = ac.compile(f, 1.0)
    assert_same(replay(c, c.parameters, 3.0), engine(f, c.parameters, 3.0), rtol=0.0)


def _assignments(forward: str) -> list[tuple[str, str]]:
    body = forward.split("# forward: one line per node")[1]
    return [tuple(line.strip().split(" = ", 1)) for line in body.splitlines() if re.match(r"\s*\w+ = ", line)]


def test_a_large_replay_computes_an_expression_of_the_same_values_once_and_equals_the_engine_bit_for_bit():
    c, params, ops = compile_w6(300, written=True)
    statements = _assignments(_forward(c.source))
    expressions = [text for _, text in statements]
    assert len(expressions) == len(set(expressions))  # exp(x) of the same x (softmax, softplus) is one statement
    exps = sum(node.rule.name == "exp" for node in c._current.trace.nodes)
    assert 0 < sum(text.count("_exp(") for text in expressions) < exps
    assert_same(replay(c, params), engine(lambda: engine_graph(ops, params, True), params), rtol=0.0)


def test_a_guard_on_a_value_computed_twice_reads_the_first_one_and_still_flips():
    w = Value(0.8, "w")

    def f(x):
        a = (w * x).exp()
        b = (w * x).exp()  # the same expression on the same values: the same float
        s = a * 3.0 + b if b > 2.0 else a - b * x
        for _ in range(600):
            s = s * 0.5 + x
        return s

    c = ac.compile(f, 1.5)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES
    forward = _forward(c.source)
    assert forward.count("_exp(") == 1 and "raise GuardFailed" in forward
    params = c.parameters
    for x in (1.5, 0.25, 2.0, -1.0):  # the guard holds, flips, holds, flips
        assert_same(replay(c, params, x), engine(f, params, x), rtol=0.0)
    assert c.stats.guard_failures == 3 and c.stats.retraces == 1 and c.stats.engine_replays == 0


def test_a_sum_of_seeds_is_folded_only_where_it_starts_the_sum():
    terms = ["1.0", "1.0", "2.0"] + [f"t{i}" for i in range(97)] + ["1.0", "1.0"]
    first, second = codegen._sum("g_x", terms)
    assert first.startswith("g_x = 4.0 + t0 + t1") and second == "g_x = g_x + 1.0 + 1.0"  # (g + 1.0) + 1.0
    assert codegen._sum_text(["x", "1.0", "1.0"]) == "x + 1.0 + 1.0"


def test_a_gradient_written_into_its_use_is_parenthesized_once():
    c, params, ops = compile_w6(300, written=True)
    backward = c.source.split("# backward")[1]
    # softplus' d/dz through log(1 + exp(z)): 1.0 - (1.0 / add) * exp, not 1.0 - ((((1.0 / add))) * exp)
    assert re.search(r"- \(1\.0 / add\d+\) \* exp\d+", backward) and "((1.0 /" not in backward
    enclosed = ["(a / b)", "((a) * b)", "((1.0 / add0) * exp0)", "((a))"]
    not_enclosed = ["a", "(a) * (b)", "(a + (b)) * (c)", "-(a)", "((a)"]
    assert all(map(codegen._enclosed, enclosed)) and not any(map(codegen._enclosed, not_enclosed))
    assert_same(replay(c, params), engine(lambda: engine_graph(ops, params, True), params), rtol=0.0)


_LEAVES = st.sampled_from(["a", "b1", "p12", "1.0", "2.5", "_exp(a)", "math.log(b1)", "f(a, b1)"])


def _expression(children):
    unary = st.builds(lambda x: ast.UnaryOp(ast.USub(), x), children)
    binary = st.builds(
        lambda op, x, y: ast.BinOp(x, op, y),
        st.sampled_from([ast.Add(), ast.Sub(), ast.Mult(), ast.Div(), ast.Pow()]),
        children,
        children,
    )
    call = st.builds(lambda x: ast.Call(ast.Name("_exp"), [x], []), children)
    return unary | binary | call


# Python's own spelling (ast.unparse: the fewest parentheses) of random expressions
_TEXTS = st.recursive(_LEAVES.map(lambda t: ast.parse(t, mode="eval").body), _expression, max_leaves=6).map(ast.unparse)
_TEMPLATES = [
    "_exp({0})",
    "-{0}",
    "1.0 + {0}",
    "{0} + {1}",
    "{1} - {0}",
    "{0} - {1} + 2.0",
    "{0} * {1}",
    "{1} / {0}",
    "{0} ** {1}",
    "{1} ** {0}",
    "{0} + {1} + {2} + {3}",
    "{1} + {0} * {2}",
    "f({0}, {1})",
    "{0} + _exp({0})",
]


def _tree(text: str) -> str:
    return ast.dump(ast.parse(text, mode="eval"))


@settings(max_examples=300)
@given(_TEXTS, st.sampled_from(_TEMPLATES), st.integers(0, 1))
def test_a_value_written_into_its_use_parses_as_in_parentheses(text, template, i):
    fill = ["x", "y", "z", "w"]
    bare, enclosed = fill.copy(), fill.copy()
    bare[i], enclosed[i] = dense.placed(text, template, i), f"({text})"
    assert _tree(template.format(*bare)) == _tree(template.format(*enclosed))


@given(_TEXTS, st.sampled_from(["x - {}", "x + {}", "x * y - {} + z", "-x - {} - {}"]))
def test_a_term_after_plus_or_minus_parses_as_in_parentheses(text, template):
    term = f"({text})"
    assert _tree(template.format(*[dense.bare_term(term)] * template.count("{}"))) == _tree(
        template.format(*[term] * template.count("{}"))
    )


def test_values_written_into_their_use_drop_only_parentheses_python_does_not_need():
    assert dense.placed("-p12", "_exp({0})", 0) == "-p12"  # a whole argument
    assert dense.placed("_log(add0)", "{0} + {1}", 1) == "_log(add0)"  # a call
    assert dense.placed("a * b", "{0} + {1}", 1) == "a * b"  # binds tighter than +
    assert dense.placed("a + b", "{0} + {1}", 0) == "a + b"  # (a + b) + c: Python adds left to right
    assert dense.placed("a + b", "{0} + {1}", 1) == "(a + b)"
    assert dense.placed("a * b", "{0} * {1}", 1) == "(a * b)"
    assert dense.placed("-a", "{0} ** {1}", 0) == "(-a)"
    assert dense.placed("-1.5", "{0} ** {1}", 0) == "(-1.5)"  # -1.5 ** y is -(1.5 ** y)
    assert dense.placed("a + b", "{0} + _exp({0})", 0) == "(a + b)"  # a slot mentioned twice
    assert dense.bare_term("(a / b)") == "a / b" and dense.bare_term("(a + b)") == "(a + b)"
    assert dense.bare_term("(a / b) * (c + d)") == "(a / b) * (c + d)"


def test_an_infinite_shared_partial_is_replayed_as_the_engine_computes_it_not_sent_to_the_engine():
    # softmax's 1.0 / s, named once for its divisions: s subnormal makes it inf (and the gradients
    # nan); the engine does not check partials, nor does the replay of a large graph
    ws = [Value(0.01 * j, f"w{j}") for j in range(4)]

    def f(a):
        terms = []
        for i in range(120):
            e = [ac.exp(a + w * float(i % 7)) for w in ws]
            s = ac.sum(e)
            terms += [ei / s for ei in e]
        return ac.sum(terms)

    c = ac.compile(f, 0.0)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES and "d_div" in c.source
    got, expected = replay(c, ws, -745.0), engine(f, ws, -745.0)
    assert all(math.isnan(g) for g in got[1])
    assert [x.hex() for x in [got[0], *got[1]]] == [x.hex() for x in [expected[0], *expected[1]]]
    assert c.stats.engine_replays == 0 and c.stats.replays == 1
