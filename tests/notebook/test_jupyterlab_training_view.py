"""End to end: a real JupyterLab (from PyPI) on 127.0.0.1, a notebook opened in headless Chromium,
a cell that trains 20 steps with a displayed TrainingView, and 20 points on the loss curve.

JupyterLab runs without a token in a temporary directory, with temporary Jupyter/IPython
config, data and runtime directories (nothing of the user's is read or written), and is
stopped at the end, even when the test fails.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ..viz.browser import ARTIFACTS, launch, playwright_api

pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (pip install jupyterlab)")
pytest.importorskip("anywidget", reason="anywidget is not installed (pip install 'autograd-core[widget]')")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install ipykernel)")
REPO = Path(__file__).resolve().parents[2]

CELL = """\
import nn
from autograd_core.viz import TrainingView

X, labels = nn.make_moons(40, noise=0.1, seed=0)
ys = nn.to_signs(labels)
model = nn.MLP(2, [8, 8, 1], activation="tanh", output_activation="tanh", seed=1)
opt = nn.SGD(model.parameters(), lr=0.2)
view = TrainingView(model, X, ys)
display(view)
for step in range(20):
    loss = nn.mse_loss([model(x)[0] for x in X], ys)
    opt.zero_grad()
    loss.backward()
    opt.step()
    view.update(loss)
print("trained", len(view.history), "steps")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook(path: Path) -> None:
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "train",
                "metadata": {},
                "outputs": [],
                "source": CELL.splitlines(keepends=True),
            }
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server in tmp_path; yields its base URL; always stopped."""
    root, home = tmp_path / "work", tmp_path / "jupyter"
    root.mkdir()
    env = dict(os.environ)
    for name, sub in (
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
    ):
        (home / sub).mkdir(parents=True)
        env[name] = str(home / sub)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.pop("CI", None)  # only the test process decides about skips
    port = free_port()
    notebook(root / "train.ipynb")
    log = open(tmp_path / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            "--allow-root",
            "--ServerApp.terminals_enabled=False",
            "--LabApp.extension_manager=readonly",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while True:
            if proc.poll() is not None:
                tail = (tmp_path / "jupyterlab.log").read_text()[-2000:]
                pytest.fail(f"JupyterLab exited with {proc.returncode}: {tail}")
            try:
                with urllib.request.urlopen(f"{url}/api/status", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start within 40 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


def test_a_notebook_cell_trains_20_steps_and_the_loss_curve_shows_them(jupyterlab):
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            errors, console = [], []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            page.goto(f"{jupyterlab}/lab/tree/train.ipynb", timeout=30_000)
            cell = page.locator(".jp-Notebook .jp-Cell .jp-InputArea-editor").first
            cell.wait_for(timeout=30_000)
            # the kernel is connected and idle (a cell run before that is lost)
            page.locator(".jp-StatusBar-Widget", has_text="(ipykernel) | Idle").first.wait_for(timeout=30_000)
            cell.click()
            page.keyboard.press("Shift+Enter")
            curve = page.locator("svg.ac-curve[data-points='20']")
            try:
                curve.wait_for(timeout=40_000)
            except playwright_api.TimeoutError:
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "jupyterlab_failure.png"))
                outputs = page.locator(".jp-OutputArea").all_inner_texts()
                pytest.fail(f"no loss curve with 20 points; outputs {outputs!r}; console {console[-20:]!r}")
            points = page.get_attribute("svg.ac-curve polyline.loss-line", "points").split()
            assert len(points) == 20
            assert page.locator(".ac-train .ac-step").inner_text() == "20"
            page.locator(".jp-OutputArea-output", has_text="trained 20 steps").wait_for(timeout=10_000)
            assert not [e for e in errors if "ACTraining" in e or "ACViz" in e]
            ARTIFACTS.mkdir(exist_ok=True)
            page.locator(".ac-train").scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "training_jupyterlab.png"))
        finally:
            browser.close()
