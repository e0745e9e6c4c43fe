"""One attribute of many Values at once, for the code that works on numpy arrays (the numpy
backend of ``compile``, ``nn.Adam``): the fastest ways found in CPython to cross between a list
of Values and one float64 array.

- :func:`read`: ``[p.data for p in P]`` packed by one ``struct`` call (about 1.5x faster than
  ``np.fromiter`` of the same list);
- :func:`adder`: ``P[k].grad += G[k]`` written out one line per Value (``p0, p1, ... = P[0:120]``,
  then ``p0.grad += g0``), about 1.4x faster than a loop over ``zip``; runs of :data:`CHUNK`
  Values reuse the same local names, so no local index needs a second byte; a loop beyond
  :data:`UNROLL` Values, where the source would grow too long to be worth compiling;
- :func:`each`: one statement on every Value, written out the same way (``nn``'s
  ``zero_grad`` and SGD step: ``p0.grad = 0.0``, ``p0.data -= lr * p0.grad``), about 1.2x
  faster than the loop ``for p in P``.

numpy is imported only by the functions that return or take arrays; the engine never calls them.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["CHUNK", "UNROLL", "adder", "each", "read"]

UNROLL = 8192
"""Value counts up to this get straight-line code (:func:`adder`, :func:`each`); beyond it, a loop."""

CHUNK = 120
"""Values per run of straight-line code: its locals ``p0..p119`` (and ``g0..g119``) are reused
by the next run, so every local index stays below 256 (a higher one costs an EXTENDED_ARG)."""

_CACHE_LIMIT = 64  # a few (count, attribute) pairs per process: the caches stay small
_PACKERS: dict[int, Any] = {}
_ADDERS: dict[tuple[int, str, str], Callable[[Sequence[Any], Any], None]] = {}
_EACH: dict[tuple[int, str, str], Callable[..., None]] = {}
_P = re.compile(r"\bp\b")


def read(values: Sequence[Any], attr: str = "data") -> Any:
    """``[v.<attr> for v in values]`` as a float64 array (read-only: a view of packed bytes)."""
    import numpy as np

    xs = [v.data for v in values] if attr == "data" else [v.grad for v in values]
    n = len(xs)
    pack = _PACKERS.get(n)
    if pack is None:
        if len(_PACKERS) > _CACHE_LIMIT:
            _PACKERS.clear()
        pack = _PACKERS[n] = struct.Struct(f"{n}d").pack
    try:
        return np.frombuffer(pack(*xs), dtype=np.float64)
    except struct.error:  # not a float: numpy's conversion, and its error, decide
        return np.fromiter(xs, float, n)


def adder(n: int, attr: str = "grad", op: str = "+=") -> Callable[[Sequence[Any], Any], None]:
    """``add(P, G)``: ``P[k].<attr> <op> G[k]`` (``op`` ``"+="`` or ``"-="``) for the n Values P
    and a float array G, in the order of k; made once per (n, attr, op)."""
    key = (n, attr, op)
    add = _ADDERS.get(key)
    if add is not None:
        return add
    if attr not in ("data", "grad") or op not in ("+=", "-="):
        raise ValueError(f"adder: attr must be 'data' or 'grad' and op '+=' or '-=', got {attr!r}, {op!r}")
    if n == 0 or n > UNROLL:
        body = f"    for p, g in zip(P, G):\n        p.{attr} {op} g\n"
    else:
        body = _written_out(n, lambda k: f"p{k}.{attr} {op} g{k}", floats=True)
    source = "def add(P, G):\n    G = G.tolist()\n" + _same_length(n, floats=True) + body
    return _made(_ADDERS, key, source, "add", f"{attr} {op} {n}")  # type: ignore[no-any-return]


def each(n: int, statement: str, args: str = "") -> Callable[..., None]:
    """``run(P, *args)``: ``statement``, written for one Value ``p`` (e.g. ``"p.data -= lr * p.grad"``
    with ``args`` ``"lr"``), for each of the n Values P in order; made once per (n, statement, args).
    The same operations as ``for p in P: statement``, so the same floats."""
    key = (n, statement, args)
    run = _EACH.get(key)
    if run is not None:
        return run
    head = f"def run(P{', ' if args else ''}{args}):\n" + _same_length(n)
    if n == 0 or n > UNROLL:
        body = f"    for p in P:\n        {statement}\n"
    else:
        body = _written_out(n, lambda k: _P.sub(f"p{k}", statement))
    return _made(_EACH, key, head + body, "run", f"{statement} {n}")  # type: ignore[no-any-return]


def _same_length(n: int, floats: bool = False) -> str:
    """The generated function's first statement: Values ``P`` (and floats ``G``) of another
    length than n are a ValueError, not a zip or slice that skips what is beyond n."""
    test = f"len(P) != {n}" + (f" or len(G) != {n}" if floats else "")
    what = "Values and floats" if floats else "Values"
    return f"    if {test}:\n        raise ValueError(f'bulk: {n} {what} expected, got {{len(P)}} Values')\n"


def _written_out(n: int, line: Callable[[int], str], floats: bool = False) -> str:
    """Statements running ``line(k)`` for k = 0..n-1 in order, in runs of :data:`CHUNK`: each run
    unpacks its Values ``P`` (and floats ``G``) into ``p0, p1, ...`` (``g0, g1, ...``) first."""
    out = []
    for start in range(0, n, CHUNK):
        m = min(CHUNK, n - start)
        out.append(f"    {', '.join(f'p{k}' for k in range(m))}, = P[{start}:{start + m}]\n")
        if floats:
            out.append(f"    {', '.join(f'g{k}' for k in range(m))}, = G[{start}:{start + m}]\n")
        out += [f"    {line(k)}\n" for k in range(m)]
    return "".join(out)


def _made(cache: dict[Any, Any], key: Any, source: str, name: str, title: str) -> Any:
    """The function ``name`` that ``source`` defines, compiled, kept in ``cache`` under ``key``
    (the cache emptied first once it holds :data:`_CACHE_LIMIT`)."""
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<autograd_core bulk {title}>", "exec"), namespace)  # noqa: S102
    fn = namespace[name]
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[key] = fn
    return fn
