"""Where a compiled function's parameters live: a replaced one is noticed before the next
replay, whatever else changes in the lists and objects that hold them."""

from __future__ import annotations

import autograd_core as ac
from autograd_core import Value

from .helpers import assert_same


def _replay_and_grads(c, params, *args):
    for p in params:
        p.grad = 0.0
    return c(*args), [p.grad for p in params]


def _engine(f, params, *args):
    for p in params:
        p.grad = 0.0
    out = f(*args)
    out.backward()
    return out.data, [p.grad for p in params]


def test_other_items_of_a_parameters_list_may_change_without_a_retrace():
    w = Value(1.5, "w")
    holder = [w, 0.25]  # a parameter and a plain number side by side

    def f(x):
        return holder[0] * x

    c = ac.compile(f, 2.0)
    holder[1] = 0.75  # not a parameter: the close look finds nothing replaced
    assert_same(_replay_and_grads(c, [w], 3.0), _engine(f, [w], 3.0))
    assert c.stats.retraces == 0


def test_a_parameter_replaced_in_a_list_in_an_attribute_or_in_a_grown_list_is_noticed():
    class Box:
        pass

    box = Box()
    box.b = Value(0.5, "b")
    ws = [Value(1.0, "w0"), Value(-2.0, "w1")]

    def f(x):
        return ws[0] * x + ws[1] * x * x + box.b

    c = ac.compile(f, 1.0)
    for change in (lambda: ws.__setitem__(1, Value(3.0, "w1'")), lambda: setattr(box, "b", Value(-1.0, "b'"))):
        retraces = c.stats.retraces
        change()
        params = [*ws, box.b]
        assert_same(_replay_and_grads(c, params, 0.5), _engine(f, params, 0.5))
        assert c.stats.retraces == retraces + 1
    ws.append(Value(9.0))  # a list that grew: its parameters are where they were
    params = [*ws[:2], box.b]
    assert_same(_replay_and_grads(c, params, 0.5), _engine(f, params, 0.5))
    assert c.stats.retraces == 2


def test_parameters_held_in_tuples_are_found_and_tuples_of_plain_records_are_skipped():
    """reachable skips tuples of numbers and strings (two deep: a plan's ``(name, (indices))``
    records) but walks a tuple that holds a Value, a list or another container."""
    from autograd_core.compile.homes import reachable

    w, v = Value(0.5, "w"), Value(2.0, "v")
    records = (("plain", (1, 2.5)), ("weights", [w]), (("deep", (v,)),))

    def f(x):
        return x * records[1][1][0] + x * records[2][0][1][0].data  # v.data: a number read from a parameter

    found = list(reachable(f))
    assert any(x is w for x in found) and any(x is v for x in found)
    assert not any(x is records[0] or x is records[0][1] for x in found)  # nothing to find in these
    c = ac.compile(f, 2.0)
    v.data = 3.0  # read on every call (found through the tuples), not the trace's 2.0
    assert c(2.0) == 2.0 * 0.5 + 2.0 * 3.0
    records[1][1][0] = Value(4.0, "w2")  # replaced in its list (inside a tuple): noticed, traced again
    assert c(2.0) == 2.0 * 4.0 + 2.0 * 3.0 and c.stats.retraces == 1
