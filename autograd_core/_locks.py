"""A re-entrant lock that a KeyboardInterrupt cannot leave held.

``with threading.RLock():`` has gaps: CPython can run a signal handler, and raise its exception,
after ``acquire`` returned and before the block is entered, or on the way into ``__exit__``
(CPython 3.13 checks for signals right after every call into C, which makes this common). The
thread then keeps the lock for good: it works on, the lock being re-entrant, while every other
thread that calls ``backward()`` waits forever (seen after SIGALRM interrupts of a pass).

:class:`InterruptSafeLock` heals such leaks instead of masking signals. Each thread records the
frame of every block it enters. A thread that enters while it already owns the lock (a nested
block, or a leak) keeps the records whose frames are still running on its stack, drops the
others, and releases every level of the lock that no live record accounts for. The common
entry (the lock not owned by this thread) costs one extra check.
"""

from __future__ import annotations

import sys
import threading
from types import FrameType, TracebackType

__all__ = ["InterruptSafeLock"]


class _Holders(threading.local):
    def __init__(self) -> None:
        self.frames: list[FrameType] = []  # the frames of this thread's open blocks, outermost first


class InterruptSafeLock:
    """``with lock:`` as with :class:`threading.RLock`, healed after an interrupt left it held."""

    __slots__ = ("_lock", "_holders")

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._holders = _Holders()

    def __enter__(self) -> None:
        lock = self._lock
        if lock._is_owned():  # type: ignore[attr-defined]  # RLock's own check, as threading.Condition uses it
            self._heal(sys._getframe(1))
        lock.acquire()
        self._holders.frames.append(sys._getframe(1))

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._holders.frames.pop()
        self._lock.release()

    def _heal(self, caller: FrameType) -> None:
        """Release the levels of the lock that no block still running on this thread's stack holds."""
        live = set()
        frame: FrameType | None = caller
        while frame is not None:
            live.add(id(frame))  # a recorded frame is kept alive by the record: its id is its own
            frame = frame.f_back
        frames = self._holders.frames
        frames[:] = [f for f in frames if id(f) in live]
        for _ in range(self._lock._recursion_count() - len(frames)):  # type: ignore[attr-defined]
            self._lock.release()
