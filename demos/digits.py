"""Handwritten digits: 10-class softmax cross-entropy on scikit-learn's bundled 8×8 images.

K = 10 output scores f_1..f_K, p_i = e^{f_i} / Σ_j e^{f_j}, loss L = -log p_y averaged over a
mini-batch, prediction argmax_i f_i. A 64-32-10 tanh MLP trained with Adam on minibatches,
learning rate decaying linearly to 0; then the model is saved as JSON, reloaded into a fresh
MLP, and the reloaded model must give the same test accuracy.
"""

from __future__ import annotations

import os

# The replays multiply small matrices (32 to 4,500 rows): BLAS threads only wait on each other
# (on a busy 2-core machine a 450-row replay took 30 ms with them, 1.2 ms without). Set before
# numpy loads; an OPENBLAS_NUM_THREADS set by the user wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import math  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import Any  # noqa: E402

import autograd_core as ac  # noqa: E402
import nn  # noqa: E402
from autograd_core import no_grad  # noqa: E402
from autograd_core.compile import compile_forward  # noqa: E402

from ._common import counter, finish, pyplot, start, write_png  # noqa: E402
from ._figures import FigureProcess  # noqa: E402

__all__ = ["main", "make_model", "evaluate", "compiled_batch_loss"]

DESCRIPTION = """Handwritten digit recognition: scikit-learn's bundled 8x8 digits (1,797 images, no
download), pixels scaled to [0, 1], a seeded 75/25 train/test split. A 64-32-10 tanh MLP
gives 10 scores; softmax cross-entropy loss, prediction argmax. Trains with Adam on
minibatches of 32 (learning rate decaying linearly from 0.01 to 0) for 14 epochs, which
reaches about 97% test accuracy in well under 2 minutes on 2 cores. Saves the model as
JSON, reloads it into a fresh MLP and checks the test accuracy is the same. Writes the
confusion matrix, the loss/accuracy curves and sample predictions (PNG)."""

HIDDEN = 32
EPOCHS = 14
BATCH = 32
LR = 0.01
SEED = 0


def make_model(hidden: int = HIDDEN, seed: int = SEED) -> nn.MLP:
    """64 -> hidden (tanh) -> 10 linear scores."""
    return nn.MLP(64, [hidden, 10], activation="tanh", output_activation="linear", seed=seed)


def evaluate(model: nn.MLP, X: list[list[float]], y: list[int], scorer: Any = None) -> tuple[float, float, list[int]]:
    """(mean cross-entropy, accuracy, predicted classes) without recording a graph; with a
    ``scorer`` (``compile_forward(model, ...)``) the scores come from compiled replays."""
    if scorer is not None:  # plain floats: L = log Σ_j e^{f_j} - f_t with the max subtracted, argmax f
        scores: list[Any] = scorer.over(X)
        loss = sum(
            m + math.log(sum(math.exp(f - m) for f in s)) - s[t] for s, t, m in zip(scores, y, map(max, scores))
        ) / len(y)
        preds = [s.index(max(s)) for s in scores]  # the first index on ties, as nn.predict_class
        return loss, nn.accuracy(preds, y), preds
    with no_grad():
        scores = [model(x) for x in X]
        loss = sum(nn.cross_entropy(s, t).data for s, t in zip(scores, y)) / len(y)
    preds = [nn.predict_class(s) for s in scores]
    return loss, nn.accuracy(preds, y), preds


def compiled_batch_loss(model: nn.MLP, backend: str = "python") -> tuple[Any, Any]:
    """(batch_loss(xb, yb), compiled): the mean cross-entropy of a minibatch and its gradients
    by replaying one compiled example, L = log Σ_j e^{f_j} - Σ_i y_i f_i with y one-hot; with
    ``backend="numpy"`` the minibatch is replayed as arrays, a layer as one matrix product."""

    def example(x: Any, y: Any) -> Any:
        scores = model(x)
        return nn.logsumexp(scores) - ac.dot(y, scores)

    one_hot = [[1.0 if k == t else 0.0 for k in range(10)] for t in range(10)]
    c = ac.compile(example, [0.0] * 64, one_hot[0], backend=backend)
    return (lambda xb, yb: c.over(xb, [one_hot[t] for t in yb], reduce="mean")), c


def _predictions(losses: list[float], scorer: Any, xb: Sequence[Any], yb: list[int], compiled: Any = None) -> list[int]:
    """The predicted classes of a minibatch from the replay's losses L_i = -log p_t: L_i < log 2
    means p_t > 1/2, so t is the argmax; only the other examples need their scores. With the
    numpy replay ``compiled`` and array rows, those examples are replayed once per class k
    (forward only): L_k = log Σ_j e^{f_j} - f_k is smallest for the largest f_k, and where the
    two smallest L_k are clearly apart (1e-9) that is the prediction; the rest (near ties)
    take their scores from ``scorer``, as the reloaded model's check does."""
    preds = list(yb)
    unsure = [i for i, loss in enumerate(losses) if not loss < math.log(2.0) - 1e-9]
    if unsure and compiled is not None and hasattr(xb, "shape"):
        import numpy as np

        with no_grad():
            compiled.over(np.repeat(xb[unsure], 10, axis=0), np.tile(np.eye(10), (len(unsure), 1)))
        per_class = np.array(compiled.last_values).reshape(len(unsure), 10)
        two = np.sort(per_class, axis=1)[:, :2]
        clear = two[:, 1] - two[:, 0] > 1e-9 * (1.0 + np.abs(two[:, 0]))
        for i, row in zip(np.array(unsure)[clear].tolist(), per_class[clear]):
            preds[i] = int(row.argmin())
        unsure = np.array(unsure)[~clear].tolist()
    if unsure:
        rows = [xb[i].tolist() if hasattr(xb[i], "tolist") else xb[i] for i in unsure]  # array rows as lists
        for i, s in zip(unsure, scorer.over(rows)):
            preds[i] = s.index(max(s))  # the first index on ties, as nn.predict_class
    return preds


def _evaluate_replayed(
    compiled: Any, scorer: Any, data: tuple[Any, Any], y: list[int]
) -> tuple[float, float, list[int]]:
    """:func:`evaluate` by the training replay itself, forward only (``no_grad``): the mean of
    the examples' losses, and the predictions from them (:func:`_predictions`)."""
    X, T = data
    with no_grad():
        loss = compiled.over(X, T, reduce="mean")
    preds = _predictions(compiled.last_values, scorer, X, y, compiled)
    return loss, nn.accuracy(preds, y), preds


class _LazyScorer:
    """``compile_forward(model, x0)``, compiled on first use: with the numpy replays only near
    ties need the scores, and most runs have none."""

    def __init__(self, model: nn.MLP, x0: list[float]) -> None:
        self.model, self.x0 = model, x0
        self.compiled: Any = None

    def over(self, rows: list[list[float]]) -> list[list[float]]:
        if self.compiled is None:
            self.compiled = compile_forward(self.model, self.x0)
        return self.compiled.over(rows)  # type: ignore[no-any-return]


def _as_arrays(X: list[list[float]], y: list[int]) -> tuple[Any, Any]:
    """The images and one-hot labels as numpy arrays, converted once for the numpy replays."""
    import numpy as np

    return np.array(X, dtype=float), np.eye(10)[y]


def _confusion(y: list[int], preds: list[int], k: int = 10) -> list[list[int]]:
    m = [[0] * k for _ in range(k)]
    for t, p in zip(y, preds):
        m[t][p] += 1
    return m


class _Figures:
    """The demo's three figures, built once with stand-in data and filled with the run's at
    the end (:meth:`fill`): the figure worker builds and draws them while the demo trains
    (:func:`_draft_figures`), so their ticks, fonts and text sizes already exist when the
    results come and only the data is drawn anew."""

    ROWS, COLS, CELL = 3, 8, 10  # the sample mosaic: 3 x 8 tiles of 8 x 8 pixels, 2 blank between

    def __init__(self) -> None:
        plt = pyplot()
        # Margins set by hand (write_png(tight=False)): a figure cropped to its contents is drawn twice.
        self.confusion, ax = plt.subplots(figsize=(5.6, 5))
        self.confusion.subplots_adjust(left=0.1, right=0.98, bottom=0.1, top=0.93)
        self.matrix = ax.imshow([[0] * 10] * 10, cmap="Blues")
        ax.set(xticks=range(10), yticks=range(10), xlabel="predicted class", ylabel="true class")
        self.confusion.colorbar(self.matrix, ax=ax, shrink=0.8)
        self.matrix_ax, self.counts = ax, []

        self.curves, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        self.curves.subplots_adjust(left=0.07, right=0.99, bottom=0.12, top=0.92, wspace=0.2)
        self.loss_lines = [
            left.plot([], [], "o-", label="train (mean over the epoch's minibatches)")[0],
            left.plot([], [], "s-", label="test (end of epoch)")[0],
        ]
        left.set(xlabel="epoch", ylabel="cross-entropy", title="loss", yscale="log")
        left.legend()
        self.accuracy_lines = [
            right.plot([], [], "o-", label="train (during the epoch)")[0],
            right.plot([], [], "s-", label="test (end of epoch)")[0],
        ]
        right.axhline(95, color="0.6", ls=":", lw=1)
        right.set(xlabel="epoch", ylabel="accuracy (%)", title="accuracy")
        right.legend(loc="lower right")
        self.curve_axes = (left, right)

        # One image of tiles in one axes: a plot with 24 axes takes longer to draw than the
        # numpy backend takes to train.
        rows, cols, cell = self.ROWS, self.COLS, self.CELL
        self.samples, ax = plt.subplots(figsize=(9, 3.9))
        self.samples.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.92)
        self.mosaic = ax.imshow(
            [[0.0] * (cols * cell)] * (rows * cell), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"
        )
        self.labels = [
            ax.text((k % cols) * cell + 4.5, (k // cols) * cell + 1.2, "", ha="center", fontsize=9)
            for k in range(rows * cols)
        ]
        ax.axis("off")
        ax.set_title("test images and predictions (mistakes in red, first)")

    def fill(
        self,
        history: dict[str, list[float]],
        y_test: list[int],
        preds: list[int],
        X_test: list[list[float]],
        accuracy: float,
    ) -> None:
        """Put the run's results in: the confusion matrix, the curves, the sample predictions."""
        conf = _confusion(y_test, preds)
        top = max(max(row) for row in conf)
        self.matrix.set_data(conf)
        self.matrix.set_clim(min(min(row) for row in conf), top)
        for text in self.counts:
            text.remove()
        self.counts = [
            self.matrix_ax.text(
                p,
                t,
                conf[t][p],
                ha="center",
                va="center",
                fontsize=8,
                color="white" if conf[t][p] > top / 2 else "black",
            )
            for t in range(10)
            for p in range(10)
            if conf[t][p]
        ]
        self.matrix_ax.set_title(f"test set confusion matrix (accuracy {accuracy:.1%})")

        epochs = range(1, len(history["train_loss"]) + 1)
        for line, key in zip(self.loss_lines, ("train_loss", "test_loss")):
            line.set_data(epochs, history[key])
        for line, key in zip(self.accuracy_lines, ("train_accuracy", "test_accuracy")):
            line.set_data(epochs, [100 * a for a in history[key]])
        for ax in self.curve_axes:
            ax.relim()
            ax.autoscale_view()

        rows, cols, cell = self.ROWS, self.COLS, self.CELL
        wrong = [i for i, (t, p) in enumerate(zip(y_test, preds)) if t != p]
        shown = (wrong[:cols] + [i for i in range(len(y_test)) if i not in wrong])[: rows * cols]
        mosaic = [[0.0] * (cols * cell) for _ in range(rows * cell)]
        for k, label in enumerate(self.labels):
            if k >= len(shown):
                label.set_text("")
                continue
            i = shown[k]
            top_row, left_col = (k // cols) * cell + 2, (k % cols) * cell + 1
            for r in range(8):
                mosaic[top_row + r][left_col : left_col + 8] = X_test[i][r * 8 : (r + 1) * 8]
            ok = y_test[i] == preds[i]
            label.set_text(f"{preds[i]}" + ("" if ok else f" (true {y_test[i]})"))
            label.set_color("black" if ok else "tab:red")
        self.mosaic.set_data(mosaic)


_DRAFTS: list[_Figures] = []
"""In the figure worker: the figures :func:`_draft_figures` built while the demo trains."""


def _stand_in() -> tuple[dict[str, list[float]], list[int], list[int], list[list[float]]]:
    """Results shaped like a full run's (14 epochs, 450 test images, a few mistakes)."""
    history = {
        "train_loss": [0.9 * 0.7**k for k in range(EPOCHS)],
        "test_loss": [0.3 * 0.9**k for k in range(EPOCHS)],
        "train_accuracy": [min(0.8 + 0.02 * k, 1.0) for k in range(EPOCHS)],
        "test_accuracy": [min(0.9 + 0.006 * k, 1.0) for k in range(EPOCHS)],
    }
    y = [k % 10 for k in range(450)]
    preds = [(t + 1) % 10 if k % 40 == 0 else t for k, t in enumerate(y)]
    return history, y, preds, [[0.5] * 64] * 450


def _draft_figures() -> None:
    """In the figure worker while the demo trains: build the figures with stand-in results for
    :func:`_plots` to fill, and draw the curves once (their log axis makes its ticks and their
    labels then: a third of that figure's drawing; the other two gain less than a draw costs)."""
    figures = _Figures()
    figures.fill(*_stand_in(), 0.975)
    figures.curves.canvas.draw()
    _DRAFTS[:] = [figures]


def _plots(
    out: Any,
    history: dict[str, list[float]],
    y_test: list[int],
    preds: list[int],
    X_test: list[list[float]],
    accuracy: float,
) -> list[Any]:
    """The three figures (run in :class:`FigureProcess`'s worker, filling the drafted figures
    if :func:`_draft_figures` ran there); returns their paths."""
    figures = _DRAFTS.pop() if _DRAFTS else _Figures()
    figures.fill(history, y_test, preds, X_test, accuracy)
    return [
        write_png(figures.confusion, out / "digits_confusion.png", tight=False),
        write_png(figures.curves, out / "digits_curves.png", tight=False),
        write_png(figures.samples, out / "digits_samples.png", tight=False),
    ]


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args, out = start("digits", DESCRIPTION, argv, trains=True, backends=True)
    t_start = time.perf_counter()
    with FigureProcess(_draft_figures) as figures:  # drafts the figures in a second process while this one trains
        return _run(args, out, figures, t_start)


def _run(args: Any, out: Any, figures: FigureProcess, t_start: float) -> dict[str, Any]:
    X, y = nn.load_digits()
    X = [[v / 16.0 for v in row] for row in X]  # pixels 0..16 -> [0, 1]
    X_train, X_test, y_train, y_test = nn.train_test_split(X, y, test_size=0.25, seed=SEED)
    hidden, epochs = HIDDEN, EPOCHS
    if args.quick:
        X_train, y_train, X_test, y_test = X_train[:300], y_train[:300], X_test[:100], y_test[:100]
        hidden, epochs = 16, 3
    print(
        f"{len(X_train)} training and {len(X_test)} test images, MLP 64-{hidden}-10, {epochs} epochs, "
        + (f"compiled replays, {args.backend} backend (--no-compile: op by op)" if args.compile else "op by op")
    )

    model = make_model(hidden)
    compiled = scorer = arrays = test_arrays = None
    if args.compile:
        batch_loss, compiled = compiled_batch_loss(model, args.backend)
        if args.backend == "numpy":  # the data as arrays once; minibatches by row indices
            arrays, test_arrays = _as_arrays(X_train, y_train), _as_arrays(X_test, y_test)
            scorer = _LazyScorer(model, X_train[0])
        else:
            scorer = compile_forward(model, X_train[0])  # the 10 scores, forward only
    opt = nn.Adam(model.parameters(), lr=LR)
    steps_per_epoch = -(-len(X_train) // BATCH)
    decay = nn.LinearDecay(opt, LR, 0.0, epochs * steps_per_epoch)
    rng = random.Random(SEED)
    history: dict[str, list[float]] = {"train_loss": [], "train_accuracy": [], "test_loss": [], "test_accuracy": []}
    t0, c0 = time.perf_counter(), time.process_time()
    bar = counter(epochs * steps_per_epoch, desc="training")
    for epoch in range(epochs):
        total, correct = 0.0, 0
        for rows, yb in nn.batches(range(len(X_train)), y_train, BATCH, seed=rng):
            if arrays is not None:  # the minibatch as arrays: forward and backward at once
                opt.zero_grad()
                xb = arrays[0][rows]
                value = compiled.over(xb, arrays[1][rows], reduce="mean")
                preds = _predictions(compiled.last_values, scorer, xb, yb, compiled)
                correct += sum(p == t for p, t in zip(preds, yb))
            elif compiled is not None:
                xb = [X_train[i] for i in rows]
                opt.zero_grad()
                value = batch_loss(xb, yb)  # forward and backward of the whole minibatch
                correct += sum(p == t for p, t in zip(_predictions(compiled.last_values, scorer, xb, yb), yb))
            else:
                xb = [X_train[i] for i in rows]
                scores = [model(x) for x in xb]
                loss = nn.mean([nn.cross_entropy(s, t) for s, t in zip(scores, yb)])
                opt.zero_grad()
                loss.backward()
                value = loss.data
                correct += sum(nn.predict_class(s) == t for s, t in zip(scores, yb))
            opt.step()
            decay.step()
            total += value * len(yb)
            bar.update()
            bar.set_postfix(epoch=epoch + 1, loss=f"{value:.3f}", refresh=False)  # shown at the next update
        if test_arrays is not None:
            test_loss, test_acc, preds = _evaluate_replayed(compiled, scorer, test_arrays, y_test)
        else:
            test_loss, test_acc, preds = evaluate(model, X_test, y_test, scorer)
        history["train_loss"].append(total / len(y_train))
        history["train_accuracy"].append(correct / len(y_train))
        history["test_loss"].append(test_loss)
        history["test_accuracy"].append(test_acc)
        bar.write(
            f"epoch {epoch + 1:2d}: train loss {total / len(y_train):.4f}, "
            f"train acc {correct / len(y_train):.2%}, test acc {test_acc:.2%}"
        )
    bar.close()
    train_seconds, train_cpu = time.perf_counter() - t0, time.process_time() - c0

    # the last epoch's test evaluation is the trained model's
    figures.draw(_plots, out, history, y_test, preds, X_test, test_acc)  # drawn while the model is checked
    path = out / "digits_mlp.json"
    model.save(path)
    reloaded = make_model(hidden, seed=SEED + 1)  # different random weights until load()
    reloaded.load(path)
    reloaded_scorer = compile_forward(reloaded, X_test[0]) if scorer is not None else None
    _, reloaded_acc, reloaded_preds = evaluate(reloaded, X_test, y_test, reloaded_scorer)
    print(f"saved {path}; reloaded test accuracy {reloaded_acc:.2%} (same predictions: {reloaded_preds == preds})")
    if reloaded_acc != test_acc or reloaded_preds != preds:
        raise RuntimeError(f"digits: the reloaded model differs (accuracy {reloaded_acc} vs {test_acc})")

    figures.wait()
    metrics = {
        "quick": args.quick,
        "compiled": compiled is not None,
        "backend": args.backend if compiled is not None else "engine",
        "compile_seconds": compiled.stats.compile_seconds if compiled else 0.0,
        "compiled_source_lines": compiled.stats.source_lines if compiled else 0,
        "n_train": len(X_train),
        "n_test": len(X_test),
        "hidden": hidden,
        "epochs": epochs,
        "train_loss_first_epoch": history["train_loss"][0],
        "train_loss_last_epoch": history["train_loss"][-1],
        "test_loss": test_loss,
        "test_accuracy": test_acc,
        "reloaded_test_accuracy": reloaded_acc,
        "train_seconds": train_seconds,
        "train_cpu_seconds": train_cpu,
        "total_seconds": time.perf_counter() - t_start,
        "model_file": str(path),
    }
    result = f"{test_acc:.1%} test accuracy on {len(X_test)} held-out digits; the reloaded model gives the same"
    return finish(out, metrics, result)


if __name__ == "__main__":
    main()
