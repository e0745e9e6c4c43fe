"""Run the selected workloads and gather one results dict (JSON-ready)."""

from __future__ import annotations

import gc
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from . import workloads as w
from .peers import import_micrograd, micrograd_version
from .report import targets

__all__ = ["WORKLOADS", "OPTIONAL", "run"]

WORKLOADS = ("W1", "W2", "W3", "W4")
OPTIONAL = ("W5", "W6", "W7")  # compile: W1 replayed (W5), the blog's op mix (W6), W1 on numpy (W7); --only W5,W6,W7


def _quiet(message: str) -> None:
    pass


def _load() -> float | None:
    """1-minute load average (other processes on the machine add noise), if the OS tells."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def run(
    quick: bool = False,
    repeats: int | None = None,
    only: Iterable[str] | None = None,
    peer_all_sizes: bool = False,
    log: Callable[[str], None] = _quiet,
) -> dict[str, Any]:
    """Check gradients against micrograd, then time the workloads in ``only`` (default all).

    Raises ``MicrogradMissing`` without micrograd and ``GradientMismatch`` when any contender
    disagrees with it. ``quick`` caps W2/W3 at 10k nodes, shrinks W4 and defaults to 3
    repeats (7 otherwise).
    """
    import_micrograd()
    selected = WORKLOADS if only is None else tuple(dict.fromkeys(name.strip().upper() for name in only))
    unknown = [name for name in selected if name not in WORKLOADS + OPTIONAL]
    if unknown:
        raise ValueError(
            f"benchmarks: unknown workload {', '.join(unknown)}; choose from {', '.join(WORKLOADS + OPTIONAL)}"
        )
    repeats = repeats if repeats is not None else (3 if quick else 7)
    if repeats < 1:
        raise ValueError(f"benchmarks: repeats must be >= 1, got {repeats}")
    import autograd_core

    started = time.perf_counter()
    log("gradient check: micrograd vs every contender, same weights and data")
    results: dict[str, Any] = {
        "meta": {
            "autograd_core": autograd_core.__version__,
            "micrograd": micrograd_version(),
            "python": platform.python_version(),
            "machine": f"{platform.system()} {platform.machine()}",
            "mode": "quick" if quick else "full",
            "repeats": repeats,
            "workloads": list(selected),
            "gc": "enabled" if gc.isenabled() else "disabled (by the caller)",
            "cpus": os.cpu_count(),
            "load_average_at_start": _load(),
            "argv": sys.argv[1:],
        },
        "gradient_check": w.gradient_check(),
        "rows": [],
    }
    rows = results["rows"]
    limit = w.QUICK_LIMIT if quick else None
    if "W1" in selected:
        rows += w.w1(repeats, log)
    if "W2" in selected:
        sizes = tuple(n for n in w.W2_SIZES if limit is None or n <= limit)
        rows += w.deep("W2", "chain", "chain x*1.0001+0.0001", sizes, repeats, peer_all_sizes, log)
    if "W3" in selected:
        sizes = tuple(n for n in w.W3_SIZES if limit is None or n <= limit)
        rows += w.deep("W3", "sum", "sum() of x_i*w_i", sizes, repeats, peer_all_sizes, log)
    if "W5" in selected:
        from .compiled import w5

        rows += w5(repeats, log)
    if "W6" in selected:
        from .w6 import w6

        rows += w6(repeats, log)
    if "W7" in selected:
        from .batched import w7

        rows += w7(repeats, log)
    if "W4" in selected:
        mem_rows, results["memory"] = w.w4(2_000 if quick else 10_000, log)
        rows += mem_rows
    results["targets"] = targets(rows)
    results["meta"]["seconds"] = time.perf_counter() - started
    results["meta"]["load_average_at_end"] = _load()
    return results
