"""Newton's method against gradient descent on f(x) = x⁴ - 3x² + x, with f'' from the engine.

``grad(f, x, create_graph=True)`` returns f'(x) as a Value whose graph can be differentiated
again, so f''(x) = ``grad(f'(x), x)``. Newton: x <- x - f'(x) / f''(x); gradient descent:
x <- x - η f'(x). Both are checked against the closed forms f' = 4x³ - 6x + 1, f'' = 12x² - 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import autograd_core as ac
from autograd_core import Value, viz

from ._common import finish, plt, progress, save_png, start

__all__ = ["main", "f", "derivatives", "newton", "gradient_descent"]

DESCRIPTION = """Newton's method against gradient descent on the 1-D function f(x) = x^4 - 3x^2 + x.
The engine gives f'(x) as a differentiable Value through grad(f, x, create_graph=True) and
then f''(x) by differentiating that Value again; Newton steps x <- x - f'(x)/f''(x) reach
|f'(x)| < 1e-10 in a handful of steps where gradient descent x <- x - eta f'(x) needs
dozens. Started where f'' < 0, Newton climbs to the local maximum instead: it looks for
f'(x) = 0, not for a minimum. Writes the iterates and the convergence plot (PNG), and the
graph of f'(x) that the engine differentiates a second time (SVG)."""

TOL = 1e-10
"""Stop when |f'(x)| < TOL."""
LR = 0.02
"""Gradient descent step size η (stable: η < 2 / f'' near the minimum)."""


def f(x: Any) -> Any:
    """f(x) = x⁴ - 3x² + x (two minima, one maximum), for floats or Values."""
    return x**4 - 3 * x**2 + x


def derivatives(x0: float) -> tuple[float, float, Value]:
    """(f'(x0), f''(x0), the Value f'(x0) with its graph) through the engine."""
    x = Value(x0, label="x")
    fx = f(x)
    fx.label = "f"
    d1 = ac.grad(fx, x, create_graph=True)  # a Value: its graph computes f'(x)
    d1.label = "f'(x)"
    d2 = ac.grad(d1, x)  # differentiate f'(x) once more: f''(x)
    return d1.data, d2, d1


def _check(x: float, d1: float, d2: float) -> float:
    """Largest difference to the closed forms f' = 4x³ - 6x + 1 and f'' = 12x² - 6."""
    return max(abs(d1 - (4 * x**3 - 6 * x + 1)), abs(d2 - (12 * x**2 - 6)))


def newton(x0: float, max_steps: int) -> tuple[list[float], float]:
    """Newton iterates from x0 until |f'| < TOL; also the largest error of f', f'' to the closed forms."""
    xs, err = [x0], 0.0
    for _ in progress(range(max_steps), desc=f"Newton from {x0:+}"):
        d1, d2, _ = derivatives(xs[-1])
        err = max(err, _check(xs[-1], d1, d2))
        if abs(d1) < TOL:
            break
        xs.append(xs[-1] - d1 / d2)
    return xs, err


def gradient_descent(x0: float, max_steps: int, lr: float = LR) -> list[float]:
    """Gradient descent iterates from x0 until |f'| < TOL or ``max_steps``."""
    xs = [x0]
    for _ in progress(range(max_steps), desc=f"gradient descent from {x0:+}"):
        x = Value(xs[-1])
        d1 = ac.grad(f(x), x)
        if abs(d1) < TOL:
            break
        xs.append(xs[-1] - lr * d1)
    return xs


def _steps(xs: list[float]) -> int | None:
    """Number of steps taken to |f'| < TOL, or None if not reached."""
    x = xs[-1]
    return len(xs) - 1 if abs(4 * x**3 - 6 * x + 1) < TOL else None


def _plot(out: Any, runs: dict[str, list[float]]) -> Any:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    grid = [-2.2 + 4.4 * k / 400 for k in range(401)]
    left.plot(grid, [f(x) for x in grid], color="0.3", lw=1.5, label="f(x) = x⁴ − 3x² + x")
    styles = {
        "Newton from -2": {"color": "tab:red", "marker": "o", "ms": 6},
        "gradient descent from -2": {"color": "tab:blue", "marker": ".", "ms": 4, "alpha": 0.7},
        "Newton from 0.4 (f'' < 0)": {"color": "tab:purple", "marker": "s", "ms": 5, "ls": "--"},
        "gradient descent from 0.4": {"color": "tab:green", "marker": ".", "ms": 4, "alpha": 0.7, "ls": "--"},
    }
    for name, xs in runs.items():
        left.plot(xs, [f(x) for x in xs], label=f"{name}: {len(xs) - 1} steps", **styles[name])
        right.semilogy(range(len(xs)), [max(abs(4 * x**3 - 6 * x + 1), 1e-17) for x in xs], label=name,
                       **styles[name])
    left.set(xlabel="x", ylabel="f(x)", title="iterates on f", ylim=(-4.5, 8))
    left.legend(fontsize=8, loc="upper center")
    right.axhline(TOL, color="0.6", lw=0.8, ls=":")
    right.set(xlabel="step k", ylabel="|f'(x_k)|", title="convergence (|f'| < 1e-10 stops)")
    right.legend(fontsize=8)
    fig.suptitle("Newton x ← x − f'(x)/f''(x), f'' from grad(..., create_graph=True), "
                 "vs gradient descent x ← x − 0.02 f'(x)")
    return save_png(fig, out / "newton.png")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args, out = start("newton", DESCRIPTION, argv)
    gd_steps = 40 if args.quick else 1000
    runs = {}
    runs["Newton from -2"], err1 = newton(-2.0, 50)
    runs["gradient descent from -2"] = gradient_descent(-2.0, gd_steps)
    runs["Newton from 0.4 (f'' < 0)"], err2 = newton(0.4, 50)
    runs["gradient descent from 0.4"] = gradient_descent(0.4, gd_steps)
    _plot(out, runs)

    _, _, d1 = derivatives(-2.0)
    try:
        path = viz.save_svg(d1, out / "derivative_graph.svg", show_local_grads=True)
        print(f"wrote {path}")
    except viz.RendererNotFound as error:
        print(f"skipped derivative_graph.svg: {error}")

    newton_x, gd_x = runs["Newton from -2"][-1], runs["gradient descent from -2"][-1]
    metrics = {
        "quick": args.quick,
        "newton_steps": _steps(runs["Newton from -2"]),
        "gd_steps": _steps(runs["gradient descent from -2"]),
        "newton_x": newton_x,
        "gd_x": gd_x,
        "gd_abs_fprime": abs(4 * gd_x**3 - 6 * gd_x + 1),
        "newton_from_0.4_x": runs["Newton from 0.4 (f'' < 0)"][-1],
        "newton_from_0.4_fsecond": 12 * runs["Newton from 0.4 (f'' < 0)"][-1] ** 2 - 6,
        "gd_from_0.4_x": runs["gradient descent from 0.4"][-1],
        "max_derivative_error": max(err1, err2),
    }
    return finish(out, metrics)


if __name__ == "__main__":
    main()
