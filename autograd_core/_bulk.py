"""One attribute of many Values at once, for the code that works on numpy arrays (the numpy
backend of ``compile``, ``nn.Adam``): the fastest ways found in CPython to cross between a list
of Values and one float64 array.

- :func:`read`: ``[p.data for p in P]`` packed by one ``struct`` call (about 1.5x faster than
  ``np.fromiter`` of the same list);
- :func:`adder`: ``P[k].grad += G[k]`` written out one line per Value (``p0, p1, ... = P``,
  then ``p0.grad += g0``), about 1.4x faster than a loop over ``zip``; a loop beyond
  :data:`UNROLL` Values, where the straight line stops paying;
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

__all__ = ["UNROLL", "adder", "each", "read"]

UNROLL = 1024
"""Value counts up to this get a straight-line :func:`adder`; beyond it, a loop."""

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
        lines = [f"def add(P, G):\n    for p, g in zip(P, G.tolist()):\n        p.{attr} {op} g\n"]
    else:
        ps = ", ".join(f"p{k}" for k in range(n))
        gs = ", ".join(f"g{k}" for k in range(n))
        lines = [f"def add(P, G):\n    {ps}, = P\n    {gs}, = G.tolist()\n"]
        lines += [f"    p{k}.{attr} {op} g{k}\n" for k in range(n)]
    namespace: dict[str, Any] = {}
    exec(compile("".join(lines), f"<autograd_core bulk {attr} {op} {n}>", "exec"), namespace)  # noqa: S102
    add = namespace["add"]
    if len(_ADDERS) > _CACHE_LIMIT:
        _ADDERS.clear()
    _ADDERS[key] = add
    return add  # type: ignore[no-any-return]


def each(n: int, statement: str, args: str = "") -> Callable[..., None]:
    """``run(P, *args)``: ``statement``, written for one Value ``p`` (e.g. ``"p.data -= lr * p.grad"``
    with ``args`` ``"lr"``), for each of the n Values P in order; made once per (n, statement, args).
    The same operations as ``for p in P: statement``, so the same floats."""
    key = (n, statement, args)
    run = _EACH.get(key)
    if run is not None:
        return run
    head = f"def run(P{', ' if args else ''}{args}):\n"
    if n == 0 or n > UNROLL:
        body = f"    for p in P:\n        {statement}\n"
    else:
        body = f"    {', '.join(f'p{k}' for k in range(n))}, = P\n"
        body += "".join(f"    {_P.sub(f'p{k}', statement)}\n" for k in range(n))
    namespace: dict[str, Any] = {}
    exec(compile(head + body, f"<autograd_core bulk {statement} {n}>", "exec"), namespace)  # noqa: S102
    run = namespace["run"]
    if len(_EACH) > _CACHE_LIMIT:
        _EACH.clear()
    _EACH[key] = run
    return run  # type: ignore[no-any-return]
