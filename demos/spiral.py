"""Three interleaved spiral arms: Adam against SGD on the same network, data and minibatches.

Softmax cross-entropy over K = 3 scores, prediction argmax_i f_i. Both optimizers start from
the same initial weights (same seed) and see the same minibatches in the same order.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

import autograd_core as ac
import nn
from autograd_core.viz.replay import save_replay
from autograd_core.viz.snapshots import Recorder

from ._common import counter, finish, grid_scores, plot_points, pyplot, save_png, start

plt = pyplot()

__all__ = ["main", "make_model", "train"]

DESCRIPTION = """Three-class spiral (300 points on three interleaved arms): a 2-32-32-3 tanh MLP with
softmax cross-entropy, trained twice from the same initial weights on the same minibatches
of 32: once with Adam (lr 0.01), once with plain SGD (lr 0.1, the lecture's update
w <- w - eta dL/dw). Adam untangles the arms; SGD, in the same number of steps, barely
starts to. Writes both loss curves on one plot and the decision regions of both models
(PNG)."""

CLASSES = 3
N_POINTS = 300
EPOCHS = 40
BATCH = 32
COLORS = ["tab:red", "tab:green", "tab:blue"]
FILLS = ["#f4c7c3", "#c7e9c0", "#c6dbef"]


def make_model(seed: int = 0) -> nn.MLP:
    """2 -> 32 -> 32 -> 3 scores, tanh hidden layers."""
    return nn.MLP(2, [32, 32, CLASSES], activation="tanh", output_activation="linear", seed=seed)


def compiled_batch_loss(model: nn.MLP) -> Any:
    """batch_loss(xb, yb): mean cross-entropy of a minibatch, gradients into ``.grad``, by
    compiled replays of one example, L = log Σ_j e^{f_j} - Σ_i y_i f_i with y one-hot."""

    def example(x: Any, y: Any) -> Any:
        scores = model(x)
        return nn.logsumexp(scores) - ac.dot(y, scores)

    one_hot = [[1.0 if k == t else 0.0 for k in range(CLASSES)] for t in range(CLASSES)]
    c = ac.compile(example, [0.0, 0.0], one_hot[0])
    return lambda xb, yb: c.over(xb, [one_hot[t] for t in yb], reduce="mean")


def train(
    model: nn.MLP,
    optimizer: Any,
    X: list[list[float]],
    y: list[int],
    epochs: int,
    name: str,
    recorder: Recorder | None = None,
    compiled: bool = False,
) -> list[float]:
    """Minibatch training (by compiled replays if ``compiled``); the mean minibatch loss of
    every epoch (``recorder``: a snapshot per step)."""
    rng = random.Random(1)  # the same batch order for every optimizer
    losses = []
    bar = counter(epochs * -(-len(X) // BATCH), desc=name)
    batch_loss = compiled_batch_loss(model) if compiled else None
    for _ in range(epochs):
        total = 0.0
        for xb, yb in nn.batches(X, y, BATCH, seed=rng):
            optimizer.zero_grad()
            if batch_loss is not None:
                value = batch_loss(xb, yb)  # forward and backward
            else:
                loss = nn.mean([nn.cross_entropy(model(x), t) for x, t in zip(xb, yb)])
                loss.backward()
                value = loss.data
            optimizer.step()
            if recorder is not None:
                recorder.record(value)
            total += value * len(yb)
            bar.update()
            bar.set_postfix(loss=f"{value:.3f}")
        losses.append(total / len(X))
    bar.close()
    return losses


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args, out = start("spiral", DESCRIPTION, argv, trains=True)
    n, epochs, grid = (60, 3, 25) if args.quick else (N_POINTS, EPOCHS, 80)
    X, y = nn.make_spirals(n, classes=CLASSES, noise=0.2, seed=0)

    t0 = time.perf_counter()
    runs: dict[str, dict[str, Any]] = {}
    for name, make_opt in (
        ("Adam, lr 0.01", lambda p: nn.Adam(p, lr=0.01)),
        ("SGD, lr 0.1", lambda p: nn.SGD(p, lr=0.1)),
    ):
        model = make_model()
        replay = Recorder(model, X, y) if name.startswith("Adam") else None
        losses = train(model, make_opt(model.parameters()), X, y, epochs, name, replay, compiled=args.compile)
        runs[name] = {"model": model, "losses": losses, "replay": replay}
    seconds = time.perf_counter() - t0

    fig, ax = plt.subplots(figsize=(6, 4))
    for (name, run), color in zip(runs.items(), ("tab:orange", "tab:gray")):
        ax.plot(range(1, epochs + 1), run["losses"], "o-", ms=3, color=color, label=name)
    ax.set(
        xlabel="epoch",
        ylabel="cross-entropy (mean over the epoch's minibatches)",
        yscale="log",
        title="spiral: Adam vs SGD, same start, same minibatches",
    )
    ax.legend()
    save_png(fig, out / "spiral_loss.png")

    fig, axes = plt.subplots(1, 2, figsize=(11, 5))
    for ax, (name, run) in zip(axes, runs.items()):
        model = run["model"]
        gx, gy, scores = grid_scores(model, X, grid, margin=0.2)
        z = [[nn.predict_class(s) for s in row] for row in scores]
        ax.contourf(gx, gy, z, levels=[-0.5, 0.5, 1.5, 2.5], colors=FILLS, alpha=0.9)
        plot_points(ax, X, y, COLORS)
        acc = nn.accuracy([nn.predict_class(model(x)) for x in X], y)
        run["accuracy"] = acc
        ax.set(title=f"{name}: train accuracy {acc:.0%}", xlabel="x_1", ylabel="x_2", aspect="equal")
        ax.legend(loc="lower right", fontsize=8)
    save_png(fig, out / "spiral_regions.png")
    page = save_replay(
        runs["Adam, lr 0.01"]["replay"],
        out / "spiral_replay.html",
        title="Spiral: Adam untangling three arms (minibatches of 32)",
        max_frames=50,
    )
    print(f"wrote {page}")

    adam, sgd = runs["Adam, lr 0.01"], runs["SGD, lr 0.1"]
    metrics = {
        "quick": args.quick,
        "compiled": args.compile,
        "n_points": n,
        "epochs": epochs,
        "adam_loss_first": adam["losses"][0],
        "adam_loss_last": adam["losses"][-1],
        "adam_train_accuracy": adam["accuracy"],
        "sgd_loss_first": sgd["losses"][0],
        "sgd_loss_last": sgd["losses"][-1],
        "sgd_train_accuracy": sgd["accuracy"],
        "train_seconds": seconds,
    }
    result = f"train accuracy {adam['accuracy']:.0%} with Adam against {sgd['accuracy']:.0%} with SGD, same steps"
    return finish(out, metrics, result)


if __name__ == "__main__":
    main()
