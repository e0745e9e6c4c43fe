"""The documentation site builds with ``mkdocs build --strict``: every page is in the nav,
every link and anchor resolves, and mkdocstrings renders the API reference from the docstrings.

Needs the ``docs`` extra (mkdocs, mkdocs-material, mkdocstrings[python]).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from autograd_core import RULES

from .conftest import Site

ROOT = Path(__file__).resolve().parents[2]


def test_mkdocs_build_strict_passes(site: Site) -> None:
    api = (site.path / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("gradcheck", "MLP", "backward", "Value"):
        assert name in api, f"the API reference lacks {name}"


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def test_the_api_reference_shows_constructor_signatures(site: Site) -> None:
    api = _text((site.path / "api" / "index.html").read_text(encoding="utf-8"))
    assert re.search(
        r"MLP\(\s*nin: int,\s*nouts: Sequence\[int\],.*?init: str \| Init \| None = None,?\s*\)", api, re.S
    )
    assert re.search(r"Adam\(\s*params: Iterable\[Value\],\s*lr: float = 0\.001,", api)
    assert re.search(r"SGD\(\s*params: Iterable\[Value\],\s*lr: float = 0\.01,", api)


def test_the_api_reference_has_rules_as_a_table_of_every_row(site: Site) -> None:
    page = (site.path / "api" / "index.html").read_text(encoding="utf-8")
    tables = [t for t in re.findall(r"<table>.*?</table>", page, re.S) if "<th>derivative</th>" in t]
    assert len(tables) == 1, "one table of basic functions"
    rows = re.findall(r"<tr>\s*<td><code>([\w.]+)</code></td>", tables[0])
    assert rows == list(RULES), "one row per rule of RULES, in its order"
    forwards = re.findall(
        r"<tr>\s*<td><code>[\w.]+</code></td>\s*<td>\w+</td>\s*<td><code>(.*?)</code></td>", tables[0]
    )
    assert forwards == [
        html.escape(rule.math.partition("; ")[0], quote=False) for rule in RULES.values()
    ]  # |x|, not \|x\|
    assert "<th>name</th>" in tables[0] and "<th>domain</th>" in tables[0] and "<th>arity</th>" in tables[0]
    assert "RULES = {" not in page, "the table's source is not dumped as its value"


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
    notebooks = {f"notebooks/{p.stem}.md" for p in (ROOT / "docs" / "notebooks").glob("*.ipynb")}  # generated
    assert pages | notebooks == listed
