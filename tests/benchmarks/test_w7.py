"""W7's contenders compute W1's loss and gradients: the numpy-backend step (hinge_i + alpha |θ|²
per example, averaged by ``c.over``) and the hand-written numpy step, against micrograd."""

from __future__ import annotations

import pytest

pytest.importorskip("numpy", reason='W7 needs numpy: pip install -e ".[numpy]"')

from benchmarks import gradcheck  # noqa: E402
from benchmarks.batched import HandNumpy, NumpyCompiledDemo  # noqa: E402
from benchmarks.data import initial_parameters, two_moons  # noqa: E402
from benchmarks.peers import micrograd_demo  # noqa: E402

from .test_harness import need_micrograd  # noqa: E402


@pytest.mark.parametrize("contender", [NumpyCompiledDemo, HandNumpy])
def test_w7_contenders_give_micrograds_loss_and_gradients_before_and_after_a_step(contender) -> None:
    need_micrograd()
    X, y = two_moons()
    values = initial_parameters()
    peer, ours = micrograd_demo(values, X, y, 0.05), contender(values, X, y, 0.05)
    for _ in range(2):  # the first step's gradients, then those after one SGD step of each
        expected, got = peer.loss_and_grads(), ours.loss_and_grads()
        gradcheck.compare(contender.__name__, expected, got)
        peer.step()
        ours.step()


def test_the_numpy_step_computes_the_l2_term_once_for_all_examples() -> None:
    X, y = two_moons()
    demo = NumpyCompiledDemo(initial_parameters(), X, y, 0.05)
    demo.loss_and_grads()
    assert demo.hinge.stats.split_batches == 0 and demo.hinge.stats.examples_one_by_one == 0
    penalty = [line for line in demo.hinge.source.splitlines() if "dot of 674 inputs" in line]
    assert len(penalty) == 1 and "reshape(1, 1)" in penalty[0], "|θ|² is one row, not one per example"
