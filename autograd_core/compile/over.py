"""Data-set replay: one per-example trace run over many examples with a reduction.

``c.over(X, Y, reduce="mean")`` is ``mean_i f(X[i], Y[i])`` with its gradients, as the
engine gives them for ``nn.mean([f(x, y) for x, y in zip(X, Y)]).backward()``: the
generated loop reads the parameters once, seeds each example's backward pass with 1/n
(or 1 for ``"sum"``), keeps the parameter gradients in local variables and writes them to
``.grad`` once at the end. Examples the loop cannot replay (a guard flips, an error, a
non-finite value) go to the other variants' loops, then one by one through ``c(*example)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..rules import add_all
from ..value import is_grad_enabled

if TYPE_CHECKING:
    from .compiled import Compiled

__all__ = ["REDUCTIONS", "run_over", "run_values"]

REDUCTIONS = ("mean", "sum")


def _count(c: Compiled, datasets: Sequence[Sequence[Any]]) -> int:
    """The number of examples, after checking there is one data set per argument, all as long."""
    expected = len(c.arg_names)
    if len(datasets) != expected:
        raise TypeError(
            f"compile over: expected {expected} data sets (one per argument of f: "
            f"{', '.join(c.arg_names)}), got {len(datasets)}"
        )
    sizes = [len(d) for d in datasets]
    if len(set(sizes)) > 1:
        shown = ", ".join(f"{name}: {n}" for name, n in zip(c.arg_names, sizes))
        raise ValueError(f"compile over: the data sets have different lengths ({shown})")
    n = sizes[0] if sizes else 0
    if n == 0:
        raise ValueError("compile over: empty data set")
    return n


def _rows(c: Compiled, datasets: Sequence[Sequence[Any]]) -> list[list[float]]:
    """Each example's arguments as one flat list, checked against the example's nesting."""
    _count(c, datasets)
    rows = []
    flat_arguments = c.flat_arguments
    for i, example in enumerate(zip(*datasets)):
        try:
            rows.append(flat_arguments(example))
        except (TypeError, ValueError):  # again, naming the example
            flat_arguments(example, [f"example {i}, argument {k} ({name})" for k, name in enumerate(c.arg_names)])
            raise
    return rows


def _replay(
    c: Compiled, pending: list[int], outs: list[Any], run: Callable[[Any, list[Any]], Any], rows: list[Any]
) -> list[int]:
    """Run the ``pending`` examples through each traced variant in turn, the current one first;
    fill ``outs`` and return the examples no variant could replay (a guard flipped, an error, a
    non-finite value): the caller runs those through the engine."""
    current = c._current
    for variant in [current, *[v for v in reversed(c._variants) if v is not current]]:
        if not pending:
            break
        try:
            results = run(variant, [rows[i] for i in pending])
        except Exception:  # e.g. a parameter is inf or nan: every example goes through the engine
            continue
        still = []
        for i, out in zip(pending, results):
            if out is None:
                still.append(i)
            else:
                outs[i] = out
        pending = still
    return pending


def run_values(c: Compiled, datasets: Sequence[Sequence[Any]]) -> list[Any]:
    """``f(*example_i)`` for each example, forward only (gradients untouched)."""
    rows = _rows(c, datasets)
    c._check_parameters()
    pending = list(range(len(rows)))
    outs: list[Any] = [None] * len(rows)
    pending = _replay(c, pending, outs, lambda v, batch: v.values(v.params, batch), rows)
    if pending:
        c._count(f"{len(pending)} example(s) no traced variant's forward replay applies to")
    for i in pending:
        outs[i] = c._engine_value(rows[i])
    return outs


def run_over(c: Compiled, datasets: Sequence[Sequence[Any]], reduce: str) -> float:
    """``reduce_i f(*example_i)`` for the examples of ``datasets``; gradients into ``.grad``."""
    if reduce not in REDUCTIONS:
        raise ValueError(f"compile over: reduce must be one of {', '.join(map(repr, REDUCTIONS))}, got {reduce!r}")
    if not is_grad_enabled():  # as the engine under no_grad(): values, no gradient anywhere
        values = c.last_values = run_values(c, datasets)
        total: float = add_all(values)
        return total * (1.0 / len(values)) if reduce == "mean" else total
    rows = _rows(c, datasets)
    c._check_parameters()
    n = len(rows)
    seed = 1.0 / n if reduce == "mean" else 1.0
    # Examples run last to first: the engine's backward over mean([f(x_0), ..., f(x_n-1)])
    # meets them in that order, so the parameter gradients add up in the same order.
    pending = list(range(n - 1, -1, -1))
    outs: list[Any] = [None] * n
    params = list({id(p): p for v in c._variants for p in v.params}.values())
    saved = [p.grad for p in params]  # restored if an example raises: no half-accumulated gradients
    pending = _replay(c, pending, outs, lambda v, batch: v.over(v.params, batch, seed), rows)
    stats = c.stats
    stats.calls += n - len(pending)
    stats.replays += n - len(pending)
    try:
        for i in reversed(pending):  # guards no variant passes, errors, nan: one by one
            outs[i] = c._run(rows[i], seed)
    except BaseException:
        for p, g in zip(params, saved):
            p.grad = g
        raise
    c.last_values = outs
    total = add_all(outs)
    return total * (1.0 / n) if reduce == "mean" else total
