"""Two moons, two ways: the lecture's classifier and micrograd's.

(a) Lecture: tanh network whose output neuron is also tanh, square loss
    e = (1/N) Σ_n (h(x_n) - y_n)², prediction sign(h(x)), labels y in {-1, +1}.
(b) micrograd: relu network with a linear output score s(x), SVM hinge loss
    (1/N) Σ_n max(0, 1 - y_n s(x_n)) + α Σ w², SGD with a learning rate falling from 1.0 to 0.1.
Both train full-batch on the same 100 points.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import autograd_core as ac
import nn
from autograd_core import Value
from autograd_core.compile import compile_forward
from autograd_core.viz.replay import save_replay
from autograd_core.viz.snapshots import Recorder

from ._common import counter, finish, grid_scores, plot_points, pyplot, save_png, start

plt = pyplot()

__all__ = ["main", "train", "lecture_model", "micrograd_model"]

DESCRIPTION = """Binary classification of two interleaving half moons (100 points, labels -1/+1),
trained full-batch two ways. (a) The lecture's network: tanh hidden layers and a tanh
output neuron h(x), square loss (h(x) - y)^2, prediction sign(h(x)). (b) micrograd's
variant: relu hidden layers, a linear score, hinge loss max(0, 1 - y s(x)) plus L2
regularisation, SGD with a decaying learning rate: 100% training accuracy within 100
steps. Writes both decision boundaries and the loss / accuracy curves (PNG)."""

N_POINTS = 100
STEPS = 100
ALPHA = 1e-4
"""L2 strength of micrograd's variant."""


def lecture_model(seed: int = 1) -> nn.MLP:
    """2 -> 16 -> 16 -> 1, tanh everywhere (h(x) in (-1, 1))."""
    return nn.MLP(2, [16, 16, 1], activation="tanh", output_activation="tanh", seed=seed)


def micrograd_model(seed: int = 1) -> nn.MLP:
    """2 -> 16 -> 16 -> 1, relu hidden layers, linear score."""
    return nn.MLP(2, [16, 16, 1], activation="relu", output_activation="linear", seed=seed)


def _lecture_loss(model: nn.MLP, X: list[list[float]], ys: list[int]) -> tuple[Value, list[Value]]:
    h = [model(x)[0] for x in X]
    return nn.mse_loss(h, ys), h


def _micrograd_loss(model: nn.MLP, X: list[list[float]], ys: list[int]) -> tuple[Value, list[Value]]:
    s = [model(x)[0] for x in X]
    return nn.hinge_loss(s, ys) + nn.l2_penalty(model.parameters(), ALPHA), s


def compiled_loss(
    model: nn.MLP,
    example: Callable[[Any, Any], Value],
    penalty: Callable[[], Value] | None = None,
) -> Callable[[nn.MLP, list[list[float]], list[int]], tuple[float, list[float]]]:
    """A loss function for :func:`train` by compiled replays: mean_i example(x_i, y_i) (+ penalty())
    with its gradients accumulated into ``.grad`` by the same call, and the scores h(x_i)."""
    c = ac.compile(example, [0.0, 0.0], 1)
    extra = ac.compile(penalty) if penalty is not None else None
    score = compile_forward(lambda x: model(x)[0], [0.0, 0.0])

    def loss_fn(model: nn.MLP, X: list[list[float]], ys: list[int]) -> tuple[float, list[float]]:
        value = c.over(X, ys, reduce="mean") + (extra() if extra is not None else 0.0)
        return value, score.values(X)

    return loss_fn


def train(
    model: nn.MLP,
    loss_fn: Callable[[nn.MLP, list[list[float]], list[int]], tuple[Any, list[Any]]],
    optimizer: Any,
    X: list[list[float]],
    ys: list[int],
    steps: int,
    name: str,
    schedule: Any = None,
    recorder: Recorder | None = None,
) -> dict[str, list[float]]:
    """Full-batch training; the loss and the training accuracy (of sign(h)) before each step.

    ``loss_fn`` returns a Value to call ``backward()`` on, or (from :func:`compiled_loss`) a
    float whose gradients are already in ``.grad``. ``recorder``: a snapshot per step (replay page)."""
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    bar = counter(steps, desc=name)
    for _ in range(steps):
        optimizer.zero_grad()
        loss, scores = loss_fn(model, X, ys)
        value = loss.data if isinstance(loss, Value) else loss
        acc = nn.accuracy([nn.predict_sign(s) for s in scores], ys)
        history["loss"].append(value)
        history["accuracy"].append(acc)
        bar.set_postfix(loss=f"{value:.4f}", acc=f"{acc:.0%}")
        if isinstance(loss, Value):
            loss.backward()
        optimizer.step()
        if recorder is not None:
            recorder.record(value)
        if schedule is not None:
            schedule.step()
        bar.update()
    bar.close()
    loss, scores = loss_fn(model, X, ys)
    history["loss"].append(loss.data if isinstance(loss, Value) else loss)
    history["accuracy"].append(nn.accuracy([nn.predict_sign(s) for s in scores], ys))
    return history


def _perfect_from(accuracy: list[float]) -> int | None:
    """The first step from which the training accuracy stays at 100% to the end, or None."""
    below = [k for k, a in enumerate(accuracy) if a < 1.0]
    k = below[-1] + 1 if below else 0
    return k if k < len(accuracy) else None


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args, out = start("moons", DESCRIPTION, argv, trains=True)
    n, steps, grid = (40, 15, 25) if args.quick else (N_POINTS, STEPS, 90)
    X, labels = nn.make_moons(n, noise=0.1, seed=0)
    ys = nn.to_signs(labels)

    t0 = time.perf_counter()
    lecture = lecture_model()
    opt = nn.SGD(lecture.parameters(), lr=0.3, momentum=0.9)
    loss_a = compiled_loss(lecture, lambda x, y: nn.square_loss(lecture(x)[0], y)) if args.compile else _lecture_loss
    replay = Recorder(lecture, X, ys)
    hist_a = train(lecture, loss_a, opt, X, ys, steps, "(a) tanh + square loss", recorder=replay)
    time_a = time.perf_counter() - t0

    t0 = time.perf_counter()
    micro = micrograd_model()
    opt = nn.SGD(micro.parameters(), lr=1.0)
    decay = nn.LinearDecay(opt, 1.0, 0.1, steps)
    loss_b = (
        compiled_loss(
            micro,
            lambda x, y: (1.0 - y * micro(x)[0]).relu(),  # hinge, y = +-1
            lambda: nn.l2_penalty(micro.parameters(), ALPHA),
        )
        if args.compile
        else _micrograd_loss
    )
    hist_b = train(micro, loss_b, opt, X, ys, steps, "(b) relu + hinge loss", decay)
    time_b = time.perf_counter() - t0

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6))
    for ax, model, hist, title in (
        (axes[0], lecture, hist_a, "(a) lecture: tanh, square loss, sign(h(x))"),
        (axes[1], micro, hist_b, "(b) micrograd: relu, hinge loss + L2"),
    ):
        gx, gy, scores = grid_scores(model, X, grid)
        z = [[row[c][0] for c in range(len(gx))] for row in scores]
        ax.contourf(gx, gy, z, levels=[-1e9, 0.0, 1e9], colors=["#f4c7c3", "#c6dbef"], alpha=0.8)
        ax.contour(gx, gy, z, levels=[0.0], colors="k", linewidths=1.2)
        plot_points(ax, X, labels, ["tab:red", "tab:blue"], ["y = -1", "y = +1"])
        ax.set(title=f"{title}\ntrain accuracy {hist['accuracy'][-1]:.0%}", xlabel="x_1", ylabel="x_2")
        ax.legend(loc="lower right", fontsize=8)
    save_png(fig, out / "moons_boundary.png")

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(hist_a["loss"], label="(a) square loss (mean)", color="tab:purple")
    left.plot(hist_b["loss"], label="(b) hinge loss + L2", color="tab:orange")
    left.set(xlabel="step", ylabel="training loss", yscale="log", title="loss")
    left.legend()
    right.plot([100 * a for a in hist_a["accuracy"]], label="(a) tanh + square loss", color="tab:purple")
    right.plot([100 * a for a in hist_b["accuracy"]], label="(b) relu + hinge loss", color="tab:orange")
    right.set(xlabel="step", ylabel="training accuracy (%)", title="training accuracy", ylim=(40, 102))
    right.legend(loc="lower right")
    save_png(fig, out / "moons_loss.png")
    print(f"wrote {save_replay(replay, out / 'moons_replay.html', title='Two moons: the lecture network learning')}")

    metrics = {
        "quick": args.quick,
        "compiled": args.compile,
        "n_points": n,
        "steps": steps,
        "lecture_loss_first": hist_a["loss"][0],
        "lecture_loss_last": hist_a["loss"][-1],
        "lecture_train_accuracy": hist_a["accuracy"][-1],
        "lecture_100pct_from_step": _perfect_from(hist_a["accuracy"]),
        "lecture_seconds": time_a,
        "micrograd_loss_first": hist_b["loss"][0],
        "micrograd_loss_last": hist_b["loss"][-1],
        "micrograd_train_accuracy": hist_b["accuracy"][-1],
        "micrograd_100pct_from_step": _perfect_from(hist_b["accuracy"]),
        "micrograd_seconds": time_b,
    }
    result = (
        f"train accuracy {hist_a['accuracy'][-1]:.0%} (lecture: tanh, square loss) and "
        f"{hist_b['accuracy'][-1]:.0%} (micrograd: relu, hinge loss) after {steps} steps"
    )
    return finish(out, metrics, result)


if __name__ == "__main__":
    main()
