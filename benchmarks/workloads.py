"""The workloads W1-W4: each returns table rows ``{"workload", "case", "size", "micrograd",
"ours", "ratio", "note"}`` whose engine cells are :data:`timing.Outcome` dicts."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

from . import memory
from .data import initial_parameters, two_moons
from .gradcheck import GradientMismatch, compare
from .peers import FusedDemo, import_micrograd, micrograd_demo, ops_demo
from .reference import ReferenceDemo
from .timing import Outcome, failure, interleave, ratio, ratio_of_mins
from .worker import Worker

__all__ = ["LR", "W2_SIZES", "W3_SIZES", "WARMUP_SECONDS", "Row", "deep", "gradient_check", "steady_step", "w1", "w4"]

LR = 0.05
W2_SIZES = (100, 500, 1_000, 10_000, 100_000, 1_000_000)
W3_SIZES = (100, 500, 1_000, 10_000, 100_000, 1_000_000)
QUICK_LIMIT = 10_000
BIG = 100_000  # from this size on, at most 3 repeats

Row = dict[str, Any]
Log = Callable[[str], None]


def _row(workload: str, case: str, size: str, peer: Outcome | None, ours: Outcome | None, note: str = "") -> Row:
    return {
        "workload": workload,
        "case": case,
        "size": size,
        "micrograd": peer,
        "ours": ours,
        "ratio": ratio(peer, ours) if peer and ours else None,
        "ratio_of_mins": ratio_of_mins(peer, ours) if peer and ours else None,
        "note": note,
    }


def _contenders(values: list[float], X: list[list[float]], y: list[float]) -> dict[str, Any]:
    return {
        "micrograd": micrograd_demo(values, X, y, LR),
        "ops": ops_demo(values, X, y, LR),
        "fused": FusedDemo(values, X, y, LR),
        "reference": ReferenceDemo(values, X, y, LR),
    }


def gradient_check() -> dict[str, Any]:
    """One forward+backward of every W1 contender from the same weights; compare with micrograd.
    Raises :class:`GradientMismatch` at the first disagreement."""
    X, y = two_moons()
    demos = _contenders(initial_parameters(), X, y)
    expected = demos.pop("micrograd").loss_and_grads()
    names = {"ops": "ours, Value ops one by one", "fused": "ours, fused (nn)", "reference": "hand-written floats"}
    cases = [compare(names[key], expected, demo.loss_and_grads()) for key, demo in demos.items()]
    return {"passed": True, "loss": expected[0], "cases": cases}


WARMUP_SECONDS = 0.01
"""Untimed steps before a timed one, at least one and at least this long. After another
contender's step (micrograd's takes over a second) a fast step runs slow for a few ms while the
processor's caches and predictors refill: on this project's 2-core machine the numpy-backend W1
step took 600, 270, 240, then 185-195 us from its 16th step (~4 ms) on; the hand-written numpy
step 370, 160, 140, then 107-110 us. Steady state is what a training loop sees."""


def _warm_then_time(demo: Any) -> float:
    """Untimed steps for :data:`WARMUP_SECONDS` (at least one), then one timed step: its seconds."""
    warm = time.perf_counter() + WARMUP_SECONDS
    demo.step()
    while time.perf_counter() < warm:
        demo.step()
    t0 = time.perf_counter()
    demo.step()
    return time.perf_counter() - t0


def steady_step(demo: Any) -> Callable[[], float]:
    """Time one training step in steady state: untimed steps first (the previous step's graph
    was just dropped, and :data:`WARMUP_SECONDS` of its own steps ran), as in a training loop;
    the collector runs as users have it."""

    def run() -> float:
        gc.collect()  # untimed: no contender pays for another's garbage
        return _warm_then_time(demo)

    return run


def _gc_off_step(demo: Any) -> Callable[[], float]:
    """Same, with the cyclic collector disabled for the untimed and the timed steps (then restored)."""

    def run() -> float:
        gc.collect()
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return _warm_then_time(demo)
        finally:
            if was_enabled:
                gc.enable()
            gc.collect()

    return run


def w1(repeats: int, log: Log) -> list[Row]:
    """micrograd's demo step: micrograd vs ours (ops one by one, fused) vs plain floats."""
    X, y = two_moons()
    values = initial_parameters()
    demos = _contenders(values, X, y)
    runners = {key: steady_step(demo) for key, demo in demos.items()}
    runners["micrograd_gc_off"] = _gc_off_step(micrograd_demo(values, X, y, LR))
    runners["ops_gc_off"] = _gc_off_step(ops_demo(values, X, y, LR))
    log(f"W1: {repeats} repeat(s) of {', '.join(runners)}, alternating")
    out = interleave(runners, repeats)
    mg = out["micrograd"]
    size = f"{len(X)} pts"
    fused_note = "nn.MLP + nn.hinge_loss + nn.SGD"
    speedup = ratio(mg, out["micrograd_gc_off"])

    def floor(key: str) -> str:
        r = ratio(out[key], out["reference"])
        return f"; {r:.1f}x the float floor" if r else ""

    return [
        _row("W1", "Value ops one by one", size, mg, out["ops"], "micrograd's graph shape" + floor("ops")),
        _row("W1", "fused (nn)", size, mg, out["fused"], fused_note + floor("fused")),
        _row("W1", "hand-written floats", size, mg, out["reference"], "reference, no graph: the limit"),
        _row(
            "W1",
            "Value ops one by one, gc disabled",
            size,
            out["micrograd_gc_off"],
            out["ops_gc_off"],
            "info only, not how users train" + (f"; micrograd is {speedup:.1f}x slower with gc on" if speedup else ""),
        ),
    ]


def _size_label(n: int) -> str:
    return (
        f"{n // 1_000_000}M"
        if n >= 1_000_000 and n % 1_000_000 == 0
        else f"{n // 1000}k"
        if n >= 1000 and n % 1000 == 0
        else str(n)
    )


def _case_runner(worker: Worker, case: str, n: int) -> Callable[[], Outcome]:
    def run() -> Outcome:
        result = worker.run(case, n)
        if result.get("status") == "ok" and not result.get("grad_rel_err", 0.0) <= 1e-6:
            raise GradientMismatch(f"{case} n={n} on {worker.engine}: gradient off by {result.get('grad_rel_err')}")
        return result

    return run


def deep(
    workload: str, case: str, label: str, sizes: tuple[int, ...], repeats: int, peer_all_sizes: bool, log: Log
) -> list[Row]:
    """W2/W3: each engine in its own worker process, alternating; micrograd is not re-run at
    larger sizes once it failed (the recursion only gets deeper) unless ``peer_all_sizes``."""
    workers = {"micrograd": Worker("micrograd"), "ours": Worker("ours")}
    try:
        return _deep(workload, label, case, sizes, repeats, peer_all_sizes, log, workers)
    finally:
        for worker in workers.values():
            worker.close()


def _deep(
    workload: str,
    label: str,
    case: str,
    sizes: tuple[int, ...],
    repeats: int,
    peer_all_sizes: bool,
    log: Log,
    workers: dict[str, Worker],
) -> list[Row]:
    rows: list[Row] = []
    peer_failed: tuple[str, str] | None = None
    for n in sizes:
        reps = repeats if n < BIG else min(repeats, 3)
        runners: dict[str, Callable[[], Outcome]] = {}
        if peer_failed is None or peer_all_sizes:
            runners["micrograd"] = _case_runner(workers["micrograd"], case, n)
        runners["ours"] = _case_runner(workers["ours"], case, n)
        log(f"{workload}: {label} n={n:,}, {reps} repeat(s)")
        out = interleave(runners, reps)
        if "micrograd" in out:
            peer = out["micrograd"]
            if peer["status"] != "ok" and peer_failed is None:
                peer_failed = (peer["status"], _size_label(n))
        else:
            assert peer_failed is not None
            peer = failure(peer_failed[0], f"not re-run: failed at {peer_failed[1]} already")
        note = "" if peer["status"] == "ok" else f"micrograd: {peer['status']} ({peer.get('detail', '')})"
        rows.append(_row(workload, label, _size_label(n), peer, out["ours"], note))
    return rows


def w4(n: int, log: Log) -> tuple[list[Row], dict[str, Any]]:
    """Bytes and GC-tracked objects per op node; is a dropped graph freed without the collector?"""
    import autograd_core

    mg_value, _ = import_micrograd()
    log(f"W4: memory of {2 * n - 1:,} op nodes per engine")
    mg, ours = memory.measure(mg_value, n), memory.measure(autograd_core.Value, n)
    size = f"{2 * n - 1:,} nodes"

    def cell(x: float, unit: str) -> Outcome:
        return {"status": "ok", "value": x, "unit": unit}

    rows = [
        _row(
            "W4",
            "bytes per op node, after forward",
            size,
            cell(mg["bytes_per_node"]["forward"], "B"),
            cell(ours["bytes_per_node"]["forward"], "B"),
            "tracemalloc",
        ),
        _row(
            "W4",
            "bytes per op node, after backward",
            size,
            cell(mg["bytes_per_node"]["backward"], "B"),
            cell(ours["bytes_per_node"]["backward"], "B"),
            "grads stored",
        ),
        _row(
            "W4",
            "GC-tracked objects per op node",
            size,
            cell(mg["gc_objects_per_node"], "obj"),
            cell(ours["gc_objects_per_node"], "obj"),
            "len(gc.get_objects())",
        ),
        _row(
            "W4",
            "op nodes alive after drop, gc off",
            size,
            cell(mg["drop"]["left_after_drop"], "nodes"),
            cell(ours["drop"]["left_after_drop"], "nodes"),
            "0 = freed by refcounting",
        ),
    ]
    return rows, {"micrograd": mg, "ours": ours}
