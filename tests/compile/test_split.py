"""Code generation at scale: rule templates give the rule's own text, and a large replay is
compiled in parts (generators over ranges of nodes) that replay exactly as one function."""

from __future__ import annotations

import pytest

import autograd_core as ac
from autograd_core import RULES, Value
from autograd_core.compile import codegen
from autograd_core.compile.source import Namer, is_atom
from autograd_core.compile.templates import ATOM, EXPR, RISKY, SLOT, Templates
from autograd_core.symbolic import forward_source, partials_source
from benchmarks.compile_memory import compile_chain
from benchmarks.w6 import compile_w6, engine_graph
from tests.compile.helpers import assert_same, engine, replay


@pytest.mark.parametrize("name", sorted(RULES))
def test_a_rules_template_filled_in_gives_the_rules_own_text(name):
    rule = RULES[name]
    n = 3 if rule.arity < 0 else rule.arity
    cases = [
        [f"x{i}" for i in range(n)],
        ["y"] * n,  # the same name everywhere (x * x)
        ["z", *([2.5] * (n - 1))],  # constants after a name
        [0.5, *[f"w{i}" for i in range(n - 1)]],
    ]
    templates = Templates()
    for operands in cases * 2:  # the second time from the cache
        names_only = all(isinstance(x, str) for x in operands)
        template, fill = templates.sources(rule, operands, "out", Namer(), names_only)
        value, partials = template.value, template.partials

        def filled(source, fill=fill):
            return source if fill is None or source is None else source._replace(text=source.text.format(*fill))

        assert filled(value) == forward_source(rule, operands, fresh=Namer().fresh)
        expected = partials_source(rule, operands, "out")
        assert (None if partials is None else tuple(map(filled, partials))) == expected
        for (form, t), p in zip(template.edges, expected or ()):  # each partial's text as a backward term writes it
            written = fill[t] if form == SLOT else t if fill is None or form == ATOM else t.format(*fill)
            assert written == (f"({p.text})" if form == EXPR else p.text)
            assert (form == RISKY) == p.risky and (form == EXPR) == (not p.risky and not is_atom(p.text))
        forms = [form for form, _ in template.edges]
        assert template.atom_texts == tuple(t if form == ATOM else None for form, t in template.edges)
        assert template.others == tuple(i for i, form in enumerate(forms) if form != ATOM)


@pytest.fixture
def small_parts(monkeypatch):
    """Split replays of more than 50 lines into parts of about 40."""
    monkeypatch.setattr(codegen, "SPLIT_LINES", 50)
    monkeypatch.setattr(codegen, "PART_LINES", 40)


def test_a_large_chain_is_compiled_in_parts_that_replay_as_the_engine(small_parts):
    c = compile_chain(150)
    parts = c._current.program.call_parts
    assert len(parts) > 3 and all("yield" in p for p in parts[:-1])
    w = c.parameters[0]

    def f(x):
        y = x
        for _ in range(50):
            y = (y * w + x).tanh()
        return y

    w.grad = 0.0
    got = (c(0.3), [w.grad])
    w.grad = 0.0
    out = f(Value(0.3))
    out.backward()
    assert_same(got, (out.data, [w.grad]), rtol=0.0)
    assert c.stats.replays == 1 and c.stats.engine_replays == 0


def test_a_split_w6_replay_equals_the_engine_then_follows_flipped_guards(small_parts):
    c, params, ops = compile_w6(300, written=True)  # over 1,000 nodes: one sum per gradient, in parts
    assert len(c._current.program.call_parts) > 3
    for flip in (False, True):
        if flip:
            for p in params:
                p.data = -p.data  # softplus guards flip inside the parts: traced again
        got = replay(c, params)
        assert_same(got, engine(lambda: engine_graph(ops, params, True), params), rtol=0.0)
    assert c.stats.engine_replays == 0 and c.stats.retraces >= 1


def test_a_split_replay_hands_an_overflow_to_the_engine(small_parts):
    w = Value(10.0, "w")

    def f(x):
        y = x
        for _ in range(40):
            y = y * w + 1.0
        return y

    c = ac.compile(f, 0.5)
    assert len(c._current.program.call_parts) > 1
    with pytest.raises(OverflowError):
        c(1e300)  # the engine's error, raised from the engine's own run
    assert c.stats.engine_replays == 1
    w.grad = 0.0
    assert c.check(0.5).ok


def test_small_replays_are_one_function():
    c, _, _ = compile_w6(50)
    assert c._current.program.call_parts == ()
    assert c.source.count("def ") == 1 and "yield" not in c.source


def test_a_graph_of_1000_nodes_or_more_sums_each_gradient_once_and_equals_the_engine_bit_for_bit():
    c, params, ops = compile_w6(300, written=True)
    assert len(c._current.trace.nodes) >= codegen.PULL_NODES
    backward = c.source.split("# backward")[1]
    targets = [line.split(" = ", 1)[0].strip() for line in backward.splitlines() if " = " in line]
    assert len(targets) == len(set(targets))  # each gradient assigned once
    assert " += " not in backward.split("# accumulate")[0]
    got = replay(c, params)
    assert_same(got, engine(lambda: engine_graph(ops, params, True), params), rtol=0.0)
