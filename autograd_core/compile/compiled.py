"""The compiled callable: replays, guards and re-tracing, the engine as the fallback.

``c(*args)`` runs the generated code of the current variant (one trace). If a guard
flips, the other variants are tried, and if none applies ``f`` is traced again on these
arguments (a new variant, counted in ``c.stats``). Whenever a replay cannot reproduce the
engine exactly (a domain error, an undefined derivative, an overflow, nan inputs that
reach the overflow check), the call is run through the engine itself: same value, same
gradients, same exception.
"""

from __future__ import annotations

import gc
import math
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ..graph import topological_order
from ..value import Value, is_grad_enabled
from .codegen import GuardFailed, Program, UseEngine, generate
from .homes import Homes
from .numpy_backend import BACKENDS, numpy_module, program_of, run_call_numpy, run_over_numpy
from .over import _replay, run_over, run_values
from .trace import Spec, Trace, arg_names, flatten, kinds_of, shape_of, trace, unflatten

__all__ = [
    "Compiled",
    "CompiledForward",
    "CompileStats",
    "CheckReport",
    "CompileWarning",
    "compile",
    "compile_forward",
]

MAX_VARIANTS = 32
"""At most this many traces are kept per compiled function (the oldest goes first)."""

WARN_AFTER = 10
"""Calls before :class:`CompileWarning` may say that retraces and engine fallbacks dominate
(at least half of the calls), once per compiled function."""


class CompileWarning(UserWarning):
    """A compiled function mostly retraces or runs through the engine: slower than the engine
    alone (``c.stats.reasons`` says why). Issued once per compiled function."""


@dataclass
class CompileStats:
    """Counters of a compiled function (``c.stats``).

    :param calls: calls ``c(*args)`` and examples of ``c.over(...)``.
    :param replays: calls answered by generated code.
    :param guard_failures: replays where a recorded comparison came out differently.
    :param retraces: times ``f`` was traced again because no variant's guards held.
    :param engine_replays: calls run through the engine (errors, nan/inf, undefined derivatives).
    :param variants: traced variants kept.
    :param float_reads: ``float(v)``/``round``/``format`` of Values during traces (invisible to guards).
    :param compile_seconds: time spent tracing and generating code.
    :param source_lines: lines of generated source (the numpy backend: of its batch program, once made).
    :param split_batches: numpy backend: batches split because some rows' guards came out
        differently (or a value was inf or nan).
    :param examples_one_by_one: numpy backend: examples no batch program could replay, run one by one.
    :param warnings: the warnings issued, in order.
    :param reasons: why calls were traced again or run through the engine, with counts.
    """

    calls: int = 0  # c(*args) and examples of c.over(...)
    replays: int = 0  # answered by generated code
    guard_failures: int = 0  # a recorded comparison came out differently
    retraces: int = 0  # f traced again because no variant's guards held
    engine_replays: int = 0  # run through the engine (errors, nan/inf, undefined derivatives)
    variants: int = 0
    float_reads: int = 0  # float(v)/round/format of Values during traces: invisible to guards
    compile_seconds: float = 0.0
    source_lines: int = 0
    split_batches: int = 0  # numpy backend: batches split because rows' guards differed (or inf/nan)
    examples_one_by_one: int = 0  # numpy backend: examples no batch program could replay
    warnings: list[str] = field(default_factory=list)
    reasons: dict[str, int] = field(default_factory=dict)  # why calls were retraced or went through the engine


@dataclass
class CheckReport:
    """A replay compared with a fresh trace through the engine (``c.check(*args)``).

    :param ok: whether the replay matches the engine within ``rtol``.
    :param value: the replayed value of ``f``.
    :param expected: the engine's value of ``f`` on a fresh trace.
    :param max_relative_error: the largest relative difference over the value and the gradients.
    :param worst: which quantity differs most.
    :param float_reads: float reads during the fresh trace.
    :param unreplayed: nodes ``f`` computes that a replay skips (they reach no result or guard).
    """

    ok: bool
    value: float
    expected: float
    max_relative_error: float
    worst: str
    float_reads: int
    unreplayed: int = 0  # nodes f computes that a replay skips (their errors are not raised there)

    def __bool__(self) -> bool:
        return self.ok


class _Variant:
    """One trace and its program; its replay functions compiled on first use."""

    __slots__ = ("trace", "_program", "params", "owner", "call", "seeded", "over", "values", "numpy")

    def __init__(self, trace: Trace, program: Program | None, owner: Compiled) -> None:
        self.trace, self._program, self.params = trace, program, trace.params
        self.owner = weakref.ref(owner)  # no reference cycle: a dropped compiled function is freed at once
        self.numpy: Any = False  # the numpy backend's batch program, made on first use

    @property
    def program(self) -> Program:
        """The Python replay's source (the numpy backend generates it when first asked for: a
        single example, a row the batch leaves to the python replay, ``c.python_source``)."""
        program = self._program
        if program is None:
            t0 = time.perf_counter()
            owner = self.owner()
            with _collector_paused():
                program = self._program = generate(self.trace, "replay", owner is not None and owner._several)
            if owner is not None:
                owner.stats.compile_seconds += time.perf_counter() - t0
        return program

    def __getattr__(self, which: str) -> Any:  # call, seeded, over, values: compiled the first time
        if which not in ("call", "seeded", "over", "values"):
            raise AttributeError(which)
        t0 = time.perf_counter()
        try:
            fn = self.program.function(which)
        except (SyntaxError, RecursionError, MemoryError, ValueError) as error:  # a bug of codegen: say so once
            reason = f"the generated {which!r} function does not compile ({type(error).__name__}: {error})"
            owner = self.owner()
            if owner is not None:
                owner._warn(reason)

            def fn(*args: Any) -> Any:
                raise UseEngine(reason)

        owner = self.owner()
        if owner is not None:
            owner.stats.compile_seconds += time.perf_counter() - t0
        setattr(self, which, fn)
        return fn


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic collector off while a trace is made and turned into source: every object
    they allocate lives until then, so each collection would rescan the growing graph
    (compile time would grow faster than the graph). Its previous state is restored."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _why(error: BaseException) -> str:
    """The reason a replay gave up, as counted in ``c.stats.reasons``."""
    if isinstance(error, UseEngine):
        why = error.args[0] if error.args else "an inf or nan value, or an undefined derivative"
        return f"run through the engine: {why}"
    return f"run through the engine: the replay raised {type(error).__name__}"


def _rel(a: float, b: float) -> float:
    if a == b or (a != a and b != b):
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


class Compiled:
    """``f`` traced once and replayed as generated Python; see :func:`compile`.

    :param f: a function of Values (or lists of Values) returning one scalar Value.
    :param example_args: arguments to trace ``f`` on once; later calls take arguments of the same shapes.
    :param backend: ``"python"`` (one example at a time) or ``"numpy"`` (``over`` replays the whole
        data set as arrays; the ``numpy`` extra).
    """

    _several = False  # f returns one scalar Value

    def __init__(self, f: Callable[..., Any], example_args: Sequence[Any], backend: str = "python") -> None:
        if not callable(f):
            raise TypeError(f"compile: f must be callable, got {type(f).__name__}")
        if backend not in BACKENDS:
            raise ValueError(f"compile: backend must be one of {', '.join(map(repr, BACKENDS))}, got {backend!r}")
        if backend == "numpy":
            numpy_module()
        self.backend = backend
        self.f = f
        names = arg_names(f, len(example_args))
        self.arg_names = names
        self._where = [f"argument {i} ({n})" for i, n in enumerate(names)]
        self._specs: list[Spec] = [shape_of(a, w) for a, w in zip(example_args, self._where)]
        self._kinds = [kinds_of(a) for a in example_args]
        self.stats = CompileStats()
        self.last_values: list[float] = []  # f of each example of the last over() call
        self._variants: list[_Variant] = []
        self._warned = False
        self._homes = Homes()  # where the parameters of every variant live
        flat: list[float] = []
        flatten(example_args, self._specs, self._where, flat)
        self._example = flat  # the arguments of the latest trace (to trace again if a parameter is replaced)
        try:
            self._current = self._new_variant(flat)
        except (TypeError, ValueError) as error:  # f's own error on the example, or f's result
            if str(error).startswith("compile"):
                raise
            raise type(error)(
                f"compile: tracing f on the example arguments raised {type(error).__name__}: {error}"
            ) from error

    # --- tracing --------------------------------------------------------------------

    def _new_variant(self, flat: list[float]) -> _Variant:
        t0 = time.perf_counter()
        with _collector_paused():
            tr = trace(self.f, flat, self._specs, self._kinds, self.arg_names, self._several)
            lazy = self.backend == "numpy"  # its python replay is generated when first needed
            program = None if lazy else generate(tr, "replay", self._several)
        variant = _Variant(tr, program, self)
        self._example = flat
        stats = self.stats
        stats.compile_seconds += time.perf_counter() - t0
        stats.source_lines = 0 if program is None else program.source.count("\n")
        if tr.float_reads:
            stats.float_reads += tr.float_reads
            message = (
                f"f read {tr.float_reads} Value(s) as float during a trace (float(), round(), format): "
                "compile cannot guard such branches; c.check(*args) compares with the engine"
            )
            if message not in stats.warnings:
                stats.warnings.append(message)
        if tr.unreplayed:
            message = (
                f"f computes {tr.unreplayed} node(s) that reach neither its result nor a comparison: a replay "
                "skips them, so an error they would raise (a domain error, an overflow) is not raised; "
                "c.check(*args) runs f through the engine"
            )
            if message not in stats.warnings:
                stats.warnings.append(message)
        if tr.unprobed:
            message = (
                "f raised or changed its graph when run on slightly moved arguments and parameters, so compile "
                "could not tell a number f read from data (w.data) from a constant: a replay keeps such a "
                "number; c.check(*args) compares with the engine"
            )
            if self._warned and message not in stats.warnings:  # warned once already: kept in stats
                stats.warnings.append(message)
            self._warn(message)
        for what in tr.unsupported:
            stats.warnings.append(f"comparison not recorded as a guard: {what}")
        self._variants.append(variant)
        if len(self._variants) > MAX_VARIANTS:
            self._variants.pop(0)
        self._homes.find(self.f, list({id(p): p for v in self._variants for p in v.params}.values()))
        stats.variants = len(self._variants)
        return variant

    @property
    def source(self) -> str:
        """The generated code of the current variant, forward then backward: the Python replay
        of one example, or with ``backend="numpy"`` the batch program that :meth:`over` runs."""
        if self.backend == "numpy":
            program = program_of(self, self._current)
            if program is not None:
                return program.source
        return self._current.program.source

    @property
    def python_source(self) -> str:
        """The generated Python replay of one example (``c(*args)``), whatever the backend."""
        return self._current.program.source

    @property
    def over_source(self) -> str:
        """The generated data-set loop used by :meth:`over`."""
        return self._current.program.over_source

    @property
    def parameters(self) -> list[Value]:
        """The leaves (other than the arguments) whose ``.data`` is read and ``.grad`` filled."""
        return list(self._current.params)

    # --- replay -----------------------------------------------------------------------

    def flat_arguments(self, args: Sequence[Any], where: Sequence[str] | None = None) -> list[float]:
        """The arguments as one flat list of floats, checked against the example's nesting."""
        flat: list[float] = []
        flatten(args, self._specs, self._where if where is None else where, flat)
        return flat

    def __call__(self, *args: Any) -> float:
        """``f(*args)`` as a float; d f / d leaf accumulated into ``.grad`` of its leaves."""
        if self.backend == "numpy" and not args and not self._specs:  # f of the parameters alone
            return run_call_numpy(self)
        return self._run(self.flat_arguments(args), 1.0)

    def _run(self, flat: list[float], seed: float) -> float:
        stats = self.stats
        stats.calls += 1
        self._check_parameters()
        if not is_grad_enabled():  # as the engine under no_grad(): the value, no gradient anywhere
            value: float = self._value_only(flat)
            return value
        current = self._current
        result: float
        try:
            result = (current.call if seed == 1.0 else current.seeded)(current.params, flat, seed)
            stats.replays += 1
            return result
        except GuardFailed:
            stats.guard_failures += 1
        except Exception as error:
            return self._engine(flat, seed, error)
        for variant in reversed(self._variants):
            if variant is current:
                continue
            try:
                result = (variant.call if seed == 1.0 else variant.seeded)(variant.params, flat, seed)
            except GuardFailed:
                continue
            except Exception as error:
                return self._engine(flat, seed, error)
            self._current = variant
            stats.replays += 1
            return result
        self._retrace(flat, "a guard flipped on every traced variant")
        variant = self._current
        try:
            result = (variant.call if seed == 1.0 else variant.seeded)(variant.params, flat, seed)
        except Exception as error:  # includes a guard failing right after its own trace (f is not deterministic)
            return self._engine(flat, seed, error)
        stats.replays += 1
        return result

    def _value_only(self, flat: list[float]) -> Any:
        """One call inside ``no_grad()``: a forward replay of a variant whose guards hold, else the engine."""
        results: list[Any] = [None]
        if _replay(self, [0], results, lambda v, batch: v.values(v.params, batch), [flat]):
            self._count("inside no_grad(), no traced variant applies")
            return self._engine_value(flat)
        self.stats.replays += 1
        value: float = results[0]
        return value

    def _retrace(self, flat: list[float], reason: str) -> None:
        self.stats.retraces += 1
        self._current = self._new_variant(flat)
        self._count(f"traced again: {reason}")

    def _check_parameters(self) -> None:
        """If a parameter was replaced where it lives, drop every variant and trace again (on the
        latest trace's arguments): the next replay reads and writes the new parameters."""
        moved = self._homes.moved()
        if moved is None:
            return
        shown = f"'{moved.label}'" if moved.label else "an unlabelled leaf"
        self._variants, self._homes = [], Homes()
        self._retrace(self._example, f"a parameter ({shown}) was replaced in its list, attribute or variable")

    def _count(self, reason: str) -> None:
        """Count a retrace or an engine fallback; warn once if they make up most calls."""
        stats = self.stats
        stats.reasons[reason] = stats.reasons.get(reason, 0) + 1
        slow = stats.retraces + stats.engine_replays
        if stats.calls >= WARN_AFTER and 2 * slow >= stats.calls:
            top = sorted(stats.reasons.items(), key=lambda kv: -kv[1])[:3]
            shown = "; ".join(f"{n} x {r}" for r, n in top)
            self._warn(
                f"{stats.retraces} retraces and {stats.engine_replays} engine fallbacks in {stats.calls} calls "
                f"({shown}): slower than the engine alone"
            )

    def _warn(self, message: str) -> None:
        """A :class:`CompileWarning` (once per compiled function), also kept in ``stats.warnings``."""
        if self._warned:
            return
        self._warned = True
        name = getattr(self.f, "__qualname__", type(self.f).__name__)
        self.stats.warnings.append(message)
        warnings.warn(f"compile({name}): {message}", CompileWarning, stacklevel=4)

    def _engine(self, flat: list[float], seed: float, error: BaseException | None = None) -> float:
        """The call through the engine: ``f`` on fresh Values, then ``backward(seed)``."""
        self.stats.engine_replays += 1
        if error is not None:
            self._count(_why(error))
        leaves = [Value(x, label) for x, label in zip(flat, self._current.trace.arg_labels)]
        out = self.f(*unflatten(leaves, self._specs, self._kinds))
        if not isinstance(out, Value):
            raise TypeError(f"compile: f must return one scalar Value, got {type(out).__name__}")
        out.backward(seed)
        return out.data

    def over(self, *datasets: Sequence[Any], reduce: str = "mean") -> float:
        """``f`` over a data set: example i is ``(datasets[0][i], datasets[1][i], ...)``; see :mod:`.over`.

        ``c.last_values`` then holds f's value for each example (no extra pass)."""
        if self.backend == "numpy":
            return run_over_numpy(self, datasets, reduce)
        return run_over(self, datasets, reduce)

    def values(self, *datasets: Sequence[Any]) -> list[float]:
        """``[f(*example_i).data for each example]``, forward only: no gradient is touched."""
        return run_values(self, datasets)

    def _engine_value(self, flat: list[float]) -> Any:
        from ..value import no_grad

        self.stats.engine_replays += 1
        leaves = [Value(x, label) for x, label in zip(flat, self._current.trace.arg_labels)]
        with no_grad():
            out = self.f(*unflatten(leaves, self._specs, self._kinds))
        if self._several:
            outs = list(out) if isinstance(out, (list, tuple)) else [out]
            if any(not isinstance(o, Value) for o in outs):
                raise TypeError(f"compile_forward: f must return a Value or a list of Values, got {out!r:.60}")
            return tuple(o.data for o in outs)
        if not isinstance(out, Value):
            raise TypeError(f"compile: f must return one scalar Value, got {type(out).__name__}")
        return out.data

    # --- checking ---------------------------------------------------------------------

    def check(self, *args: Any, rtol: float = 1e-12) -> CheckReport:
        """Replay ``args`` and compare value and gradients with a fresh trace through the engine.

        ``.grad`` of every leaf involved is left as it was. Use it for functions that may
        branch on ``float(v)`` or ``v.data``, which guards cannot see.
        """
        flat = self.flat_arguments(args)
        leaves = [Value(x, label) for x, label in zip(flat, self._current.trace.arg_labels)]
        from ..value import watch_comparisons

        reads = [0]

        def count(op: str, left: Any, right: Any, result: Any) -> None:
            if op == "float":
                reads[0] += 1

        with watch_comparisons(count):
            out = self.f(*unflatten(leaves, self._specs, self._kinds))
        if not isinstance(out, Value):
            raise TypeError(f"compile: f must return one scalar Value, got {type(out).__name__}")
        ids = {id(v) for v in leaves}
        params = {id(v): v for v in topological_order(out) if v.is_leaf() and id(v) not in ids}
        for variant in self._variants:
            params.update((id(p), p) for p in variant.params)
        saved = {k: p.grad for k, p in params.items()}
        try:
            for p in params.values():
                p.grad = 0.0
            out.backward()
            expected = {k: p.grad for k, p in params.items()}
            for p in params.values():
                p.grad = 0.0
            value = self._run(flat, 1.0)
            got = {k: p.grad for k, p in params.items()}
        finally:
            for k, p in params.items():
                p.grad = saved[k]
        worst, label = _rel(value, out.data), "value"
        for k, p in params.items():
            e = _rel(got[k], expected[k])
            if e > worst or (math.isnan(e) and not math.isnan(worst)):
                worst, label = e, f"grad of {p.label or 'an unlabelled leaf'}"
        return CheckReport(worst <= rtol, value, out.data, worst, label, reads[0], self._current.trace.unreplayed)

    def __repr__(self) -> str:
        name = getattr(self.f, "__qualname__", type(self.f).__name__)
        return f"<compiled {name}: {len(self._variants)} variant(s), {self.stats.source_lines} lines>"


def compile(f: Callable[..., Any], *example_args: Any, backend: str = "python") -> Compiled:  # noqa: A001
    """Trace ``f(*example_args)`` once and return a callable that replays it as generated Python.

    Each example argument is a float or a nested list/tuple of floats; ``f`` gets Values of
    the same nesting and must return one scalar Value. ``c = compile(f, *example_args)``:

    - ``c(*args)`` returns ``f(*args)`` as a float and accumulates d f / d leaf into ``.grad``
      of every leaf ``f`` reached other than the arguments (a model's parameters), exactly
      as ``f(...).backward()`` would, reading their current ``.data`` on every call;
    - ``c.over(X, Y, reduce="mean")`` does the same over a data set (parameters read once,
      gradients summed in locals); ``c.source`` is the generated code;
    - comparisons and ``bool()`` of Values during the trace are guards: when one would
      flip, ``f`` is traced again (``c.stats``). Branches on ``float(v)`` or ``v.data`` are
      not seen (unsupported; ``c.check(*args)`` compares a replay with the engine).

    ``backend="numpy"`` (the ``numpy`` extra): ``c.over(X, Y)`` replays all examples at once
    as arrays along the batch axis, the neurons of a layer as one matrix product
    (``s1 = x0 @ W1.T + b1``); examples whose guards differ from the trace's are split off and
    replayed by another variant or one by one (``c.stats``). ``c(*args)`` replays one example
    in Python as before; ``c.source`` shows the numpy program.
    """
    return Compiled(f, example_args, backend)


class CompiledForward(Compiled):
    """``f`` returning a Value or a list of Values, replayed forward only (no gradient is
    touched): predictions and evaluation at compiled speed. See :func:`compile_forward`.

    :param f: a function of Values (or lists of Values) returning a Value or a list of Values.
    :param example_args: arguments to trace ``f`` on once; later calls take arguments of the same shapes.
    :param backend: as for :class:`Compiled`; forward-only replays run in Python whichever it is.
    """

    _several = True

    def __call__(self, *args: Any) -> list[float]:  # type: ignore[override]
        """The outputs of ``f(*args)`` as floats."""
        return list(self.over(*[[a] for a in args])[0])

    def over(self, *datasets: Sequence[Any], reduce: str = "none") -> list[list[float]]:  # type: ignore[override]
        """The outputs of ``f`` for each example ``(datasets[0][i], datasets[1][i], ...)``."""
        if reduce != "none":
            raise ValueError(f"compile_forward over: only reduce='none' (outputs per example), got {reduce!r}")
        return [list(out) for out in run_values(self, datasets)]

    def values(self, *datasets: Sequence[Any]) -> list[float]:
        """The first output of ``f`` for each example."""
        return [out[0] for out in self.over(*datasets)]

    def check(self, *args: Any, rtol: float = 1e-12) -> CheckReport:
        raise TypeError("compile_forward: check() compares gradients; compare c(*args) with f(*args) instead")


def compile_forward(f: Callable[..., Any], *example_args: Any) -> CompiledForward:
    """Like :func:`compile` for a forward pass only: ``f`` may return a Value or a list of
    Values (a model's scores); ``c(*args)`` gives their floats, ``c.over(X)`` one list per
    example. Nothing is differentiated and no ``.grad`` is touched."""
    return CompiledForward(f, example_args)
