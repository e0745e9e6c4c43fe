"""The built site in Chromium, page by page, served from 127.0.0.1 with every other host blocked:

- no page requests anything from another host (fonts, scripts, styles: all served by the site);
- no request to the site itself fails;
- math is typeset: every ``.arithmatex`` element holds KaTeX's rendering and no KaTeX error, and
  no prose writes math as text (``x^(l)``, ``Σ``, ``∂``);
- no code block scrolls sideways at 1280 px (results are printed output under a block, not
  comments at the end of long lines).
"""

from __future__ import annotations

import functools
import http.server
import threading
from typing import Any

import pytest

from tests.viz.browser import launch, playwright_api

from .conftest import Site

OVERFLOWING = """() => Array.from(document.querySelectorAll("pre > code"))
    .filter((code) => code.scrollWidth > code.clientWidth + 1)
    .map((code) => code.textContent.split("\\n").reduce((a, b) => (b.length > a.length ? b : a), ""))"""
ASCII_MATH = """() => {
    const page = document.querySelector("article");  // a Markdown page (not the Playground's own page)
    if (!page) return [];
    const article = page.cloneNode(true);
    article.querySelectorAll("pre, code, .arithmatex, .doc").forEach((e) => e.remove());
    return (article.textContent.match(/[A-Za-z]\\w*\\^\\(|_\\{|Σ|∂|θ\\(/g) || []);
}"""
"""Math written as text outside code and typeset math: x^(l), w_{ij}, Σ, ∂, θ(. Docstrings (the
API reference's ``.doc`` blocks) are exempt: they are read as plain text in ``help()`` too."""
UNTYPESET = """() => Array.from(document.querySelectorAll(".arithmatex"))
    .filter((m) => !m.querySelector(".katex") || m.querySelector(".katex-error"))
    .map((m) => m.textContent.slice(0, 80))"""


@pytest.fixture(scope="module")
def crawl(site: Site) -> dict[str, dict[str, Any]]:
    """Per page (its path in the site): other hosts requested, failed requests, overflowing
    code lines at 1280 px, untypeset math, and how many math elements it has."""
    handler = functools.partial(_QuietHandler, directory=str(site.path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = sorted(p.relative_to(site.path).as_posix() for p in site.path.rglob("*.html"))
    results: dict[str, dict[str, Any]] = {}
    try:
        with playwright_api.sync_playwright() as p:
            browser = launch(p)
            for page in pages:
                results[page] = _visit(browser, base, page)
            browser.close()
    finally:
        server.shutdown()
    return results


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _visit(browser: Any, base: str, path: str) -> dict[str, Any]:
    other: list[str] = []
    failed: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800})

    def route(r: Any) -> None:
        if r.request.url.startswith(base) or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            other.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("response", lambda resp: failed.append(f"{resp.status} {resp.url}") if resp.status >= 400 else None)
    page.goto(base + path, wait_until="load")
    math = page.evaluate("() => document.querySelectorAll('.arithmatex').length")
    if math:
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('.arithmatex')).every((m) => m.querySelector('.katex'))",
            timeout=10_000,
        )
    result = {
        "other_hosts": other,
        "failed": [f for f in failed if not (path == "404.html" and f.endswith("/404.html"))],
        "overflowing": page.evaluate(OVERFLOWING),
        "untypeset": page.evaluate(UNTYPESET),
        "ascii_math": page.evaluate(ASCII_MATH),
        "math": math,
    }
    context.close()
    return result


def test_every_page_was_crawled(crawl: dict[str, dict[str, Any]]) -> None:
    assert {"index.html", "lecture/index.html", "api/index.html"} <= set(crawl)


def test_no_page_requests_another_host(crawl: dict[str, dict[str, Any]]) -> None:
    found = {page: r["other_hosts"] for page, r in crawl.items() if r["other_hosts"]}
    assert not found


def test_no_request_to_the_site_fails(crawl: dict[str, dict[str, Any]]) -> None:
    found = {page: r["failed"] for page, r in crawl.items() if r["failed"]}
    assert not found


def test_math_is_typeset_by_katex_on_every_page_that_has_math(crawl: dict[str, dict[str, Any]]) -> None:
    found = {page: r["untypeset"] for page, r in crawl.items() if r["untypeset"]}
    assert not found
    assert crawl["lecture/index.html"]["math"] >= 10, "the lecture page writes its math as math"
    written_as_text = {page: r["ascii_math"] for page, r in crawl.items() if r["ascii_math"]}
    assert not written_as_text, "math written as text, not typeset"


def test_no_code_block_scrolls_sideways_at_1280_px(crawl: dict[str, dict[str, Any]]) -> None:
    found = {page: r["overflowing"] for page, r in crawl.items() if r["overflowing"]}
    assert not found, "\n".join(f"{page}: {lines}" for page, lines in found.items())
