"""The replay page of a recorded training run: one self-contained HTML file (no network
access: the shared ``network.js``/``common.css`` and ``training.js``/``training.css`` are
inlined, the run is embedded as JSON) with a slider and a play button over the steps.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from typing import Any

from autograd_core import _checks
from autograd_core.files import atomic_write_text

from .assets import html_page
from .snapshots import DETAIL_EXAMPLES, Recorder

__all__ = ["MAX_FRAMES", "replay_data", "replay_html", "save_replay"]

MAX_FRAMES = 500
"""At most this many steps keep their weights and accuracy in a page (evenly spaced, always
the first and the last); the loss curve keeps every step."""


def _short(x: float) -> float | None:
    """6 significant digits (a page shows 4), None for a non-finite number (not JSON)."""
    return float(f"{x:.6g}") if math.isfinite(x) else None


def frame_indices(n: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """Up to ``max_frames`` snapshot indices out of ``n``, evenly spaced, first and last included."""
    if n <= max_frames:
        return list(range(n))
    picks = {round(k * (n - 1) / (max_frames - 1)) for k in range(max_frames)}
    return sorted(picks)


def replay_data(recorder: Recorder, max_frames: int = MAX_FRAMES) -> dict[str, Any]:
    """The page's JSON: ``meta``, ``curve`` (every step) and ``frames`` (weights, gradients, and
    the engine's x, s, δ, θ' of the first :data:`DETAIL_EXAMPLES` examples)."""
    if isinstance(max_frames, bool) or not isinstance(max_frames, int) or max_frames < 2:
        raise ValueError(f"save_html: max_frames must be an int >= 2, got {max_frames!r}")
    kept = recorder.kept
    picks = [kept[i] for i in frame_indices(len(kept), max_frames)]
    accuracy = [[recorder.steps[k], recorder.accuracy(k)] for k in picks] if recorder.y is not None else []
    frames = []
    examples = min(DETAIL_EXAMPLES, len(recorder.shown()))
    for k in picks:
        frames.append(
            {
                "step": recorder.steps[k],
                "loss": _short(recorder.losses[k]),
                "accuracy": recorder.accuracy(k),
                "weights": [_short(v) for v in recorder.stored(k)[0]],
                "grads": [_short(v) for v in recorder.stored(k)[1]],
                "details": [recorder.example_detail(k, ex) for ex in range(examples)],
            }
        )
    return {
        "meta": recorder.meta(),
        "curve": {"loss": [_short(v) for v in recorder.losses], "accuracy": accuracy},
        "frames": frames,
    }


def replay_html(recorder: Recorder, title: str = "Training replay", max_frames: int = MAX_FRAMES) -> str:
    """The page as a string."""
    n = len(recorder)
    sizes = " → ".join(str(d) for d in recorder.shape.sizes)
    body = (
        f"<h1>{html.escape(title)}</h1>\n"
        f'<p class="muted">{n} step{"s" if n != 1 else ""} recorded · network {sizes} · '
        "space: play/pause, ← →: one step · hover a number for its full value</p>\n"
        '<div id="ac-training"></div>'
    )
    return html_page(
        title,
        body,
        styles=("common.css", "training.css"),
        scripts=("network.js", "training.js"),
        data=replay_data(recorder, max_frames),
        data_id="ac-training-data",
        body_class="ac-replay",
    )


def save_replay(
    recorder: Recorder, path: str | os.PathLike[str], title: str = "Training replay", max_frames: int = MAX_FRAMES
) -> Path:
    """Write the replay page to ``path`` atomically; return the path."""
    if not len(recorder):
        raise ValueError("save_html: nothing recorded yet; call update(loss) after each optimizer step first")
    _checks.path("save_html", "path", path)
    _checks.text("save_html", "title", title)
    page = replay_html(recorder, title, max_frames)
    atomic_write_text(path, page, "save_html")
    return Path(path)
