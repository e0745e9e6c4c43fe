"""The documentation site builds with ``mkdocs build --strict``: every page is in the nav,
every link and anchor resolves, and mkdocstrings renders the API reference from the docstrings.

Needs the ``docs`` extra (mkdocs, mkdocs-material, mkdocstrings[python]).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEEDS = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")


def _missing() -> list[str]:
    missing = []
    for name in NEEDS:
        try:
            if importlib.util.find_spec(name) is None:
                missing.append(name)
        except ModuleNotFoundError:
            missing.append(name)
    return missing


pytestmark = pytest.mark.skipif(
    bool(_missing()), reason=f'the docs build needs {", ".join(_missing())}: pip install -e ".[docs]"'
)


def test_mkdocs_build_strict_passes(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    api = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("gradcheck", "MLP", "backward", "Value"):
        assert name in api, f"the API reference lacks {name}"


def test_every_docs_page_is_in_the_nav() -> None:
    import yaml

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    listed: set[str] = set()
    stack = list(config["nav"])
    while stack:
        item = stack.pop()
        for value in item.values() if isinstance(item, dict) else [item]:
            if isinstance(value, list):
                stack.extend(value)
            else:
                listed.add(value)
    pages = {p.name for p in (ROOT / "docs").glob("*.md")}
    assert pages == listed
