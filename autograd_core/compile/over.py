"""Data-set replay: one per-example trace run over many examples with a reduction.

``c.over(X, Y, reduce="mean")`` is ``mean_i f(X[i], Y[i])`` with its gradients, as the
engine gives them for ``nn.mean([f(x, y) for x, y in zip(X, Y)]).backward()``: the
generated loop reads the parameters once, seeds each example's backward pass with 1/n
(or 1 for ``"sum"``), keeps the parameter gradients in local variables and writes them to
``.grad`` once at the end. Examples the loop cannot replay (a guard flips, an error, a
non-finite value) are replayed one by one afterwards, as ``c(*example)`` would.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    from .compiled import Compiled

__all__ = ["REDUCTIONS", "run_over"]

REDUCTIONS = ("mean", "sum")


def run_over(c: Compiled, datasets: Sequence[Sequence[Any]], reduce: str) -> float:
    """``reduce_i f(*example_i)`` for the examples of ``datasets``; gradients into ``.grad``."""
    if reduce not in REDUCTIONS:
        raise ValueError(f"compile over: reduce must be one of {', '.join(map(repr, REDUCTIONS))}, got {reduce!r}")
    expected = len(c.arg_names)
    if len(datasets) != expected:
        raise TypeError(f"compile over: expected {expected} data sets (one per argument of f: "
                        f"{', '.join(c.arg_names)}), got {len(datasets)}")
    sizes = [len(d) for d in datasets]
    if len(set(sizes)) > 1:
        shown = ", ".join(f"{name}: {n}" for name, n in zip(c.arg_names, sizes))
        raise ValueError(f"compile over: the data sets have different lengths ({shown})")
    n = sizes[0] if sizes else 0
    if n == 0:
        raise ValueError("compile over: empty data set")
    rows = []
    flat_arguments = c.flat_arguments
    for i, example in enumerate(zip(*datasets)):
        try:
            rows.append(flat_arguments(example))
        except (TypeError, ValueError):  # again, naming the example
            flat_arguments(example, [f"example {i}, argument {k} ({name})" for k, name in enumerate(c.arg_names)])
            raise
    seed = 1.0 / n if reduce == "mean" else 1.0
    variant = c._current
    outs = variant.over(variant.params, rows, seed)
    stats = c.stats
    missed = [i for i, o in enumerate(outs) if o is None]
    stats.calls += n - len(missed)
    stats.replays += n - len(missed)
    for i in missed:
        outs[i] = c._run(rows[i], seed)
    total = sum(outs)
    return total * (1.0 / n) if reduce == "mean" else total

