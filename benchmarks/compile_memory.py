"""The peak memory of ``compile`` on a long chain: ``python -m benchmarks.compile_memory [--chain 100000]``.

A fresh process compiles a chain of that many nodes (``y = tanh(y * w + x)``, repeated) and
calls the replay once; the figure is its peak resident memory above what it held before
(target: below 500 MB for 10^5 nodes). Python's ``compile()`` of a long replay is most of it,
which is why a large replay is compiled in parts (``autograd_core.compile.split``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["peak_rss_mb", "compile_chain", "main"]


def peak_rss_mb(setup: str, run: str) -> float:
    """Peak resident memory (MB) of a fresh Python process while it runs ``run``, above what it
    held after ``setup`` (imports, data): VmHWM - VmRSS from /proc/self/status (Linux; the
    ``ru_maxrss`` of a child would carry the parent's peak across exec)."""
    code = (
        "def kb(key):\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith(key):\n"
        "            return int(line.split()[1])\n"
        f"{setup}\n"
        "before = kb('VmRSS')\n"
        f"{run}\n"
        "print((kb('VmHWM') - before) / 1024)\n"
    )
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(out.stdout.strip().splitlines()[-1])


def compile_chain(n: int) -> Any:
    """``compile`` of a chain of ``n`` nodes: ``y = tanh(y * w + x)`` repeated (3 nodes a step)."""
    import autograd_core as ac

    w = ac.Value(0.5, "w")

    def f(x: Any) -> Any:
        y = x
        for _ in range(n // 3):
            y = (y * w + x).tanh()
        return y

    c = ac.compile(f, 0.3)
    return c


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compile_memory", description=__doc__.splitlines()[0])
    parser.add_argument("--chain", type=int, default=100_000, help="nodes of the compiled chain (default 100000)")
    args = parser.parse_args(argv)
    peak = peak_rss_mb(
        "from benchmarks.compile_memory import compile_chain\nimport autograd_core",
        f"c = compile_chain({args.chain})\nc(0.3)\nassert c.stats.replays == 1, c.stats",
    )
    print(f"compile of a {args.chain:,}-node chain and its first call: peak {peak:.0f} MB above the start")
    print("target: below 500 MB for 100,000 nodes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
