"""The lecture page on a projector (Debian's Chromium, playwright): for the lecture's 3-3-3-3-1
network, a 3-3-3-1 network and a 2-4-3 softmax network, at 1280x800 and 1920x1080, in normal and
presentation mode, at every step: nothing scrolls (page, drawing, panel), no text box overlaps
another text box or a neuron box, presentation text is >= 18 px, nothing moves between steps; the
numbers shown are lecture_steps' (square and cross-entropy); Save step holds drawing and panel."""

from pathlib import Path

import pytest

import nn
from autograd_core.viz import lecture_html, lecture_steps

from .browser import Page

NETWORKS = {
    "3-3-3-3-1": (
        dict(nin=3, nouts=[3, 3, 3, 1], activation="tanh", output_activation="tanh", seed=10),
        (0.5, -1.0, 2.0),
        1.0,
        "square",
    ),
    "3-3-3-1": (
        dict(nin=3, nouts=[3, 3, 1], activation="tanh", output_activation="tanh", seed=4),
        (0.5, -1.0, 2.0),
        -0.5,
        "square",
    ),
    "2-4-3": (dict(nin=2, nouts=[4, 3], activation="tanh", seed=1), (0.5, -1.0), 2, "cross_entropy"),
}

CHECK = (Path(__file__).parent / "lecture_check.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    root = tmp_path_factory.mktemp("projector")
    out = {}
    for name, (kw, x, y, loss) in NETWORKS.items():
        model = nn.MLP(**kw)
        path = lecture_html(model, x, y, root / f"{name}.html", loss=loss)
        out[name] = (path, lecture_steps(model, x, y, loss=loss), y, loss)
    return out


def check_numbers(shown, steps, y, loss):
    """Every number in a box, on an edge label and in the panel is one that lecture_steps computed."""
    x, s, delta = steps["x"], steps["s"], steps["delta"]
    L = len(s)
    for node, rows in shown["rows"].items():
        for key, value in rows.items():
            if value == "\u2013" or node in ("e", "y"):
                continue
            if node.startswith("0:"):
                assert float(value) == x[0][int(node[2:]) - 1]
                continue
            l, j = map(int, node.split(":"))
            want = {"s": s[l - 1][j - 1], "x": x[l][j - 1], "\u03b4": delta[l - 1][j - 1]}
            if loss == "cross_entropy" and l == L:
                want = {
                    "f": steps["f"][j - 1],
                    "p": steps["p"][j - 1],
                    "y": float(j - 1 == y),
                    "\u03b4": delta[l - 1][j - 1],
                }
            assert float(value) == want[key], (node, key)
    if "e" in shown["rows"] and shown["rows"]["e"].get("e", shown["rows"]["e"].get("L", "\u2013")) != "\u2013":
        assert float(shown["rows"]["e"].get("e", shown["rows"]["e"].get("L"))) == steps["e"]
    for src, dst, value in shown["labels"]:
        if shown["kind"] == "grad":
            l, j = map(int, dst.split(":"))
            assert float(value) == steps["grad"][l - 1][int(src.split(":")[1])][j - 1]
        elif shown["kind"] == "sgd":
            l, j = map(int, dst.split(":"))
            assert float(value) == steps["w_new"][l - 1][int(src.split(":")[1])][j - 1]
        elif shown["kind"] == "delta" and dst == "e" and loss == "cross_entropy":  # δ_k^(L) = p_k - y_k
            assert float(value) == delta[L - 1][int(src.split(":")[1]) - 1]
        elif shown["kind"] == "delta" and dst == "e":  # ∂e/∂h = 2(h - y)
            assert float(value) == pytest.approx(2.0 * (x[L][0] - y), rel=1e-12)
    panel = {float(v) for v in shown["nums"]}
    if shown["kind"] == "delta":
        assert set(delta[shown["layer"] - 1]) <= panel
    if shown["kind"] == "loss":
        assert steps["e"] in panel
    if shown["kind"] == "softmax":
        assert set(steps["p"]) <= panel and set(steps["f"]) <= panel
    if shown["kind"] == "grad":
        assert set(steps["grad"][shown["layer"] - 1][i][0] for i in range(len(x[shown["layer"] - 1]) + 1)) <= panel


@pytest.mark.parametrize("name", list(NETWORKS))
@pytest.mark.parametrize("width,height", [(1280, 800), (1920, 1080)])
@pytest.mark.parametrize("present", [True, False], ids=["presentation", "normal"])
def test_every_step_fits_without_overlap_and_nothing_moves(browser, pages, name, width, height, present):
    path, steps, y, loss = pages[name]
    with Page(browser, path, width, height) as p:
        if present:
            p.page.keyboard.press("p")
            assert "present" in p.page.get_attribute("body", "class")
        last = int(p.attr("data-last-step"))
        first = None
        kinds = []
        for k in range(last + 1):
            shown = p.page.evaluate(CHECK)
            assert shown["problems"] == [], (k, shown["kind"], shown["problems"][:4])
            if present:
                assert shown["font"] >= 18, (k, shown["font"])
            else:
                assert shown["font"] >= 11, (k, shown["font"])
            check_numbers(shown, steps, y, loss)
            layout = (shown["place"], shown["bar"], shown["stage"])
            if first is None:
                first = layout
            assert layout == first, k  # boxes, toolbar and drawing keep their places and sizes
            kinds.append(shown["kind"])
            p.page.keyboard.press("ArrowRight")
        if loss == "cross_entropy":
            assert kinds[: len(NETWORKS[name][0]["nouts"]) + 3][-2:] == ["softmax", "loss"]
        assert kinds[-1] == "done"
        p.check_clean()


def test_softmax_page_writes_p_minus_y_and_the_prediction(browser, pages):
    path, steps, y, _ = pages["2-4-3"]
    with Page(browser, path, 1280, 800) as p:
        kinds = p.page.evaluate("ACLecture.steps.map(s => s.kind)")
        p.page.evaluate(f"ACLecture.show({kinds.index('delta')})")
        text = p.page.inner_text("#explain")
        assert "p" in text and "\u2212 y" in text and "[j = k]" in text  # the chain-rule line
        p.page.keyboard.press("End")
        text = p.page.inner_text("#explain")
        assert "argmax" in text and f"class {steps['prediction']}" in text
        p.check_clean()


def test_formulas_use_the_slides_indices_and_all_neurons_writes_every_neuron(browser, pages):
    path, steps, _, _ = pages["3-3-3-3-1"]
    with Page(browser, path, 1920, 1080) as p:
        kinds = p.page.evaluate("ACLecture.steps.map(s => [s.kind, s.l])")
        p.page.evaluate(f"ACLecture.show({kinds.index(['delta', 2])})")
        general = p.page.inner_text("#explain .general")
        assert general.replace("\n", "").startswith("\u03b4i(l-1) = \u03b8'(si(l-1)) \u03a3j=1")
        assert "wij(l) \u03b4j(l)" in general and "\u03a3k" not in p.page.inner_text("#explain")
        one = len(p.page.query_selector_all("#explain p.formula:not(.general)"))
        p.page.keyboard.press("a")
        assert p.attr("data-all") == "true"
        assert len(p.page.query_selector_all("#explain p.formula:not(.general)")) == one + 2  # 3 neurons, not 1
        assert set(steps["delta"][1]) <= {
            float(n) for n in p.page.eval_on_selector_all("#explain .num.hl", "els => els.map(e => e.dataset.value)")
        }
        p.page.evaluate(f"ACLecture.show({kinds.index(['sgd', 1])})")
        head = p.page.inner_text("#explain table tr:first-child") + p.page.inner_text("#explain")
        assert "\u0394w" in head and "\u2190" in head
        p.check_clean()


def test_save_step_holds_the_drawing_and_the_formula_panel(browser, pages):
    path, steps, _, _ = pages["2-4-3"]
    with Page(browser, path, 1280, 800) as p:
        p.page.keyboard.press("p")
        kinds = p.page.evaluate("ACLecture.steps.map(s => s.kind)")
        p.page.evaluate(f"ACLecture.show({kinds.index('loss')})")
        svg = p.page.evaluate("ACLecture.svgText()")
        assert svg.startswith("<?xml") and "<script" not in svg
        assert 'class="panel-text"' in svg and ">loss</text>" in svg  # the panel's words and the drawing
        assert f"{steps['e']:.4g}"[:5] in svg
        size = p.page.evaluate(
            """t => new Promise(done => { const img = new Image();
          img.onload = () => done([img.width, img.height]); img.onerror = () => done(null);
          img.src = 'data:image/svg+xml;base64,' + btoa(unescape(encodeURIComponent(t))); })""",
            svg,
        )
        assert size and size[0] > 1000 and size[1] > 600  # one slide: drawing and panel, as on the screen
        p.check_clean()


def test_softmax_line_writes_the_scores_as_exponents(browser, pages):
    path, steps, _, _ = pages["2-4-3"]
    with Page(browser, path, 1920, 1080) as p:
        kinds = p.page.evaluate("ACLecture.steps.map(s => s.kind)")
        p.page.evaluate(f"ACLecture.show({kinds.index('softmax')})")
        text = p.page.inner_text("#explain")
        assert "}" not in text and "{" not in text  # no unparsed braces
        sups = p.page.eval_on_selector_all("#explain p.formula sup", "els => els.map(e => e.textContent)")
        assert f"{steps['f'][0]:.4g}" in sups
        p.check_clean()
