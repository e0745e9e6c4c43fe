"""Modes of the engine: recording (:func:`no_grad`), an observer, a comparison watcher.

A mode lives in a :class:`contextvars.ContextVar`, as PyTorch keeps its grad mode per
thread: a mode entered in one thread or asyncio task never reaches another. The engine's
hot paths read only :data:`_active`, a count of open mode blocks, and look the context
up only when it is not zero.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from ._locks import InterruptSafeLock

__all__ = [
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "set_observer",
    "get_observer",
    "observing",
    "watch_comparisons",
]


class _Mode(NamedTuple):
    record: bool = True  # False inside no_grad(): results are new leaves
    observer: Any = None  # created(node) / propagating(node), e.g. detect_anomaly
    watcher: Callable[..., None] | None = None  # sees comparisons, bool() and float() of Values


_DEFAULT = _Mode()
_MODE: ContextVar[_Mode] = ContextVar("autograd_core.mode", default=_DEFAULT)
_current_mode = _MODE.get

# How many mode blocks are open in any thread or task. While it is 0 every context is in
# the default mode, and the hot paths skip the context-variable look-up altogether.
_active = 0
_active_lock = InterruptSafeLock()  # an interrupt cannot leave it held (the next no_grad() would hang)
_followers: list[Callable[[int], None]] = []  # told the new count (value.py keeps it in a global)


def _count(delta: int) -> None:
    global _active
    with _active_lock:
        _active += delta
        for follow in _followers:
            follow(_active)


def _mode() -> _Mode | None:
    """The current context's mode, or ``None`` for the default (record, no observer)."""
    if not _active:
        return None
    mode = _current_mode()
    return None if mode is _DEFAULT else mode


@contextmanager
def _entered(**changes: Any) -> Iterator[_Mode]:
    _count(1)
    mode = _current_mode()._replace(**changes)
    token = _MODE.set(mode)
    try:
        yield mode
    finally:
        _MODE.reset(token)
        _count(-1)


def is_grad_enabled() -> bool:
    """Whether basic functions record their inputs here (see :func:`no_grad`)."""
    return _current_mode().record


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block (this thread or task only), results are new leaves: nothing to backpropagate."""
    with _entered(record=False):
        yield


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record again inside a :func:`no_grad` block (this thread or task only)."""
    with _entered(record=True):
        yield


@contextmanager
def observing(observer: Any) -> Iterator[None]:
    """Install ``observer`` for this block (this thread or task only); see :func:`set_observer`."""
    with _entered(observer=observer):
        yield


def get_observer() -> Any:
    """The observer installed in the current context, or ``None``."""
    return _current_mode().observer


def set_observer(observer: Any) -> Any:
    """Install ``observer`` (or ``None``) in the current context and return the previous one.

    An observer has ``created(node)``, called for every node a basic function makes, and
    ``propagating(node)``, called by ``backward`` just before a node's gradient is pushed to
    its parents. ``autograd_core.testing.detect_anomaly`` is built on it. Prefer
    :func:`observing`, which restores the previous observer by itself.
    """
    mode = _current_mode()
    previous = mode.observer
    if (previous is None) != (observer is None):
        _count(1 if observer is not None else -1)
    _MODE.set(mode._replace(observer=observer))
    return previous


@contextmanager
def watch_comparisons(callback: Callable[[str, Any, Any, Any], None]) -> Iterator[None]:
    """Inside this block, ``callback(op, left, right, result)`` sees how Python code reads Values.

    ``op`` is ``"lt" "le" "gt" "ge"`` for a comparison (``left`` is the Value whose method ran;
    ``==`` is identity and not watched), ``"bool"`` for ``bool(v)`` and ``"float"`` for ``float(v)``, ``round``,
    format specs and ``v.item()`` (``right`` is ``None``). ``compile`` records these as guards.
    ``"max"``: :func:`autograd_core.functions.max_data` read the data of ``left`` (a tuple of
    Values and numbers) and returned ``result`` (``compile`` replays recompute it).
    """
    if not callable(callback):
        raise TypeError(f"watch_comparisons: callback must be callable, got {type(callback).__name__}")
    with _entered(watcher=callback):
        yield


def _watch(op: str, left: Any, right: Any, result: Any) -> Any:
    """Show a read of a Value to the current context's watcher, if any; return ``result``."""
    mode = _mode()
    if mode is not None and mode.watcher is not None:
        mode.watcher(op, left, right, result)
    return result
