"""W2 and W3 cases, for either engine, run in a separate worker process per engine (so that
a failure of the deep cases, e.g. micrograd's, cannot take the harness down)."""

from __future__ import annotations

import gc
import json
import os
import random
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["CASES", "Worker", "chain", "engine_value", "run_case", "serve", "sum_of_products"]

STEP_A, STEP_B = 1.0001, 0.0001


def _timed(build: Callable[[], Any], check: Callable[[], float]) -> dict[str, Any]:
    """Time ``root = build()`` then ``root.backward()``; ``check()`` gives the gradient error."""
    t0 = time.perf_counter()
    root = build()
    t1 = time.perf_counter()
    try:
        root.backward()
    except RecursionError:
        return {"status": "RecursionError", "detail": f"in backward, after a {t1 - t0:.3g} s forward"}
    t2 = time.perf_counter()
    return {"status": "ok", "seconds": t2 - t0, "forward": t1 - t0, "grad_rel_err": check()}


def chain(value_cls: Callable[[float], Any], depth: int) -> dict[str, Any]:
    """W2: y = x; repeat depth times y = y * 1.0001 + 0.0001; backward. dy/dx = 1.0001^depth."""
    x = value_cls(1.0)

    def build() -> Any:
        y = x
        for _ in range(depth):
            y = y * STEP_A + STEP_B
        return y

    expected = STEP_A**depth
    return _timed(build, lambda: abs(x.grad - expected) / expected)


def sum_of_products(value_cls: Callable[[float], Any], n: int, seed: int = 0) -> dict[str, Any]:
    """W3: s = builtin sum(x_i * w_i for i < n); backward. ds/dx_i = w_i."""
    rng = random.Random(seed)
    xs = [value_cls(rng.uniform(-1.0, 1.0)) for _ in range(n)]
    ws = [value_cls(rng.uniform(-1.0, 1.0)) for _ in range(n)]
    return _timed(lambda: sum(x * w for x, w in zip(xs, ws)), lambda: max(abs(x.grad - w.data) for x, w in zip(xs, ws)))


CASES: dict[str, Callable[..., dict[str, Any]]] = {"chain": chain, "sum": sum_of_products}


def engine_value(engine: str) -> Callable[[float], Any]:
    """The Value class of ``engine`` ("ours" or "micrograd")."""
    if engine == "ours":
        from autograd_core import Value
    elif engine == "micrograd":
        from micrograd.engine import Value
    else:
        raise ValueError(f"worker: unknown engine {engine!r}")
    return Value


def inner_runs(n: int) -> int:
    """Runs averaged into one sample: about 5,000 nodes' worth, so that tiny cases are not one
    scheduler tick of noise; 1 from 5,000 nodes up."""
    return max(1, min(50, 5_000 // max(n, 1)))


def run_case(engine: str, case: str, n: int) -> dict[str, Any]:
    """One sample: the mean of :func:`inner_runs` timed forward+backward runs; a RecursionError
    or MemoryError becomes a status."""
    value_cls = engine_value(engine)
    runs = inner_runs(n)
    gc.collect()  # untimed: start from a clean heap; gc settings are left as they are
    total = forward = err = 0.0
    for _ in range(runs):
        try:
            result = CASES[case](value_cls, n)
        except (RecursionError, MemoryError) as error:
            return {"status": type(error).__name__, "detail": "in forward"}
        if result["status"] != "ok":
            return result
        total += result["seconds"]
        forward += result["forward"]
        err = max(err, result["grad_rel_err"])
    return {"status": "ok", "seconds": total / runs, "forward": forward / runs, "grad_rel_err": err, "inner": runs}


class Worker:
    """A long-lived ``python -c 'from benchmarks.worker import serve; serve()'`` process for one
    engine: cases run there, one JSON line each, so a crash cannot take the harness down, and
    both engines stay warm while the harness alternates between them. A dead worker is
    restarted on the next call."""

    def __init__(self, engine: str) -> None:
        self.engine = engine
        self.proc: subprocess.Popen[str] | None = None
        self.stderr: Any = None

    def _start(self) -> subprocess.Popen[str]:
        root = Path(__file__).resolve().parent.parent
        path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
        code = f"from benchmarks.worker import serve; serve({self.engine!r})"
        # stderr goes to a file, not a pipe, so it can never fill up and block; close() closes it
        self.stderr = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        return subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=root,
            env=dict(os.environ, PYTHONPATH=path),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )

    def run(self, case: str, n: int, timeout: float = 900.0) -> dict[str, Any]:
        """:func:`run_case` in the worker; a crash or timeout becomes a status."""
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        try:
            proc.stdin.write(f"{case} {n}\n")
            proc.stdin.flush()
        except OSError:
            pass  # died already: reported below
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        line = proc.stdout.readline() if ready else ""
        if line:
            return json.loads(line)
        if not ready:
            self.close()
            return {"status": "timeout", "detail": f"over {timeout:.0f} s"}
        code = proc.wait()
        self.stderr.seek(0)
        tail = self.stderr.read().strip().splitlines()[-1:] or [""]
        self.close()
        return {"status": "crashed", "detail": f"exit code {code}: {tail[0][:120]}"}

    def close(self) -> None:
        """Stop the worker process (it is ours: started by :meth:`run`)."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for stream in (self.proc.stdin, self.proc.stdout, self.stderr):
                if stream is not None:
                    stream.close()
            self.proc = None


def serve(engine: str) -> None:
    """Worker loop: read "CASE N" lines from stdin, answer each with one JSON line."""
    for line in sys.stdin:
        case, n = line.split()
        result = run_case(engine, case, int(n))
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
