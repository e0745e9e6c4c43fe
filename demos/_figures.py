"""Figures drawn in a second process while the demo trains.

Importing matplotlib and drawing a demo's first figure take about a second, as long as the
digits demo takes to train. :class:`FigureProcess` starts one worker process when the demo
starts; the worker imports matplotlib and draws a small figure (fonts, the Agg renderer) while
the demo trains in the main process, or runs the demo's own ``prepare`` function instead (the
digits demo drafts its figures there, to fill them with the results at the end). At the end
the demo hands it a module-level function and plain data (lists, numbers, paths) with
:meth:`FigureProcess.draw`, goes on (checking the saved model), and :meth:`FigureProcess.wait`
waits for the files.

The worker is started with ``spawn`` (a fresh interpreter: no threads or locks copied from
the demo's process). Where a process cannot be started, the figures are drawn in the demo's
own process, with the same result. The function writes its files without printing
(:func:`._common.write_png`); ``wait`` prints ``wrote <path>`` for each path it returns, in the
demo's process, so the demo's output keeps its order.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

__all__ = ["FigureProcess"]


def _warm_up() -> None:
    """In the worker: import pyplot (Agg) and draw a small figure with what demos' figures hold
    (a log axis with its 10^k labels, a legend, an image with a colorbar, text), so the demo's
    figures find matplotlib's modules, fonts and caches loaded."""
    from ._common import pyplot

    plt = pyplot()
    fig, (curve, image) = plt.subplots(1, 2, figsize=(2, 1))
    curve.plot([1, 2, 3], [1.0, 0.3, 0.05], "o-", label="loss")
    curve.set(title="warm-up", xlabel="epoch", yscale="log")
    curve.legend()
    fig.colorbar(image.imshow([[0.0, 1.0], [1.0, 0.0]], cmap="Blues"), ax=image)
    image.text(0, 0, "1", ha="center", va="center", fontsize=8)
    fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)


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

    def __init__(self, prepare: Callable[[], None] = _warm_up) -> None:
        """Start the worker and have it run ``prepare`` (a module-level function: by default
        :func:`_warm_up`; a demo may draft its own figures); without a worker it is not run."""
        self._pool: ProcessPoolExecutor | None = None
        self._drawing: list[tuple[Callable[..., list[Path]], tuple[Any, ...], Future[list[Path]]]] = []
        try:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
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
