"""W5: micrograd's demo step (W1) by ``autograd_core.compile`` replays.

The step is ``nn.MLP(2, [16, 16, 1])`` (relu), the hinge loss of one example compiled once
and replayed over the 100 points (``c.over(X, y)``), the L2 term compiled once, and
``nn.SGD``: forward, backward and update, gradients checked against micrograd first. Timed
in the same run as micrograd (collector on, as users have it) and the hand-written float
reference (``benchmarks/reference.py``). Compile time and generated source size are
reported in the notes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from .data import SIZES, initial_parameters, two_moons
from .gradcheck import compare
from .peers import ALPHA, _load, micrograd_demo
from .reference import ReferenceDemo
from .timing import interleave, ratio
from .workloads import steady_step

__all__ = ["CompiledDemo", "w5"]

Row = dict[str, Any]


class CompiledDemo:
    """W1's step through ``nn`` with the loss replayed by ``autograd_core.compile``."""

    def _data(self, X: list[list[float]], ys: Sequence[float]) -> tuple[Any, Any]:
        """The data set as ``c.over`` gets it."""
        return X, list(ys)

    def __init__(self, values: Sequence[float], X: list[list[float]], ys: Sequence[float], lr: float) -> None:
        import nn

        self.X, self.ys = self._data(X, ys)
        model = nn.MLP(SIZES[0], list(SIZES[1:]), activation="relu", output_activation="linear", seed=0)
        self.params = model.parameters()
        _load(self.params, values)
        self.optimizer = nn.SGD(self.params, lr=lr)
        t0 = time.perf_counter()
        self.source_lines = self._compile(model, X[0], ys[0])
        self.compile_seconds = time.perf_counter() - t0

    def _compile(self, model: Any, x0: Any, y0: float) -> int:
        """The replays of the loss (the hinge of one example, the L2 term); their source lines."""
        import autograd_core as ac
        import nn

        self.hinge = ac.compile(lambda x, y: (1.0 - y * model(x)[0]).relu(), x0, y0)
        self.penalty = ac.compile(lambda: nn.l2_penalty(self.params, ALPHA))
        return sum(c.source.count("\n") + c.over_source.count("\n") for c in (self.hinge, self.penalty))

    def _loss(self) -> float:
        self.optimizer.zero_grad()
        return self.hinge.over(self.X, self.ys, reduce="mean") + self.penalty()

    def loss_and_grads(self) -> tuple[float, list[float]]:
        loss = self._loss()
        return loss, [p.grad for p in self.params]

    def step(self) -> float:
        loss = self._loss()
        self.optimizer.step()
        return loss


def w5(repeats: int, log: Callable[[str], None], lr: float = 0.05) -> list[Row]:
    """Rows: the compiled step vs micrograd, and vs the hand-written float reference."""
    X, y = two_moons()
    values = initial_parameters()
    mg = micrograd_demo(values, X, y, lr)
    compiled = CompiledDemo(values, X, y, lr)
    compare("ours, compiled replays", mg.loss_and_grads(), compiled.loss_and_grads())
    compiled = CompiledDemo(values, X, y, lr)  # fresh weights for the timing
    runners = {
        "micrograd": steady_step(micrograd_demo(values, X, y, lr)),
        "compiled": steady_step(compiled),
        "reference": steady_step(ReferenceDemo(values, X, y, lr)),
    }
    log(f"W5: {repeats} repeat(s) of {', '.join(runners)}, alternating")
    out = interleave(runners, repeats)
    vs_ref = ratio(out["reference"], out["compiled"])
    seconds = compiled.hinge.stats.compile_seconds + compiled.penalty.stats.compile_seconds  # trace, codegen, compile()
    info = f"compile {seconds * 1e3:.0f} ms, {compiled.source_lines} lines of source" + (
        f"; {1 / vs_ref:.2f}x the float reference's time" if vs_ref else ""
    )
    size = f"{len(X)} pts"

    def row(case: str, peer: Any, ours: Any, note: str) -> Row:
        from .timing import ratio_of_mins

        return {
            "workload": "W5",
            "case": case,
            "size": size,
            "micrograd": peer,
            "ours": ours,
            "ratio": ratio(peer, ours),
            "ratio_of_mins": ratio_of_mins(peer, ours),
            "note": note,
        }

    return [
        row("compiled step (nn + compile)", out["micrograd"], out["compiled"], info),
        row(
            "compiled vs hand-written floats",
            out["reference"],
            out["compiled"],
            "peer column: the float reference (ratio > 1: compiled is faster)",
        ),
    ]


if __name__ == "__main__":  # python -m benchmarks.compiled [repeats]
    import sys

    for r in w5(int(sys.argv[1]) if len(sys.argv) > 1 else 7, lambda m: print(m, file=sys.stderr)):
        peer, ours = r["micrograd"], r["ours"]
        print(
            f"{r['case']:34s} peer {peer['median'] * 1e3:8.2f} ms  ours {ours['median'] * 1e3:7.2f} ms  "
            f"ratio {r['ratio']:7.1f}x (of mins {r['ratio_of_mins']:.1f}x)  {r['note']}"
        )
