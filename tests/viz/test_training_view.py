"""TrainingView's Python half: snapshots, history, throttled syncs, the replay page, the
optional anywidget dependency. No browser here (see test_training_browser.py)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import types

import pytest

import nn
from autograd_core import Value, no_grad
from autograd_core.viz.replay import frame_indices, replay_data
from autograd_core.viz.snapshots import Recorder, forward_floats
from autograd_core.viz.widget import scope_css, widget_css, widget_esm

pytest.importorskip("anywidget", reason="anywidget is not installed (pip install 'autograd-core[widget]')")
import anywidget  # noqa: E402

from autograd_core.viz import TrainingView  # noqa: E402


def moons(n=24):
    X, labels = nn.make_moons(n, noise=0.1, seed=0)
    return X, nn.to_signs(labels)


def train(view, model, X, ys, steps, lr=0.2):
    """Full-batch square-loss steps; returns what the engine saw before each step."""
    opt = nn.SGD(model.parameters(), lr=lr)
    seen = []
    for _ in range(steps):
        before = [p.data for p in model.parameters()]
        h = [model(x)[0] for x in X]
        acc = nn.accuracy([nn.predict_sign(v) for v in h], ys)
        loss = nn.mse_loss(h, ys)
        opt.zero_grad()
        loss.backward()
        grads = [p.grad for p in model.parameters()]
        opt.step()
        view.update(loss)
        seen.append({"loss": loss.data, "accuracy": acc, "weights": before, "grads": grads})
    return seen


def flat(matrices):
    """A snapshot's per-layer [i][j] matrices back in the model's parameter order (w_1..w_d, b per neuron)."""
    out = []
    for m in matrices:
        for j in range(len(m[0])):
            out += [m[i][j] for i in range(1, len(m))] + [m[0][j]]
    return out


@pytest.fixture
def run():
    X, ys = moons()
    model = nn.MLP(2, [4, 3, 1], activation="tanh", output_activation="tanh", seed=3)
    view = TrainingView(model, X, ys)
    return view, model, X, ys, train(view, model, X, ys, 6)


def test_is_an_anywidget_that_only_records_outside_a_notebook(run):
    view = run[0]
    assert isinstance(view, anywidget.AnyWidget)
    assert view.live is False
    assert view.syncs == 0 and view.frame == {}  # nothing was sent anywhere
    assert "export default" in view._esm and "ACViz" in view._esm


def test_one_snapshot_per_update_with_the_engines_numbers(run):
    view, model, X, ys, seen = run
    history = view.history
    assert [s["step"] for s in history] == [1, 2, 3, 4, 5, 6]
    for snap, truth in zip(history, seen):
        assert snap["loss"] == truth["loss"]
        assert snap["accuracy"] == truth["accuracy"]
        assert flat(snap["weights"]) == truth["weights"]  # the weights the loss was computed with
        assert flat(snap["grads"]) == truth["grads"]
    assert history[0]["loss"] > history[-1]["loss"]


def test_weights_are_lecture_matrices_with_the_bias_in_row_zero(run):
    view, model = run[0], run[1]
    w = view.history[-1]["weights"]
    assert [(len(m), len(m[0])) for m in w] == [(3, 4), (5, 3), (4, 1)]  # (d^(l-1) + 1) x d^(l)
    # snapshot k holds the weights before step k; the model now has the weights after the last step
    layer = model.layers[1]
    before = view.history[-1]["weights"][1]
    assert before[0][2] != layer.neurons[2].b.data
    assert view.recorder.weights[-1][0] == view.history[-1]["weights"][0][0][0]


def test_grid_is_the_models_output_over_the_data(run):
    view, model, X, ys, _ = run
    rec = view.recorder
    snap = view.history[-1]
    xs, gy = rec.grid_axes()
    assert len(snap["grid"]) == rec.grid and len(snap["grid"][0]) == rec.grid
    assert xs[0] < min(x[0] for x in X) and xs[-1] > max(x[0] for x in X)
    # the same numbers as the model itself with those weights
    for p, v in zip(model.parameters(), flat(snap["weights"])):
        p.data = v
    with no_grad():
        for r, c in ((0, 0), (5, 17), (rec.grid - 1, 3)):
            assert snap["grid"][r][c] == pytest.approx(model([xs[c], gy[r]])[0].data, abs=1e-12)


def test_update_accepts_numbers_and_rejects_other_things():
    model = nn.MLP(3, [2, 1], seed=0)
    view = TrainingView(model)
    view.update(0.5)
    view.update(Value(0.25))
    assert [s["loss"] for s in view.history] == [0.5, 0.25]
    assert "accuracy" not in view.history[0] and "grid" not in view.history[0]  # no y, not 2-D
    with pytest.raises(TypeError, match="TrainingView.update.*str"):
        view.update("0.1")


def test_bad_data_is_refused_with_the_reason():
    model = nn.MLP(2, [2, 1], seed=0)
    with pytest.raises(ValueError, match=r"X\[1\] has 3 inputs"):
        TrainingView(model, [[0, 0], [1, 2, 3]])
    with pytest.raises(ValueError, match="y needs X of the same length"):
        TrainingView(model, [[0, 0]], [1, -1])
    with pytest.raises(TypeError, match="expected an nn model"):
        TrainingView(object())
    with pytest.raises(ValueError, match="throttle"):
        TrainingView(model, throttle=-1)


def test_several_outputs_use_argmax_for_accuracy():
    X, y = nn.make_spirals(30, classes=3, seed=0)
    model = nn.MLP(2, [5, 3], seed=1)
    rec = Recorder(model, X, y)
    rec.record(1.0)
    with no_grad():
        expected = nn.accuracy([nn.predict_class(model(x)) for x in X], y)
    assert rec.accuracy(0) == expected
    assert len(rec.grid_outputs(0)[0][0]) == 3


def test_float_forward_matches_the_engine():
    model = nn.MLP(3, [4, 4, 2], activation="relu", output_activation="sigmoid", seed=5)
    rec = Recorder(model)
    x = [0.3, -1.2, 0.7]
    with no_grad():
        expected = [v.data for v in model(x)]
    assert forward_floats(rec.shape, rec._current, x) == pytest.approx(expected, abs=1e-12)


def test_recording_does_not_run_the_model():
    class Counting(nn.MLP):
        calls = 0

        def __call__(self, x):
            Counting.calls += 1
            return super().__call__(x)

    X, ys = moons()
    model = Counting(2, [3, 1], seed=0)
    view = TrainingView(model, X, ys)
    for _ in range(5):
        view.update(1.0)
    assert Counting.calls == 0  # accuracy and grid wait until someone asks


def make_live(view):
    view.live = True  # as inside a Jupyter kernel
    return view


def test_a_fast_loop_is_throttled_and_flush_sends_the_last_step():
    X, ys = moons()
    view = make_live(TrainingView(nn.MLP(2, [3, 1], seed=0), X, ys, throttle=60.0))
    for k in range(50):
        view.update(1.0 / (k + 1))
    assert view.syncs == 1  # the first step only: the next ones came faster than 60 s
    assert view.frame["step"] == 1
    view.flush()
    assert view.syncs == 2
    assert view.frame["step"] == 50 and view.frame["loss"] == 1.0 / 50
    assert view.curve["loss"] == [1.0 / (k + 1) for k in range(50)]  # every step's loss
    assert [p[0] for p in view.curve["accuracy"]] == [1, 50]  # accuracy at the synced steps
    view.flush()
    assert view.syncs == 2  # nothing new, nothing sent
    view.flush(complete=True)  # as when the notebook cell finishes: every step's accuracy
    assert [p[0] for p in view.curve["accuracy"]] == list(range(1, 51))
    assert [p[1] for p in view.curve["accuracy"]] == [s["accuracy"] for s in view.history]
    syncs = view.syncs
    view.flush(complete=True)
    assert view.syncs == syncs  # already complete: nothing sent


def test_without_throttle_every_step_is_sent():
    view = make_live(TrainingView(nn.MLP(2, [3, 1], seed=0), throttle=0))
    for k in range(5):
        view.update(float(k))
    assert view.syncs == 5 and view.frame["step"] == 5


def test_a_kernel_flushes_when_the_cell_finishes(monkeypatch):
    class Events:
        def __init__(self):
            self.hooks = {}

        def register(self, name, f):
            self.hooks.setdefault(name, []).append(f)

        def unregister(self, name, f):
            self.hooks[name].remove(f)

        def trigger(self, name):
            for f in list(self.hooks.get(name, [])):
                f()

    shell = types.SimpleNamespace(kernel=object(), events=Events())
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", fake)
    view = TrainingView(nn.MLP(2, [3, 1], seed=0), throttle=60.0)
    assert view.live is True
    for k in range(10):
        view.update(float(k))
    assert view.frame["step"] == 1
    shell.events.trigger("post_execute")
    assert view.frame["step"] == 10 and view.syncs == 2
    assert view.curve["loss"] == [float(k) for k in range(10)]
    view.close()


def test_non_finite_losses_are_sent_as_null():
    view = make_live(TrainingView(nn.MLP(2, [2, 1], seed=0), throttle=0))
    view.update(float("nan"))
    view.update(float("inf"))
    assert view.curve["loss"] == [None, None]
    json.dumps(view.frame, allow_nan=False)


def page_data(text):
    m = re.search(r'<script type="application/json" id="ac-training-data">(.*?)</script>', text, re.DOTALL)
    assert m, "the page embeds its data"
    return json.loads(m.group(1))


def test_save_html_writes_one_self_contained_page(run, tmp_path):
    view = run[0]
    path = view.save_html(tmp_path / "run.html", title="moons <run>")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "moons &lt;run&gt;" in text
    assert not re.search(r"""(src|href)\s*=\s*["'](?!data:|#)""", text)  # nothing loaded from anywhere
    assert "connect-src 'none'" in text and "ACTraining" in text and "ACViz" in text
    data = page_data(text)
    history = view.history
    assert data["curve"]["loss"] == pytest.approx([s["loss"] for s in history], rel=1e-5)
    assert [a for _, a in data["curve"]["accuracy"]] == [s["accuracy"] for s in history]
    assert [f["step"] for f in data["frames"]] == [1, 2, 3, 4, 5, 6]
    assert data["frames"][2]["weights"] == pytest.approx(view.recorder.weights[2], rel=1e-5)
    assert data["meta"]["sizes"] == [2, 4, 3, 1] and len(data["meta"]["X"]) == 24


def test_save_html_needs_a_step_and_keeps_long_runs_small(tmp_path):
    view = TrainingView(nn.MLP(2, [2, 1], seed=0))
    with pytest.raises(ValueError, match="nothing recorded"):
        view.save_html(tmp_path / "empty.html")
    assert not (tmp_path / "empty.html").exists()
    for k in range(1200):
        view.update(1.0 / (k + 1))
    data = replay_data(view.recorder, max_frames=100)
    assert len(data["curve"]["loss"]) == 1200  # every step on the curve
    steps = [f["step"] for f in data["frames"]]
    assert len(steps) == 100 and steps[0] == 1 and steps[-1] == 1200
    assert frame_indices(5, 100) == [0, 1, 2, 3, 4]


def test_front_end_is_real_files_and_the_css_never_leaks_into_the_notebook():
    esm = widget_esm()
    assert len(re.findall(r"^export default", esm, re.MULTILINE)) == 1
    assert not re.search(r"^\s*import\s", esm, re.MULTILINE)  # one module, nothing fetched
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", esm)
    css = widget_css()
    for rule in re.findall(r"([^{}]+)\{", re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)):
        for sel in rule.split(","):
            sel = sel.strip()
            if sel and not sel.startswith("@"):
                assert sel.startswith((".ac-train", ".ac-replay", "body.ac-replay")), sel
    assert scope_css(":root { --a: 1 } body { margin: 0 } svg .x, p { fill: red }", ".w") == (
        ".w {--a: 1}\n.w svg .x, .w p {fill: red}\n"
    )


def test_importing_viz_never_needs_anywidget_and_the_error_names_the_extra():
    code = (
        "import sys; sys.modules['anywidget'] = None\n"
        "import autograd_core.viz as viz\n"
        "import nn\n"
        "from autograd_core.viz import TrainingView\n"
        "try:\n"
        "    TrainingView(nn.MLP(2, [1], seed=0))\n"
        "except ImportError as e:\n"
        "    print('ERR', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "ERR" in out.stdout and 'pip install "autograd-core[widget]"' in out.stdout
    assert "TrainingView" in out.stdout


def test_the_update_cost_benchmark_runs():
    from benchmarks.training_view import format_text, measure

    r = measure(steps=3, repeats=1)
    assert set(r["modes"]) == {"record", "live"}
    assert r["modes"]["live"]["syncs_per_run"] >= 1
    assert "update/step" in format_text(r)


def soft_sign(s):
    return s / (1.0 + abs(s))


def test_a_custom_activation_is_predicted_by_the_model_itself():
    X, ys = moons()
    model = nn.MLP(2, [4, 1], activation=soft_sign, output_activation="tanh", seed=3)
    view = TrainingView(model, X, ys)
    assert not view.recorder.shape.floats_ok
    seen = train(view, model, X, ys, 3)
    history = view.history
    assert [s["accuracy"] for s in history] == [t["accuracy"] for t in seen]  # before each step
    for p, v in zip(model.parameters(), seen[1]["weights"]):
        p.data = v
    xs, gy = view.recorder.grid_axes()
    with no_grad():
        assert history[1]["grid"][4][7] == model([xs[7], gy[4]])[0].data


def rows(v):
    return [q for r in v for q in r]


def engine_deltas(model, weights, x, y, multi=False):
    """δ_j^(l) = ∂e/∂s_j^(l) by the engine's backward() on the model: the bias gradient (x_0 = 1)."""
    for p, v in zip(model.parameters(), weights):
        p.data = v
    model.zero_grad()
    out = model(x)
    e = nn.cross_entropy(out, y) if multi else (out[0] - y) ** 2
    e.backward()
    return [[n.b.grad for n in layer.neurons] for layer in model.layers]


def test_the_chosen_examples_delta_and_theta_prime_come_from_the_engine(run):
    view, model, X, ys, _ = run
    view.flush()
    assert view.detail is not None
    for example in (0, 5):
        view.example = example  # as the front end sets it: the kernel answers with that example's numbers
        d = view.detail
        want = engine_deltas(model, flat(view.history[-1]["weights"]), X[example], ys[example])
        assert rows(d["delta"]) == pytest.approx(rows(want), rel=1e-9, abs=1e-12)
        acts = [layer.activation for layer in model.layers]
        for l, act in enumerate(acts):  # θ'(s) as the lecture writes it, from the x the engine computed
            xl = d["x"][l + 1]
            want_tp = [1 - v * v if act == "tanh" else 1.0 for v in xl]
            assert d["theta_prime"][l] == pytest.approx(want_tp, rel=1e-12)
        x_prev = [1.0, *d["x"][0]]
        assert d["grad"][0][2][1] == pytest.approx(x_prev[2] * d["delta"][0][1], rel=1e-12)  # x_i δ_j


def test_softmax_outputs_get_p_minus_y_from_the_engine():
    X = [[0.5, -1.0], [1.0, 0.2], [-0.3, 0.7]]
    model = nn.MLP(2, [4, 3], activation="tanh", seed=1)
    rec = Recorder(model, X, [2, 0, 1])
    rec.record(1.0)
    d = rec.example_detail(0, 1)
    want = engine_deltas(model, [p.data for p in model.parameters()], X[1], 0, multi=True)
    assert rows(d["delta"]) == pytest.approx(rows(want), rel=1e-9, abs=1e-12)
    assert d["delta"][-1] == pytest.approx([p - (k == 0) for k, p in enumerate(d["p"])], rel=1e-12)
    assert rec.example_detail(0, 3) is None  # no such example


def test_the_front_end_computes_no_derivative():
    from autograd_core.viz.assets import read_static

    js = read_static("training.js")
    assert not re.search(r"1 - x \* x|x \* \(1 - x\)|DTHETA|function deltas", js)


def test_a_replay_carries_the_engines_delta_for_the_first_examples(run):
    from autograd_core.viz.snapshots import DETAIL_EXAMPLES

    view, model, X, ys, _ = run
    data = replay_data(view.recorder, max_frames=4)
    frame = data["frames"][-1]
    assert len(frame["details"]) == DETAIL_EXAMPLES
    want = engine_deltas(model, flat(view.history[-1]["weights"]), X[3], ys[3])
    assert rows(frame["details"][3]["delta"]) == pytest.approx(rows(want), rel=1e-9, abs=1e-12)
