"""Smoke tests of the demos: each ``main(["--quick", "--out", tmp])`` runs in-process, writes the
files it promises (real PNG / SVG / HTML / JSON) and returns metrics that make sense.

Quick mode trains on tiny data for a few steps, so the full runs' numbers (100% on moons, 95% on
digits) are not asserted here; the numbers that do not depend on training (the lecture's δ
recursion against the engine, Newton's convergence) are.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

for _module in ("matplotlib", "sklearn", "tqdm"):
    pytest.importorskip(_module, reason=f'the demos need {_module}: pip install -e ".[demos]"')

from demos import digits, lecture, moons, newton, spiral  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run(demo: Any, out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    metrics = demo.main(["--quick", "--out", str(out)])
    printed = capsys.readouterr().out
    assert str(out.resolve()) in printed, "the demo prints its output folder"
    assert printed.splitlines()[0].strip(), "the demo starts by saying what it does"
    assert metrics["quick"] is True
    assert printed.splitlines()[-1].startswith("result: "), "the demo ends with one line saying what it achieved"
    saved = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(metrics)), "metrics.json holds the returned metrics"
    return metrics


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, f"{path.name} is not a PNG"
    assert len(data) > 2000, f"{path.name} is suspiciously small"


def assert_svg(path: Path, *contains: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert "<svg" in text and text.rstrip().endswith("</svg>"), f"{path.name} is not an SVG"
    for s in contains:
        assert s in text, f"{path.name} lacks {s!r}"
    return text


def test_lecture_recursion_matches_engine_and_writes_graph_and_stepper(tmp_path, capsys):
    m = run(lecture, tmp_path, capsys)
    assert m["max_abs_diff_delta"] < 1e-12
    assert m["max_abs_diff_grad"] < 1e-12
    assert m["max_abs_diff_sgd_update"] == 0.0
    assert m["loss_after"] < m["loss_before"], "one SGD step lowers the loss on its data point"
    assert m["n_parameters"] == 3 * 4 + 3 * 4 + 3 * 4 + 1 * 4
    assert_svg(tmp_path / "lecture_graph.svg", "w_11^(1)", "s_1^(4)")
    assert_svg(tmp_path / "lecture_network_grads.svg")
    page = (tmp_path / "lecture_backprop.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="backprop-data"' in page and "w_11^(1)" in page


def test_lecture_deltas_by_hand_on_a_one_neuron_network():
    # one tanh neuron, x = (2), weights (w_0, w_1) = (0.1, 0.3), y = 1: δ = 2(x1 - y)(1 - x1²)
    import math

    x1 = math.tanh(0.1 + 0.3 * 2.0)
    deltas = lecture.lecture_deltas([[[0.1, 0.3]]], [[2.0], [x1]], 1.0)
    assert deltas == [[2 * (x1 - 1.0) * (1 - x1 * x1)]]


def test_newton_converges_in_a_few_steps_with_exact_second_derivatives(tmp_path, capsys):
    m = run(newton, tmp_path, capsys)
    assert m["max_derivative_error"] < 1e-12
    assert m["newton_steps"] is not None and m["newton_steps"] <= 8
    x = m["newton_x"]
    assert abs(4 * x**3 - 6 * x + 1) < 1e-10 and 12 * x**2 - 6 > 0, "Newton from -2 ends at a minimum"
    assert m["newton_from_0.4_fsecond"] < 0, "Newton from 0.4 ends at the local maximum"
    assert m["gd_steps"] is None or m["gd_steps"] > m["newton_steps"]
    assert_png(tmp_path / "newton.png")
    assert_svg(tmp_path / "derivative_graph.svg", "f&#39;(x)")


def test_moons_both_variants_lower_their_loss(tmp_path, capsys):
    m = run(moons, tmp_path, capsys)
    assert m["lecture_loss_last"] < m["lecture_loss_first"]
    assert m["micrograd_loss_last"] < m["micrograd_loss_first"]
    assert 0.0 <= m["lecture_train_accuracy"] <= 1.0 and 0.0 <= m["micrograd_train_accuracy"] <= 1.0
    assert_png(tmp_path / "moons_boundary.png")
    assert_png(tmp_path / "moons_loss.png")


def test_digits_trains_saves_and_reloads_the_same_model(tmp_path, capsys):
    m = run(digits, tmp_path, capsys)
    assert m["train_loss_last_epoch"] < m["train_loss_first_epoch"]
    assert m["reloaded_test_accuracy"] == m["test_accuracy"]
    saved = json.loads((tmp_path / "digits_mlp.json").read_text(encoding="utf-8"))
    assert saved["architecture"]["nouts"] == [m["hidden"], 10]
    assert len(saved["parameters"]) == 64 * m["hidden"] + m["hidden"] + m["hidden"] * 10 + 10
    for name in ("digits_confusion.png", "digits_curves.png", "digits_samples.png"):
        assert_png(tmp_path / name)


def test_spiral_adam_and_sgd_both_lower_their_loss(tmp_path, capsys):
    m = run(spiral, tmp_path, capsys)
    assert m["adam_loss_last"] < m["adam_loss_first"]
    assert m["sgd_loss_last"] < m["sgd_loss_first"]
    assert_png(tmp_path / "spiral_loss.png")
    assert_png(tmp_path / "spiral_regions.png")


def test_moons_counts_the_step_from_which_accuracy_stays_perfect():
    assert moons._perfect_from([0.5, 1.0, 0.9, 1.0, 1.0]) == 3
    assert moons._perfect_from([1.0, 1.0]) == 0
    assert moons._perfect_from([1.0, 0.99]) is None
