"""Fixtures of the viz tests: ``browser``, one headless Chromium per test module (see browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from .browser import launch, playwright_api  # imported here: it skips when Chromium is missing

    with playwright_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()
