"""backward() and grad() interrupted at random points, and run from two threads at once.

``.grad`` only ever holds a float, and a graph whose backward pass was interrupted still
gives exact gradients on the next call.
"""

from __future__ import annotations

import random
import signal
import sys
import threading
import time

import pytest

import autograd_core as ac
from autograd_core import Value

pytestmark = pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs signal.setitimer (POSIX)")

N_LEAVES = 200
DEPTH = 30_000  # interior nodes in the graph below


def _graph(seed: int = 0) -> tuple[Value, list[Value]]:
    """A wide and deep graph: leaves reused many times, unary, binary and n-ary nodes."""
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-1, 1), f"x{i}") for i in range(N_LEAVES)]
    y = leaves[0]
    pending = []
    for k in range(DEPTH // 3):
        a = leaves[rng.randrange(N_LEAVES)]
        y = (y * 0.999 + a).tanh()
        if k % 50 == 0:
            pending.append(y)
        if len(pending) == 8:
            y = ac.sum([y, *pending]) * 0.1
            pending = []
    return y, leaves


def _all_grads_are_floats(root: Value) -> bool:
    return all(v.grad.__class__ is float for v in ac.topological_order(root))


_armed = [False]  # whether an alarm may still interrupt: a late one (after the pass) is ignored


def _interrupt_after(delay: float) -> None:
    def handler(signum, frame):  # noqa: ANN001 - signal handler
        # Python runs a handler at its next check for pending calls, which may come after the pass
        # returned and after the try it ran in (3.13): only an armed alarm raises.
        if _armed[0]:
            _armed[0] = False
            raise KeyboardInterrupt

    signal.signal(signal.SIGALRM, handler)
    _armed[0] = True
    signal.setitimer(signal.ITIMER_REAL, delay)


@pytest.fixture
def restore_alarm():
    previous = signal.getsignal(signal.SIGALRM)
    try:
        yield
    finally:
        _armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_interrupted_backward_and_grad_leave_floats_and_the_next_pass_is_exact(restore_alarm):
    root, leaves = _graph()
    root.backward()
    expected = [x.grad for x in leaves]
    start = time.perf_counter()
    root.backward()
    duration = time.perf_counter() - start
    rng = random.Random(1)
    interrupted = 0
    trials = 30
    for trial in range(trials):
        _interrupt_after(rng.uniform(1e-5, duration))
        try:
            if trial % 4 == 3:
                ac.grad(root, leaves[:5])
            else:
                root.backward()
            _armed[0] = False
        except KeyboardInterrupt:
            interrupted += 1
        _armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        assert _all_grads_are_floats(root), f"trial {trial}: a non-float in .grad"
        for x in leaves:
            x.grad = 0.0
        root.backward()
        assert [x.grad for x in leaves] == expected, f"trial {trial}: wrong gradients after an interrupt"
        assert ac.grad(root, leaves) == expected
    assert interrupted >= trials // 4  # the timers really interrupted the passes


def test_two_threads_calling_backward_on_graphs_that_share_nodes_get_exact_gradients():
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        shared, leaves = _graph(2)
        roots = [shared * 2.0 + leaves[1], ac.tanh(shared) - leaves[2] * leaves[3]]
        expected = []
        for root in roots:
            for x in leaves:
                x.grad = 0.0
            root.backward()
            expected.append([x.grad for x in leaves])
        summed = [a + b for a, b in zip(*expected)]
        for x in leaves:
            x.grad = 0.0
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def run(root: Value) -> None:
            try:
                barrier.wait()
                root.backward()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        for _ in range(3):
            threads = [threading.Thread(target=run, args=(r,)) for r in roots]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert not errors
            got = [x.grad for x in leaves]
            assert got == pytest.approx(summed, rel=1e-12, abs=1e-15)
            for x in leaves:
                x.grad = 0.0
    finally:
        sys.setswitchinterval(previous)
