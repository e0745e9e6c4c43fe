"""``compile(f, *example_args, backend="numpy")``: ``c.over(X, Y)`` replays the whole data set
as numpy arrays, examples along axis 0 (see :mod:`.numpy_codegen` for the program).

The data set becomes one float array ``A`` (one row per example, its flat arguments). Each
traced variant's batch program runs on the rows not yet done, the current variant first;
rows it cannot replay (a guard comes out differently, a value is inf or nan) go to the
next variant, and the rest one by one through ``c(*example)`` (the python backend, and the
engine behind it), which may trace a new variant that the remaining rows then try as a
batch. ``c.stats.split_batches`` counts batches split by such rows and
``c.stats.examples_one_by_one`` the examples replayed one at a time. numpy is the optional
``numpy`` extra; the engine never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from .._extras import require
from .numpy_codegen import NumpyProgram, generate_numpy
from .numpy_rules import Unsupported

if TYPE_CHECKING:
    from .compiled import Compiled, _Variant

__all__ = ["BACKENDS", "numpy_module", "program_of", "run_over_numpy"]

BACKENDS = ("python", "numpy")
_NUMBERS = {float, int}
_ROWS = {list, tuple}
_data = attrgetter("data")


def numpy_module() -> Any:
    """numpy, or ``MissingExtra`` naming ``pip install "autograd-core[numpy]"``."""
    return require("numpy", "numpy", 'compile(..., backend="numpy")')


def program_of(c: Compiled, variant: _Variant) -> NumpyProgram | None:
    """The variant's batch program (generated once), or None if a rule has no source text."""
    program = variant.numpy
    if program is False:
        try:
            program = generate_numpy(variant.trace)
        except Unsupported as what:
            program = None
            c.stats.warnings.append(f"numpy backend: rule {what} has no source text; its examples run one by one")
        variant.numpy = program
    return program  # type: ignore[no-any-return]


def _batch(c: Compiled, datasets: Sequence[Sequence[Any]], n: int) -> Any:
    """The examples as one (n, flat arguments) float array; bad input is reported by the
    per-example check of :func:`.over._rows`."""
    np = numpy_module()
    columns = []
    for data, spec in zip(datasets, c._specs):
        if not isinstance(data, np.ndarray) and not _plain(data, spec):
            break
        try:
            array = np.asarray(data)
        except (ValueError, TypeError):
            break
        if array.dtype.kind not in "fiu" or len(array) != n:
            break
        if spec is None and array.ndim == 1:
            columns.append(array.reshape(n, 1))
        elif spec is not None and all(s is None for s in spec) and array.shape == (n, len(spec)):
            columns.append(array)
        else:
            break
    else:
        if not columns:
            return np.zeros((n, 0))
        return np.hstack(columns).astype(float, copy=False)
    from .over import _rows

    return np.array(_rows(c, datasets), dtype=float).reshape(n, -1)


def _plain(data: Any, spec: Any) -> bool:
    """Whether ``data`` is a list of floats (ints) or of flat lists of them: bools, Values and
    anything else take the per-example path, which names what is wrong."""
    if spec is None:
        return set(map(type, data)) <= _NUMBERS
    return set(map(type, data)) <= _ROWS and set(map(type, chain.from_iterable(data))) <= _NUMBERS


def run_over_numpy(c: Compiled, datasets: Sequence[Sequence[Any]], reduce: str) -> float:
    """``reduce_i f(*example_i)`` over the examples as arrays; gradients into ``.grad``."""
    from .over import REDUCTIONS, _count

    if reduce not in REDUCTIONS:
        raise ValueError(f"compile over: reduce must be one of {', '.join(map(repr, REDUCTIONS))}, got {reduce!r}")
    np = numpy_module()
    n = _count(c, datasets)
    A = _batch(c, datasets, n)
    seed = 1.0 / n if reduce == "mean" else 1.0
    stats = c.stats
    outs = np.zeros(n)
    pending = np.arange(n)
    tried: set[int] = set()
    saved: list[tuple[Any, float]] = []  # restored if an example raises: no half-accumulated gradients
    grads: dict[int, tuple[list[Any], Any]] = {}
    try:
        while pending.size:
            for variant in [c._current, *reversed(c._variants)]:
                if id(variant) in tried or not pending.size:
                    continue
                tried.add(id(variant))
                pending = _run_variant(c, variant, A, pending, seed, outs, grads)
            if not pending.size:
                break
            i = int(pending[-1])  # one by one, last first (the order of the engine's backward)
            pending = pending[:-1]
            if not saved:  # .grad is written one example at a time from here on
                params = {id(p): p for v in c._variants for p in v.params}.values()
                saved = [(p, p.grad) for p in params]
            stats.examples_one_by_one += 1
            outs[i] = c._run(A[i].tolist(), seed)
            stats.calls -= 1  # counted below with the batch
    except BaseException:
        for p, g in saved:
            p.grad = g
        raise
    for variant_params, gtheta in grads.values():
        for p, g in zip(variant_params, gtheta.tolist()):
            p.grad += g
    stats.calls += n
    values = outs.tolist()
    c.last_values = values
    total = float(outs.sum())
    return total * (1.0 / n) if reduce == "mean" else total


def _run_variant(
    c: Compiled, variant: _Variant, A: Any, pending: Any, seed: float, outs: Any, grads: dict[int, Any]
) -> Any:
    """Replay ``pending`` rows through one variant's batch program; return the rows left."""
    np = numpy_module()
    program = program_of(c, variant)
    if program is None:
        return pending
    fn = program.function()
    theta = np.fromiter(map(_data, variant.params), float, len(variant.params))
    rows = A if len(pending) == len(A) else A[pending]
    w = np.full(len(pending), seed)
    with np.errstate(all="ignore"):
        try:
            result = fn(theta, rows, w)
            if result.__class__ is not tuple:  # a mask: some rows cannot be replayed by this variant
                c.stats.split_batches += 1
                good = ~result
                if not good.any():
                    return pending
                left = pending[result]
                pending = pending[good]
                result = fn(theta, rows[good], w[good])
                if result.__class__ is not tuple:
                    return np.concatenate([pending, left])
            else:
                left = pending[:0]
        except Exception:  # anything unexpected: these rows go one by one (the python backend is exact)
            return pending
    values, gtheta = result
    outs[pending] = values
    c.stats.replays += len(pending)
    key = id(variant)
    if key in grads:
        grads[key] = (variant.params, grads[key][1] + gtheta)
    else:
        grads[key] = (variant.params, gtheta)
    return left
