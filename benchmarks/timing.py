"""Repeat, alternate and summarise: medians and min-max of wall-clock seconds."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Outcome", "failure", "interleave", "ratio", "ratio_of_mins", "summarize"]

Outcome = dict[str, Any]
"""``{"status": "ok", "median", "min", "max", "times"}`` or ``{"status": <error name>, "detail"}``."""


def summarize(times: list[float], **extra: Any) -> Outcome:
    """Median, min and max of ``times`` (seconds)."""
    return {
        "status": "ok",
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "times": list(times),
        **extra,
    }


def failure(status: str, detail: str = "", **extra: Any) -> Outcome:
    """A case that did not complete, e.g. ``failure("RecursionError", "in backward")``."""
    return {"status": status, "detail": detail, **extra}


def interleave(runners: Mapping[str, Callable[[], float | Outcome]], repeats: int) -> dict[str, Outcome]:
    """Call each runner once per repeat, in turn (a, b, a, b, ...), so drift in the machine's
    speed hits every contender alike. A runner returns seconds, or an Outcome whose status is
    not "ok" to report a failure; a failed runner is not called again (failures here are
    deterministic: a recursion limit, not noise)."""
    times: dict[str, list[float]] = {name: [] for name in runners}
    failed: dict[str, Outcome] = {}
    extras: dict[str, dict[str, Any]] = {name: {} for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            if name in failed:
                continue
            result = run()
            if isinstance(result, dict):
                if result.get("status") != "ok":
                    failed[name] = result
                    continue
                extras[name] = {k: v for k, v in result.items() if k not in ("status", "seconds")}
                result = result["seconds"]
            times[name].append(float(result))
    return {name: failed[name] if name in failed else summarize(times[name], **extras[name]) for name in runners}


def ratio(peer: Outcome, ours: Outcome) -> float | None:
    """peer / ours (medians, or measured values): how many times better this project does
    (None if either failed)."""
    if peer.get("status") != "ok" or ours.get("status") != "ok":
        return None
    key = "median" if "median" in ours else "value"
    return peer[key] / ours[key] if ours[key] else None


def ratio_of_mins(peer: Outcome, ours: Outcome) -> float | None:
    """peer's fastest run / our fastest run: the ratio least disturbed by other processes."""
    if peer.get("status") != "ok" or ours.get("status") != "ok" or "min" not in ours or not ours["min"]:
        return None
    return peer["min"] / ours["min"]
