"""``TrainingView``: watch a network learn, live in Jupyter (an ``anywidget``), or replayed from
a self-contained page written by :meth:`TrainingView.save_html`.

    view = TrainingView(model, X, y)
    view                      # in a notebook: displays the live view
    for step in range(100):
        loss = ...; model.zero_grad(); loss.backward(); opt.step()
        view.update(loss)     # one snapshot per optimizer step (O(#parameters))
    view.save_html("run.html")

Recording is :class:`~autograd_core.viz.snapshots.Recorder`'s job; this module only keeps the
front end in step, throttled: at most one sync every ``throttle`` seconds while training
runs, and always the last snapshot when the notebook cell finishes (or on :meth:`flush`).
Outside a Jupyter kernel ``update`` only records, so the same script runs in a terminal.

``anywidget`` is optional (``pip install "autograd-core[widget]"``): this module imports it
lazily, and without it creating a ``TrainingView`` raises ``ImportError`` naming the extra.
"""

from __future__ import annotations

import os
import re
import sys
import time
import weakref
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from autograd_core._extras import require

from .. import _checks
from .snapshots import GRID, Recorder

__all__ = ["TrainingView", "THROTTLE", "training_view_class", "widget_esm", "widget_css", "scope_css", "in_kernel"]

THROTTLE = 0.25
"""Default: at most one sync to the front end per this many seconds while training runs."""
FILL_BUDGET = 50_000
"""When a cell finishes, the accuracy curve is filled in with up to about this many forward passes."""


def in_kernel() -> bool:
    """True inside a running Jupyter kernel (ipykernel), where a widget has a front end."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def widget_esm() -> str:
    """The widget's ES module: the shared drawing base ``network.js``, ``training.js``, and
    the ``export default`` anywidget looks for (both scripts declare one name each)."""
    from .assets import read_static

    scripts = read_static("network.js") + "\n" + read_static("training.js")
    return scripts + "\nexport default { render: ACTraining.render };\n"


def widget_css() -> str:
    """The shared ``common.css``, scoped to the widget (see :func:`scope_css`), and ``training.css``."""
    from .assets import read_static

    return scope_css(read_static("common.css"), ".ac-train") + "\n" + read_static("training.css")


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def scope_css(css: str, scope: str) -> str:
    """``css`` restricted to elements inside ``scope``, so a widget never restyles the notebook
    around it: ``:root`` becomes ``scope``, every other selector gets the ``scope`` prefix,
    page-level selectors (``html``, ``body``...) are dropped. Flat style sheets only
    (an ``@media`` block's rules are kept without their condition)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    out = []
    for selectors, body in _RULE.findall(css):
        kept = []
        for sel in (s.strip() for s in selectors.split(",")):
            if sel.startswith("@") or not sel:
                continue
            if sel == ":root":
                kept.append(scope)
            elif re.match(r"(html|body)\b", sel):
                continue
            else:
                kept.append(f"{scope} {sel}")
        if kept:
            out.append(f"{', '.join(kept)} {{{body.strip()}}}")
    return "\n".join(out) + "\n"


_CLASS: type | None = None
TrainingView: type  # provided by __getattr__ below, on first access


def _widget_class() -> type:
    """The ``anywidget.AnyWidget`` subclass, built on first use (imports anywidget)."""
    global _CLASS
    if _CLASS is not None:
        return _CLASS
    anywidget = require("anywidget", "widget", "TrainingView")
    import traitlets as t

    class _TrainingView(anywidget.AnyWidget):  # type: ignore[misc, name-defined]
        """Live view of a training run, an ``anywidget.AnyWidget``: ``TrainingView(model, X=None, y=None)``,
        then ``update(loss)`` after each optimizer step; ``history``; ``save_html(path)``; ``flush()``.

        Synced state (read by ``static/training.js``): ``meta`` (shape, data, grid extent),
        ``curve`` (loss per step, accuracy per sync), ``frame`` (the newest step's flat weights
        and gradients), ``detail`` (x, s, δ, θ' and ∂e/∂w of the chosen example, by the engine's
        backward pass: the front end computes no derivative; ``{}`` for a θ not known by name),
        ``example`` and ``show`` (set by the front end).
        """

        _esm = widget_esm()
        _css = widget_css()
        meta = t.Dict().tag(sync=True)
        curve = t.Dict().tag(sync=True)
        frame = t.Dict().tag(sync=True)
        detail = t.Dict().tag(sync=True)
        example = t.Int(0).tag(sync=True)
        show = t.Unicode("weights").tag(sync=True)

        def __init__(
            self,
            model: Any,
            X: Sequence[Sequence[float]] | None = None,
            y: Sequence[Any] | None = None,
            *,
            throttle: float = THROTTLE,
            grid: int = GRID,
        ) -> None:
            X = _checks.points("TrainingView", "X", X, optional=True)
            y = _checks.items("TrainingView", "y", y, optional=True)
            if isinstance(throttle, bool) or not isinstance(throttle, (int, float)) or not throttle >= 0:
                raise ValueError(f"TrainingView: throttle must be a number of seconds >= 0, got {throttle!r}")
            recorder = Recorder(model, X, y, grid=grid)
            super().__init__(meta=recorder.meta(), curve={"loss": [], "accuracy": []}, frame={})
            self._recorder = recorder
            self.throttle = float(throttle)
            self.live = in_kernel()
            """Whether ``update`` syncs to a front end (only inside a Jupyter kernel)."""
            self._synced = 0  # snapshots already sent
            self._last_sync = float("-inf")
            self._loss_json: list[float | None] = []
            self._acc_json: list[list[float]] = []
            self._filled = 0  # the accuracy curve has all steps up to here
            self.syncs = 0
            """How many times the front end was sent new data (for tests and benchmarks)."""
            if self.live:
                _flush_after_each_cell(self)

        # --- the contract -------------------------------------------------------------------

        def update(self, loss: Any) -> None:
            """Record one snapshot after an optimizer step: step, loss, weights, gradients.

            In a notebook, also redraw, at most once every ``throttle`` seconds.
            """
            self._recorder.record(loss)
            if self.live and time.perf_counter() - self._last_sync >= self.throttle:
                self.flush()

        @property
        def history(self) -> Sequence[dict[str, Any]]:
            """Every kept snapshot (the newest :data:`~.snapshots.MAX_SNAPSHOTS`-ish, older ones
            thinned): ``{"step", "loss", "accuracy" (with y), "weights", "grads", "grid" (2-D
            inputs)}``; weights and grads as one matrix [i][j] per layer, row 0 the biases. A view:
            each item is computed from the stored weights when read."""
            return self._recorder.history

        def save_html(self, path: str | os.PathLike[str], title: str = "Training replay") -> Path:
            """Write one self-contained page that replays every step (slider, play button)."""
            from .replay import save_replay

            return save_replay(self._recorder, path, title=title)

        def flush(self, complete: bool = False) -> None:
            """Send the newest snapshot to the front end now (a no-op when nothing is new).

            While training, the accuracy curve gets a point per sync; ``complete=True`` (used when
            a notebook cell finishes) first fills in the steps in between, up to about
            :data:`FILL_BUDGET` forward passes.
            """
            rec = self._recorder
            n = len(rec)
            self._last_sync = time.perf_counter()
            if n == self._synced and not (complete and self._acc_json and self._filled != n):
                return
            self._loss_json.extend(
                v if v == v and abs(v) != float("inf") else None for v in rec.losses[self._synced : n]
            )
            last = n - 1
            frame = rec.frame(last)
            if frame["accuracy"] is not None:
                if not self._acc_json or self._acc_json[-1][0] != rec.steps[last]:
                    self._acc_json.append([rec.steps[last], frame["accuracy"]])
                if complete:
                    self._acc_json = self._filled_accuracy()
                    self._filled = n
            self._synced = n
            with self.hold_sync():
                self.curve = {"loss": list(self._loss_json), "accuracy": list(self._acc_json)}
                self.frame = frame
                self.detail = rec.example_detail(last, self.example) or {}
            self.syncs += 1

        @t.observe("example")
        def _example_changed(self, change: Any) -> None:
            """The front end picked another example: its δ and θ' from the engine, for the frame shown."""
            if self._synced:
                self.detail = self._recorder.example_detail(self._synced - 1, int(change["new"])) or {}

        def _filled_accuracy(self) -> list[list[float]]:
            rec = self._recorder
            per_step = max(1, len(rec.X or ()))
            stride = max(1, -(-len(rec) * per_step // FILL_BUDGET))
            picks = sorted({*range(0, len(rec), stride), *(int(s) - 1 for s, _ in self._acc_json)})
            picks = [k for k in picks if rec.weights[k] is not None]  # thinned snapshots have no weights
            return [[rec.steps[k], rec.accuracy(k)] for k in picks]  # type: ignore[list-item]

        @property
        def recorder(self) -> Recorder:
            """The recorded run (the Python half; no Jupyter needed)."""
            return self._recorder

        def __repr__(self) -> str:
            return f"TrainingView({len(self._recorder)} steps recorded)"

    _TrainingView.__name__ = _TrainingView.__qualname__ = "TrainingView"
    _TrainingView.__module__ = __name__
    _CLASS = _TrainingView
    return _CLASS


def _flush_after_each_cell(view: Any) -> None:
    """Flush ``view`` when each notebook cell finishes (IPython's post_execute event), without
    keeping the view alive: the hook removes itself once the view is gone."""
    shell = sys.modules["IPython"].get_ipython()
    ref = weakref.ref(view)

    def hook() -> None:
        v = ref()
        if v is None:
            shell.events.unregister("post_execute", hook)
            return
        v.flush(complete=True)

    shell.events.register("post_execute", hook)


class _Unavailable:
    """Stands in for ``TrainingView`` without anywidget: creating one raises ``ImportError``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        require("anywidget", "widget", "TrainingView")


_Unavailable.__name__ = _Unavailable.__qualname__ = "TrainingView"


def training_view_class() -> type:
    """The ``TrainingView`` class: an ``anywidget.AnyWidget`` subclass, or, without anywidget,
    a stand-in whose constructor raises ``ImportError`` naming the extra."""
    try:
        return _widget_class()
    except ImportError:
        return _Unavailable


def __getattr__(name: str) -> Any:
    """``TrainingView`` is built on first access, so importing this module never imports anywidget."""
    if name == "TrainingView":
        return training_view_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
