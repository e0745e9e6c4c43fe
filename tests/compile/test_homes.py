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
