"""W6: a wide scalar graph, the op mix of A. Rogozhnikov's blog post "Fastest Autograd in the West".

The workload (written here from the post's description, not its code): operations cycle
through softplus, a 4-input sum, a product and a 4-way softmax, each on variables drawn
with a seeded RNG from everything computed so far (16 parameters to start with); the
output is the sum of all variables (in sums of at most 64 terms). Softplus is the table's row
(``ac.softplus``: one node, as one entry of the post's tape and one PyTorch operation); the same
graph with softplus written out by hand, a branch of 3 to 5 nodes that compile records as a
guard (:func:`softplus_written_out`), is measured beside it. Measured in one run:

- compile time at 1,000 and 10,000 operations as a user sees it: ``autograd_core.compile(f)``
  (trace and code generation) plus the first call ``c()``, which hands the replay's source to
  Python's ``compile()``; both parts are shown, and trace + code generation per node (linear
  means the same time per node at both sizes);
- the replay (forward + backward of ``c()``) against a hand-written pure-Python index tape
  (:class:`IndexTape`: the post's design, a list of ``(operation, input indices, output
  indices)`` interpreted by a forward and a backward loop over one list of floats, one entry per
  softplus, sum, product or softmax with its derivative written by hand, softmax's as
  ``p * (g - p . g)``; it runs 4 entries where the replay runs the engine's 12 basic functions)
  and PyTorch eager on 0-d tensors;
- the peak memory (resident set, in a fresh process) of compiling the 10,000-operation graph;
- compile time of the largest graph with softplus written out (``--no-written`` leaves it out).

Times are CPU seconds of this process (``time.process_time``), so other processes on a shared
machine inflate them less; the replays are the best of several runs (the tape allocates small
lists, so the cyclic collector runs during some of its runs; the best run has none), the
compiled replay's after :data:`WARMUP` calls (the interpreter specializes its bytecode first).

``python -m benchmarks.w6 [--sizes 1000,10000] [--repeats 5] [--no-torch] [--no-written]``.
"""

from __future__ import annotations

import argparse
import gc
import math
import random
import time
from collections.abc import Callable, Sequence
from typing import Any

__all__ = [
    "KINDS",
    "Plan",
    "plan",
    "softplus_written_out",
    "engine_graph",
    "IndexTape",
    "torch_graph",
    "timed_compile",
    "measure",
    "w6",
    "main",
]

KINDS = ("softplus", "sum4", "mul", "softmax4")
"""The operations, in the order they cycle."""

_ARITY = {"softplus": 1, "sum4": 4, "mul": 2, "softmax4": 4}
_OUTPUTS = {"softplus": 1, "sum4": 1, "mul": 1, "softmax4": 4}
N_PARAMS = 16
_CHUNK = 64

Plan = list[tuple[str, tuple[int, ...]]]
"""One entry per operation: its kind and the indices of its input variables."""


def plan(n_ops: int, seed: int = 0) -> Plan:
    """``n_ops`` operations cycling through :data:`KINDS`, inputs drawn from the variables so far."""
    rng = random.Random(seed)
    n_vars = N_PARAMS
    ops: Plan = []
    for k in range(n_ops):
        kind = KINDS[k % len(KINDS)]
        ops.append((kind, tuple(rng.randrange(n_vars) for _ in range(_ARITY[kind]))))
        n_vars += _OUTPUTS[kind]
    return ops


def initial_values(seed: int = 0) -> list[float]:
    rng = random.Random(seed + 1)
    return [rng.uniform(-1.0, 1.0) for _ in range(N_PARAMS)]


def softplus_written_out(z: Any) -> Any:
    """ln(1 + e^z) as a user writes it without the table's row: a branch on ``z >= 0`` (compile
    records it as a guard) and 3 to 5 nodes, ``z + log(1 + exp(-z))`` or ``log(1 + exp(z))``."""
    import autograd_core as ac

    if z >= 0.0:
        return z + ac.log(1.0 + ac.exp(-z))
    return ac.log(1.0 + ac.exp(z))


def engine_graph(ops: Plan, params: Sequence[Any], written: bool = False) -> Any:
    """The graph on this engine's Values; softplus is ``ac.softplus`` (one node), or with
    ``written`` :func:`softplus_written_out`."""
    import autograd_core as ac

    softplus = softplus_written_out if written else ac.softplus
    xs: list[Any] = list(params)
    for kind, ins in ops:
        a = [xs[i] for i in ins]
        if kind == "softplus":
            xs.append(softplus(a[0]))
        elif kind == "sum4":
            xs.append(ac.sum(a))
        elif kind == "mul":
            xs.append(a[0] * a[1])
        else:
            e = [ac.exp(v) for v in a]
            z = ac.sum(e)
            xs.extend(ei / z for ei in e)
    return ac.sum([ac.sum(xs[i : i + _CHUNK]) for i in range(0, len(xs), _CHUNK)])


class IndexTape:
    """A hand-written pure-Python tape: variables in one list of floats, each operation an
    entry ``(code, input indices, output indices)``, forward and backward as index loops."""

    def __init__(self, ops: Plan) -> None:
        tape: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = []
        n = N_PARAMS
        for kind, ins in ops:
            k = _OUTPUTS[kind]
            tape.append((KINDS.index(kind), ins, tuple(range(n, n + k))))
            n += k
        self.tape, self.n_vars = tape, n

    def forward_backward(self, params: Sequence[float]) -> tuple[float, list[float]]:
        """The output (sum of all variables) and d output / d parameter."""
        exp, log1p = math.exp, math.log1p
        v = list(params) + [0.0] * (self.n_vars - len(params))
        for code, ins, outs in self.tape:
            if code == 0:
                z = v[ins[0]]
                v[outs[0]] = z + log1p(exp(-z)) if z >= 0.0 else log1p(exp(z))
            elif code == 1:
                v[outs[0]] = v[ins[0]] + v[ins[1]] + v[ins[2]] + v[ins[3]]
            elif code == 2:
                v[outs[0]] = v[ins[0]] * v[ins[1]]
            else:
                e = [exp(v[i]) for i in ins]
                s = e[0] + e[1] + e[2] + e[3]
                for o, ei in zip(outs, e):
                    v[o] = ei / s
        g = [1.0] * self.n_vars  # d sum(v) / d v_i = 1, plus what flows back through later ops
        for code, ins, outs in reversed(self.tape):
            if code == 0:
                z = v[ins[0]]
                g[ins[0]] += g[outs[0]] / (1.0 + exp(-z))  # softplus' = sigmoid
            elif code == 1:
                go = g[outs[0]]
                for i in ins:
                    g[i] += go
            elif code == 2:
                go = g[outs[0]]
                a, b = ins
                g[a] += go * v[b]
                g[b] += go * v[a]
            else:
                p = [v[o] for o in outs]
                dot = sum(g[o] * pk for o, pk in zip(outs, p))
                for i, o, pk in zip(ins, outs, p):
                    g[i] += pk * (g[o] - dot)
        return math.fsum(v), g[: len(params)]


def torch_graph(ops: Plan, params: Sequence[Any]) -> Any:
    """The graph in PyTorch eager, on 0-d tensors (for reference)."""
    import torch

    xs: list[Any] = list(params)
    for kind, ins in ops:
        a = [xs[i] for i in ins]
        if kind == "softplus":
            xs.append(torch.nn.functional.softplus(a[0]))
        elif kind == "sum4":
            xs.append(a[0] + a[1] + a[2] + a[3])
        elif kind == "mul":
            xs.append(a[0] * a[1])
        else:
            xs.extend(torch.softmax(torch.stack(a), 0).unbind())
    return torch.stack(xs).sum()


WARMUP = 10
"""Runs before the replay is timed: CPython specializes a function's bytecode to the types it
sees (``BINARY_OP`` on two floats...) once the function has been called 8 times (3.11), so the
first calls of a straight-line replay run the generic instructions; a training loop calls it
thousands of times."""


def _best(step: Callable[[], Any], repeats: int, warmup: int = 1) -> float:
    """The fastest of ``repeats`` runs after ``warmup`` untimed ones, in CPU seconds of this
    process (a busy machine adds less)."""
    for _ in range(warmup):
        step()
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        step()
        times.append(time.process_time() - t0)
    return min(times)


def compile_w6(n_ops: int, seed: int = 0, written: bool = False) -> tuple[Any, list[Any], Plan]:
    """``(compiled, parameters, plan)`` for the ``n_ops`` workload (``written``: softplus written out)."""
    import autograd_core as ac

    ops = plan(n_ops, seed)
    params = [ac.Value(x, f"p{i}") for i, x in enumerate(initial_values(seed))]
    c = ac.compile(lambda: engine_graph(ops, params, written))
    return c, params, ops


def _peak_rss_mb(n_ops: int) -> float:
    """Peak resident memory (MB) of a fresh process that compiles and calls the ``n_ops`` graph,
    above what it held before (Python, the engine and the plan loaded)."""
    from .compile_memory import peak_rss_mb

    return peak_rss_mb(
        f"from benchmarks.w6 import compile_w6, plan\nimport autograd_core, nn\nplan({n_ops})",
        f"c, params, ops = compile_w6({n_ops})\nc()",
    )


def timed_compile(n_ops: int, written: bool = False) -> tuple[Any, list[Any], Plan, dict[str, Any]]:
    """``compile_w6`` and its first call, timed: ``(compiled, parameters, plan, times)``, the
    times in CPU seconds of this process (``compile_s`` = trace and code generation + the first
    call, which hands the replay's source to Python's ``compile()``)."""
    gc.collect()
    t0 = time.process_time()
    c, params, ops = compile_w6(n_ops, written=written)
    t1 = time.process_time()
    c()
    t2 = time.process_time()
    nodes = len(c._current.trace.nodes)
    times = {
        "ops": n_ops,
        "nodes": nodes,
        "compile_s": t2 - t0,  # what a user waits for: compile(f) and the first call
        "trace_codegen_s": t1 - t0,
        "python_compile_s": t2 - t1,
        "us_per_node": (t1 - t0) / nodes * 1e6,
    }
    return c, params, ops, times


def measure(n_ops: int, repeats: int = 5, with_torch: bool = True, memory: bool = False) -> dict[str, Any]:
    """Compile time (CPU seconds of this process: other processes on the machine do not count),
    nodes, the replay vs the index tape (and PyTorch eager), optionally compile's peak memory."""
    c, params, ops, timed = timed_compile(n_ops)
    tape = IndexTape(ops)
    data = [p.data for p in params]
    value, grads = tape.forward_backward(data)
    for p in params:
        p.grad = 0.0
    got = [c(), *[p.grad for p in params]]
    worst = max(abs(a - b) / max(abs(a), abs(b), 1e-300) for a, b in zip(got, [value, *grads]))
    out: dict[str, Any] = {
        **timed,
        "agreement": worst,
        "replay_s": _best(c, repeats, WARMUP),
        "tape_s": _best(lambda: tape.forward_backward(data), repeats),
        "torch_s": None,
    }
    if with_torch:
        try:
            import torch
        except ImportError:
            pass
        else:

            def eager() -> None:
                ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in data]
                torch_graph(ops, ts).backward()

            out["torch_s"] = _best(eager, max(1, repeats // 2))
    if memory:
        out["compile_peak_mb"] = _peak_rss_mb(n_ops)
    return out


def _cell(seconds: float | None) -> dict[str, Any]:
    if seconds is None:
        return {"status": "missing", "detail": "PyTorch is not installed"}
    return {"status": "ok", "median": seconds, "min": seconds, "max": seconds, "times": [seconds]}


def w6(repeats: int, log: Callable[[str], None], sizes: Sequence[int] = (1_000, 10_000)) -> list[dict[str, Any]]:
    """Rows for ``python -m benchmarks --only W6``: the replay against the index tape and PyTorch
    eager at each size (peer column: the peer, ratio > 1: the replay is faster), compile time
    and its growth per node, and the peak memory of compiling the largest graph, in the notes."""
    rows = []
    results = []
    for n in sizes:
        log(f"W6: {n:,} operations: compile, replay, index tape, PyTorch eager")
        r = measure(n, repeats, True, memory=n == max(sizes))
        results.append(r)
        size = f"{n:,} ops"
        note = (
            f"{r['nodes']:,} nodes; compile {r['compile_s']:.2f} s CPU: trace + codegen {r['trace_codegen_s']:.2f} s "
            f"({r['us_per_node']:.0f} us/node), Python's compile() on the first call {r['python_compile_s']:.2f} s"
        )
        for case, peer in (
            ("replay vs hand-written index tape", r["tape_s"]),
            ("replay vs PyTorch eager", r["torch_s"]),
        ):
            peer_cell, ours = _cell(peer), _cell(r["replay_s"])
            rows.append(
                {
                    "workload": "W6",
                    "case": case,
                    "size": size,
                    "micrograd": peer_cell,
                    "ours": ours,
                    "ratio": peer / r["replay_s"] if peer else None,
                    "ratio_of_mins": peer / r["replay_s"] if peer else None,
                    "note": note,
                    "w6": r,
                }
            )
    growth = results[-1]["us_per_node"] / results[0]["us_per_node"]
    log(f"W6: {max(sizes):,} operations, softplus written out: compile")
    written = timed_compile(max(sizes), written=True)[3]
    rows[-1]["note"] += (
        f"; per node {growth:.2f}x the {sizes[0]:,}-op time; peak {results[-1]['compile_peak_mb']:.0f} MB; "
        f"softplus written out (a branch, {written['nodes']:,} nodes): compile {written['compile_s']:.2f} s"
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.w6", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="operation counts (default 1000,10000)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--no-written", action="store_true", help="leave out the graph with softplus written out")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"{'ops':>7} {'nodes':>7} {'compile':>8} {'trace+gen':>9} {'us/node':>8} {'first':>7} "
        f"{'replay':>9} {'tape':>9} {'replay/tape':>11} {'torch':>9}"
    )
    rows = []
    for n in sizes:
        r = measure(n, args.repeats, not args.no_torch, memory=n == max(sizes))
        rows.append(r)
        torch_s = r["torch_s"]
        shown = f"{torch_s * 1e3:7.1f}ms" if torch_s else "      n/a"
        print(
            f"{r['ops']:>7,} {r['nodes']:>7,} {r['compile_s']:7.2f}s {r['trace_codegen_s']:8.2f}s "
            f"{r['us_per_node']:8.1f} {r['python_compile_s']:6.2f}s "
            f"{r['replay_s'] * 1e3:7.2f}ms {r['tape_s'] * 1e3:7.2f}ms "
            f"{r['replay_s'] / r['tape_s']:10.2f}x {shown}",
            flush=True,
        )
    first, last = rows[0], rows[-1]
    print(
        "compile = trace+gen (compile(f): trace and code generation) + first (the first call c(): "
        "Python's compile() of the replay); CPU seconds"
    )
    print(
        f"per-node trace + code generation time, {last['ops']:,} vs {first['ops']:,} ops: "
        f"{last['us_per_node'] / first['us_per_node']:.2f}x"
    )
    if "compile_peak_mb" in last:
        print(f"peak memory compiling {last['ops']:,} ops (+ first call): {last['compile_peak_mb']:.0f} MB")
    if not args.no_written:
        w = timed_compile(last["ops"], written=True)[3]
        print(
            f"softplus written out (a branch, compile records a guard), {w['ops']:,} ops: {w['nodes']:,} nodes, "
            f"compile {w['compile_s']:.2f}s (trace+gen {w['trace_codegen_s']:.2f}s, first {w['python_compile_s']:.2f}s)"
        )
    for r in rows:
        if r["torch_s"]:
            print(f"{r['ops']:,} ops: PyTorch eager takes {r['torch_s'] / r['replay_s']:.0f}x the replay's time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
