"""W7: micrograd's demo step (W1) with ``compile(..., backend="numpy")``, against a hand-written
numpy step and micrograd, measured in the same run.

Ours: the per-example loss of ``nn.MLP(2, [16, 16, 1])`` (relu), hinge_i + alpha |θ|², compiled
once with the numpy backend and replayed over the 100 points as arrays (``c.over(X, y,
reduce="mean")``: the mean of hinge_i + alpha |θ|² is micrograd's loss; the L2 term depends on
no example, so the program computes it once, as a one-row block), ``nn.SGD``. The peer: the
same step written by hand in numpy (float64, examples along axis 0, weights as matrices).
Gradients are checked against micrograd before timing.
``python -m benchmarks --only W7`` or ``python -m benchmarks.batched [repeats]``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from .compiled import CompiledDemo
from .data import SIZES, initial_parameters, two_moons
from .gradcheck import compare
from .peers import ALPHA, micrograd_demo
from .timing import interleave, ratio, ratio_of_mins
from .workloads import steady_step

__all__ = ["HandNumpy", "NumpyCompiledDemo", "w7"]

Row = dict[str, Any]


class HandNumpy:
    """The W1 step by hand in numpy: s_l = x_{l-1} W_l^T + b_l, relu, hinge mean + ALPHA |θ|², SGD."""

    def __init__(self, values: Sequence[float], X: list[list[float]], ys: Sequence[float], lr: float) -> None:
        import numpy as np

        self.np, self.lr = np, lr
        self.X, self.y = np.array(X), np.array(ys)
        self.W: list[Any] = []
        self.b: list[Any] = []
        it = iter(values)
        for nin, nout in itertools.pairwise(SIZES):  # per neuron: weights, then bias
            rows = [[next(it) for _ in range(nin + 1)] for _ in range(nout)]
            m = np.array(rows)
            self.W.append(m[:, :nin].copy())
            self.b.append(m[:, nin].copy())

    def _grads(self) -> tuple[float, list[Any], list[Any]]:
        np = self.np
        xs, ss = [self.X], []
        for k, (W, b) in enumerate(zip(self.W, self.b)):
            s = xs[-1] @ W.T + b
            ss.append(s)
            xs.append(np.maximum(s, 0.0) if k < len(self.W) - 1 else s)
        n = len(self.y)
        margin = 1.0 - self.y * xs[-1][:, 0]
        loss = np.maximum(margin, 0.0).mean() + ALPHA * sum(
            (W * W).sum() + (b * b).sum() for W, b in zip(self.W, self.b)
        )
        g = ((margin > 0.0) * -self.y / n)[:, None]
        gW: list[Any] = [None] * len(self.W)
        gb: list[Any] = [None] * len(self.W)
        for k in range(len(self.W) - 1, -1, -1):
            gW[k] = g.T @ xs[k] + 2.0 * ALPHA * self.W[k]
            gb[k] = g.sum(0) + 2.0 * ALPHA * self.b[k]
            if k:
                g = (g @ self.W[k]) * (ss[k - 1] > 0.0)
        return float(loss), gW, gb

    def loss_and_grads(self) -> tuple[float, list[float]]:
        loss, gW, gb = self._grads()
        flat: list[float] = []
        for W, b in zip(gW, gb):
            for j in range(len(b)):
                flat += [*W[j].tolist(), float(b[j])]
        return loss, flat

    def step(self) -> float:
        loss, gW, gb = self._grads()
        for k in range(len(self.W)):
            self.W[k] -= self.lr * gW[k]
            self.b[k] -= self.lr * gb[k]
        return loss


class NumpyCompiledDemo(CompiledDemo):
    """W1's step through ``nn``: hinge_i + alpha |θ|² compiled with the numpy backend, ``c.over(X, y)``."""

    def _compile(self, model: Any, x0: Any, y0: float) -> int:
        import autograd_core as ac
        import nn

        params = self.params

        def example(x: Any, y: Any) -> Any:  # the mean over the examples is micrograd's loss
            return (1.0 - y * model(x)[0]).relu() + nn.l2_penalty(params, ALPHA)

        self.hinge = ac.compile(example, x0, y0, backend="numpy")
        return self.hinge.source.count("\n")

    def _loss(self) -> float:
        self.optimizer.zero_grad()
        return self.hinge.over(self.X, self.ys, reduce="mean")  # type: ignore[no-any-return]

    def _data(self, X: list[list[float]], ys: Sequence[float]) -> tuple[Any, Any]:
        """The data set as arrays, as the hand-written step has it."""
        import numpy as np

        return np.array(X), np.array(ys)


def w7(repeats: int, log: Callable[[str], None], lr: float = 0.05) -> list[Row]:
    """Rows: the numpy-compiled step vs micrograd, and vs the hand-written numpy step."""
    X, y = two_moons()
    values = initial_parameters()
    mg = micrograd_demo(values, X, y, lr)
    expected = mg.loss_and_grads()
    compare("ours, numpy backend", expected, NumpyCompiledDemo(values, X, y, lr).loss_and_grads())
    compare("hand-written numpy", expected, HandNumpy(values, X, y, lr).loss_and_grads())
    ours = NumpyCompiledDemo(values, X, y, lr)  # fresh weights for the timing
    runners = {
        "micrograd": steady_step(micrograd_demo(values, X, y, lr)),
        "numpy_backend": steady_step(ours),
        "hand_numpy": steady_step(HandNumpy(values, X, y, lr)),
    }
    log(f"W7: {repeats} repeat(s) of {', '.join(runners)}, alternating")
    out = interleave(runners, repeats)
    size = f"{len(X)} pts"
    vs_hand = ratio(out["numpy_backend"], out["hand_numpy"])

    def row(case: str, peer: Any, mine: Any, note: str) -> Row:
        return {
            "workload": "W7",
            "case": case,
            "size": size,
            "micrograd": peer,
            "ours": mine,
            "ratio": ratio(peer, mine),
            "ratio_of_mins": ratio_of_mins(peer, mine),
            "note": note,
        }

    stats = ours.hinge.stats
    info = f"compile {ours.compile_seconds * 1e3:.0f} ms; {stats.split_batches} split batches"
    return [
        row("numpy backend step (nn + compile)", out["micrograd"], out["numpy_backend"], info),
        row(
            "numpy backend vs hand-written numpy",
            out["hand_numpy"],
            out["numpy_backend"],
            "peer column: hand-written numpy" + (f"; ours takes {vs_hand:.2f}x its time" if vs_hand else ""),
        ),
    ]


if __name__ == "__main__":  # python -m benchmarks.batched [repeats]
    import sys

    for r in w7(int(sys.argv[1]) if len(sys.argv) > 1 else 7, lambda m: print(m, file=sys.stderr)):
        peer, mine = r["micrograd"], r["ours"]
        print(
            f"{r['case']:38s} peer {peer['median'] * 1e3:9.3f} ms  ours {mine['median'] * 1e3:7.3f} ms  "
            f"ratio {r['ratio']:8.1f}x (of mins {r['ratio_of_mins']:.1f}x)  {r['note']}"
        )
