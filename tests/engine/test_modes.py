"""Modes (no_grad, observers, detect_anomaly, watch_comparisons) belong to one thread or task."""

from __future__ import annotations

import asyncio
import math
import sys
import threading

import pytest

import autograd_core as ac
import nn
from autograd_core import Value, is_grad_enabled, no_grad
from autograd_core.testing import AnomalyError, detect_anomaly
from autograd_core.value import get_observer, observing, watch_comparisons

DATA = [([0.5, -1.0], 1.0), ([-0.3, 0.8], -1.0), ([1.2, 0.1], 1.0), ([-0.7, -0.4], -1.0)]


def _train(steps: int, on_step=None) -> list[tuple[float, list[float]]]:
    """SGD on a small MLP; each step's loss and gradients (exact floats, in parameter order)."""
    model = nn.MLP(2, [4, 1], seed=3)
    params = model.parameters()
    trace = []
    for k in range(steps):
        x, y = DATA[k % len(DATA)]
        loss = ac.square(model(x)[0] - y)
        for p in params:
            p.grad = 0.0
        loss.backward()
        trace.append((loss.data, [p.grad for p in params]))
        for p in params:
            p.data -= 0.05 * p.grad
        if on_step is not None:
            on_step()
    return trace


@pytest.fixture
def fast_switching():
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def test_no_grad_in_one_thread_does_not_stop_another_thread_recording(fast_switching):
    expected = _train(1_000)
    model = nn.MLP(2, [4, 1], seed=5)
    stop = threading.Event()
    evaluated = []

    def evaluate() -> None:
        while not stop.is_set():
            with no_grad():
                out = model([0.1, 0.2])[0]
                evaluated.append(out.is_leaf() and not is_grad_enabled())

    thread = threading.Thread(target=evaluate)
    thread.start()
    try:
        got = _train(1_000)
    finally:
        stop.set()
        thread.join()
    assert evaluated and all(evaluated)
    assert got == expected  # exactly the gradients of the sequential run
    assert is_grad_enabled()


def test_overlapping_no_grad_blocks_in_two_threads_restore_their_own_state(fast_switching):
    barrier = threading.Barrier(2)
    seen = []

    def worker(first: bool) -> None:
        if first:
            with no_grad():
                barrier.wait()  # both inside
                barrier.wait()  # the other left first
                seen.append(("first", is_grad_enabled()))
        else:
            with no_grad():
                barrier.wait()
            seen.append(("second", is_grad_enabled()))
            barrier.wait()
        seen.append(("after", is_grad_enabled(), (Value(2.0) * Value(3.0)).is_leaf()))

    threads = [threading.Thread(target=worker, args=(f,)) for f in (True, False)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ("first", False) in seen and ("second", True) in seen
    assert [s for s in seen if s[0] == "after"] == [("after", True, False)] * 2
    assert is_grad_enabled() and not (Value(1.0) + Value(1.0)).is_leaf()


def test_no_grad_across_awaits_in_interleaved_asyncio_tasks():
    async def main() -> list[tuple[str, bool]]:
        log: list[tuple[str, bool]] = []
        a_in, b_in, a_out = asyncio.Event(), asyncio.Event(), asyncio.Event()

        async def a() -> None:
            with no_grad():
                a_in.set()
                await b_in.wait()
                log.append(("a inside", (Value(1.0) * Value(2.0)).is_leaf()))
            a_out.set()
            log.append(("a after", is_grad_enabled()))

        async def b() -> None:
            await a_in.wait()
            log.append(("b before", is_grad_enabled()))
            with no_grad():
                b_in.set()
                await a_out.wait()  # a leaves its block while b is still inside its own
                log.append(("b inside", is_grad_enabled()))
            log.append(("b after", (Value(1.0) * Value(2.0)).is_leaf()))

        await asyncio.gather(a(), b())
        return log

    log = asyncio.run(main())
    assert sorted(log) == sorted(
        [("a inside", True), ("a after", True), ("b before", True), ("b inside", False), ("b after", False)]
    )
    assert is_grad_enabled()


def test_detect_anomaly_in_one_thread_does_not_raise_in_another(fast_switching):
    inside = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def guarded() -> None:
        with detect_anomaly():
            inside.set()
            release.wait()
            try:
                Value(-1.0).sqrt()  # fine: a domain error, not an anomaly
            except ValueError:
                pass
            with pytest.raises(AnomalyError):
                Value(math.inf) * 0.0  # nan here is this thread's anomaly

    thread = threading.Thread(target=lambda: _capture(guarded, errors))
    thread.start()
    inside.wait()
    try:
        nan = Value(math.inf) * 0.0  # this thread never asked for anomaly detection
        assert math.isnan(nan.data)
        assert get_observer() is None
    finally:
        release.set()
        thread.join()
    assert not errors
    assert get_observer() is None


def test_detect_anomaly_across_awaits_in_interleaved_asyncio_tasks():
    async def main() -> list[str]:
        log: list[str] = []
        a_in, b_done = asyncio.Event(), asyncio.Event()

        async def a() -> None:
            with detect_anomaly():
                a_in.set()
                await b_done.wait()
                try:
                    Value(math.inf) * 0.0
                except AnomalyError:
                    log.append("a raised")

        async def b() -> None:
            await a_in.wait()
            v = Value(math.inf) * 0.0
            log.append("b nan" if math.isnan(v.data) else "b?")
            log.append("b observer" if get_observer() is not None else "b clean")
            b_done.set()

        await asyncio.gather(a(), b())
        return log

    assert sorted(asyncio.run(main())) == ["a raised", "b clean", "b nan"]
    assert get_observer() is None


def test_observing_restores_after_an_error_and_nests():
    class Count:
        def __init__(self) -> None:
            self.count = 0

        def created(self, node: Value) -> None:
            self.count += 1

        def propagating(self, node: Value) -> None:
            pass

    outer, inner = Count(), Count()
    with observing(outer):
        Value(1.0) * 2.0
        with pytest.raises(ZeroDivisionError), observing(inner):
            Value(1.0) * 2.0
            Value(1.0) / 0.0
        assert get_observer() is outer
        Value(1.0) + 1.0
    assert (outer.count, inner.count) == (2, 1)
    assert get_observer() is None


def test_watch_comparisons_sees_comparisons_bool_and_float_reads_in_this_context_only():
    events = []
    x = Value(2.0)
    with watch_comparisons(lambda op, left, right, result: events.append((op, left is x, right, result))):
        assert x > 1.0
        assert (3 < x) is False  # reflected: x.__gt__(3)
        assert bool(x)
        assert float(x) == 2.0 and round(x) == 2 and f"{x:.1f}" == "2.0" and x.item() == 2.0
        assert max([x, Value(1.0)]) is x
    ops = [e[0] for e in events]
    assert ops[:3] == ["gt", "gt", "bool"]
    assert events[0] == ("gt", True, 1.0, True) and events[1] == ("gt", True, 3, False)
    assert ops[3:7] == ["float"] * 4
    assert len(ops) == 8 and ops[7] in ("lt", "gt")  # max() compares the two Values once
    before = len(events)
    assert x > 1.0  # outside: not watched
    assert len(events) == before
    with pytest.raises(TypeError, match="watch_comparisons"):
        with watch_comparisons(3):  # type: ignore[arg-type]
            pass


def _capture(fn, errors: list[BaseException]) -> None:
    try:
        fn()
    except BaseException as error:  # noqa: BLE001 - reported by the test
        errors.append(error)
