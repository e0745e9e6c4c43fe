"""What the function transforms cost: Jacobian sweep direction by shape, hvp against the Hessian.

``python -m benchmarks.functional [--repeats R] [--json PATH]`` times, interleaved in the same
run and reported as the minimum over repeats:

- ``jacobian(f, xs, mode="forward")`` against ``mode="reverse"`` for a wide f (n = 40 inputs,
  m = 2 outputs) and a tall one (n = 2, m = 40): ``mode="auto"`` should pick the faster;
- ``hvp(f, xs, v)`` against ``hessian(f, xs)`` followed by the product H v, for n = 10 and 40:
  hvp never forms H, so the ratio should grow about linearly with n.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import autograd_core as ac
from autograd_core.files import atomic_write_text

__all__ = ["measure", "main"]


def _layer(n: int, m: int, seed: int) -> Callable[..., list[Any]]:
    """f(x) = tanh(A x) with a fixed random m x n matrix A: every output depends on every input."""
    rng = random.Random(seed)
    a = [[rng.uniform(-1.0, 1.0) for _ in range(n)] for _ in range(m)]
    return lambda *x: [ac.tanh(ac.dot(row, x)) for row in a]


def _scalar(n: int) -> Callable[..., Any]:
    """f(x) = Σ_i tanh(x_i x_{i+1}) + Σ_i x_i² / 2: a chain coupling neighbours."""
    return lambda *x: ac.sum([ac.tanh(x[i] * x[(i + 1) % n]) for i in range(n)]) + ac.dot(x, x) * 0.5


def _pair(a: Callable[[], Any], b: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Minimum time of ``a`` and of ``b`` over ``repeats`` calls each, alternating a, b, a, b, ..."""
    best = [math.inf, math.inf]
    for _ in range(repeats):
        for k, fn in enumerate((a, b)):
            t = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - t)
    return best[0], best[1]


def _hessian_times_v(f: Callable[..., Any], xs: Sequence[float], v: Sequence[float]) -> list[float]:
    h = ac.hessian(f, xs)
    return [math.fsum(r * c for r, c in zip(row, v)) for row in h]


def measure(repeats: int = 5) -> list[dict[str, Any]]:
    """One row per comparison: the two timings (s), their ratio, and for Jacobians the mode auto picks."""
    rows: list[dict[str, Any]] = []
    for n, m in ((40, 2), (2, 40)):
        f, xs = _layer(n, m, seed=n), [0.1 * (i % 7) - 0.3 for i in range(n)]
        forward, reverse = _pair(
            partial(ac.jacobian, f, xs, mode="forward"), partial(ac.jacobian, f, xs, mode="reverse"), repeats
        )
        rows.append(
            {
                "what": f"jacobian n={n} m={m}",
                "a": "forward",
                "a_s": forward,
                "b": "reverse",
                "b_s": reverse,
                "ratio_b_over_a": reverse / forward,
                "auto_picks": "forward" if n <= m else "reverse",
            }
        )
    for n in (10, 40):
        f, xs, v = _scalar(n), [0.05 * i - 0.4 for i in range(n)], [1.0] * n
        hv, full = _pair(partial(ac.hvp, f, xs, v), partial(_hessian_times_v, f, xs, v), repeats)
        rows.append(
            {
                "what": f"H v, n={n}",
                "a": "hvp",
                "a_s": hv,
                "b": "hessian then H v",
                "b_s": full,
                "ratio_b_over_a": full / hv,
            }
        )
    return rows


def main(argv: Sequence[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.functional", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per variant (the minimum is kept)")
    parser.add_argument("--json", default=None, help="also write the rows to this JSON file")
    args = parser.parse_args(argv)
    rows = measure(args.repeats)
    print(f"{'comparison':<22} {'a':<9} {'a (ms)':>9} {'b':<17} {'b (ms)':>9} {'b / a':>7}  auto")
    for r in rows:
        print(
            f"{r['what']:<22} {r['a']:<9} {1e3 * r['a_s']:>9.2f} {r['b']:<17} {1e3 * r['b_s']:>9.2f} "
            f"{r['ratio_b_over_a']:>7.2f}  {r.get('auto_picks', '')}"
        )
    if args.json:
        atomic_write_text(args.json, json.dumps(rows, indent=1) + "\n")
        print(f"wrote {args.json}")
    return rows


if __name__ == "__main__":
    main()
