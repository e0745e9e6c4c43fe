"""What watching costs: ``TrainingView.update`` per step on the moons training loop.

``python -m benchmarks.training_view [--steps N] [--repeats R] [--json PATH]`` trains the
lecture's moons network (``MLP(2, [16, 16, 1])``, tanh, square loss over 100 points, SGD with
momentum; as ``demos.moons``) and times, step by step in the same run, the training step
(forward, ``zero_grad``, ``backward``, ``step``) and the ``view.update(loss)`` that follows it:

- ``record``: outside a notebook (``update`` only records),
- ``live``: as inside a Jupyter kernel, syncing to the front end at most every 0.25 s
  (the comm is anywidget's stand-in without a kernel, so the sending itself is not included).

It prints the medians and the ratio update / step (the goal: under 10% of a step), and what
is paid later, on demand: materialising ``history`` (accuracy and grid) and ``save_html``.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from autograd_core.files import atomic_write_text

__all__ = ["measure", "main"]


def _loop(view: Any, steps: int) -> tuple[list[float], list[float]]:
    import nn

    X, labels = nn.make_moons(100, noise=0.1, seed=0)
    ys = nn.to_signs(labels)
    model = view.recorder.model
    opt = nn.SGD(model.parameters(), lr=0.3, momentum=0.9)
    step_times, update_times = [], []
    clock = time.perf_counter
    for _ in range(steps):
        t0 = clock()
        loss = nn.mse_loss([model(x)[0] for x in X], ys)
        opt.zero_grad()
        loss.backward()
        opt.step()
        t1 = clock()
        view.update(loss)
        t2 = clock()
        step_times.append(t1 - t0)
        update_times.append(t2 - t1)
        del loss
    return step_times, update_times


def _view(live: bool) -> Any:
    import nn
    from autograd_core.viz import TrainingView

    X, labels = nn.make_moons(100, noise=0.1, seed=0)
    model = nn.MLP(2, [16, 16, 1], activation="tanh", output_activation="tanh", seed=1)
    view = TrainingView(model, X, nn.to_signs(labels))
    view.live = live  # as inside a Jupyter kernel: throttled syncs to the front end
    return view


def measure(steps: int = 60, repeats: int = 3) -> dict[str, Any]:
    """Medians over ``repeats`` runs of ``steps`` steps, recording and live modes alternating."""
    results: dict[str, Any] = {"steps": steps, "repeats": repeats, "modes": {}}
    samples: dict[str, dict[str, list[float]]] = {
        m: {"step": [], "update": [], "syncs": []} for m in ("record", "live")
    }
    last_view = None
    for _ in range(repeats):
        for mode in ("record", "live"):
            gc.collect()
            view = _view(mode == "live")
            s, u = _loop(view, steps)
            samples[mode]["step"] += s
            samples[mode]["update"] += u
            samples[mode]["syncs"].append(view.syncs)
            last_view = view
    for mode, d in samples.items():
        step, update = statistics.median(d["step"]), statistics.median(d["update"])
        mean_update = statistics.fmean(d["update"])
        results["modes"][mode] = {
            "step_median_s": step,
            "update_median_s": update,
            "update_mean_s": mean_update,
            "ratio_median": update / step,
            "ratio_mean": mean_update / statistics.fmean(d["step"]),
            "syncs_per_run": statistics.median(d["syncs"]),
        }
    assert last_view is not None
    t0 = time.perf_counter()
    history = last_view.history
    results["history_per_step_s"] = (time.perf_counter() - t0) / len(history)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = last_view.save_html(Path(tmp) / "replay.html")
        results["save_html_s"] = time.perf_counter() - t0
        results["save_html_bytes"] = path.stat().st_size
    return results


def format_text(r: dict[str, Any]) -> str:
    title = f"TrainingView.update on the moons loop (MLP 2-16-16-1, 100 points), {r['steps']} steps x {r['repeats']}"
    header = (
        f"{'mode':<8} {'step (ms)':>10} {'update (ms)':>12} {'update/step':>12} {'mean ratio':>11} {'syncs/run':>10}"
    )
    lines = [title, header]
    for mode, m in r["modes"].items():
        lines.append(
            f"{mode:<8} {1e3 * m['step_median_s']:>10.2f} {1e3 * m['update_median_s']:>12.4f} "
            f"{100 * m['ratio_median']:>11.3f}% {100 * m['ratio_mean']:>10.3f}% {m['syncs_per_run']:>10.0f}"
        )
    lines.append(
        f"later, on demand: history {1e3 * r['history_per_step_s']:.1f} ms per step (accuracy + grid); "
        f"save_html {r['save_html_s']:.2f} s, {r['save_html_bytes'] / 1e6:.2f} MB"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.training_view", description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=60, help="training steps per run (default 60)")
    p.add_argument("--repeats", type=int, default=3, help="runs per mode, alternating (default 3)")
    p.add_argument("--json", default=None, metavar="PATH", help="also save the results as JSON")
    args = p.parse_args(argv)
    if args.steps < 2 or args.repeats < 1:
        p.error("--steps must be >= 2 and --repeats >= 1")
    try:
        results = measure(args.steps, args.repeats)
    except ImportError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(format_text(results))
    if args.json:
        atomic_write_text(args.json, json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
