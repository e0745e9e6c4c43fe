"""Whole-function gradient checks: engine derivatives vs central finite differences.

``gradcheck`` compares d f / d x_i from :func:`autograd_core.grad` with
``(f(x + h_i e_i) - f(x - h_i e_i)) / 2 h_i``, where the step is relative to the input's
magnitude, ``h_i = eps * max(1, |x_i|)`` (so a correct f passes at |x| = 1e9 as at |x| = 1);
``gradgradcheck`` compares the Hessian ``d^2 f / dx_i dx_j`` from
``grad(grad(f, x, create_graph=True)[i], x)`` with central differences of the first
derivatives (step ``h_j``). A pass is ``|a - n| <= atol + rtol |n|`` (a absolute, n numeric).

On a mismatch the error has a per-input table and names the first node, in topological
order, whose recorded local derivative disagrees with a numeric check of its rule alone,
or, for a custom node (micrograd's ``_backward`` closure, which has no rule to evaluate),
whose closure disagrees with the chain rule on finite differences of the node and its parents.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from typing import Any

from .._checks import flag, real
from ..custom import is_custom, probe
from ..graph import grad, topological_order
from ..value import Value, no_grad
from ._numeric import (
    GradcheckError,
    as_float,
    central_difference,
    close,
    describe_input,
    fmt,
    rel_error,
    table,
)
from .rules_check import check_point

__all__ = ["gradcheck", "gradgradcheck", "GradcheckError", "first_bad_node"]

Fn = Callable[..., Value]


_NO_F = object()  # _check_settings without a function to check


def _check_settings(name: str, f: Any, eps: Any, atol: Any, rtol: Any) -> None:
    """``f`` callable (when given); ``eps > 0``, ``atol, rtol >= 0``, all finite real numbers."""
    if f is not _NO_F and not callable(f):
        raise TypeError(f"{name}: f must be a callable returning a scalar Value, got {type(f).__name__} {f!r:.60}")
    real(name, "eps", eps, positive=True)
    real(name, "atol", atol, nonnegative=True)
    real(name, "rtol", rtol, nonnegative=True)


def _leaves(inputs: Any, name: str = "gradcheck") -> list[Value]:
    """Values are used as they are (so ``f`` may close over them); real numbers become leaves."""
    if isinstance(inputs, Value) or isinstance(inputs, numbers.Real):
        items = [inputs]
    elif isinstance(inputs, Iterable) and not isinstance(inputs, (str, bytes, Mapping)):
        items = list(inputs)
    else:
        raise TypeError(
            f"{name}: inputs must be a Value, a number or a sequence of them, "
            f"got {type(inputs).__name__} {inputs!r:.60}"
        )
    if not items:
        raise ValueError(f"{name}: no inputs to check")
    leaves = []
    for i, x in enumerate(items):
        if isinstance(x, Value):
            leaves.append(x)
        elif isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(x):
            leaves.append(Value(float(x), label=f"inputs[{i}]"))
        else:
            raise TypeError(
                f"{name}: inputs[{i}] must be a Value or a finite real number, got {type(x).__name__} {x!r:.60}"
            )
    return leaves


def _call_forward(rule: Any, z: Sequence[float]) -> float:
    """The rule's forward value at the point ``z`` (for finite differences of one node)."""
    value: float = rule.forward(*z)
    return value


def _entry(f: Callable[[Sequence[float]], list[float]], i: int, z: Sequence[float]) -> float:
    """Entry ``i`` of the vector ``f(z)``."""
    return f(z)[i]


def _step(eps: float, x: float) -> float:
    """The finite-difference step for input value ``x``: eps * max(1, |x|)."""
    return eps * max(1.0, abs(x))


def _scalar(f: Fn, xs: list[Value]) -> Value:
    out = f(*xs)
    if not isinstance(out, Value):
        raise TypeError(
            f"gradcheck: f must return a scalar Value (built from its inputs), got {type(out).__name__} {out!r:.60}"
        )
    return out


def _evaluate_at(f: Fn, xs: list[Value], point: Sequence[float], derivative: bool = False) -> Any:
    """f (or its float gradient) with the inputs' data set to ``point``; data restored after."""
    saved = [x.data for x in xs]
    try:
        for x, v in zip(xs, point):
            x.data = v
        if derivative:
            return grad(_scalar(f, xs), xs)
        with no_grad():
            return _scalar(f, xs).data
    finally:
        for x, v in zip(xs, saved):
            x.data = v


def _label(i: int, x: Value) -> str:
    return f"{i} '{x.label}'" if x.label else str(i)


def first_bad_node(
    root: Value, eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-5, second_order: bool = False
) -> str | None:
    """Describe the first node (topological order) whose rule disagrees with finite differences.

    First order: the local derivatives recorded at forward time vs central differences of
    ``rule.forward`` at the node's inputs. With ``second_order`` also the rule's partials
    rebuilt on Values and their derivatives (see :func:`check_point`).
    """
    if not isinstance(root, Value):
        raise TypeError(f"first_bad_node: root must be a Value, got {type(root).__name__} {root!r:.60}")
    _check_settings("first_bad_node", _NO_F, eps, atol, rtol)
    flag("first_bad_node", "second_order", second_order)
    order = topological_order(root)
    for k, node in enumerate(order):
        rule = node.rule
        if rule is None or is_custom(node):  # a closure has no rule to evaluate: see _first_bad_closure
            continue
        args = node.inputs
        x = [a.data if isinstance(a, Value) else float(a) for a in args]
        positions = [i for i, a in enumerate(args) if isinstance(a, Value)]
        where = (
            f"node {k} of {len(order)} in topological order: '{rule.name}' node "
            f"(data={node.data!r}) with inputs ({', '.join(describe_input(a) for a in args)})"
        )
        for i, recorded in zip(positions, node.local_grads):
            numeric = central_difference(partial(_call_forward, rule), x, i, _step(eps, x[i]))
            got = as_float(recorded)
            if numeric is not None and not close(got, numeric, atol, rtol):
                return (
                    f"{where}: local derivative d out/d input {i} recorded {fmt(got)}, "
                    f"numeric {fmt(numeric)} (abs error {fmt(abs(got - numeric))})"
                )
        if second_order:
            found = check_point(rule, x, eps, atol, rtol, second_order=True)
            if found:
                return f"{where}: {found[0].describe()}"
    return None


def _values_at(f: Fn, xs: list[Value], point: Sequence[float], ops: list[str]) -> list[float] | None:
    """Every node's data in topological order with the inputs at ``point`` (data restored after),
    or None if f fails there or its graph has another shape than ``ops``."""
    saved = [x.data for x in xs]
    try:
        for x, v in zip(xs, point):
            x.data = v
        order = topological_order(_scalar(f, xs))
        return [v.data for v in order] if [v.op for v in order] == ops else None
    except (ArithmeticError, ValueError):
        return None
    finally:
        for x, v in zip(xs, saved):
            x.data = v


def _first_bad_closure(f: Fn, xs: list[Value], root: Value, eps: float, atol: float, rtol: float) -> str | None:
    """The first custom node whose ``_backward`` closure disagrees with the chain rule on finite
    differences: for each input x_j, numeric d node/d x_j against Σ_p (closure's d node/d p) d p/d x_j,
    every term from re-running f at x ± h_j e_j and reading its nodes at the same positions."""
    order = topological_order(root)
    customs = [k for k, v in enumerate(order) if is_custom(v)]
    if not customs:
        return None
    ops = [v.op for v in order]
    index = {id(v): k for k, v in enumerate(order)}
    point = [x.data for x in xs]
    slopes: list[list[float] | None] = []  # per input j: d node_k / d x_j for every k
    for j in range(len(xs)):
        h = _step(eps, point[j])
        sides = [_values_at(f, xs, [z + (s if i == j else 0.0) for i, z in enumerate(point)], ops) for s in (h, -h)]
        up, down = sides
        slopes.append(None if up is None or down is None else [(a - b) / (2 * h) for a, b in zip(up, down)])
    for k in customs:
        node = order[k]
        local = probe(node)
        for j, d in enumerate(slopes):
            if d is None:
                continue
            predicted = math.fsum(g * d[index[id(p)]] for g, p in zip(local, node.parents))
            if not close(predicted, d[k], max(atol, 1e-6), max(rtol, 1e-4)):
                shown = ", ".join(f"{describe_input(p)}: {fmt(g)}" for p, g in zip(node.parents, local))
                return (
                    f"node {k} of {len(order)} in topological order: custom node {node.op!r}"
                    f"{f' (label {node.label!r})' if node.label else ''} (data={node.data!r}): its _backward "
                    f"gives d out/d parent = ({shown}), so d out/d input {_label(j, xs[j])} would be "
                    f"{fmt(predicted)}, but finite differences give {fmt(d[k])}"
                )
    return None


def _raise(
    kind: str,
    header: list[str],
    rows: list[list[Any]],
    root: Value,
    eps: float,
    second_order: bool,
    closure: str | None = None,
) -> None:
    culprit = closure or first_bad_node(root, eps=eps, second_order=second_order)
    blame = (
        f"first node whose {'_backward closure' if closure else 'rule'} disagrees: {culprit}"
        if culprit
        else "no single node's rule disagrees with finite differences: check the chain rule, a use of "
        ".data/float() inside f, or a kink within eps * max(1, |x|) of an input (try a smaller eps)"
    )
    raise GradcheckError(f"{kind} mismatch (x marks failures):\n{table(header, rows)}\n{blame}")


def gradcheck(f: Fn, inputs: Any, eps: float = 1e-6, atol: float = 1e-7, rtol: float = 1e-5) -> bool:
    """Check d f/d x_i against (f(x + h e_i) - f(x - h e_i)) / 2h, h = eps * max(1, |x_i|),
    for every input; a pass is |analytic - numeric| <= atol + rtol |numeric|.

    ``f(*values)`` returns a scalar Value. Inputs that are Values are used in place (their
    data is moved and restored), so ``f`` may ignore its arguments and close over them, as
    in ``gradcheck(lambda *p: loss(model), model.parameters())``. ``eps`` must be > 0,
    ``atol`` and ``rtol`` >= 0. Returns True or raises :class:`GradcheckError`.
    """
    _check_settings("gradcheck", f, eps, atol, rtol)
    xs = _leaves(inputs, "gradcheck")
    out = _scalar(f, xs)
    analytic = grad(out, xs)
    point = [x.data for x in xs]
    rows: list[list[Any]] = []
    ok = True
    for i, x in enumerate(xs):
        numeric = central_difference(lambda z: _evaluate_at(f, xs, z), point, i, _step(eps, point[i]))
        if numeric is None:
            raise GradcheckError(f"gradcheck: f fails on both sides of input {_label(i, x)} = {x.data!r}")
        good = close(analytic[i], numeric, atol, rtol)
        ok = ok and good
        rows.append(
            [
                _label(i, x),
                analytic[i],
                numeric,
                abs(analytic[i] - numeric),
                rel_error(analytic[i], numeric),
                "" if good else "x",
            ]
        )
    if not ok:
        closure = _first_bad_closure(f, xs, out, eps, atol, rtol)
        header = ["input", "analytic", "numeric", "abs error", "rel error", ""]
        _raise("gradient", header, rows, out, eps, False, closure)
    return True


def gradgradcheck(f: Fn, inputs: Any, eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-5) -> bool:
    """Check the Hessian d^2 f/dx_i dx_j (through ``grad(..., create_graph=True)``) entry by entry.

    Row i of the analytic Hessian is ``grad(g_i, x)`` with ``g = grad(f, x,
    create_graph=True)``; column j of the numeric one is ``(g(x + h_j e_j) - g(x - h_j e_j)) / 2 h_j``
    with float first derivatives and h_j = eps * max(1, |x_j|). ``eps`` must be > 0, ``atol``
    and ``rtol`` >= 0. Returns True or raises :class:`GradcheckError`.
    """
    _check_settings("gradgradcheck", f, eps, atol, rtol)
    xs = _leaves(inputs, "gradgradcheck")
    out = _scalar(f, xs)
    first = grad(out, xs, create_graph=True)
    hessian = [grad(g, xs) for g in first]
    point = [x.data for x in xs]
    n = len(xs)
    numeric = [[0.0] * n for _ in range(n)]
    memo: dict[tuple[float, ...], list[float]] = {}

    def first_at(z: Sequence[float]) -> list[float]:
        key = tuple(z)
        if key not in memo:
            memo[key] = _evaluate_at(f, xs, z, derivative=True)
        return memo[key]

    for j in range(n):
        for i in range(n):
            d = central_difference(partial(_entry, first_at, i), point, j, _step(eps, point[j]))
            if d is None:
                raise GradcheckError(f"gradgradcheck: f fails on both sides of input {_label(j, xs[j])}")
            numeric[i][j] = d
    rows: list[list[Any]] = []
    ok = True
    for i in range(n):
        for j in range(n):
            a, d = hessian[i][j], numeric[i][j]
            good = close(a, d, atol, rtol)
            ok = ok and good
            rows.append(
                [f"{_label(i, xs[i])} , {_label(j, xs[j])}", a, d, abs(a - d), rel_error(a, d), "" if good else "x"]
            )
    if not ok:
        _raise(
            "second derivative",
            ["d2f / dxi dxj", "analytic", "numeric", "abs error", "rel error", ""],
            rows,
            out,
            eps,
            True,
        )
    return True
