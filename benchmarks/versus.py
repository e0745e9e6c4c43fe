"""Before/after: this tree's engine against another checkout's, measured in one run.

``python -m benchmarks.versus PATH [--rounds N]`` times W1 (two moons, ``MLP(2, [16, 16, 1])``,
hinge loss + L2, one SGD step) through ``nn``, op by op and replayed by ``compile`` (W5's
step), a 10^6-node chain
(forward + backward), and the bytes per binary node, each in fresh subprocesses that
alternate between PATH (for example ``git worktree add /tmp/before <rev>``) and this tree.
It prints each tree's best time and the ratio ours/theirs as speed (1.00 = same speed).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

__all__ = ["main", "WORKLOADS"]

_SETUP = r"""
import gc, json, math, random, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
import autograd_core as ac
from autograd_core import Value

def moons(n=100, seed=0):
    rng = random.Random(seed)
    X, y = [], []
    for i in range(n):
        t = math.pi * rng.random()
        if i % 2:
            X.append([1 - math.cos(t) + rng.gauss(0, 0.1), 0.5 - math.sin(t) + rng.gauss(0, 0.1)])
            y.append(-1.0)
        else:
            X.append([math.cos(t) + rng.gauss(0, 0.1), math.sin(t) + rng.gauss(0, 0.1)])
            y.append(1.0)
    return X, y

def best(step, repeats):
    step()
    times = []
    for _ in range(repeats):
        t = time.perf_counter(); step(); times.append(time.perf_counter() - t)
    return min(times)

def sgd(loss, params, lr=0.05):
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
"""

WORKLOADS = {
    "W1 nn": r"""
import nn
X, Y = moons()
model = nn.MLP(2, [16, 16, 1], activation="relu", seed=1)
params = model.parameters()
def step():
    scores = [model(x)[0] for x in X]
    losses = [(1 - y * s).relu() for s, y in zip(scores, Y)]
    sgd(ac.sum(losses) * (1.0 / len(losses)) + 1e-4 * ac.sum([p * p for p in params]), params)
result = best(step, REPEATS)
""",
    "W1 op by op": r"""
X, Y = moons()
rng = random.Random(1)
sizes = [2, 16, 16, 1]
layers = [[([Value(rng.uniform(-1, 1)) for _ in range(a)], Value(0.0)) for _ in range(b)]
          for a, b in zip(sizes, sizes[1:])]
params = [p for layer in layers for w, b in layer for p in (*w, b)]
def forward(x):
    for k, layer in enumerate(layers):
        out = []
        for w, b in layer:
            s = b
            for wi, xi in zip(w, x):
                s = s + wi * xi
            out.append(s.relu() if k < len(layers) - 1 else s)
        x = out
    return x[0]
def step():
    scores = [forward(x) for x in X]
    loss = sum(((1 + -y * s).relu() for s, y in zip(scores, Y)), Value(0.0)) * (1.0 / len(X))
    sgd(loss + 1e-4 * sum((p * p for p in params), Value(0.0)), params)
result = best(step, REPEATS)
""",
    "W1 compiled": r"""
import nn
X, Y = moons()
model = nn.MLP(2, [16, 16, 1], activation="relu", seed=1)
params = model.parameters()
hinge = ac.compile(lambda x, y: (1 - y * model(x)[0]).relu(), X[0], Y[0])
penalty = ac.compile(lambda: nn.l2_penalty(params, 1e-4))
def step():
    for p in params:
        p.grad = 0.0
    hinge.over(X, Y, reduce="mean") + penalty()
    for p in params:
        p.data -= 0.05 * p.grad
result = best(step, REPEATS)
""",
    "chain 10^6": r"""
def step():
    x = Value(0.5)
    y = x
    for _ in range(500_000):
        y = y * 0.9999999 + 1e-7
    y.backward()
result = best(step, max(1, REPEATS // 3))
""",
    "bytes/node": r"""
xs = [Value(float(i)) for i in range(1000)]
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
nodes = [xs[i % 1000] * xs[(i * 7) % 1000] for i in range(100_000)]
result = (tracemalloc.get_traced_memory()[0] - before - sys.getsizeof(nodes)) / len(nodes)
tracemalloc.stop()
""",
}


def _measure(tree: Path, workload: str, repeats: int) -> float:
    code = _SETUP + f"REPEATS = {repeats}\n" + WORKLOADS[workload] + "\nprint(json.dumps(result))\n"
    out = subprocess.run([sys.executable, "-c", code, str(tree)], capture_output=True, text=True, check=True)
    return float(json.loads(out.stdout))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.versus", description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another checkout of this project (the 'before')")
    parser.add_argument("--ours", type=Path, default=None, help="the 'after' checkout (default: this tree)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds per workload (default 3)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per round (default 5)")
    parser.add_argument("--only", default="", help="comma-separated workload names")
    args = parser.parse_args(argv)
    ours = args.ours or Path(__file__).resolve().parent.parent
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(WORKLOADS)
    print(f"{'workload':<14} {'before':>12} {'after':>12} {'after vs before':>16}")
    for name in names:
        theirs_best, ours_best = float("inf"), float("inf")
        for _ in range(args.rounds):
            theirs_best = min(theirs_best, _measure(args.other, name, args.repeats))
            ours_best = min(ours_best, _measure(ours, name, args.repeats))
        if name == "bytes/node":
            print(f"{name:<14} {theirs_best:>10.0f} B {ours_best:>10.0f} B {ours_best - theirs_best:>+14.0f} B")
        else:
            print(
                f"{name:<14} {theirs_best * 1e3:>9.2f} ms {ours_best * 1e3:>9.2f} ms {theirs_best / ours_best:>15.2f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
