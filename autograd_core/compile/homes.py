"""Where a compiled function's parameters live, so that a replaced parameter is noticed.

A replay reads and writes the parameter objects it found during the trace. A model's
containers are live (``neuron.w[0] = Value(0.5)`` puts a new leaf in place of the old one),
so the places that held each parameter when it was traced are checked before a replay.
They are found by walking what ``f`` can reach (its closure cells, defaults, the globals it
names, a bound method's object), through lists, tuples, dicts, instances' attributes and the
functions found there, as guards on a module's attributes do in other tracing compilers.
If one of these places now holds another object, the traces are stale and ``f`` is traced
again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from operator import is_
from types import BuiltinFunctionType, CellType, CodeType, FunctionType, MethodType, ModuleType
from typing import Any

from ..value import Value

__all__ = ["Homes", "MAX_WALK", "reachable"]

MAX_WALK = 1_000_000
"""At most this many objects are visited looking for the parameters (then the walk stops)."""

_PLAIN = {float, int, str, bool}  # nothing to find in these: not pushed
_OPAQUE = (ModuleType, type, BuiltinFunctionType, str, bytes, float, int, bool, complex, CodeType)


class Homes:
    """The places holding a compiled function's parameters; :meth:`moved` names one that changed."""

    __slots__ = ("lists", "slots", "cells", "_fast")

    def __init__(self) -> None:
        self.lists: list[tuple[list[Any], int, list[int], tuple[Value, ...]]] = []  # (list, last index, indices, items)
        self.slots: list[tuple[dict[Any, Any], Any, Any]] = []  # (dict, key, parameter)
        self.cells: list[tuple[CellType, Any]] = []
        self._fast: tuple[list[Any], ...] = ([], [], [], [], [])

    def find(self, f: Callable[..., Any], params: Sequence[Value]) -> None:
        """Note every list item, dict value, attribute and closure cell that holds one of
        ``params``, among the objects ``f`` reaches (:func:`reachable`)."""
        self.lists, self.slots, self.cells = [], [], []
        mine = {id(p): p for p in params}
        if not mine:
            return
        for x in reachable(f):
            kind = type(x)
            if kind is list:
                at = [i for i, v in enumerate(x) if mine.get(id(v)) is v]
                if at:
                    self.lists.append((x, at[-1], at, tuple(x[i] for i in at)))
            elif kind is dict:
                self.slots += [(x, k, v) for k, v in x.items() if mine.get(id(v)) is v]
            elif kind is CellType:
                try:
                    v = x.cell_contents
                except ValueError:  # an empty cell
                    continue
                if mine.get(id(v)) is v:
                    self.cells.append((x, v))
            elif kind is FunctionType:
                names = _global_names(x)
                self.slots += [(x.__globals__, n, v) for n, v in names.items() if mine.get(id(v)) is v]
        holders = [h for h, _, _, _ in self.lists]
        self._fast = (
            holders,
            [list(h) for h in holders],  # every item of those lists, as they are now
            [d for d, _, _ in self.slots],
            [k for _, k, _ in self.slots],
            [v for _, _, v in self.slots],
        )

    def moved(self) -> Value | None:
        """A parameter whose place (list item, attribute, global, closure cell) now holds something else."""
        holders, copies, dicts, keys, values = self._fast
        # Before every replay: when nothing changed (the usual case) one comparison at C speed of
        # the lists and attributes with copies made at the trace (items compare by identity
        # first, and Values only by identity), else a close look at the parameters' places.
        try:
            if holders == copies and list(map(dict.get, dicts, keys)) == values and not self.cells:
                return None
        except Exception:  # noqa: BLE001, S110 - an item's == raised (an array): look closely
            pass
        for holder, last, at, items in self.lists:
            if len(holder) <= last or not all(map(is_, map(holder.__getitem__, at), items)):
                return next((v for i, v in zip(at, items) if i >= len(holder) or holder[i] is not v), items[0])
        for attrs, key, v in self.slots:
            if attrs.get(key) is not v:
                return v  # type: ignore[no-any-return]
        for cell, v in self.cells:
            try:
                if cell.cell_contents is not v:
                    return v  # type: ignore[no-any-return]
            except ValueError:  # the cell was emptied (del)
                return v  # type: ignore[no-any-return]
        return None


def reachable(f: Any) -> Iterator[Any]:
    """Every object ``f`` reaches, each once (iteratively, at most :data:`MAX_WALK`): its closure
    cells, defaults, the globals it names, a bound method's object, and through lists, tuples,
    sets, dicts, instances' attributes and slots and the functions found there. Values are
    yielded but not looked into; numbers, strings and tuples of those (two deep) are not yielded."""
    seen: set[int] = set()
    stack: list[Any] = [f]
    while stack and len(seen) < MAX_WALK:
        x = stack.pop()
        if id(x) in seen:
            continue
        seen.add(id(x))
        yield x
        if isinstance(x, (Value, *_OPAQUE)):
            continue
        kind = type(x)
        if kind is list or kind is tuple or kind is set or kind is frozenset:
            stack += [v for v in x if v.__class__ not in _PLAIN and (v.__class__ is not tuple or _holds(v))]
        elif kind is dict:
            stack += x.values()
        elif kind is CellType:
            try:
                stack.append(x.cell_contents)
            except ValueError:  # an empty cell
                pass
        elif kind is FunctionType:
            stack += x.__closure__ or ()
            stack += x.__defaults__ or ()
            stack += (x.__kwdefaults__ or {}).values()
            stack += _global_names(x).values()
        elif kind is MethodType:
            stack += (x.__self__, x.__func__)
        else:
            attrs = getattr(x, "__dict__", None)
            if type(attrs) is dict:
                stack.append(attrs)
                call = type(x).__dict__.get("__call__")  # a callable object: its method's globals
                if isinstance(call, FunctionType):
                    stack.append(call)
            stack += [getattr(x, name, None) for name in _slot_names(kind)]


def _holds(t: tuple[Any, ...]) -> bool:
    """Whether a tuple may hold something to find: more than numbers, strings and tuples of those
    (data rows, ``(name, (indices))`` records are not walked)."""
    for v in t:
        kind = v.__class__
        if kind not in _PLAIN and (kind is not tuple or not set(map(type, v)) <= _PLAIN):
            return True
    return False


def _global_names(fn: FunctionType) -> dict[str, Any]:
    """The globals a function's code may read, with their values."""
    g = fn.__globals__
    return {n: g[n] for n in _names(fn.__code__) if n in g}


def _names(code: CodeType) -> list[str]:
    """Global names a function's code (and the code of functions defined in it) may read."""
    names: list[str] = []
    stack = [code]
    while stack:
        c = stack.pop()
        names += c.co_names
        stack += [k for k in c.co_consts if isinstance(k, CodeType)]
    return names


def _slot_names(kind: type) -> list[str]:
    names: list[str] = []
    for klass in kind.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names += [slots] if isinstance(slots, str) else [s for s in slots if s not in ("__dict__", "__weakref__")]
    return names
