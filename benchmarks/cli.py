"""Command line: ``python -m benchmarks [--quick] [--repeats N] [--only W1,W2] [--json PATH] [--markdown]``
(``--profile ops`` prints a cProfile of W1 steps instead)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from autograd_core.files import atomic_write_text

from .gradcheck import GradientMismatch
from .peers import MicrogradMissing
from .report import format_markdown, format_text
from .run import OPTIONAL, WORKLOADS, run

__all__ = ["main", "write_json"]


def write_json(path: str | Path, results: dict[str, Any]) -> None:
    """Write ``results`` as JSON atomically (temp file in the same folder, then os.replace)."""
    atomic_write_text(path, json.dumps(results, indent=2) + "\n")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmark autograd_core against micrograd 0.1.0, measured in the same run.",
    )
    p.add_argument("--quick", action="store_true", help="W2/W3 up to 10k nodes, small W4, 3 repeats (< 1 min)")
    p.add_argument("--repeats", type=int, default=None, help="timed repeats per case (default 7, quick 3)")
    p.add_argument(
        "--only",
        default=None,
        help=f"comma-separated subset of {','.join(WORKLOADS)} (or {','.join(OPTIONAL)}: compiled replays)",
    )
    p.add_argument("--json", default=None, metavar="PATH", help="also save all results as JSON")
    p.add_argument("--markdown", action="store_true", help="print a markdown table instead of plain text")
    p.add_argument(
        "--profile",
        default=None,
        metavar="NAME",
        help="instead of benchmarking, cProfile W1 steps of ops, fused, micrograd or reference",
    )
    p.add_argument(
        "--peer-all-sizes",
        action="store_true",
        help="run micrograd at every W2/W3 size, even after it failed at a smaller one (slow)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Exit status: 0 done, 1 micrograd missing, 2 bad arguments, 3 gradient check failed."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {args.repeats}")
    only = [name.strip().upper() for name in args.only.split(",")] if args.only else None
    unknown = [name for name in only or () if name not in WORKLOADS + OPTIONAL]
    if unknown:
        parser.error(f"--only: unknown workload {', '.join(unknown)}; choose from {','.join(WORKLOADS + OPTIONAL)}")

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    if args.profile:
        from .profiling import profile_w1

        try:
            print(profile_w1(args.profile, steps=args.repeats or 5))
        except (ValueError, MicrogradMissing) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        return 0
    try:
        results = run(quick=args.quick, repeats=args.repeats, only=only, peer_all_sizes=args.peer_all_sizes, log=log)
    except MicrogradMissing as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except GradientMismatch as error:
        print(
            f"\n!!! GRADIENT CHECK FAILED: timings would compare different computations; aborting.\n!!! {error}\n",
            file=sys.stderr,
        )
        return 3
    print(format_markdown(results) if args.markdown else format_text(results))
    if args.json:
        write_json(args.json, results)
        log(f"results saved to {args.json}")
    return 0
