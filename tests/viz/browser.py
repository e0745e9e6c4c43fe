"""Debian's Chromium driven by the ``playwright`` Python package (no browser download), for the
browser tests: importing this module skips the importing test module, with the reason, when
playwright or a ``chromium`` binary is missing. ``Page`` opens a page that may make no request
and log no error; the ``browser`` fixture (tests/viz/conftest.py) launches one Chromium per module.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the Python package playwright is not installed (pip install playwright)"
)
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
if CHROMIUM is None:
    pytest.skip("no chromium binary found (apt-get install chromium)", allow_module_level=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(p: Any) -> Any:
    """A headless Chromium from a started ``sync_playwright()``."""
    return p.chromium.launch(executable_path=CHROMIUM, args=ARGS)


class Page:
    """``url`` (a str or a file Path) opened in a fresh context of ``browser``: every request but
    the page itself is recorded and aborted; console errors, uncaught exceptions and dialogs
    (dismissed) are recorded. ``check_clean()`` asserts there were none; ``with Page(...) as p:`` closes it."""

    def __init__(self, browser: Any, url: str | Path, width: int = 1280, height: int = 800) -> None:
        self.url = url.as_uri() if isinstance(url, Path) else url
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=False)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(self.url)

    def _request(self, r: Any) -> None:
        if r.url != self.url and not r.url.startswith(("data:", "blob:")):
            self.requests.append(r.url)

    def _route(self, route: Any) -> None:
        if route.request.url == self.url:
            route.continue_()
        else:
            route.abort()

    def attr(self, name: str) -> Any:
        """An attribute of ``<body>``."""
        return self.page.get_attribute("body", name)

    def check_clean(self) -> None:
        assert self.errors == []
        assert self.dialogs == []
        assert self.requests == []

    def close(self) -> None:
        self.context.close()

    def __enter__(self) -> Page:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
