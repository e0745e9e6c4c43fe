"""The digits demo's figures drafted with stand-in results (in the figure worker, while the demo
trains) and filled with the run's: the same pixels as figures built for the run's results alone."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

pytest.importorskip("matplotlib", reason='the demos need matplotlib: pip install -e ".[demos]"')

from PIL import Image, ImageChops  # noqa: E402  (a dependency of matplotlib)

from demos import digits  # noqa: E402

NAMES = ("digits_confusion.png", "digits_curves.png", "digits_samples.png")


def _results(seed: int, epochs: int, n: int) -> tuple:
    """Made-up results unlike the stand-in ones: other epochs, test size, mistakes and pixels."""
    rng = random.Random(seed)
    history = {
        "train_loss": sorted((rng.uniform(0.02, 2.0) for _ in range(epochs)), reverse=True),
        "test_loss": sorted((rng.uniform(0.05, 1.0) for _ in range(epochs)), reverse=True),
        "train_accuracy": sorted(rng.uniform(0.5, 1.0) for _ in range(epochs)),
        "test_accuracy": sorted(rng.uniform(0.6, 1.0) for _ in range(epochs)),
    }
    y = [rng.randrange(10) for _ in range(n)]
    preds = [t if rng.random() < 0.85 else rng.randrange(10) for t in y]
    X = [[rng.random() for _ in range(64)] for _ in range(n)]
    accuracy = sum(p == t for p, t in zip(preds, y)) / n
    return history, y, preds, X, accuracy


def _pixels(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")  # RGBA: getbbox() would look at the alpha channel only


@pytest.mark.parametrize(("seed", "epochs", "n"), [(1, 14, 450), (2, 3, 100), (3, 25, 60), (5, 2, 12)])
def test_filled_drafts_draw_what_fresh_figures_draw(tmp_path, monkeypatch, seed, epochs, n):
    results = _results(seed, epochs, n)
    fresh, drafted = tmp_path / "fresh", tmp_path / "drafted"
    fresh.mkdir()
    drafted.mkdir()
    monkeypatch.setattr(digits, "_DRAFTS", [])
    digits._plots(fresh, *results)  # no draft: figures built for these results
    digits._draft_figures()
    assert len(digits._DRAFTS) == 1
    digits._plots(drafted, *results)
    assert digits._DRAFTS == [], "a draft is used once"
    for name in NAMES:
        a, b = _pixels(fresh / name), _pixels(drafted / name)
        assert a.size == b.size, name
        assert ImageChops.difference(a, b).getbbox() is None, f"{name}: the filled draft differs from a fresh figure"


def test_a_filled_figure_shows_this_runs_mistakes_first(tmp_path, monkeypatch):
    history, y, preds, X, accuracy = _results(4, 5, 80)
    monkeypatch.setattr(digits, "_DRAFTS", [])
    digits._draft_figures()
    figures = digits._DRAFTS[0]
    figures.fill(history, y, preds, X, accuracy)
    wrong = [i for i, (t, p) in enumerate(zip(y, preds)) if t != p][: digits._Figures.COLS]
    shown = [label.get_text() for label in figures.labels[: len(wrong)]]
    assert shown == [f"{preds[i]} (true {y[i]})" for i in wrong]
    counts = sorted((int(text.get_text()) for text in figures.counts), reverse=True)
    assert sum(counts) == len(y), "one number per non-empty cell of the confusion matrix, nothing left from the draft"
    assert figures.matrix_ax.get_title() == f"test set confusion matrix (accuracy {accuracy:.1%})"


def test_a_filled_figure_is_scaled_to_this_runs_numbers(monkeypatch):
    history, y, preds, X, accuracy = _results(6, 4, 30)
    monkeypatch.setattr(digits, "_DRAFTS", [])
    digits._draft_figures()
    figures = digits._DRAFTS[0]
    figures.fill(history, y, preds, X, accuracy)
    figures.curves.canvas.draw()
    for ax, keys, scale in (
        (figures.curve_axes[0], ("train_loss", "test_loss"), 1.0),
        (figures.curve_axes[1], ("train_accuracy", "test_accuracy"), 100.0),
    ):
        values = [scale * v for key in keys for v in history[key]]
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x0 < 1 and len(history["train_loss"]) < x1 < len(history["train_loss"]) + 1
        assert y0 < min(values) and max(values) < y1 < 2 * max(values)
    conf = digits._confusion(y, preds)
    assert figures.matrix.get_clim() == (0, max(max(row) for row in conf)), "colours span this run's counts"
    assert [label.get_text() for label in figures.labels[len(y) :]] == [""] * (len(figures.labels) - len(y))
