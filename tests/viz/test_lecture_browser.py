"""The lecture page in Debian's Chromium (playwright): every step renders without a console error
or a request; at 1280x800 and 1920x1080 nothing overflows horizontally and the element in focus
is on screen at every step; the numbers shown are lecture_steps'; presentation mode, keyboard,
the node-level dialog and SVG export."""

import pytest

import nn
from autograd_core.viz import lecture_html, lecture_steps

from .browser import ARTIFACTS, Page

X, Y = (0.5, -1.0, 2.0), 1.0


@pytest.fixture(scope="module")
def lecture(tmp_path_factory):
    """The lecture's 3-3-3-1 tanh network: its page and lecture_steps."""
    model = nn.MLP(3, [3, 3, 3, 1], activation="tanh", output_activation="tanh", seed=10)
    path = lecture_html(model, X, Y, tmp_path_factory.mktemp("lecture") / "lecture.html")
    return path, lecture_steps(model, X, Y)


LAYOUT = """() => {
  const W = window.innerWidth, H = window.innerHeight, out = [];
  const stage = document.getElementById('stage').getBoundingClientRect();
  for (const sel of ['header.top', '#stage', '#explain', '#net']) {
    const r = document.querySelector(sel).getBoundingClientRect();
    if (r.left < -0.5 || r.right > W + 0.5) out.push(sel + ' ' + r.left + '..' + r.right);
  }
  const f = document.querySelector('#net g.node.focus');
  const b = f ? f.getBoundingClientRect() : null;
  return {overflow: out, scrollWidth: document.documentElement.scrollWidth, W: W, H: H,
          stageScroll: document.getElementById('stage').scrollWidth - document.getElementById('stage').clientWidth,
          focus: b && [b.left, b.top, b.right, b.bottom], stage: [stage.left, stage.top, stage.right, stage.bottom]};
}"""

SHOWN = """() => {
  const nodes = {}, labels = [];
  document.querySelectorAll('#net g.node').forEach(g => {
    const rows = {};
    g.querySelectorAll('g.num').forEach(n => { rows[n.dataset.key] = n.dataset.value; });
    nodes[g.dataset.id] = rows;
  });
  document.querySelectorAll('#net g.elabel').forEach(g => labels.push([g.dataset.from, g.dataset.to, g.dataset.value]));
  const panel = [...document.querySelectorAll('#explain .num')].map(n => n.dataset.value);
  return {nodes: nodes, labels: labels, panel: panel, kind: document.body.dataset.kind,
          layer: Number(document.body.dataset.layer), step: Number(document.body.dataset.step),
          backArrows: document.querySelectorAll('#net line.edge[marker-start]').length};
}"""


def check_numbers(shown, steps):
    """Every number on a node or an edge label is the one lecture_steps computed."""
    x, s, delta = steps["x"], steps["s"], steps["delta"]
    for node, rows in shown["nodes"].items():
        for key, value in rows.items():
            if value == "\u2013":  # not computed yet at this step
                continue
            if node.startswith("0:"):
                assert float(value) == x[0][int(node[2:]) - 1]
            elif node == "e":  # e, and ∂e/∂h = 2(h - y) from the backward pass on
                assert float(value) == (steps["e"] if key == "e" else 2.0 * (x[-1][0] - Y))
            elif node == "y":
                assert float(value) == Y
            else:
                l, j = map(int, node.split(":"))
                want = {"s": s[l - 1][j - 1], "x": x[l][j - 1], "\u03b4": delta[l - 1][j - 1]}[key]
                assert float(value) == want, (node, key)
    for src, dst, value in shown["labels"]:
        if shown["kind"] == "grad":
            l, j = map(int, dst.split(":"))
            assert float(value) == steps["grad"][l - 1][int(src.split(":")[1])][j - 1]
        elif shown["kind"] == "sgd":
            l, j = map(int, dst.split(":"))
            assert float(value) == steps["w_new"][l - 1][int(src.split(":")[1])][j - 1]
    panel = {float(v) for v in shown["panel"] if v not in ("nan", "inf", "-inf")}
    if shown["kind"] == "delta":
        assert set(delta[shown["layer"] - 1]) <= panel
    if shown["kind"] == "loss":
        assert steps["e"] in panel


@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
def test_every_step_fits_keeps_focus_on_screen_and_shows_lecture_steps(browser, lecture, width, height):
    path, steps = lecture
    with Page(browser, path, width, height) as p:
        last = int(p.attr("data-last-step"))
        assert last == 1 + 4 + 1 + 2 * 4 + 4  # start, forward, loss, δ and ∂e/∂w per layer, SGD per layer, done
        kinds, backward = [], []
        for k in range(last + 1):
            layout, shown = p.page.evaluate(f"[({LAYOUT})(), ({SHOWN})()]")
            assert shown["step"] == k
            assert layout["overflow"] == [] and layout["scrollWidth"] <= width and layout["stageScroll"] <= 0, layout
            left, top, right, bottom = layout["focus"]
            s_left, s_top, s_right, s_bottom = layout["stage"]
            assert s_left <= left and right <= s_right and s_top <= top and bottom <= s_bottom, (k, layout)
            kinds.append(shown["kind"])
            check_numbers(shown, steps)
            if shown["kind"] in ("delta", "grad"):
                backward.append(shown["layer"])
                assert shown["backArrows"] >= 1  # arrowheads point backward, to where the gradient goes
            if k == last // 2 + 1 and width == 1280:
                ARTIFACTS.mkdir(exist_ok=True)
                p.page.screenshot(path=str(ARTIFACTS / f"viz_lecture_step{k}_{width}.png"))
            p.page.keyboard.press("ArrowRight")
        assert kinds[:7] == ["start", "forward", "forward", "forward", "forward", "loss", "delta"]
        assert kinds[-1] == "done"
        assert backward == [4, 4, 3, 3, 2, 2, 1, 1]  # backward flows from the output to the input
        p.check_clean()


def test_presentation_mode_text_is_at_least_18px(browser, lecture):
    path, _ = lecture
    with Page(browser, path, 1280, 800) as p:
        for _ in range(8):
            p.page.keyboard.press("ArrowRight")
        p.page.keyboard.press("p")
        assert "present" in p.page.get_attribute("body", "class")
        sizes = p.page.evaluate("""() => {
          const svg = document.getElementById('net'), vb = svg.viewBox.baseVal;
          const k = svg.getBoundingClientRect().width / vb.width;
          const svgText = [...svg.querySelectorAll('text')].filter(t => !t.closest('.bias'))
            .map(t => parseFloat(getComputedStyle(t).fontSize) * k);
          const html = [...document.querySelectorAll('#explain p, #explain td, #explain h2')]
            .map(e => parseFloat(getComputedStyle(e).fontSize));
          return {svg: Math.min(...svgText), html: Math.min(...html), scroll: document.documentElement.scrollWidth};
        }""")
        assert sizes["svg"] >= 18 and sizes["html"] >= 18 and sizes["scroll"] <= 1280, sizes
        layout = p.page.evaluate(LAYOUT)
        assert layout["overflow"] == [] and layout["stageScroll"] <= 0
        p.check_clean()


def test_keyboard_focus_and_the_node_level_dialog(browser, lecture):
    path, steps = lecture
    with Page(browser, path, 1920, 1080) as p:
        p.page.keyboard.press("End")
        assert p.attr("data-kind") == "done"
        p.page.keyboard.press("Home")
        for _ in range(10):  # δ^(2)
            p.page.keyboard.press("ArrowRight")
        assert (p.attr("data-kind"), p.attr("data-layer")) == ("delta", "2")
        assert p.attr("data-focus") == "2:1"
        p.page.keyboard.press("ArrowDown")
        assert p.attr("data-focus") == "2:2"
        p.page.click('#net g.node[data-id="2:3"]')
        assert p.attr("data-dialog") == "2:3"
        contributions = p.page.eval_on_selector_all("#node-graph g.elabel", "els => els.map(e => e.dataset.value)")
        grads = {steps["grad"][1][i][2] for i in range(4)}
        assert grads <= {float(v) for v in contributions}  # ∂e/∂w_i3^(2) = local × upstream
        assert steps["delta"][1][2] in {float(v) for v in contributions}  # θ' × upstream = δ_3^(2)
        text = p.page.inner_text("#node-dialog")
        assert "local derivative" in text and "upstream" in text and "contribution" in text
        p.page.keyboard.press("Escape")
        assert p.attr("data-dialog") is None
        svg = p.page.evaluate("ACLecture.svgText()")
        assert svg.startswith("<?xml") and "<svg" in svg and "<style>" in svg and "<script" not in svg
        p.check_clean()
