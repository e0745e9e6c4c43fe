"""The lecture page's figures (drawn by docs/make_figures.py and committed) show what the engine
computes now: every δ_j^(l) of the lecture's network, and the scores' gradients p - y of the
cross-entropy graph. A change to the model, the example or the engine that the figures do not
follow fails here: run ``python docs/make_figures.py``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nn
from autograd_core.viz import lecture_steps

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _figures():  # noqa: ANN202 - the script's module
    spec = importlib.util.spec_from_file_location("make_figures", DOCS / "make_figures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _svg_text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8").replace("&#45;", "-")


def test_the_network_figure_shows_every_delta_of_the_engine():
    figures = _figures()
    steps = lecture_steps(figures.lecture_model(), figures.X, figures.Y)
    svg = _svg_text("lecture_network.svg")
    for layer in steps["delta"]:
        for delta in layer:
            assert f"δ {delta:.3g}" in svg, f"δ = {delta:.3g} is not in lecture_network.svg"


def test_the_softmax_figure_shows_p_minus_y_as_the_scores_gradients():
    figures = _figures()
    f, _ = figures.softmax_loss()
    p = nn.softmax([v.data for v in f])
    svg = _svg_text("lecture_softmax_graph.svg")
    for i, (score, prob) in enumerate(zip(f, p)):
        assert abs(score.grad - (prob - (i == figures.TARGET))) < 1e-12
        assert f"grad {score.grad:.4g}" in svg, f"the gradient {score.grad:.4g} of f_{i + 1} is not in the figure"
