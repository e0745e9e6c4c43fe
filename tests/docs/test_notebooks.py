"""The tutorial notebooks in docs/notebooks are stored without outputs; the site's build runs each
top to bottom (mkdocs_notebooks.py, in the notebook's own folder as Jupyter would) and publishes it
as a page with its outputs. Running them writes nothing into docs/.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from .conftest import Site

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))
MISSING = [m for m in ("nbformat",) if importlib.util.find_spec(m) is None]


def test_there_are_two_to_four_tutorial_notebooks() -> None:
    assert 2 <= len(NOTEBOOKS) <= 4, [p.name for p in NOTEBOOKS]


@pytest.mark.skipif(bool(MISSING), reason=f'needs {", ".join(MISSING)}: pip install -e ".[docs]"')
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: stored with outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_site_shows_each_notebook_with_the_output_of_every_printing_cell(path: Path, site: Site) -> None:
    import nbformat

    page = (site.path / "notebooks" / path.stem / "index.html").read_text(encoding="utf-8")
    assert f'href="../{path.name}"' in page, "the page links the notebook for download"
    assert (site.path / "notebooks" / path.name).is_file()
    blocks = re.findall(r'<div class="language-(\w+) highlight">', page)
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert blocks.count("python") == len(cells)
    printing = sum(1 for c in cells if "print(" in c.source)
    assert blocks.count("text") >= printing, "every cell that prints shows its output under it"
    assert "Traceback" not in page


def test_building_the_site_runs_the_notebooks_without_writing_into_docs(site: Site) -> None:
    assert site.docs_changes == []
