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
from typing import TYPE_CHECKING, Any

from .._bulk import adder, read
from .._extras import require
from ..rules import add_all
from ..value import is_grad_enabled
from .numpy_codegen import NumpyProgram, filled, generate_numpy
from .numpy_rules import Unsupported
from .over import REDUCTIONS, _count, _rows

if TYPE_CHECKING:
    from .compiled import Compiled, _Variant

__all__ = ["BACKENDS", "numpy_module", "program_of", "run_call_numpy", "run_over_numpy"]

BACKENDS = ("python", "numpy")
_NUMBERS = {float, int}
_ROWS = {list, tuple}
np: Any = None
"""numpy, bound by :func:`numpy_module`, which every ``Compiled`` of the numpy backend calls first."""


def numpy_module() -> Any:
    """numpy, or ``MissingExtra`` naming ``pip install "autograd-core[numpy]"``."""
    global np  # noqa: PLW0603 - bound once: the functions below run often and are short
    np = require("numpy", "numpy", 'compile(..., backend="numpy")')
    return np


def program_of(c: Compiled, variant: _Variant) -> NumpyProgram | None:
    """The variant's batch program (generated once), or None if a rule has no source text."""
    program = variant.numpy
    if program is False:
        try:
            program = generate_numpy(variant.trace)
            c.stats.source_lines = program.source.count("\n")
        except Unsupported as what:
            program = None
            c.stats.source_lines = variant.program.source.count("\n")
            c.stats.warnings.append(f"numpy backend: rule {what} has no source text; its examples run one by one")
        variant.numpy = program
    return program  # type: ignore[no-any-return]


def _batch(c: Compiled, datasets: Sequence[Sequence[Any]], n: int) -> Any:
    """The examples as one (n, flat arguments) float array; bad input is reported by the
    per-example check of :func:`.over._rows`. A float array of the right shape as the only data
    set is used as it is (the program only reads it): nothing is copied, so a change the user
    makes in place is seen by the next call; several are copied side by side into one array."""
    parts: list[tuple[Any, int]] = []
    data: Any
    for data, spec in zip(datasets, c._specs):
        if data.__class__ is not np.ndarray:
            if not _plain(data, spec):
                break
            try:
                data = np.asarray(data)
            except (ValueError, TypeError):
                break
        if data.dtype.kind not in "fiu" or len(data) != n:
            break
        if spec is None and data.ndim == 1:
            parts.append((data, 1))
        elif spec is not None and data.ndim == 2 and data.shape[1] == len(spec) == spec.count(None):
            parts.append((data, len(spec)))
        else:
            break
    else:
        if len(parts) == 1:
            data, width = parts[0]
            return data.reshape(n, width).astype(float, copy=False)
        A = np.empty((n, sum(width for _, width in parts)))  # filled part by part: on a cold
        at = 0  # cache, a third of np.concatenate's time
        for data, width in parts:
            A[:, at : at + width] = data.reshape(n, width)
            at += width
        return A
    return np.array(_rows(c, datasets), dtype=float).reshape(n, -1)


def _plain(data: Any, spec: Any) -> bool:
    """Whether ``data`` is a list of floats (ints) or of flat lists of them: bools, Values and
    anything else take the per-example path, which names what is wrong."""
    if spec is None:
        return set(map(type, data)) <= _NUMBERS
    return set(map(type, data)) <= _ROWS and set(map(type, chain.from_iterable(data))) <= _NUMBERS


def run_over_numpy(c: Compiled, datasets: Sequence[Sequence[Any]], reduce: str) -> float:
    """``reduce_i f(*example_i)`` over the examples as arrays; gradients into ``.grad`` (values
    only inside ``no_grad()``, as the engine)."""
    if reduce not in REDUCTIONS:
        raise ValueError(f"compile over: reduce must be one of {', '.join(map(repr, REDUCTIONS))}, got {reduce!r}")
    n = _count(c, datasets)
    c._check_parameters()  # a parameter replaced where it lives: trace again first
    total = _run_all(c, _batch(c, datasets, n), 1.0 / n if reduce == "mean" else 1.0)
    return total * (1.0 / n) if reduce == "mean" else total


def run_call_numpy(c: Compiled) -> float:
    """``c()`` of a function of the parameters alone (a penalty): its batch program on one empty
    row, ``.grad`` of the parameters accumulated as ``c.over`` does."""
    c._check_parameters()
    kept = c.last_values  # the last over()'s values stay
    total = _run_all(c, np.zeros((1, 0)), 1.0)
    c.last_values = kept
    return total


def _run_all(c: Compiled, A: Any, seed: float) -> float:
    """Σ_i f(row i of A), each row's gradient weighted by ``seed``, into ``.grad`` (values only
    inside ``no_grad()``); ``c.last_values`` the rows' values."""
    n = len(A)
    variant = c._current
    params = variant.params
    k = len(params)
    grad = is_grad_enabled()
    # the usual case, every row in one batch of the current variant, reads .data and .grad of
    # the parameters in one pass and writes .grad = (.grad read) + (the batch's gradient); a
    # .grad that is not a float or an int (None, say) is added to as Python adds (its error)
    both = read(params, "data+grad", convert=False) if grad else None
    theta = read(params) if both is None else both[:k]
    first = _replay_rows(c, variant, A, filled(n, seed), theta)
    if first.__class__ is not tuple:
        return _split(c, A, seed, grad, first)
    values, gtheta = first
    if grad:
        if both is None:
            adder(k)(params, gtheta)
        else:
            adder(k, "grad", "=")(params, both[k:] + gtheta)
    c.stats.calls += n
    c.stats.replays += n
    return _values(c, values)


def _replay_rows(c: Compiled, variant: _Variant, rows: Any, w: Any, theta: Any = None) -> Any:
    """``(values, d sum_i w_i f_i / d theta)`` of ``rows`` by the variant's batch program (theta:
    the parameters' ``.data``, read here if not given), the mask of the rows it cannot replay, or
    None (no program, or it raised: those rows go elsewhere)."""
    program = program_of(c, variant)
    if program is None:
        return None
    if theta is None:
        theta = read(variant.params)
    with np.errstate(all="ignore"):
        try:  # inside no_grad(), the forward part only: (values, None)
            return program.function(is_grad_enabled())(theta, rows, w)
        except Exception:  # anything unexpected: these rows go one by one (the python backend is exact)
            return None


def _split(c: Compiled, A: Any, seed: float, grad: bool, first: Any) -> float:
    """The rows of ``A`` through every variant in turn, the current one first (its result
    ``first`` is a mask or None), the rest one by one through ``c._run``; returns the sum."""
    n = len(A)
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
                pending = _run_variant(c, variant, A, pending, seed, outs, grads, first)
                first = False
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
    if grad:
        for variant_params, gtheta in grads.values():
            adder(len(variant_params))(variant_params, gtheta)
    stats.calls += n
    return _values(c, outs)


def _values(c: Compiled, values: Any) -> float:
    """The rows' values (an array) as ``c.last_values``; their sum, in the examples' order as
    the python backend adds them."""
    outs: list[float] = values.tolist()
    c.last_values = outs
    total: float = add_all(outs)
    return total


def _run_variant(
    c: Compiled,
    variant: _Variant,
    A: Any,
    pending: Any,
    seed: float,
    outs: Any,
    grads: dict[int, Any],
    first: Any = False,
) -> Any:
    """Replay ``pending`` rows through one variant's batch program; return the rows left.
    ``first``: the program's result on every row, if already known (else False)."""
    rows = A if len(pending) == len(A) else A[pending]
    w = filled(len(pending), seed)
    result = _replay_rows(c, variant, rows, w) if first is False else first
    if result is None:
        return pending
    if result.__class__ is not tuple:  # a mask: some rows cannot be replayed by this variant
        c.stats.split_batches += 1
        good = ~result
        if not good.any():
            return pending
        left = pending[result]
        pending = pending[good]
        result = _replay_rows(c, variant, rows[good], w[good])
        if result is None:
            return np.concatenate([pending, left])
        if result.__class__ is not tuple:
            return np.concatenate([pending, left])
    else:
        left = pending[:0]
    values, gtheta = result
    outs[pending] = values
    c.stats.replays += len(pending)
    key = id(variant)
    if gtheta is None:  # inside no_grad()
        return left
    if key in grads:
        grads[key] = (variant.params, grads[key][1] + gtheta)
    else:
        grads[key] = (variant.params, gtheta)
    return left
