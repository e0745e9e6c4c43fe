"""``python -m benchmarks --profile ops``: where one W1 contender spends its step (cProfile)."""

from __future__ import annotations

import cProfile
import gc
import io
import pstats

from .data import initial_parameters, two_moons
from .peers import FusedDemo, micrograd_demo, ops_demo
from .reference import ReferenceDemo
from .workloads import LR

__all__ = ["CONTENDERS", "profile_w1"]

CONTENDERS = {"micrograd": micrograd_demo, "ops": ops_demo, "fused": FusedDemo, "reference": ReferenceDemo}


def profile_w1(name: str, steps: int = 5, top: int = 20) -> str:
    """cProfile ``steps`` W1 training steps of contender ``name`` (gc as the caller has it);
    return the ``top`` functions by own time."""
    if name not in CONTENDERS:
        raise ValueError(f"profile: unknown contender {name!r}; choose from {', '.join(CONTENDERS)}")
    X, y = two_moons()
    demo = CONTENDERS[name](initial_parameters(), X, y, LR)
    demo.step()  # warm-up, as in the timed runs
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(steps):
        demo.step()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(pstats.SortKey.TIME).print_stats(top)
    return (
        f"W1 step of {name!r}, {steps} steps under cProfile (per-call overhead inflates small functions)\n"
        + out.getvalue()
    )
