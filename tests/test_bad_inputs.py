"""Every public callable, fed wrong-type values: success or a TypeError/ValueError naming it.

For each name in ``__all__`` of ``autograd_core``, ``autograd_core.testing``,
``autograd_core.viz`` and ``nn`` that is callable (functions and classes), the table VALID
gives one call that works. Each argument of that call is then replaced, one at a time, by each
value of BAD (None, a str, a str with a lone surrogate, a nested list, a bool, a complex, a
Decimal, a numpy array). The only outcomes allowed are success (the value is legitimately accepted) or ``TypeError`` /
``ValueError`` whose message contains the callable's name. A callable missing from the table
is called with a bad value in every required position at once.

Calls run in a temporary working directory (a str accepted as a path writes a file there).
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import itertools
import random
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

import nn
from autograd_core import RULES, Rule, Value, apply
from autograd_core import compile as compile_
from autograd_core._extras import MissingExtra

MODULES = ["autograd_core", "autograd_core.testing", "autograd_core.viz", "nn"]
BY_NAME = {"autograd_core": ["sum", "abs", "compile"]}
"""Public names kept out of ``__all__`` so that ``import *`` leaves the builtins alone."""

BAD: dict[str, Callable[[], Any]] = {
    "None": lambda: None,
    "str": lambda: "abc",
    "lone surrogate": lambda: "a\ud800b",
    "nested list": lambda: [[1.0, 2.0], [3.0]],
    "bool": lambda: True,
    "complex": lambda: 1 + 2j,
    "Decimal": lambda: Decimal("1.5"),
    "numpy array": lambda: np.array([0.5, 1.5]),
}


def x(data: float = 0.5) -> Value:
    return Value(data, label="x")


def graph() -> Value:
    a, b = Value(0.5, label="a"), Value(-1.5, label="b")
    return (a * b).tanh() + a


def model() -> nn.MLP:
    return nn.MLP(2, [3, 1], seed=0)


def cube_rule() -> tuple[Any, ...]:
    return ("cube", 1, lambda u: u**3, lambda u, out: (3 * u * u,), "x^3; d/dx = 3x^2", (((-2.0, 2.0),),))


def with_inputs() -> tuple[tuple[Any, ...], dict[str, Any]]:
    a, b = x(0.5), x(1.5)
    return (a * b + a, [a, b]), {"create_graph": False}


def fn2(a: Any, b: Any) -> Any:
    return a * b + a.tanh()


def fn2_vector(a: Any, b: Any) -> list[Any]:
    return [a * b, a.tanh()]


Call = Callable[[], tuple[tuple[Any, ...], dict[str, Any]]]


def call(*args: Any, **kwargs: Any) -> Call:
    """A table entry: fresh arguments for every call (factories are called)."""

    def make() -> tuple[tuple[Any, ...], dict[str, Any]]:
        fresh = tuple(a() if callable(a) and getattr(a, "_fresh", False) else a for a in args)
        return fresh, {k: (v() if callable(v) and getattr(v, "_fresh", False) else v) for k, v in kwargs.items()}

    return make


def fresh(factory: Callable[[], Any]) -> Callable[[], Any]:
    factory._fresh = True  # type: ignore[attr-defined]
    return factory


X, G, M = fresh(x), fresh(graph), fresh(model)
XS = fresh(lambda: [x(0.5), x(-1.0)])
SGD = fresh(lambda: nn.SGD([x()], lr=0.1))
RNG = fresh(lambda: random.Random(0))

VALID: dict[str, Call] = {
    # autograd_core
    "autograd_core.compile": call(fn2, 0.5, 1.5),
    "autograd_core.Value": call(0.5, label="x"),
    "autograd_core.backward": call(G, gradient=1.0),
    "autograd_core.grad": with_inputs,
    "autograd_core.no_grad": call(),
    "autograd_core.is_grad_enabled": call(),
    "autograd_core.topological_order": call(G),
    "autograd_core.apply": call(RULES["mul"], X, 2.0),
    "autograd_core.apply_unary": call(RULES["tanh"], X),
    "autograd_core.apply_binary": call(RULES["mul"], X, 2.0),
    "autograd_core.apply_nary": call(RULES["sum"], fresh(lambda: (x(), 1.0, x()))),
    "autograd_core.Rule": lambda: (cube_rule(), {"symbol": "³"}),
    "autograd_core.undefined": call("no derivative here"),
    **{
        f"autograd_core.{f}": call(X)
        for f in ("square", "exp", "log", "tanh", "sigmoid", "relu", "abs", "sqrt", "sin", "cos")
    },
    "autograd_core.sum": call(fresh(lambda: [x(), 1.0, x()])),
    "autograd_core.dot": call(XS, [1.0, 2.0]),
    "autograd_core.affine": call(X, XS, [1.0, 2.0]),
    "autograd_core.jvp": call(fn2, [0.5, 1.5], [1.0, 0.0]),
    "autograd_core.vjp": call(fn2, [0.5, 1.5], 1.0),
    "autograd_core.jacobian": call(fn2_vector, [0.5, 1.5], mode="auto"),
    "autograd_core.hessian": call(fn2, [0.5, 1.5]),
    "autograd_core.hvp": call(fn2, [0.5, 1.5], [1.0, 0.0]),
    # autograd_core.testing
    "autograd_core.testing.GradcheckError": call("message"),
    "autograd_core.testing.central_difference": call(lambda z: z[0] ** 2, [0.5], 0, h=1e-6),
    "autograd_core.testing.gradcheck": call(fn2, [0.5, 1.5], eps=1e-6, atol=1e-7, rtol=1e-5),
    "autograd_core.testing.gradgradcheck": call(fn2, [0.5, 1.5], eps=1e-6, atol=1e-6, rtol=1e-5),
    "autograd_core.testing.first_bad_node": call(G, eps=1e-6, atol=1e-6, rtol=1e-5, second_order=False),
    "autograd_core.testing.check_rule": call(
        "tanh", per_interval=2, eps=1e-6, atol=1e-6, rtol=1e-5, second_order=False, variadic_arities=None
    ),
    "autograd_core.testing.check_point": call(RULES["tanh"], [0.5], eps=1e-6, atol=1e-6, rtol=1e-5, second_order=False),
    "autograd_core.testing.domain_points": call(RULES["tanh"], per_interval=2, variadic_arities=None),
    "autograd_core.testing.AnomalyError": call("message"),
    "autograd_core.testing.detect_anomaly": call(),
    # autograd_core.viz
    "autograd_core.viz.trace": call(G),
    "autograd_core.viz.Edge": call(0, 1, 0, 1.0),
    "autograd_core.viz.draw_graph": call(
        G,
        rankdir="LR",
        show_local_grads=False,
        highlight_leaves=True,
        params=None,
        mark_accumulation=True,
        color_by_grad=False,
        max_nodes=500,
        precision=4,
    ),
    "autograd_core.viz.escape_label": call("a<b>"),
    "autograd_core.viz.escape_text": call("a<b>"),
    "autograd_core.viz.grad_color": call(0.5, 1.0),
    "autograd_core.viz.draw_network": call(M, show="weights", rankdir="LR", edge_labels=None, precision=3),
    "autograd_core.viz.render_svg": call(G, renderer="auto"),
    "autograd_core.viz.save_svg": call(G, "graph.svg", renderer="auto"),
    "autograd_core.viz.show": call(G),
    "autograd_core.viz.available_renderer": call(),
    "autograd_core.viz.RendererNotFound": call("message"),
    "autograd_core.viz.backprop_html": call(G, "page.html", title="t", gradient=1.0, params=None, max_nodes=300),
    "autograd_core.viz.backprop_steps": call(G, gradient=1.0, params=None),
    "autograd_core.viz.lecture_example": call(),
    "autograd_core.viz.lecture_steps": call(M, [0.5, -0.5], 1.0, lr=0.1),
    "autograd_core.viz.lecture_html": call(M, [0.5, -0.5], 1.0, "lecture.html", lr=0.1, title="t"),
    "autograd_core.viz.TrainingView": call(M, [[0.5, -0.5], [1.0, 0.0]], [1, 0], throttle=0.25, grid=8),
    # nn
    "nn.Module": call(),
    "nn.Neuron": call(2, activation="tanh", seed=0, init="xavier", fan_out=1),
    "nn.Layer": call(2, 3, activation="relu", seed=0, init=None),
    "nn.MLP": call(2, [3, 1], activation="tanh", output_activation="linear", seed=0, init="uniform"),
    **{f"nn.{f}": call(RNG, 2, 3) for f in ("xavier_uniform", "he_uniform", "uniform")},
    "nn.square_loss": call(X, 1.0),
    "nn.mse_loss": call(XS, [1.0, 0.0]),
    "nn.hinge_loss": call(XS, [1, -1]),
    "nn.bce_with_logits": call(XS, [1.0, 0.0]),
    "nn.softplus": call(X),
    "nn.softmax": call(XS),
    "nn.log_softmax": call(XS),
    "nn.logsumexp": call(XS),
    "nn.cross_entropy": call(XS, 1),
    "nn.l2_penalty": call(XS, 0.1),
    "nn.mean": call(XS),
    "nn.Optimizer": call(XS, 0.1),
    "nn.SGD": call(XS, lr=0.1, momentum=0.5, weight_decay=0.0),
    "nn.Adam": call(XS, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0),
    "nn.LinearDecay": call(SGD, 0.1, 0.01, 10),
    "nn.make_moons": call(n=20, noise=0.1, seed=0),
    "nn.make_circles": call(n=20, noise=0.05, factor=0.5, seed=0),
    "nn.make_spirals": call(n=30, classes=3, noise=0.2, seed=0),
    "nn.make_xor": call(n=20, noise=0.2, seed=0),
    "nn.make_blobs": call(n=20, centers=3, std=1.0, seed=0),
    "nn.to_signs": call([0, 1, 1]),
    "nn.train_test_split": call([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1], test_size=0.25, seed=0),
    "nn.batches": call([[0.0], [1.0], [2.0], [3.0]], [0, 1, 0, 1], 2, seed=0, shuffle=True),
    "nn.load_iris": call(),
    "nn.load_digits": call(),
    "nn.accuracy": call([1, 0], [1, 1]),
    "nn.predict_sign": call(X),
    "nn.predict_class": call(XS),
    "nn.to_torch": call(M),
}


SLOW_TO_RUN = {"nn.to_torch", "autograd_core.viz.render_svg", "autograd_core.viz.save_svg"}
"""Table calls not run themselves (importing torch, starting a renderer: seconds); their
substitutions still are, and are rejected before that work starts."""


def public_callables() -> list[tuple[str, Any]]:
    found = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in [*module.__all__, *BY_NAME.get(module_name, [])]:
            obj = getattr(module, name)
            if callable(obj):
                found.append((f"{module_name}.{name}", obj))
    return found


CALLABLES = public_callables()


def run(fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    result = fn(*args, **kwargs)
    if inspect.isgenerator(result):  # lazy functions check when iterated
        result = list(itertools.islice(result, 3))
    return result


def outcome(name: str, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str | None:
    """None if allowed (success, or a TypeError/ValueError naming ``name``); else a description."""
    short = name.rsplit(".", 1)[1]
    try:
        run(fn, args, kwargs)
    except MissingExtra:
        raise
    except (TypeError, ValueError) as error:
        if short in str(error):
            TRIED["named errors"] += 1
            return None
        return f"{type(error).__name__} not naming {short!r}: {str(error)[:160]}"
    except Exception as error:  # noqa: BLE001 - every other type is a failure to report
        return f"{type(error).__name__}: {str(error)[:160]}"
    TRIED["accepted"] += 1
    return None


def substitutions(name: str, fn: Any) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    """(description, args, kwargs): each argument of the valid call replaced by each bad value."""
    out = []
    if name in VALID:
        make = VALID[name]
        args, kwargs = make()
        slots = [("arg", i) for i in range(len(args))] + [("kw", k) for k in kwargs]
        for (where, key), (bad_name, bad) in itertools.product(slots, BAD.items()):
            args, kwargs = make()
            if where == "arg":
                args = (*args[:key], bad(), *args[key + 1 :])
            else:
                kwargs = {**kwargs, key: bad()}
            out.append((f"{'position ' + str(key) if where == 'arg' else key}={bad_name}", args, kwargs))
        return out
    try:
        required = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        required = []
    for bad_name, bad in BAD.items():
        out.append((f"every required argument={bad_name}", tuple(bad() for _ in required), {}))
    return out


TRIED = {"calls": 0, "named errors": 0, "accepted": 0}


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("name, fn", CALLABLES, ids=[n for n, _ in CALLABLES])
def test_wrong_type_arguments_give_a_named_type_or_value_error(name: str, fn: Any) -> None:
    if name in VALID and name not in SLOW_TO_RUN:
        args, kwargs = VALID[name]()
        if args or kwargs:  # a call without arguments has nothing to substitute
            try:
                run(fn, args, kwargs)  # the table's call itself must work
            except MissingExtra as missing:
                pytest.skip(f"optional dependency not installed: {missing}")
    failures = []
    for description, args, kwargs in substitutions(name, fn):
        TRIED["calls"] += 1
        try:
            problem = outcome(name, fn, args, kwargs)
        except MissingExtra as missing:
            pytest.skip(f"optional dependency not installed: {missing}")
        if problem:
            failures.append(f"{name}({description}): {problem}")
    assert not failures, f"{len(failures)} call(s) without a named TypeError/ValueError:\n" + "\n".join(failures)


def test_the_table_covers_every_public_callable() -> None:
    missing = sorted(name for name, _ in CALLABLES if name not in VALID)
    stale = sorted(set(VALID) - {name for name, _ in CALLABLES})
    assert not stale, f"table entries for names no longer public: {stale}"
    # New callables are still checked (bad values in every required position); list them here.
    assert len(missing) <= 10, f"add table entries for: {missing}"


# --- a user's rule returning local derivatives that are not real numbers ---

BAD_PARTIALS: dict[str, Callable[[], Any]] = {
    "Value": lambda: Value(1.0),
    "complex": lambda: 1 + 2j,
    "None": lambda: None,
    "str": lambda: "1.0",
    "list": lambda: [1.0],
    "bool": lambda: True,
}


@pytest.mark.parametrize("arity", [1, 2, -1])
@pytest.mark.parametrize("bad", list(BAD_PARTIALS), ids=list(BAD_PARTIALS))
def test_partials_that_are_not_real_numbers_are_type_errors_naming_the_rule_and_input(arity, bad):
    n = 2 if arity == -1 else arity

    def partials(*xs_out: Any) -> tuple[Any, ...]:
        return (1.0,) * (n - 1) + (BAD_PARTIALS[bad](),)

    rule = Rule("custom_rule", arity, lambda *xs: 0.5, partials, "x + ...", (((-1.0, 1.0),),) * max(n, 1))
    a, b = Value(0.5, label="a"), Value(0.25, label="b")
    with pytest.raises(TypeError, match=rf"custom_rule: partials must .* for input {n - 1}"):
        apply(rule, *(a, b)[:n])


@pytest.mark.parametrize("name, n", [("tanh", 1), ("mul", 2), ("sum", 3)])
def test_a_copy_of_a_table_row_with_the_users_partials_is_checked_as_a_users_rule(name, n):
    # apply_* trusts the partials of the table's own rows only (floats by construction)
    rule = dataclasses.replace(RULES[name], name="mine", partials=lambda *xs_out: ("1.0",) * n)
    with pytest.raises(TypeError, match=r"mine: partials must return real numbers .* for input 0 \(input 'a'\)"):
        apply(rule, *[Value(0.5, label="a")] * n)
    assert all(row._table_row for row in RULES.values()) and not rule._table_row


def test_real_partials_and_forwards_of_any_number_type_leave_grad_and_data_floats():
    rule = Rule("ints", 1, lambda u: 2, lambda u, out: (np.float32(3.0),), "2", (((-1.0, 1.0),),))
    a = Value(0.5)
    out = apply(rule, a) * a
    out.backward()
    assert a.grad.__class__ is float and out.data.__class__ is float


def test_ints_too_large_for_a_float_are_value_errors_naming_the_caller_and_position():
    c = compile_(lambda x, y: x[0] * x[1] + y, [0.1, 0.2], 1.0)
    with pytest.raises(ValueError, match=r"compile: argument 0 \(x\)\[1\] is an int too large for a float"):
        c([0.1, 10**400], 1.0)
    with pytest.raises(ValueError, match="Value: int 1000.* is too large for a float"):
        Value(10**400)
    with pytest.raises(ValueError, match=r"mul: int 1000.* is too large for a float \(argument 1 of apply_binary\)"):
        Value(1.0) * 10**400
