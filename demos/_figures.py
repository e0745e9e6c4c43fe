"""Figures drawn in a second process while the demo trains.

Importing matplotlib and drawing a demo's first figure take about a second, as long as the
digits demo takes to train. :class:`FigureProcess` starts one worker process when the demo
starts and has it run the demo's ``prepare`` function while the demo trains in the main
process: import matplotlib, build the figures (the digits demo drafts them with stand-in
results, to fill them with the run's at the end). At the end the demo hands it a module-level
function and plain data (lists, numbers, paths) with :meth:`FigureProcess.draw`, goes on
(checking the saved model), and :meth:`FigureProcess.wait` waits for the files.

On Linux, from a process that runs no other thread, the worker is forked (:func:`start_method`):
it starts with the demo's modules imported (a spawned one imports them again, a quarter of a
second). Elsewhere it is spawned (a fresh interpreter: no threads or locks copied from the
demo's process; macOS's system libraries are not safe to fork). Where a process cannot be
started, the figures are drawn in the demo's own process, with the same result. The function
writes its files without printing (:func:`._common.write_png`); ``wait`` prints ``wrote <path>``
for each path it returns, in the demo's process, so the demo's output keeps its order.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

__all__ = ["FigureProcess", "start_method"]


def start_method() -> str:
    """``"fork"`` on Linux when this process runs one thread (a fork copies no lock that another
    thread holds, and the worker has the demo's modules already), else ``"spawn"``."""
    return "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"


def _leave() -> None:
    """In the worker, after its drawings (files written atomically, nothing left to flush): exit
    now, without the clean-up of an interpreter that loaded matplotlib (a tenth of a second)."""
    os._exit(0)


def _done(paths: list[Path]) -> Future[list[Path]]:
    done: Future[list[Path]] = Future()
    done.set_result(paths)
    return done


class FigureProcess:
    """One worker process for a demo's figures (see the module docstring); ``close`` it."""

    def __init__(self, prepare: Callable[[], None]) -> None:
        """Start the worker and have it run ``prepare`` (a module-level function); without a
        worker it is not run, and the drawings must do without it."""
        self._pool: ProcessPoolExecutor | None = None
        self._drawing: list[tuple[Callable[..., list[Path]], tuple[Any, ...], Future[list[Path]]]] = []
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(start_method()))
            self._pool.submit(prepare)  # starts the worker now, not at the first draw
        except (OSError, NotImplementedError, RuntimeError):  # no processes here: draw in this one
            self._pool = None

    def draw(self, fn: Callable[..., list[Path]], *args: Any) -> None:
        """Start ``fn(*args)`` in the worker (``fn`` a module-level function returning the paths
        it wrote, ``args`` picklable); without a worker it runs now."""
        drawing = None
        if self._pool is not None:
            try:
                drawing = self._pool.submit(fn, *args)
            except BrokenProcessPool:  # the worker could not start (e.g. a __main__ read from stdin)
                self.close()
        self._drawing.append((fn, args, drawing if drawing is not None else _done(fn(*args))))

    def wait(self) -> list[Path]:
        """Wait for every :meth:`draw`, print ``wrote <path>`` for each file, return the paths.
        A drawing's exception is raised here; a drawing whose worker died is drawn here."""
        paths = []
        for fn, args, drawing in self._drawing:
            try:
                paths += drawing.result()
            except BrokenProcessPool:
                self.close()
                paths += fn(*args)
        self._drawing = []
        for path in paths:
            print(f"wrote {path}")
        return paths

    def close(self) -> None:
        """Stop the worker once its drawings are done (they come first in its queue)."""
        if self._pool is not None:
            with contextlib.suppress(BrokenProcessPool):
                self._pool.submit(_leave)
            self._pool.shutdown()  # a worker that died or left is not waited for
            self._pool = None

    def __enter__(self) -> FigureProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
