"""One attribute of many Values at once, for the code that works on numpy arrays (the numpy
backend of ``compile``, ``nn.Adam``): the fastest ways found in CPython to cross between a list
of Values and one float64 array.

- :func:`read`: ``[p.data for p in P]`` (or ``.grad``, or both) packed by one ``struct`` call
  (about 1.5x faster than ``np.fromiter`` of the same list), the attributes written out
  (``pack(p0.data, p1.data, ...)``) up to :data:`UNROLL` Values;
- :func:`adder`: ``P[k].grad += G[k]`` (or ``=``) written out one line per Value (``p0, p1, ... = P[0:120]``,
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
_READERS: dict[tuple[int, tuple[str, ...]], Callable[[Sequence[Any]], bytes]] = {}
_ADDERS: dict[tuple[int, str, str], Callable[[Sequence[Any], Any], None]] = {}
_EACH: dict[tuple[int, str, str], Callable[..., None]] = {}
_P = re.compile(r"\bp\b")


def read(values: Sequence[Any], attr: str = "data", convert: bool = True) -> Any:
    """``[v.<attr> for v in values]`` as a float64 array (read-only: a view of packed bytes);
    ``attr="data+grad"``: both, ``data`` first, as one array of 2n floats (one pass over the Values).
    An attribute that is not a float or an int is converted by numpy (its error if it cannot be),
    or with ``convert=False`` the result is None."""
    import numpy as np

    attrs = _ATTRS.get(attr)
    if attrs is None:
        raise ValueError(f"read: attr must be 'data', 'grad' or 'data+grad', got {attr!r}")
    n = len(values)
    key = (n, attrs)
    pack = _READERS.get(key) or _reader(key)
    try:
        return np.frombuffer(pack(values), dtype=np.float64)
    except struct.error:  # not a float: numpy's conversion, and its error, decide
        if not convert:
            return None
        xs = [getattr(v, a) for a in attrs for v in values]
        return np.fromiter(xs, float, len(xs))


_ATTRS = {"data": ("data",), "grad": ("grad",), "data+grad": ("data", "grad")}


def _reader(key: tuple[int, tuple[str, ...]]) -> Callable[[Sequence[Any]], bytes]:
    """``pack(P)``: the attributes ``key[1]`` of the ``key[0]`` Values P as packed float64 bytes,
    attribute by attribute; written out up to :data:`UNROLL` Values, else list comprehensions.
    :func:`read` picks it by ``len(P)``, so it needs no length check of its own."""
    n, attrs = key
    if n == 0 or n > UNROLL:
        floats = ", ".join(f"*[p.{a} for p in P]" for a in attrs)
        source = f"def pack(P):\n    return _pack({floats})\n"
    else:
        names = [f"p{k}" for k in range(n)]
        floats = ", ".join(f"{p}.{a}" for a in attrs for p in names)
        source = f"def pack(P):\n    {', '.join(names)}, = P\n    return _pack({floats})\n"
    packer = struct.Struct(f"{n * len(attrs)}d").pack
    return _made(_READERS, key, source, "pack", f"read {'+'.join(attrs)} {n}", {"_pack": packer})  # type: ignore[no-any-return]


def adder(n: int, attr: str = "grad", op: str = "+=") -> Callable[[Sequence[Any], Any], None]:
    """``add(P, G)``: ``P[k].<attr> <op> G[k]`` (``op`` ``"+="``, ``"-="`` or ``"="``) for the n Values P
    and a float array G, in the order of k; made once per (n, attr, op)."""
    key = (n, attr, op)
    add = _ADDERS.get(key)
    if add is not None:
        return add
    if attr not in ("data", "grad") or op not in ("+=", "-=", "="):
        raise ValueError(f"adder: attr must be 'data' or 'grad' and op '+=', '-=' or '=', got {attr!r}, {op!r}")
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


def _made(
    cache: dict[Any, Any], key: Any, source: str, name: str, title: str, namespace: dict[str, Any] | None = None
) -> Any:
    """The function ``name`` that ``source`` defines (in ``namespace``), compiled, kept in ``cache``
    under ``key`` (the cache emptied first once it holds :data:`_CACHE_LIMIT`)."""
    namespace = {} if namespace is None else namespace
    exec(compile(source, f"<autograd_core bulk {title}>", "exec"), namespace)  # noqa: S102
    fn = namespace[name]
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    cache[key] = fn
    return fn
