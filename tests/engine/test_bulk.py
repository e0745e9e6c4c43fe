"""autograd_core._bulk.each: one statement on every Value, written out or as a loop, same floats."""

import pytest

from autograd_core import Value, _bulk
from autograd_core._bulk import each


def _values(n):
    return [Value(0.5 - 0.01 * k, f"v{k}") for k in range(n)]


@pytest.mark.parametrize("n", [1, 7, 40])
@pytest.mark.parametrize("unroll", [1024, 4])  # written out, then a loop beyond UNROLL
def test_each_runs_the_statement_on_every_value_in_order(monkeypatch, n, unroll):
    monkeypatch.setattr(_bulk, "UNROLL", unroll)
    monkeypatch.setattr(_bulk, "_EACH", {})
    P = _values(n)
    for k, p in enumerate(P):
        p.grad = 0.25 * k - 1.0
    each(n, "p.data -= lr * p.grad", "lr")(P, 0.1)
    assert [p.data for p in P] == [(0.5 - 0.01 * k) - 0.1 * (0.25 * k - 1.0) for k in range(n)]
    seen = []
    each(n, "seen.append(p.label)", "seen")(P, seen)
    assert seen == [f"v{k}" for k in range(n)]


def test_each_is_made_once_per_count_and_statement():
    assert each(5, "p.grad = 0.0") is each(5, "p.grad = 0.0")
    assert each(5, "p.grad = 0.0") is not each(6, "p.grad = 0.0")


@pytest.mark.parametrize("unroll", [1024, 2])  # written out, then a loop beyond UNROLL
def test_each_and_adder_on_a_list_of_another_length_raise_instead_of_skipping_values(monkeypatch, unroll):
    monkeypatch.setattr(_bulk, "UNROLL", unroll)
    monkeypatch.setattr(_bulk, "_EACH", {})
    monkeypatch.setattr(_bulk, "_ADDERS", {})
    P = _values(4)
    with pytest.raises(ValueError, match="bulk: 3 Values expected, got 4"):
        each(3, "p.grad = 0.0")(P)
    np = pytest.importorskip("numpy", reason="adder takes a float array")
    with pytest.raises(ValueError, match="bulk: 3 Values and floats expected"):
        _bulk.adder(3)(P, np.zeros(3))
    assert [p.grad for p in P] == [0.0] * 4, "nothing written before the check"


@pytest.mark.parametrize("n", [119, 120, 121, 250, 2410])
def test_written_out_runs_cover_every_value_once_in_order_with_few_locals(monkeypatch, n):
    np = pytest.importorskip("numpy", reason="adder takes a float array")
    monkeypatch.setattr(_bulk, "_ADDERS", {})
    monkeypatch.setattr(_bulk, "_EACH", {})
    P = _values(n)
    G = np.array([0.001 * k - 0.3 for k in range(n)])
    for p in P:
        p.grad = 1.0
    add = _bulk.adder(n, "grad", "+=")
    add(P, G)
    assert [p.grad for p in P] == [1.0 + g for g in G.tolist()]
    seen = []
    each(n, "seen.append(p.label)", "seen")(P, seen)
    assert seen == [f"v{k}" for k in range(n)]
    assert add.__code__.co_nlocals < 256, "runs reuse their locals: no index needs an EXTENDED_ARG"
    with pytest.raises(ValueError):
        add(P[:-1], G[:-1])


@pytest.mark.parametrize("unroll", [1024, 4])  # written out, then list comprehensions beyond UNROLL
def test_read_packs_data_grad_or_both_in_one_pass(monkeypatch, unroll):
    np = pytest.importorskip("numpy", reason="read returns a float array")
    monkeypatch.setattr(_bulk, "UNROLL", unroll)
    monkeypatch.setattr(_bulk, "_READERS", {})
    P = _values(9)
    for k, p in enumerate(P):
        p.grad = 0.25 * k - 1.0
    data, grads = [p.data for p in P], [p.grad for p in P]
    assert _bulk.read(P).tolist() == data
    assert _bulk.read(P, "grad").tolist() == grads
    assert _bulk.read(P, "data+grad").tolist() == data + grads
    assert _bulk.read([]).shape == (0,)
    P[3].grad = 2  # an int is read as its float
    assert _bulk.read(P, "data+grad")[9 + 3] == 2.0
    with pytest.raises(ValueError, match="read: attr must be"):
        _bulk.read(P, "label")
    P[5].grad = "x"  # numpy's conversion and its error decide
    with pytest.raises(ValueError, match="could not convert"):
        _bulk.read(P, "grad")
    assert np.array_equal(_bulk.read(P, "data"), data), "the data alone is still read"


def test_adder_assigns_with_op_equals():
    np = pytest.importorskip("numpy", reason="adder takes a float array")
    P = _values(5)
    for p in P:
        p.grad = 7.0
    _bulk.adder(5, "grad", "=")(P, np.array([0.5, -1.0, 0.0, 2.5, -0.0]))
    assert [p.grad for p in P] == [0.5, -1.0, 0.0, 2.5, -0.0]
    with pytest.raises(ValueError, match="adder: attr must be"):
        _bulk.adder(5, "grad", "*=")
