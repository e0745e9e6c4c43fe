"""The step-through page in a real headless Chromium (Debian's ``chromium``, driven by the
``playwright`` Python package; no browser download): controls, arrow keys, exact gradients,
no console errors, no network requests. Saves a screenshot of a middle step to artifacts/."""

import pytest

import autograd_core as ac
import nn
from autograd_core.viz import backprop_html, lecture_example
from autograd_core.viz.trace import format_number

from .browser import ARTIFACTS, Page


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The lecture's network: its page, and the engine's gradients in topological order."""
    loss, params = lecture_example()
    path = backprop_html(loss, tmp_path_factory.mktemp("page") / "backprop.html", params=params)
    loss.backward()
    return path, [v.grad for v in ac.topological_order(loss)]


class StepperPage(Page):
    """The step-through page at 1920x1080 by default, read through its ``data-*`` attributes."""

    def __init__(self, browser, path, width=1920, height=1080):
        super().__init__(browser, path, width, height)

    def step(self):
        return int(self.attr("data-step"))

    def last(self):
        return int(self.attr("data-last-step"))

    def grads(self):
        return self.page.eval_on_selector_all(
            "g.node", "els => els.map(e => [Number(e.dataset.index), e.getAttribute('data-grad')])"
        )

    def shown_grads(self):
        """Per node: its index, the gradient it shows (4 significant digits; None for a node out of
        focus, drawn as a dot) and its tooltip, which always has the full value."""
        return self.page.eval_on_selector_all(
            "g.node",
            "els => els.map(e => [Number(e.dataset.index), e.querySelector('text.grad') && "
            "e.querySelector('text.grad').textContent, e.querySelector('title').textContent])",
        )


@pytest.fixture
def page(browser, example):
    p = StepperPage(browser, example[0])
    yield p
    p.close()


def test_next_button_steps_to_the_engines_gradients(page, example):
    _, engine = example
    assert page.step() == 0
    n_interior = sum(1 for g in page.grads())  # all nodes are drawn
    assert n_interior == len(engine)
    for k in range(1, page.last() + 1):
        page.page.click("#btn-next")
        assert page.step() == k
    assert page.page.is_disabled("#btn-next")
    grads = page.grads()
    assert [i for i, _ in grads] == list(range(len(engine)))
    assert [float(s) for _, s in grads] == engine  # bit for bit
    assert [s for _, s in grads] == [repr(g) for g in engine]
    shown_grads = page.shown_grads()
    assert sum(1 for _, shown, _ in shown_grads if shown is not None) >= 2  # the node in focus and its inputs
    for (i, shown, tip), g in zip(shown_grads, engine):
        assert shown in (None, format_number(g)) and f"grad = {g!r}" in tip, i
    assert "Backward pass complete" in page.page.inner_text("#explain")
    page.check_clean()


def test_arrow_keys_step_forward_and_back(page, example):
    _, engine = example
    last = page.last()
    for _ in range(last + 3):  # pressing past the end stays at the end
        page.page.keyboard.press("ArrowRight")
    assert page.step() == last
    assert [float(s) for _, s in page.grads()] == engine
    page.page.keyboard.press("ArrowLeft")
    assert page.step() == last - 1
    assert [float(s) for _, s in page.grads()] != engine
    page.page.keyboard.press("Home")
    assert page.step() == 0
    root_grad = page.grads()[-1][1]
    assert root_grad == "1.0" and all(s == "0.0" for _, s in page.grads()[:-1])
    page.page.keyboard.press("End")
    assert page.step() == last
    page.check_clean()


def test_prev_and_reset_buttons(page):
    page.page.click("#btn-next")
    page.page.click("#btn-next")
    page.page.click("#btn-prev")
    assert page.step() == 1
    page.page.click("#btn-reset")
    assert page.step() == 0
    assert page.page.is_disabled("#btn-prev") and page.page.is_disabled("#btn-reset")
    page.check_clean()


def test_play_runs_to_the_end_and_pause_stops(page, example):
    _, engine = example
    page.page.evaluate("document.body.setAttribute('data-interval', '40')")
    page.page.click("#btn-play")
    page.page.wait_for_function("() => document.body.getAttribute('data-playing') === 'false'", timeout=20000)
    assert page.step() == page.last()
    assert [float(s) for _, s in page.grads()] == engine
    page.page.evaluate("document.body.setAttribute('data-interval', '100000')")
    page.page.keyboard.press(" ")  # space: play again, from the start
    assert page.page.get_attribute("body", "data-playing") == "true"
    assert page.step() == 0
    page.page.click("#btn-play")  # pause
    assert page.page.get_attribute("body", "data-playing") == "false"
    assert "Play" in page.page.inner_text("#btn-play")
    page.check_clean()


def test_middle_step_shows_contributions_on_edges_and_is_saved(page):
    middle = page.last() // 2 + 2
    for _ in range(middle):
        page.page.keyboard.press("ArrowRight")
    current = page.page.eval_on_selector_all("g.node.current", "els => els.map(e => e.dataset.label)")
    assert len(current) == 1
    labels = page.page.eval_on_selector_all("g.elabel.active", "els => els.map(e => e.textContent)")
    rows = page.page.eval_on_selector_all("#explain table tr", "els => els.length")
    assert len(labels) == rows - 1 >= 1
    assert all("\u00d7" in text and "=" in text for text in labels)
    assert page.page.eval_on_selector_all("g.node.updated", "els => els.length") >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "viz_stepper_middle_step.png"
    page.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.check_clean()


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_node_in_focus_stays_on_screen_and_arrows_point_backward(browser, example, width, height):
    p = StepperPage(browser, example[0], width, height)
    try:
        for k in range(p.last() + 1):
            seen = p.page.evaluate("""() => {
              const stage = document.getElementById('graph-wrap').getBoundingClientRect();
              const cur = document.querySelector('g.node.current').getBoundingClientRect();
              return {inside: stage.left <= cur.left && cur.right <= stage.right && stage.top <= cur.top
                              && cur.bottom <= stage.bottom,
                      pageScroll: document.documentElement.scrollWidth - window.innerWidth,
                      active: document.querySelectorAll('path.edge.active').length,
                      back: document.querySelectorAll('path.edge.active[marker-start]').length,
                      forward: document.querySelectorAll('path.edge[marker-end]').length};
            }""")
            assert seen["inside"] and seen["pageScroll"] <= 0, (k, seen)
            assert seen["active"] == seen["back"] and seen["forward"] == 0
            assert (seen["active"] >= 1) == (k > 0)
            p.page.keyboard.press("ArrowRight")
        p.page.keyboard.press("p")  # presentation mode: text of at least 18 px
        size = p.page.evaluate("""() => {
          const svg = document.getElementById('graph');
          const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * k));
        }""")
        assert size >= 18
        p.check_clean()
    finally:
        p.close()


NODE_LEVEL = """() => {
  const svg = document.getElementById('graph'), k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const font = Math.min(...[...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * k));
  const stage = document.getElementById('graph-wrap'), panel = document.getElementById('explain');
  const de = document.documentElement, out = [];
  const boxes = [...svg.querySelectorAll('g.node rect.box')].map(r => r.getBoundingClientRect());
  const labels = [...svg.querySelectorAll('g.elabel rect')].map(r => r.getBoundingClientRect());
  const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5
                        && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  labels.forEach((a, n) => { boxes.forEach(b => { if (hit(a, b)) out.push('label over a box'); });
                             labels.slice(n + 1).forEach(b => { if (hit(a, b)) out.push('label over a label'); }); });
  if (stage.scrollWidth > stage.clientWidth || stage.scrollHeight > stage.clientHeight) out.push('drawing scrolls');
  if (panel.scrollHeight > panel.clientHeight + 1) out.push('panel scrolls');
  if (de.scrollHeight > window.innerHeight || de.scrollWidth > window.innerWidth) out.push('page scrolls');
  return {font, problems: out};
}"""


def test_a_small_mlp_reads_at_14px_without_scrolling_or_labels_over_boxes(browser, tmp_path):
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    loss = (model([0.5, -1.0])[0] - 1.0) ** 2
    path = backprop_html(loss, tmp_path / "mlp.html", params=model.parameters())
    p = StepperPage(browser, path, 1280, 800)
    try:
        for k in range(p.last() + 1):
            seen = p.page.evaluate(NODE_LEVEL)
            assert seen["font"] >= 14 and seen["problems"] == [], (k, seen)
            p.page.keyboard.press("ArrowRight")
        p.page.keyboard.press("Home")
        code = p.page.eval_on_selector_all("#explain code", "els => els.map(e => e.textContent)")
        assert "zero_grad()" in code  # shown as code, not as "zero" with a subscript "grad"
        assert p.page.eval_on_selector_all("#explain sub", "els => els.map(e => e.textContent)").count("grad") == 0
        p.check_clean()
    finally:
        p.close()
