"""What every demo shares: the command line, the output folder, progress bars, and writing
figures and metrics atomically.

Each demo's ``main(argv)`` calls :func:`start` (parses ``--quick``/``--out``, prints what the
demo does and where its files go), trains inside a tqdm bar (:func:`progress`, :func:`counter`), saves
figures with :func:`save_png` (pyplot from :func:`pyplot`) and returns its metrics after :func:`finish` wrote them to
``metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterable, Iterator, Sequence, Sized
from pathlib import Path
from typing import Any, TypeVar

from autograd_core import no_grad
from autograd_core.files import atomic_write, atomic_write_text

__all__ = [
    "OUTPUT_ROOT",
    "start",
    "progress",
    "counter",
    "save_png",
    "write_png",
    "write_text",
    "finish",
    "steps_text",
    "grid_scores",
    "plot_points",
    "pyplot",
]

T = TypeVar("T")

OUTPUT_ROOT = Path(__file__).resolve().parent / "output"
"""Default parent of the output folders: ``demos/output/<name>``."""


def start(
    name: str, description: str, argv: Sequence[str] | None, trains: bool = False, backends: bool = False
) -> tuple[argparse.Namespace, Path]:
    """Parse ``--quick`` and ``--out`` (and ``--no-compile`` for demos that ``trains``, ``--backend``
    for those whose compiled replays run on numpy by default), print ``description`` and the
    output folder, create it."""
    parser = argparse.ArgumentParser(prog=f"python -m demos.{name}", description=" ".join(description.split()))
    parser.add_argument("--quick", action="store_true", help="a few seconds: small data, few steps (smoke test)")
    if trains:
        parser.add_argument(
            "--no-compile",
            dest="compile",
            action="store_false",
            help="train op by op through the engine instead of autograd_core.compile replays",
        )
    if backends:
        parser.add_argument(
            "--backend",
            choices=("numpy", "python"),
            default="numpy",
            help="compile backend of the training replays: numpy (the whole minibatch as arrays) or python",
        )
    parser.add_argument("--out", default=None, help=f"output folder (default: {OUTPUT_ROOT / name})")
    args = parser.parse_args(None if argv is None else list(argv))
    out = Path(args.out) if args.out is not None else OUTPUT_ROOT / name
    out.mkdir(parents=True, exist_ok=True)
    print(textwrap.fill(" ".join(description.split()), width=88))
    print(f"mode: {'quick' if args.quick else 'full'}")
    print(f"output folder: {out.resolve()}")
    return args, out


def _tqdm() -> Any:
    """tqdm's bar class: the notebook widget under IPython (``tqdm.auto``), else the terminal bar
    (``tqdm.auto`` outside a notebook is the terminal bar too, after importing asyncio: 20 ms)."""
    if "IPython" in sys.modules:
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm


def progress(items: Iterable[T], desc: str, total: int | None = None) -> Iterator[T]:
    """``items`` with a tqdm progress bar (on stderr). A loop that stops early (converged) ends
    its bar at the step it reached, shown as complete, not as an interrupted run."""
    bar = _tqdm()(total=total if total is not None else _length(items), desc=desc, unit="step", dynamic_ncols=True)
    try:
        for item in items:
            yield item
            bar.update()
    finally:
        bar.total = bar.n
        bar.refresh()
        bar.close()


def _length(items: Iterable[Any]) -> int | None:
    return len(items) if isinstance(items, Sized) else None


def counter(total: int, desc: str) -> Any:
    """A tqdm bar of ``total`` steps to advance by hand with ``.update()``; ``.close()`` it at the end."""
    return _tqdm()(total=total, desc=desc, unit="step", dynamic_ncols=True, leave=True)


def pyplot() -> Any:
    """``matplotlib.pyplot`` with the Agg backend (files only, no window: works on a headless
    machine), imported on first use: it takes half a second, and the digits demo draws its
    figures in another process (:mod:`._figures`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def write_png(fig: Any, path: Path, dpi: int = 110, tight: bool = True) -> Path:
    """Write a matplotlib figure as PNG atomically and close it; ``tight`` crops the margins to
    what is drawn (this draws the figure twice: a figure with a layout of its own can skip it).
    zlib level 1: the same pixels in files about a quarter larger, encoded in half the time."""
    options: dict[str, Any] = {"bbox_inches": "tight"} if tight else {}
    options["pil_kwargs"] = {"compress_level": 1}
    atomic_write(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi, **options))
    pyplot().close(fig)
    return Path(path)


def save_png(fig: Any, path: Path, dpi: int = 110) -> Path:
    """:func:`write_png`, then print the path; returns it."""
    write_png(fig, path, dpi)
    print(f"wrote {path}")
    return Path(path)


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return atomic_write_text(path, text)


def finish(out: Path, metrics: dict[str, Any], result: str) -> dict[str, Any]:
    """Print the metrics, write them to ``out/metrics.json``, end with the one line ``result``
    (what the run achieved), return the metrics."""
    print("metrics:")
    for key, value in metrics.items():
        shown = f"{value:.6g}" if isinstance(value, float) else value
        print(f"  {key}: {shown}")
    write_text(out / "metrics.json", json.dumps(metrics, indent=1, sort_keys=True) + "\n")
    print(f"wrote {out / 'metrics.json'}")
    print(f"result: {result}")
    return metrics


def steps_text(steps: int | None, limit: str = "") -> str:
    """``"in 6 steps"``, or ``"not within <limit>"`` for a run that did not converge (``None``)."""
    return f"in {steps} steps" if steps is not None else f"not within {limit or 'the step limit'}"


def grid_scores(
    model: Any, X: Sequence[Sequence[float]], n: int, margin: float = 0.4
) -> tuple[list[float], list[float], list[list[list[float]]]]:
    """The model's outputs on an n×n grid around the 2-D points ``X`` (no graph is recorded).

    Returns the grid's x coordinates, y coordinates and ``scores[row][col]`` = output list.
    """
    lo = [min(p[k] for p in X) - margin for k in (0, 1)]
    hi = [max(p[k] for p in X) + margin for k in (0, 1)]
    xs = [lo[0] + (hi[0] - lo[0]) * c / (n - 1) for c in range(n)]
    ys = [lo[1] + (hi[1] - lo[1]) * r / (n - 1) for r in range(n)]
    with no_grad():
        scores = [[[v.data for v in model([x, y])] for x in xs] for y in ys]
    return xs, ys, scores


def plot_points(
    ax: Any, X: Sequence[Sequence[float]], y: Sequence[int], colors: Sequence[str], names: Sequence[str] | None = None
) -> None:
    """Scatter 2-D points coloured by class index (legend entries ``names``, default "class k")."""
    for k, color in enumerate(colors):
        pts = [p for p, c in zip(X, y) if c == k]
        if pts:
            ax.scatter(
                [p[0] for p in pts],
                [p[1] for p in pts],
                s=18,
                c=color,
                edgecolors="k",
                linewidths=0.5,
                label=names[k] if names else f"class {k}",
                zorder=3,
            )
