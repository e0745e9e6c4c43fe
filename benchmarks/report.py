"""The speed and memory targets, and the results as a plain-text or markdown table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["format_markdown", "format_text", "targets"]


def _find(rows: list[dict[str, Any]], workload: str, case: str, size: str | None = None) -> dict[str, Any] | None:
    for row in rows:
        if row["workload"] == workload and row["case"] == case and (size is None or row["size"] == size):
            return row
    return None


def _ratio_target(
    rows: list[dict[str, Any]],
    workload: str,
    case: str,
    target: str,
    show: Callable[[float], str],
    met: Callable[[float], bool],
    missing: str = "failed",
) -> dict[str, Any]:
    """A target on a row's ratio (peer / ours): ``show(r)`` measured, ``met(r)``; ``missing`` if no ratio."""
    row = _find(rows, workload, case)
    r = row["ratio"] if row else None
    return {"target": target, "measured": show(r) if r else missing, "met": None if r is None else met(r)}


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The targets against the measured rows: ``{"target", "measured", "met"}``
    (``met`` is None when the workload was not run)."""
    out: list[dict[str, Any]] = []

    def ratio_target(case: str, goal: float, label: str) -> None:
        target = f"{label} >= {goal:g}x micrograd"
        out.append(_ratio_target(rows, "W1", case, target, lambda r: f"{r:.1f}x", lambda r: r >= goal, "not run"))

    ratio_target("Value ops one by one", 20, "W1, Value ops one by one, gc on:")
    ratio_target("fused (nn)", 50, "W1, through nn (fused), gc on:")
    for workload, label in (("W2", "W2 deep chain"), ("W3", "W3 sum() of products")):
        row = _find(rows, workload, rows_case(rows, workload), "1M")
        if row is None:
            out.append({"target": f"{label} completes at 1M", "measured": "not run (--quick or --only)", "met": None})
        else:
            ok = row["ours"]["status"] == "ok"
            out.append(
                {
                    "target": f"{label} completes at 1M",
                    "measured": _cell(row["ours"]) if ok else row["ours"]["status"],
                    "met": ok,
                }
            )
    if _find(rows, "W5", "compiled step (nn + compile)") is not None:  # optional workload: --only W5
        _compiled_targets(rows, out)
    if _find(rows, "W6", "replay vs hand-written index tape") is not None:  # optional workload: --only W6
        _w6_targets(rows, out)
    if _find(rows, "W7", "numpy backend step (nn + compile)") is not None:  # optional workload: --only W7
        _numpy_targets(rows, out)
    row = _find(rows, "W4", "bytes per op node, after forward")
    if row is None:
        out.append({"target": "bytes per op node <= 1/4 of micrograd's", "measured": "not run", "met": None})
    else:
        mg, ours = row["micrograd"]["value"], row["ours"]["value"]
        out.append(
            {
                "target": "bytes per op node <= 1/4 of micrograd's",
                "measured": f"{ours:.0f} B vs {mg:.0f} B ({ours / mg:.2f} of it)",
                "met": ours <= mg / 4,
            }
        )
    return out


def _compiled_targets(rows: list[dict[str, Any]], out: list[dict[str, Any]]) -> None:
    out += [
        _ratio_target(
            rows,
            "W5",
            "compiled step (nn + compile)",
            "W5, compiled step, gc on: >= 250x micrograd",
            lambda r: f"{r:.0f}x",
            lambda r: r >= 250,
        ),
        _ratio_target(
            rows,
            "W5",
            "compiled vs hand-written floats",
            "W5, compiled step no slower than the float reference (goal: 0.6x its time)",
            lambda r: f"{1 / r:.2f}x its time",
            lambda r: r >= 1.0,
        ),
    ]


def _w6_targets(rows: list[dict[str, Any]], out: list[dict[str, Any]]) -> None:
    measured = [r["w6"] for r in rows if r["workload"] == "W6" and r["case"] == "replay vs hand-written index tape"]
    first, last = measured[0], measured[-1]
    growth = last["us_per_node"] / first["us_per_node"]
    ratio_to_tape = last["replay_s"] / last["tape_s"]
    peak = last.get("compile_peak_mb")
    out += [
        {
            "target": f"W6, compile {last['ops']:,} operations in at most 2 s (compile(f) and the first call)",
            "measured": f"{last['compile_s']:.2f} s CPU",
            "met": last["compile_s"] <= 2.0,
        },
        {
            "target": "W6, trace + code generation time per node within 1.3x from the smallest to the largest graph",
            "measured": f"{growth:.2f}x",
            "met": growth <= 1.3,
        },
        {
            "target": "W6, replay at most 0.25x the hand-written index tape's time",
            "measured": f"{ratio_to_tape:.2f}x",
            "met": ratio_to_tape <= 0.25,
        },
        {
            "target": "W6, compiling the largest graph peaks below 500 MB",
            "measured": "not measured" if peak is None else f"{peak:.0f} MB",
            "met": None if peak is None else peak < 500,
        },
    ]


def _numpy_targets(rows: list[dict[str, Any]], out: list[dict[str, Any]]) -> None:
    out += [
        _ratio_target(
            rows,
            "W7",
            "numpy backend step (nn + compile)",
            "W7, numpy backend step, gc on: >= 5000x micrograd",
            lambda r: f"{r:.0f}x",
            lambda r: r >= 5000,
        ),
        _ratio_target(
            rows,
            "W7",
            "numpy backend vs hand-written numpy",
            "W7, numpy backend step at most 3x the hand-written numpy step's time",
            lambda r: f"{1 / r:.2f}x its time",
            lambda r: 1 / r <= 3.0,
        ),
    ]


def rows_case(rows: list[dict[str, Any]], workload: str) -> str:
    return next((r["case"] for r in rows if r["workload"] == workload), "")


def _time(s: float) -> str:
    if s >= 1.0:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} us"


def _cell(o: dict[str, Any] | None) -> str:
    if o is None:
        return "-"
    if o["status"] != "ok":
        return o["status"]
    if "value" in o:
        v = o["value"]
        return f"{v:.0f} {o['unit']}" if o["unit"] in ("B", "nodes") else f"{v:.2f} {o['unit']}"
    if len(o["times"]) == 1:
        return _time(o["median"])
    return f"{_time(o['median'])} ({_time(o['min'])}-{_time(o['max'])})"


HEADER = ("", "case", "size", "micrograd", "ours", "ratio", "note")


def _table(results: dict[str, Any]) -> list[tuple[str, ...]]:
    lines = []
    for r in results["rows"]:
        ratio = f"{r['ratio']:.1f}x" if r["ratio"] else "-"
        lines.append((r["workload"], r["case"], r["size"], _cell(r["micrograd"]), _cell(r["ours"]), ratio, r["note"]))
    return lines


def _mark(met: bool | None) -> str:
    return "n/a" if met is None else ("MET" if met else "NOT MET")


def _preamble(results: dict[str, Any]) -> list[str]:
    m = results["meta"]
    check = results["gradient_check"]
    worst = max(c["max_rel_diff"] for c in check["cases"])
    return [
        (
            f"autograd_core {m['autograd_core']} vs micrograd {m['micrograd']} | Python {m['python']} | "
            f"{m['machine']}, {m.get('cpus')} CPUs, "
            f"load {m.get('load_average_at_start')}->{m.get('load_average_at_end')}"
            f" | {m['mode']}, {m['repeats']} repeat(s) (at most 3 from 100k) | gc {m['gc']}"
        ),
        (
            f"gradient check vs micrograd: PASSED for {'; '.join(c['name'] for c in check['cases'])} "
            f"({check['cases'][0]['parameters']} parameters, max rel diff {worst:.1e})"
        ),
        "times: median (min-max) per step / per forward+backward; ratio = micrograd / ours (higher is better)",
    ]


def format_text(results: dict[str, Any]) -> str:
    """Aligned plain-text table, then the targets."""
    table = [HEADER, *_table(results)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    lines = _preamble(results) + [""]
    for k, row in enumerate(table):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    lines += ["", "Targets:"]
    for t in results["targets"]:
        lines.append(f"  [{_mark(t['met']):7}] {t['target']}: {t['measured']}")
    return "\n".join(lines)


def format_markdown(results: dict[str, Any]) -> str:
    """The same as a markdown table, for the README."""
    lines = [f"> {line}  " for line in _preamble(results)] + [""]
    lines.append("| " + " | ".join(h or "W" for h in HEADER) + " |")
    lines.append("|" + "|".join("---" for _ in HEADER) + "|")
    for row in _table(results):
        lines.append("| " + " | ".join(cell.replace("|", "/") for cell in row) + " |")
    lines += ["", "| target | measured | |", "|---|---|---|"]
    for t in results["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {_mark(t['met'])} |")
    return "\n".join(lines)
