"""Hostile inputs to compile: names that collide with the generated code's own, rule text
that is not a Python name, very wide expressions; the replay must stay valid and exact."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import autograd_core as ac
from autograd_core import Rule, Value

from .helpers import assert_same, engine, replay


def finishes(work: Callable[[], Any], seconds: float = 30.0) -> Any:
    """``work()``'s result, or a failure if it has not returned after ``seconds`` (no hang)."""
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"did not return within {seconds} s"
    return box[0]


def square_rule(name: str, math: str = "u^2; d/du = 2u") -> Rule:
    return Rule(name, 1, lambda u: u * u, lambda u, out: (2.0 * u,), math, (((-2.0, 2.0),),))


def test_labels_arguments_and_rules_named_like_the_generated_code_compile_and_replay():
    sq = square_rule("R_sq")
    w = Value(0.5, label="R_1")

    def f(R_x):  # noqa: N803 - the argument's name is the point
        a = R_x * w
        a.label = "R_mul"
        b = ac.apply(sq, a)
        b.label = ".R_x"
        return (b + R_x).tanh()

    c = finishes(lambda: ac.compile(f, 0.3))
    assert_same(replay(c, [w], 0.7), engine(f, [w], 0.7))
    assert c.stats.replays == 1 and c.stats.engine_replays == 0


def test_labels_of_100000_characters_compile_into_short_names():
    w = Value(0.5, label="w" * 100_000)

    def f(x):
        y = (x * w).tanh()
        y.label = "h" * 100_000
        z = y * y
        z.label = "h" * 100_000
        return z

    c = finishes(lambda: ac.compile(f, 0.3), 10.0)
    assert max(map(len, c.source.splitlines())) < 1000
    assert_same(replay(c, [w], -0.4), engine(f, [w], -0.4))


HOSTILE_TEXT = [
    'x^2\nraise SystemExit("ran")',
    'x^2; d/dx = 2x\n    raise SystemExit("ran")',
    "a\rb\x00c\x0bd\u2028e\ud800",
]


def test_rule_names_and_math_with_newlines_and_code_stay_in_comments():
    for text in HOSTILE_TEXT:
        rule = square_rule(text.replace("x^2", "sq"), math=text)
        w = Value(0.5, label=text)

        def f(x, rule=rule, w=w):
            return ac.apply(rule, x * w) + x

        c = ac.compile(f, 0.3)
        compile(c.source, "<test>", "exec")  # valid Python
        assert_same(replay(c, [w], 0.9), engine(f, [w], 0.9))  # SystemExit if the text ran
        assert c.stats.replays == 1 and c.stats.engine_replays == 0, text  # the replay ran, not the engine


def test_a_wide_dot_sum_and_affine_replay_without_falling_back():
    n = 5_000
    w = [Value(0.25 * (i % 5) - 0.5) for i in range(n)]
    b = Value(0.1)

    def f(x):
        return ac.dot(w, x) + ac.sum(x) * ac.affine(b, w, x)

    xs = [0.01 * (i % 11) for i in range(n)]
    c = ac.compile(f, xs)
    ys = [0.02 * (i % 13) - 0.1 for i in range(n)]
    assert_same(replay(c, [*w, b], ys), engine(f, [*w, b], ys))
    assert c.stats.replays == 1 and c.stats.engine_replays == 0
    assert c.over([xs, ys]) == c.over([xs, ys])  # the data-set loop compiles too
    assert c.stats.engine_replays == 0
