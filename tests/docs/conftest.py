"""``site``: the documentation built once per session with ``mkdocs build --strict`` into a
temporary folder (needs the ``docs`` extra, and KaTeX from ``npm ci``); tests that use it
skip, naming what is missing, where either is absent. The build runs the tutorial notebooks
(mkdocs_notebooks.py); ``site.docs_changes`` lists what the build changed under ``docs/``."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEEDS = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")


def missing_for_the_site() -> list[str]:
    missing = []
    for name in NEEDS:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(f'{name} (pip install -e ".[docs]")')
        except ModuleNotFoundError:
            missing.append(f'{name} (pip install -e ".[docs]")')
    if not (ROOT / "node_modules" / "katex" / "dist" / "katex.min.js").is_file():
        missing.append("KaTeX (npm ci)")
    return missing


class Site(NamedTuple):
    path: Path
    """The built site's folder."""
    docs_changes: list[str]
    """Files under docs/ that the build (its notebook runs included) created, changed or removed."""


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(ROOT).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The documentation, built."""
    missing = missing_for_the_site()
    if missing:
        pytest.skip(f"the docs build needs {', '.join(missing)}")
    out = tmp_path_factory.mktemp("docs") / "site"
    before = _files(ROOT / "docs")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    after = _files(ROOT / "docs")
    return Site(out, sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name)))
