"""The training view's front end in a real headless Chromium (Debian's ``chromium``, driven by
``playwright``): the widget's ES module with a stand-in for anywidget's model, and the replay
page written by ``save_html``. No console errors and no requests anywhere; the numbers shown
are the engine's. Saves screenshots at 1280x800 and 1920x1080 to artifacts/."""

from __future__ import annotations

import pytest

import nn
from autograd_core.viz.assets import inline_script, script_json
from autograd_core.viz.replay import replay_data
from autograd_core.viz.widget import widget_css, widget_esm

from .browser import ARTIFACTS, Page

pytest.importorskip("anywidget", reason="anywidget is not installed (pip install 'autograd-core[widget]')")
from autograd_core.viz import TrainingView  # noqa: E402

SIZES = [(1280, 800), (1920, 1080)]


def trained(sizes=(3, 3, 1), steps=8, n=30):
    X, labels = nn.make_moons(n, noise=0.1, seed=0)
    ys = nn.to_signs(labels)
    model = nn.MLP(2, list(sizes), activation="tanh", output_activation="tanh", seed=2)
    view = TrainingView(model, X, ys)
    opt = nn.SGD(model.parameters(), lr=0.3)
    for _ in range(steps):
        loss = nn.mse_loss([model(x)[0] for x in X], ys)
        opt.zero_grad()
        loss.backward()
        opt.step()
        view.update(loss)
    return view, model, X, ys


@pytest.fixture(scope="module")
def run():
    return trained()


# --- the widget's ES module with a stand-in model -----------------------------------------------

STAND_IN = """
const esm = JSON.parse(document.getElementById("esm").textContent);
const state = JSON.parse(document.getElementById("state").textContent);
const handlers = {};
const model = {
  get: (k) => state[k],
  set: (k, v) => { state[k] = v; (handlers["change:" + k] || []).forEach((f) => f()); },
  on: (e, f) => { (handlers[e] = handlers[e] || []).push(f); },
  off: (e, f) => { handlers[e] = (handlers[e] || []).filter((g) => g !== f); },
  save_changes: () => { window.saved = (window.saved || 0) + 1; },
};
window.model = model;
const url = URL.createObjectURL(new Blob([esm], {type: "text/javascript"}));
const mod = await import(url);
mod.default.render({model, el: document.getElementById("root")});
document.body.dataset.ready = "1";
"""


def stand_in_page(tmp_path, view, frame=0):
    rec = view.recorder
    state = {
        "meta": rec.meta(),
        "curve": {"loss": rec.losses[: frame + 1], "accuracy": []},
        "frame": rec.frame(frame),
        "detail": rec.example_detail(frame, 0),
        "example": 0,
        "show": "weights",
    }
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>" + widget_css() + "</style></head>"
        "<body style='margin:0;padding:8px'><div id='root'></div>"
        f"<script type='application/json' id='esm'>{script_json(widget_esm())}</script>"
        f"<script type='application/json' id='state'>{script_json(state)}</script>"
        f"<script type='module'>{inline_script(STAND_IN)}</script></body></html>"
    )
    path = tmp_path / "widget.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.fixture
def widget(browser, run, tmp_path):
    with Page(browser, stand_in_page(tmp_path, run[0]).as_uri()) as p:
        p.page.wait_for_selector("body[data-ready='1']")
        yield p


def text(page, selector):
    return page.page.inner_text(selector)


def test_module_redraws_on_change_events(widget, run):
    view = run[0]
    rec = view.recorder
    assert text(widget, ".ac-step") == "1"
    assert widget.page.get_attribute("svg.ac-curve", "data-points") == "1"
    for k in (3, 7):
        widget.page.evaluate(
            "([f, c]) => { window.model.set('curve', c); window.model.set('frame', f); }",
            [rec.frame(k), {"loss": rec.losses[: k + 1], "accuracy": []}],
        )
        widget.page.wait_for_function(f"document.querySelector('.ac-step').textContent === '{k + 1}'")
        assert widget.page.get_attribute("svg.ac-curve", "data-points") == str(k + 1)
        assert len(widget.page.get_attribute("polyline.loss-line", "points").split()) == k + 1
        shown = float(widget.page.get_attribute(".ac-train-status .ac-loss", "data-value"))
        assert shown == rec.losses[k]
    widget.check_clean()


def engine_x_and_delta(model, weights, x, y):
    """x_j^(l) and δ_j^(l) = ∂e/∂s_j^(l) for e = (h(x) - y)² by the engine: δ_j is the bias's gradient."""
    for p, v in zip(model.parameters(), weights):
        p.data = v
    model.zero_grad()
    out, xs = list(x), []
    for layer in model.layers:
        out = layer(out)
        xs.append([v.data for v in out])
    e = (model(x)[0] - y) ** 2
    e.backward()
    deltas = [[n.b.grad for n in layer.neurons] for layer in model.layers]
    return xs, deltas


def test_clicking_a_neuron_shows_its_weights_and_the_engines_delta(widget, run):
    view, model, X, ys = run
    rec = view.recorder
    example = 5
    widget.page.click(f"svg.ac-boundary circle.pt[data-index='{example}']")
    assert widget.page.evaluate("window.model.get('example')") == example
    # the kernel's answer to the change of `example`: that example's δ and θ' from the engine
    widget.page.evaluate("d => window.model.set('detail', d)", rec.example_detail(0, example))
    weights = _model_order(rec, rec.weights[0])
    xs, deltas = engine_x_and_delta(model, weights, X[example], ys[example])
    for node, (l, j) in (("1:2", (1, 2)), ("2:3", (2, 3)), ("3:1", (3, 1))):
        widget.page.click(f"svg.ac-net g.node[data-id='{node}']")
        widget.page.wait_for_function(f"document.querySelector('.ac-detail-title').textContent.includes('x{j}({l})')")
        delta = float(widget.page.get_attribute(".ac-train-detail .ac-delta", "data-value"))
        x = float(widget.page.get_attribute(".ac-train-detail .ac-x", "data-value"))
        assert delta == pytest.approx(deltas[l - 1][j - 1], rel=1e-9, abs=1e-12)
        assert x == pytest.approx(xs[l - 1][j - 1], rel=1e-9, abs=1e-12)
        shown_w = [
            float(v)
            for v in widget.page.eval_on_selector_all(".ac-detail-table .ac-w", "els => els.map(e => e.dataset.value)")
        ]
        assert shown_w == [row[j - 1] for row in view.history[0]["weights"][l - 1]]  # w_0j (bias), w_1j, ...
    assert "example 5" in text(widget, ".ac-detail-title")
    widget.check_clean()


def _model_order(rec, flat):
    """The recorder's flat order (b, w_1..w_d per neuron) in model.parameters() order (w_1..w_d, b)."""
    out, k = [], 0
    for d_in, d_out in zip(rec.shape.sizes, rec.shape.sizes[1:]):
        for _ in range(d_out):
            out += flat[k + 1 : k + d_in + 1] + [flat[k]]
            k += d_in + 1
    return out


def test_gradients_on_demand(widget):
    def strokes():
        return widget.page.eval_on_selector_all("svg.ac-net line.edge", "els => els.map(e => e.getAttribute('stroke'))")

    before = strokes()
    widget.page.click("text=gradients")
    widget.page.wait_for_selector("svg.ac-net[data-show='grads']")
    assert widget.page.evaluate("window.model.get('show')") == "grads"
    assert strokes() != before and len(strokes()) == len(before)
    widget.page.click("text=weights")
    widget.page.wait_for_selector("svg.ac-net[data-show='weights']")
    assert strokes() == before
    widget.check_clean()


# --- the replay page -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replay_file(run, tmp_path_factory):
    return run[0].save_html(tmp_path_factory.mktemp("replay") / "replay.html")


def panels(page):
    """What each panel shows now."""
    return {
        "status": page.inner_text(".ac-train-status"),
        "marker": page.get_attribute("line.step-marker", "x1"),
        "edges": page.eval_on_selector_all("svg.ac-net line.edge", "els => els.map(e => e.getAttribute('stroke'))"),
        "nodes": page.eval_on_selector_all("svg.ac-net g.node.neuron", "els => els.map(e => e.dataset.x)"),
        "boundary": page.get_attribute("svg.ac-boundary image.field", "href"),
        "detail": page.eval_on_selector_all(".ac-detail-table .ac-w", "els => els.map(e => e.dataset.value)"),
    }


def set_slider(page, k):
    page.eval_on_selector("#ac-slider", "(e, k) => { e.value = String(k); e.dispatchEvent(new Event('input')); }", k)
    page.wait_for_selector(f"body[data-frame='{k}']")
    # the panels redraw on the next animation frame: a callback queued now runs after that redraw
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


def test_replay_slider_moves_every_panel(browser, replay_file, run):
    view = run[0]
    with Page(browser, replay_file.as_uri()) as p:
        page = p.page
        page.wait_for_selector("body[data-frame]")
        last = len(view.history) - 1
        assert page.get_attribute("body", "data-frame") == str(last)
        seen = []
        for k in (0, last // 2, last):
            set_slider(page, k)
            shown = panels(page)
            assert f"step {k + 1}" in shown["status"]
            assert float(page.get_attribute(".ac-train-status .ac-loss", "data-value")) == pytest.approx(
                view.history[k]["loss"], rel=1e-5
            )
            seen.append(shown)
        for key in seen[0]:
            assert seen[0][key] != seen[1][key] != seen[2][key], f"the {key} panel did not move"
        page.keyboard.press("ArrowLeft")
        assert page.get_attribute("body", "data-frame") == str(last - 1)
        p.check_clean()


def test_replay_play_button_runs_to_the_end(browser, replay_file, run):
    with Page(browser, replay_file.as_uri()) as p:
        page = p.page
        page.wait_for_selector("body[data-frame]")
        last = len(run[0].history) - 1
        page.click("#ac-play")  # at the end: starts over from step 1
        page.wait_for_selector(f"body[data-frame='{last}']", timeout=10_000)
        page.locator("#ac-play", has_text="play").wait_for()
        p.check_clean()


def test_replay_grid_equals_the_recorded_grid(browser, replay_file, run):
    view = run[0]
    with Page(browser, replay_file.as_uri()) as p:
        page = p.page
        page.wait_for_selector("body[data-frame]")
        data = replay_data(view.recorder)
        grid = page.evaluate("([m, w]) => ACTraining.gridOutputs(m, w)", [data["meta"], view.recorder.weights[3]])
        expected = view.history[3]["grid"]
        assert [v for row in grid for v in row] == pytest.approx([v for row in expected for v in row], abs=1e-12)
        p.check_clean()


@pytest.fixture(scope="module")
def wide():
    return trained((16, 16, 1), steps=12, n=60)[0]


@pytest.mark.parametrize("width,height", SIZES)
def test_pages_fit_the_screen(browser, tmp_path, wide, width, height):
    """A wide network (2-16-16-1): nothing overflows sideways, text stays readable; screenshots."""
    view = wide
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {
        "training_replay": view.save_html(tmp_path / "replay.html"),
        "training_widget": stand_in_page(tmp_path, view, frame=11),
    }
    for name, path in pages.items():
        with Page(browser, path.as_uri(), width, height) as p:
            page = p.page
            page.wait_for_selector("svg.ac-net g.node")
            page.wait_for_timeout(100)
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            for sel in ("svg.ac-net", ".ac-train-curve svg", ".ac-train-boundary svg", ".ac-train-status"):
                box = page.locator(sel).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, sel
            # the drawing's text is at least ~10 px on screen
            scale = page.evaluate(
                "(() => { const s = document.querySelector('svg.ac-net');"
                " return s.getBoundingClientRect().width / s.viewBox.baseVal.width; })()"
            )
            assert 15 * scale >= 10
            page.screenshot(path=str(ARTIFACTS / f"{name}_{width}x{height}.png"))
            p.check_clean()


@pytest.mark.parametrize("case", ["no data, 3 inputs", "3 classes"])
def test_module_renders_other_shapes(browser, tmp_path, case):
    if case == "3 classes":
        X, y = nn.make_spirals(30, classes=3, seed=0)
        view = TrainingView(nn.MLP(2, [5, 3], seed=0), X, y)
    else:
        view = TrainingView(nn.MLP(3, [4, 1], seed=0))
    for k in range(3):
        view.update(1.0 / (k + 1))
    with Page(browser, stand_in_page(tmp_path, view, frame=2).as_uri()) as p:
        p.page.wait_for_selector("body[data-ready='1']")
        assert p.page.inner_text(".ac-step") == "3"
        if case == "3 classes":
            assert p.page.locator("svg.ac-boundary circle.pt").count() == 30
            assert "softmax" in p.page.inner_text(".ac-train-detail")
        else:
            assert not p.page.locator(".ac-train-boundary").is_visible()
            assert "δ needs labels" in p.page.inner_text(".ac-train-detail")
        p.check_clean()


def test_each_neuron_has_a_picture_over_the_input_plane_and_the_widget_fits_800px(browser, run, tmp_path):
    with Page(browser, stand_in_page(tmp_path, run[0]).as_uri(), 1280, 800) as p:
        p.page.wait_for_selector("body[data-ready='1']")
        sizes = run[0].recorder.shape.sizes
        thumbs = p.page.eval_on_selector_all(
            "svg.ac-net g.node image.thumb", "els => els.map(e => e.closest('g.node').dataset.id)"
        )
        assert sorted(thumbs) == sorted(f"{l}:{j}" for l in range(1, len(sizes)) for j in range(1, sizes[l] + 1))
        assert p.page.is_hidden(".ac-map-big")
        p.page.click("svg.ac-net g.node[data-id='1:2'] image.thumb")
        assert p.page.is_visible(".ac-map-big img")
        assert "x2(1)" in p.page.inner_text(".ac-map-cap").replace("\n", "")
        assert p.page.get_attribute(".ac-train-detail .ac-detail-title", "class") is not None
        assert "x2(1)" in p.page.inner_text(".ac-detail-title").replace("\n", "")  # and that neuron's table
        p.page.click(".ac-map-big")
        assert p.page.is_hidden(".ac-map-big")
        box = p.page.eval_on_selector(".ac-train", "e => e.getBoundingClientRect().height")
        assert box <= 800, box  # the whole widget, with the clicked neuron's table
        p.check_clean()


def test_replay_states_its_rate_and_keeps_it(browser, replay_file, run):
    with Page(browser, replay_file.as_uri()) as p:
        page = p.page
        page.wait_for_selector("body[data-frame]")
        rate = int(page.get_attribute("body", "data-rate"))
        assert f"{rate} frames/s" in page.inner_text("#ac-play")
        # the frame shown follows the clock, not the number of redraws: with a stand-in clock,
        # 3.5 frame lengths after the start the replay shows frame 3, however few redraws ran
        ms = float(page.get_attribute("body", "data-frame-ms"))
        page.evaluate(
            """() => { window.__q = []; window.requestAnimationFrame = cb => { window.__q.push(cb); return 1; };
                       window.cancelAnimationFrame = () => {}; }"""
        )
        page.evaluate("() => { const s = document.getElementById('ac-slider'); s.value = '0'; }")
        page.eval_on_selector("#ac-slider", "s => s.dispatchEvent(new Event('input'))")
        page.click("#ac-play")
        run_at = "(t) => { const q = window.__q; window.__q = []; q.forEach(cb => cb(t)); }"
        page.evaluate(run_at, 1000.0)
        page.evaluate(run_at, 1000.0 + 3.5 * ms)
        assert page.get_attribute("body", "data-frame") == "3"
        page.evaluate(run_at, 1000.0 + 5.2 * ms)
        assert page.get_attribute("body", "data-frame") == "5"
        p.check_clean()
