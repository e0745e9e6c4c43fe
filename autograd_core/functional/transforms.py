"""jvp, vjp, jacobian, hessian and hvp of a function of Values, on plain floats.

Each call makes fresh leaves x_0..x_{n-1} holding the given numbers, calls ``f(x_0, ..., x_{n-1})``
once, and reads derivatives off the recorded graph with one sweep per direction
(:mod:`.sweeps`); no ``.grad`` is read or written. ``f`` returns one Value (a scalar function)
or a list (or tuple) of Values. A plain number where a Value is expected is a constant: ``f``
did not use its inputs there, so its derivatives are 0 (``hessian(lambda x: 3.0, [1.0])`` is
``[[0.0]]``). Anything else is a ``TypeError``.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Sequence
from typing import Any

from ..graph import grad
from ..value import Value, data_of, enable_grad
from .sweeps import joint_order, pull_back, push_forward

__all__ = ["jvp", "vjp", "jacobian", "hessian", "hvp"]

Function = Callable[..., Any]

_SCALAR, _LIST, _EITHER = "scalar", "list", "either"


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _numbers(op: str, name: str, xs: Any) -> list[float]:
    """``xs`` as a list of floats, or a TypeError naming ``op`` and the argument ``name``."""
    if isinstance(xs, (str, bytes, Value)) or not hasattr(xs, "__len__") or not hasattr(xs, "__iter__"):
        raise TypeError(f"{op}: {name} must be a list of numbers, got {type(xs).__name__} {xs!r:.60}")
    out = []
    for i, x in enumerate(xs):
        if not _is_number(x):
            hint = " (pass floats: f receives Values made from them)" if isinstance(x, Value) else ""
            raise TypeError(f"{op}: {name}[{i}] must be a number, got {type(x).__name__} {x!r:.60}{hint}")
        out.append(float(x))
    return out


def _same_length(op: str, name: str, given: list[float], n: int, of: str) -> None:
    if len(given) != n:
        raise ValueError(f"{op}: {name} has {len(given)} entries but {of} has {n}")


def _inputs(op: str, f: Function, xs: Any, name: str = "xs") -> list[float]:
    """The checked inputs of ``f``, before anything runs."""
    if not callable(f):
        raise TypeError(f"{op}: f must be callable, got {type(f).__name__} {f!r:.60}")
    values = _numbers(op, name, xs)
    if not values:
        raise ValueError(f"{op}: {name} is empty; f needs at least one input")
    return values


def _takes(f: Function, n: int) -> bool:
    """Whether ``f`` accepts ``n`` positional arguments (True when its signature is unknown)."""
    try:
        inspect.signature(f).bind(*range(n))
    except TypeError:
        return False
    except ValueError:  # no signature to inspect (some builtins)
        pass
    return True


def _call(
    op: str, f: Function, values: list[float], shape: str, name: str = "xs"
) -> tuple[list[Value], list[Any], bool]:
    """(leaves, outputs, whether f returned a list): f evaluated once on fresh leaves."""
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(values)]
    try:
        with enable_grad():  # as torch.func: the transforms record even inside no_grad()
            result = f(*leaves)
    except TypeError as error:  # checked only on failure: no cost on the usual path
        if _takes(f, len(leaves)):
            raise
        raise ValueError(
            f"{op}: {name} has {len(leaves)} entries, which f does not take as positional arguments ({error})"
        ) from None
    if isinstance(result, Value) or _is_number(result):
        if shape == _LIST:
            raise TypeError(
                f"{op}: f must return a list of Values, got one {type(result).__name__}; "
                "wrap it in a list (or use vjp/hessian for a scalar function)"
            )
        return leaves, [result], False
    if isinstance(result, (list, tuple)):
        if shape == _SCALAR:
            raise TypeError(
                f"{op}: f must return one Value (a scalar function), got a {type(result).__name__} "
                f"of {len(result)}; use jacobian for a function with several outputs"
            )
        for k, r in enumerate(result):
            if not isinstance(r, Value) and not _is_number(r):
                raise TypeError(
                    f"{op}: f returned a list whose entry {k} is {type(r).__name__} {r!r:.60}, not a Value or a number"
                )
        return leaves, list(result), True
    expected = {_SCALAR: "one Value", _LIST: "a list of Values", _EITHER: "a Value or a list of Values"}[shape]
    raise TypeError(f"{op}: f must return {expected}, got {type(result).__name__} {result!r:.60}")


def _read(table: dict[Value, Any], nodes: Sequence[Any]) -> list[float]:
    """The entries of ``table`` for ``nodes`` (0.0 for constants and nodes without an entry)."""
    return [float(table.get(v, 0.0)) if isinstance(v, Value) else 0.0 for v in nodes]


def jvp(f: Function, primals: Sequence[float], tangents: Sequence[float]) -> tuple[Any, Any]:
    """(f(x), J(x) t): the value and the directional derivative Σ_i ∂f/∂x_i t_i, by forward mode.

    One forward sweep in topological order from the local derivatives recorded while ``f``
    ran (ẋ_v = Σ_p ∂v/∂p ẋ_p, seeded with ẋ_i = t_i): no backward pass. Floats for a scalar
    ``f``; lists of floats when ``f`` returns a list.
    """
    xs = _inputs("jvp", f, primals, "primals")
    ts = _numbers("jvp", "tangents", tangents)
    _same_length("jvp", "tangents", ts, len(xs), "primals")
    leaves, outs, is_list = _call("jvp", f, xs, _EITHER, "primals")
    tangent = push_forward(joint_order(outs), dict(zip(leaves, ts)))
    values, derivatives = [data_of(o) for o in outs], _read(tangent, outs)
    return (values, derivatives) if is_list else (values[0], derivatives[0])


def vjp(f: Function, primals: Sequence[float], cotangent: Any) -> tuple[Any, list[float]]:
    """(f(x), uᵀ J(x)): the value and Σ_k u_k ∇f_k, by one reverse sweep.

    ``cotangent`` u is a number (or a list of one) for a scalar ``f``, and a list of one
    number per output when ``f`` returns a list. The gradient is a list of one float per input.
    """
    leaves, outs, is_list = _call("vjp", f, _inputs("vjp", f, primals, "primals"), _EITHER, "primals")
    if is_list:
        us = _numbers("vjp", "cotangent", cotangent)
        _same_length("vjp", "cotangent", us, len(outs), "the list f returned")
    elif _is_number(cotangent):
        us = [float(cotangent)]
    else:  # a scalar f also takes a list of one number
        us = _numbers("vjp", "cotangent", cotangent)
        if len(us) != 1:
            raise ValueError(
                f"vjp: cotangent has {len(us)} entries but f returned one Value (a number, or a list "
                "of one, is expected)"
            )
    seeds: dict[Value, float] = {}
    for o, u in zip(outs, us):
        if isinstance(o, Value):
            seeds[o] = seeds.get(o, 0.0) + u  # an output listed twice gets both cotangents
    adjoint = pull_back(joint_order(outs), seeds)
    values = [data_of(o) for o in outs]
    return (values if is_list else values[0]), _read(adjoint, leaves)


def jacobian(f: Function, xs: Sequence[float], *, mode: str = "auto") -> list[list[float]]:
    """J[k][i] = ∂f_k/∂x_i for ``f`` returning a list of m Values: an m x n list of lists.

    ``mode="auto"`` picks the cheaper sweeps by shape: forward mode (one sweep per input,
    giving a column) when n <= m, reverse mode (one sweep per output, giving a row) when
    n > m. Each sweep walks the graph once; ``mode="forward"`` or ``"reverse"`` forces one.
    """
    if not isinstance(mode, str) or mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian: mode must be 'auto', 'forward' or 'reverse', got {mode!r:.60}")
    leaves, outs, _ = _call("jacobian", f, _inputs("jacobian", f, xs), _LIST)
    n, m = len(leaves), len(outs)
    order = joint_order(outs)
    if mode == "forward" or (mode == "auto" and n <= m):
        columns = [_read(push_forward(order, {x: 1.0}), outs) for x in leaves]
        return [[columns[i][k] for i in range(n)] for k in range(m)]
    return [_read(pull_back(order, {o: 1.0}), leaves) if isinstance(o, Value) else [0.0] * n for o in outs]


def _gradient_values(op: str, f: Function, xs: list[float]) -> tuple[list[Value], list[Value]]:
    """(leaves, ∇f as differentiable Values) for a scalar ``f``: ``grad(..., create_graph=True)``."""
    leaves, (out,), _ = _call(op, f, xs, _SCALAR)
    if not isinstance(out, Value):
        return leaves, []
    with enable_grad():
        return leaves, grad(out, leaves, create_graph=True)


def hessian(f: Function, xs: Sequence[float]) -> list[list[float]]:
    """H[i][j] = ∂²f/∂x_i∂x_j for a scalar ``f``: an n x n list of lists, exactly symmetric.

    Forward over reverse: ``grad(f, xs, create_graph=True)`` gives ∇f as Values whose graph
    is differentiated again by one forward sweep per input x_j, giving column j, ∂∇f/∂x_j.
    Each entry with i >= j is computed once and also stored at [j][i]: for twice continuously
    differentiable ``f`` the mixed partials are equal (Schwarz), and the two sweep orders
    would differ only by rounding.
    """
    leaves, g = _gradient_values("hessian", f, _inputs("hessian", f, xs))
    n = len(leaves)
    h = [[0.0] * n for _ in range(n)]
    if not g:
        return h
    order = joint_order(g)
    for j, x in enumerate(leaves):
        column = _read(push_forward(order, {x: 1.0}), g[j:])
        for i, entry in enumerate(column, start=j):
            h[i][j] = h[j][i] = entry
    return h


def hvp(f: Function, xs: Sequence[float], v: Sequence[float]) -> list[float]:
    """H(x) v for a scalar ``f``, without forming H: forward mode over ∇f.

    ``grad(f, xs, create_graph=True)`` gives ∇f as Values; one forward sweep seeded with
    ẋ = v gives their directional derivatives, (Hv)_i = Σ_j ∂²f/∂x_i∂x_j v_j. Cost: a few
    times one evaluation of ``f``, whatever n is.
    """
    values = _inputs("hvp", f, xs)
    vs = _numbers("hvp", "v", v)
    _same_length("hvp", "v", vs, len(values), "xs")
    leaves, g = _gradient_values("hvp", f, values)
    if not g:
        return [0.0] * len(leaves)
    return _read(push_forward(joint_order(g), dict(zip(leaves, vs))), g)
