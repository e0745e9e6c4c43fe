"""The Playground page (``npm ci && mkdocs build``, served by a local HTTP server) in Debian's
Chromium: it loads Python from the site alone (every other request is blocked and recorded), logs
no error, fits 1280x800 and 1920x1080 without sideways scrolling, trains with the numbers a CPython
run gives, and its controls, neuron panel and lecture button work.

Skips, with the reason, without ``node_modules/pyodide`` (run ``npm ci``) or MkDocs (the docs extra).
The load time and training speed it measures are printed and written to artifacts/playground_speed.json.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from autograd_core.viz import lecture_steps
from nn.playground import Playground

from .browser import ARTIFACTS, Page

ROOT = Path(__file__).resolve().parents[2]
if not (ROOT / "node_modules" / "pyodide" / "pyodide.asm.wasm").is_file():
    pytest.skip(
        "node_modules/pyodide is missing: run `npm ci` (package-lock.json pins pyodide)", allow_module_level=True
    )
if importlib.util.find_spec("mkdocs") is None:
    pytest.skip('mkdocs is not installed (pip install -e ".[docs]")', allow_module_level=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The docs site built into a temporary directory and served on 127.0.0.1: the Playground's URL."""
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/playground/index.html"
    server.shutdown()
    server.server_close()


class SitePage(Page):
    """A :class:`Page` that may load from the local server (its origin) and nothing else."""

    def __init__(self, browser: Any, url: str, width: int = 1280, height: int = 800) -> None:
        self.origin = url.split("/playground/")[0] + "/"
        super().__init__(browser, url, width, height)
        self.page.evaluate("playground.ready")

    def _request(self, r: Any) -> None:
        if not r.url.startswith((self.origin, "data:", "blob:")):
            self.requests.append(r.url)

    def _route(self, route: Any) -> None:
        if route.request.url.startswith(self.origin):
            route.continue_()
        else:
            route.abort()

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


def _edge_weights(p: SitePage) -> dict[str, float]:
    """The weights as the drawn edges' titles give them: ``w_i,j^(l) = value``."""
    titles = p.js("() => Array.from(document.querySelectorAll('#net path.edge title'), t => t.textContent)")
    return {t.split(" = ")[0]: float(t.split(" = ")[1]) for t in titles}


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * max(1.0, abs(b))


def test_page_loads_python_from_the_site_only_and_trains_fast(browser: Any, site: str) -> None:
    start = time.perf_counter()
    with SitePage(browser, site) as p:
        wall = time.perf_counter() - start
        stats = p.js("playground.stats()")
        assert p.js("playground.state()")["step"] == 0
        p.page.click("#btn-play")
        time.sleep(3)
        p.page.click("#btn-play")
        after = p.js("playground.stats()")
        assert after["steps"] > 0 and after["frames"] > stats["frames"]
        p.check_clean()
    reference = Playground()  # the same training in CPython, in this process: the peer
    t = time.perf_counter()
    reference.train(100)
    cpython = 100 / (time.perf_counter() - t)
    speed = {
        "load_seconds_in_page": round(stats["loadMs"] / 1000, 2),
        "of_which_pyodide_seconds": round(stats["pyodideMs"] / 1000, 2),
        "of_which_engine_import_seconds": round(stats["importMs"] / 1000, 2),
        "load_seconds_wall": round(wall, 2),
        "steps_per_second_while_playing": round(after["steps"] / (after["wallMs"] / 1000), 1),
        "steps_per_second_of_training_time": round(after["steps"] / (after["trainMs"] / 1000), 1),
        "full_frames_per_second": round((after["frames"] - stats["frames"]) / (after["wallMs"] / 1000), 1),
        "weight_frames_per_second": round(after["lightFrames"] / (after["wallMs"] / 1000), 1),
        "cpython_steps_per_second_same_run": round(cpython, 1),
        "load_average": [round(v, 1) for v in os.getloadavg()],
        "network": "two moons, 200 points, 2-8-8-1 tanh, batch 10, compiled step",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "playground_speed.json").write_text(json.dumps(speed, indent=1) + "\n", encoding="utf-8")
    print("\nPlayground speed:", speed)


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1920, 1080)])
def test_page_fits_without_sideways_scrolling(browser: Any, site: str, width: int, height: int) -> None:
    with SitePage(browser, site, width, height) as p:
        p.js("playground.train(5)")
        p.page.click('#net .node.neuron[data-id="2:3"]')
        assert p.js("document.documentElement.scrollWidth <= window.innerWidth")
        boxes = p.js(
            "() => ['header.top', '#data-panel', '#net-panel', '#out-panel', '#neuron-panel', '#net']"
            ".map(s => { const r = document.querySelector(s).getBoundingClientRect(); return [s, r.left, r.right]; })"
        )
        assert [b for b in boxes if b[1] < -0.5 or b[2] > width + 0.5] == []
        ARTIFACTS.mkdir(exist_ok=True)
        p.page.screenshot(path=str(ARTIFACTS / f"playground_{width}x{height}.png"), full_page=True)
        p.check_clean()


CONFIG = {"data": "circles", "layers": [4, 3], "features": ["x1", "x2", "x1x2"], "lr": 0.1, "batch": 5, "seed": 2}


def test_twenty_steps_in_the_page_equal_cpython(browser: Any, site: str) -> None:
    reference = Playground({**CONFIG, "compile": False})  # the engine's backward pass, op by op
    expected = reference.train(20)
    with SitePage(browser, site) as p:
        p.js("(c) => playground.configure(c)", CONFIG)
        state = p.js("playground.train(20)")
        assert state["step"] == 20 and state["config"]["layers"] == [4, 3]
        assert _close(state["loss"], expected["loss"]) and _close(state["testLoss"], expected["testLoss"])
        shown = _edge_weights(p)
        w = reference.weights()
        assert len(shown) == sum(len(layer) * len(layer[0]) for layer in w)
        for l, layer in enumerate(w, start=1):
            for i, row in enumerate(layer):
                for j, v in enumerate(row, start=1):
                    assert _close(shown[f"w_{i},{j}^({l})"], v)
        p.check_clean()


def test_neuron_click_shows_delta_of_the_selected_example(browser: Any, site: str) -> None:
    reference = Playground(CONFIG)
    reference.train(10)
    steps = reference.neuron_steps(0)
    with SitePage(browser, site) as p:
        p.js("(c) => playground.configure(c)", CONFIG)
        p.js("playground.train(10)")
        p.page.click('#net .node.neuron[data-id="1:2"]')
        text = p.page.inner_text("#neuron-text")
        assert "δ" in text and "θ'(s" in text
        shown = float(p.page.get_attribute("#neuron-text .recursion", "data-delta"))
        assert _close(shown, steps["delta"][0][1])
        assert _close(float(p.page.get_attribute("#neuron-text [data-s]", "data-s")), steps["s"][0][1])
        p.page.click('#net .node.neuron[data-id="3:1"]')  # the output: δ = 2(h - y) θ'(s)
        assert "2(x" in p.page.inner_text("#neuron-text .recursion")
        p.check_clean()


def test_controls_change_the_network_and_training_continues(browser: Any, site: str) -> None:
    with SitePage(browser, site) as p:
        p.page.click("#btn-add-layer")
        assert p.js("playground.state()")["config"]["layers"] == [8, 8, 4]
        p.page.click('.col-buttons button[data-layer="3"][data-delta="1"]')
        p.page.click('#features button[data-value="sin_x1"]')
        p.page.select_option("#activation", "relu")
        p.page.click('#datasets button[data-value="xor"]')
        config = p.js("playground.state()")["config"]
        assert config["layers"] == [8, 8, 5] and config["features"] == ["x1", "x2", "sin_x1"]
        assert config["activation"] == "relu" and config["data"] == "xor"
        assert p.page.inner_text("#arch") == "3-8-8-5-1 relu"
        assert p.js("document.querySelectorAll('#net .node.neuron').length") == 8 + 8 + 5 + 1
        assert "activation=relu" in p.js("location.search") and "layers=8,8,5" in p.js("location.search")
        p.page.click("#btn-play")
        for _ in range(600):  # the page's CSP forbids eval, so no wait_for_function: poll
            if p.js("playground.state().step") >= 10:
                break
            p.page.wait_for_timeout(100)
        assert p.js("playground.state().step") >= 10
        p.page.click("#btn-play")
        p.page.click("#btn-remove-layer")
        assert p.js("playground.state()")["config"]["layers"] == [8, 8]
        p.page.click("#code-panel summary")
        for _ in range(100):  # the panel fills its code on the "toggle" event, a task after the click
            if p.page.inner_text("#code"):
                break
            p.page.wait_for_timeout(100)
        code = p.page.inner_text("#code")
        assert 'activation="relu"' in code and "def train_step():" in code and "c.source" in code
        p.page.click("#copy-code")
        assert p.page.inner_text("#copy-code") in ("copied", "selected: Ctrl+C")
        p.check_clean()


def test_url_holds_the_configuration(browser: Any, site: str) -> None:
    url = site + "?data=spiral&layers=6,4&features=x1,x2,x1%5E2&loss=softmax&optimizer=adam&lr=0.01&seed=4"
    with SitePage(browser, url) as p:
        config = p.js("playground.state()")["config"]
        assert config["data"] == "spiral" and config["layers"] == [6, 4] and config["features"] == ["x1", "x2", "x1^2"]
        assert config["loss"] == "softmax" and config["optimizer"] == "adam" and config["seed"] == 4
        assert p.js("document.getElementById('btn-lecture').disabled")  # the lecture page is for the square loss
        expected = Playground(config).train(3)
        assert _close(p.js("playground.train(3)")["loss"], expected["loss"])
        p.check_clean()


def test_lecture_button_opens_the_lecture_page_of_this_network(browser: Any, site: str) -> None:
    config = {"layers": [3, 2], "lr": 0.3}
    reference = Playground(config)
    reference.train(5)
    k = 0
    expected = lecture_steps(reference.model, reference.ns["X_train"][k], reference.ns["y_train"][k], lr=0.3)
    with SitePage(browser, site) as p:
        p.js("(c) => playground.configure(c)", config)
        p.js("playground.train(5)")
        with p.context.expect_page() as popup_info:
            p.page.click("#btn-lecture")
        popup = popup_info.value
        popup.wait_for_load_state()
        data = json.loads(popup.eval_on_selector("#lecture-data", "e => e.textContent"))
        assert data["sizes"] == [2, 3, 2, 1]
        for key in ("x", "s", "delta", "grad", "w_new"):
            got, want = data["steps"][key], expected[key]
            flat_got = json.loads(json.dumps(got).replace("[", "").replace("]", "").join("[]"))
            flat_want = json.loads(json.dumps(want).replace("[", "").replace("]", "").join("[]"))
            assert len(flat_got) == len(flat_want)
            assert all(_close(a, b) for a, b in zip(flat_got, flat_want)), key
        assert popup.evaluate("document.querySelector('#net') !== null")
        p.check_clean()


def test_a_bad_address_or_configure_call_is_reported_not_run(browser: Any, site: str) -> None:
    url = site + "?layers=99&data=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
    with SitePage(browser, url) as p:
        assert p.js("playground.state()")["config"]["layers"] == [8, 8]  # the defaults
        assert "not understood" in p.page.inner_text("#status")
        assert p.js("document.querySelectorAll('img').length") == 0
        with pytest.raises(Exception, match="lr"):
            p.js("playground.configure({lr: 'fast'})")
        assert p.js("playground.state()")["config"]["lr"] == 0.03
        assert p.js("playground.train(2)")["step"] == 2
        p.check_clean()
