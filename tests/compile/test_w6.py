"""The W6 workload (softplus, 4-input sums, products, 4-way softmax) compiled and replayed
against the engine and the hand-written index tape, with softplus the table's row and written
out by hand (a branch: guards); the tracer walks the graph once."""

from __future__ import annotations

import re

import pytest

import autograd_core as ac
from autograd_core.compile import trace as trace_module
from benchmarks.w6 import KINDS, IndexTape, compile_w6, engine_graph, plan
from tests.compile.helpers import assert_same, engine, replay


def test_w6_plan_cycles_through_the_four_operations() -> None:
    ops = plan(8)
    assert [kind for kind, _ in ops] == list(KINDS) * 2


@pytest.mark.parametrize("written", [False, True], ids=["softplus row", "softplus written out"])
def test_w6_replay_equals_the_engine_and_the_index_tape(written: bool) -> None:
    c, params, ops = compile_w6(300, written=written)
    got = replay(c, params)
    expected = engine(lambda: engine_graph(ops, params, written), params)
    assert_same(got, expected)
    assert_same(got, IndexTape(ops).forward_backward([p.data for p in params]), rtol=1e-10)
    assert c.stats.replays == 1 and c.stats.engine_replays == 0


@pytest.mark.parametrize("written", [False, True], ids=["softplus row", "softplus written out"])
def test_w6_replay_follows_new_parameter_values(written: bool) -> None:
    c, params, ops = compile_w6(200, written=written)
    for p in params:
        p.data = -p.data  # written out, softplus guards flip: new variants, still the engine's numbers
    got = replay(c, params)
    assert_same(got, engine(lambda: engine_graph(ops, params, written), params))
    assert c.stats.retraces == (1 if written else 0)


def test_the_softplus_row_is_one_node_and_no_guard() -> None:
    row, written = compile_w6(400)[0], compile_w6(400, written=True)[0]
    n_softplus = sum(kind == "softplus" for kind, _ in plan(400))
    nodes = row._current.trace.nodes
    assert sum(node.rule is ac.RULES["softplus"] for node in nodes) == n_softplus
    assert not row._current.trace.guards
    assert len(written._current.trace.nodes) - len(nodes) >= 2 * n_softplus  # 3 to 5 nodes each instead of 1


def test_the_tracer_walks_the_graph_once_however_many_guards(monkeypatch) -> None:
    calls = []
    real = trace_module.topological_order

    def counting(root):
        calls.append(root)
        return real(root)

    monkeypatch.setattr(trace_module, "topological_order", counting)
    c, _, ops = compile_w6(400, written=True)
    assert len(c._current.trace.guards) == sum(kind == "softplus" for kind, _ in ops) > 50
    assert len(calls) == 2  # the trace, and the run on moved data that checks its constants


def test_a_label_of_100000_characters_compiles() -> None:
    w = ac.Value(0.5, "w" * 100_000)
    c = ac.compile(lambda x: (w * x).tanh(), 1.0)
    w.grad = 0.0
    value = c(2.0)
    expected = ac.Value(0.5) * 2.0
    assert value == expected.tanh().data
    assert w.grad == 2.0 * (1.0 - value * value)


def test_the_first_call_compiles_the_replay_alone_not_the_data_set_loops() -> None:
    c, _, _ = compile_w6(50)
    c()
    assert c._current.program._made is None  # over/values sources: generated on first use only
    assert c.over_source.startswith("def replay_over(")
    assert c._current.program._made is not None


def test_the_w6_command_reports_both_softplus_forms(capsys) -> None:
    from benchmarks.w6 import main

    assert main(["--sizes", "20,60", "--repeats", "1", "--no-torch"]) == 0
    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines() if line.strip().startswith(("20 ", "60 "))]
    assert [r[0] for r in rows] == ["20", "60"]
    written = re.search(r"softplus written out .*, 60 ops: ([\d,]+) nodes, compile ([\d.]+)s", out)
    assert written, out
    assert int(written.group(1).replace(",", "")) > int(rows[1][1].replace(",", ""))  # a branch of 3-5 nodes vs one
    assert "peak memory compiling 60 ops" in out
