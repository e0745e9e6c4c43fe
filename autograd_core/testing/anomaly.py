"""``detect_anomaly()``: stop at the first nan or inf, forward or backward, and say where it came from.

Built on :func:`autograd_core.value.observing`: while active (in this thread or task only), every node a basic
function makes has its creation site (the innermost frame outside the library) recorded
and its value checked; ``backward`` checks each gradient contribution ``d * g`` pushed
from a node to its parents. Only ``Value.backward`` reports backward anomalies: the
float path of :func:`autograd_core.grad` does not call the observer.
"""

from __future__ import annotations

import math
import os
import sys
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from ..rules import Undefined
from ..value import Value, get_observer, observing
from ._numeric import describe_input

__all__ = ["AnomalyError", "detect_anomaly"]

_ENGINE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _library_dirs() -> tuple[str, ...]:
    """autograd_core, and the sibling ``nn`` package of this project if it sits next to it."""
    dirs = [_ENGINE_DIR + os.sep]
    sibling = os.path.join(os.path.dirname(_ENGINE_DIR), "nn")
    if os.path.isdir(sibling):
        dirs.append(sibling + os.sep)
    return tuple(dirs)


class AnomalyError(FloatingPointError):
    """A forward value or a gradient became nan or inf under :func:`detect_anomaly`.

    A ``FloatingPointError`` (an ``ArithmeticError``), so it is not mistaken for the
    engine's ``ValueError`` about an undefined derivative.
    """


class _Observer:
    """Records creation sites; raises on non-finite forward values and gradient contributions."""

    def __init__(self, previous: Any) -> None:
        self.previous = previous
        self.sites: weakref.WeakKeyDictionary[Value, str] = weakref.WeakKeyDictionary()
        self.library = _library_dirs()

    def site_of(self, node: Value) -> str:
        """``created at file:line``, or a note that the node predates this context."""
        site = self.sites.get(node)
        return f"created at {site}" if site else "created before detect_anomaly() was entered"

    def _where(self) -> str:
        frame: FrameType | None = sys._getframe(2)
        while frame is not None and frame.f_code.co_filename.startswith(self.library):
            frame = frame.f_back
        if frame is None:
            return "unknown site"
        return f"{frame.f_code.co_filename}:{frame.f_lineno}"

    def _inputs(self, node: Value) -> str:
        parts = []
        for a in node.inputs:
            text = describe_input(a)
            if isinstance(a, Value) and a.op:
                text += f" [{self.site_of(a)}]"
            parts.append(text)
        return ", ".join(parts)

    def created(self, node: Value) -> None:
        self.sites[node] = site = self._where()
        if self.previous is not None:
            self.previous.created(node)
        if not math.isfinite(node.data):
            raise AnomalyError(
                f"forward: '{node.op or 'constant'}' produced {node.data!r} at {site}, "
                f"from inputs ({self._inputs(node)})"
            )

    def propagating(self, node: Value) -> None:
        if self.previous is not None:
            self.previous.propagating(node)
        g = node.grad
        if not math.isfinite(g):
            raise AnomalyError(
                f"backward: the gradient arriving at '{node.op}' node ({self.site_of(node)}) is already {g!r}"
            )
        for k, (parent, d) in enumerate(zip(node.parents, node.local_grads)):
            if isinstance(d, Undefined):
                continue  # the engine raises its own ValueError when it multiplies by it
            new = parent.grad + d * g
            if not math.isfinite(new):
                raise AnomalyError(
                    f"backward: '{node.op}' ({self.site_of(node)}) made the gradient of its "
                    f"input {k} ({describe_input(parent)}) {new!r}: local derivative {d!r} times "
                    f"incoming gradient {g!r}; inputs ({self._inputs(node)})"
                )


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside this block a nan/inf value or gradient raises :class:`AnomalyError` at its source.

    The message names the basic function, its inputs and the ``file:line`` where the node
    was created. Nesting is fine: the previous observer is kept informed and restored. The mode
    belongs to the current thread or asyncio task: others are not checked.
    """
    with observing(_Observer(get_observer())):
        yield
