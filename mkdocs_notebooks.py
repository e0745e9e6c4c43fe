"""MkDocs hook (see ``hooks:`` in mkdocs.yml): the tutorial notebooks as pages, with their outputs.

``docs/notebooks/*.ipynb`` are stored without outputs. At build time each one runs top to bottom
in a fresh ``python3`` kernel (nbclient, ipykernel), with the notebook's own folder as the working
directory, as Jupyter runs it, and becomes the page ``notebooks/<name>.md``: its Markdown cells as
they are, each code cell as a Python block, and what the cell printed or returned under it as a
text block (images inline). A cell that raises fails the build. The ``.ipynb`` files are copied
to the site as they are, for download.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent
FOLDER = ROOT / "docs" / "notebooks"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
TIMEOUT = 300
"""Seconds a cell may run."""


def _fence(kind: str, text: str) -> str:
    ticks = "````" if "```" in text else "```"
    return f"{ticks}{kind}\n{text.rstrip()}\n{ticks}"


def _outputs(cell: Any) -> list[str]:
    """The cell's outputs as Markdown blocks: consecutive stream text merged into one block."""
    blocks: list[str] = []
    stream = ""
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            stream += output.text
            continue
        if stream:
            blocks.append(_fence("text", ANSI.sub("", stream)))
            stream = ""
        data = output.get("data", {})
        if "image/png" in data:
            blocks.append(f"![output of the cell above](data:image/png;base64,{data['image/png'].strip()})")
        elif "image/svg+xml" in data:
            svg = base64.b64encode(data["image/svg+xml"].encode("utf-8")).decode("ascii")
            blocks.append(f"![output of the cell above](data:image/svg+xml;base64,{svg})")
        elif "text/plain" in data:
            note = " (a live widget in Jupyter)" if "application/vnd.jupyter.widget-view+json" in data else ""
            blocks.append(_fence("text", ANSI.sub("", data["text/plain"]) + note))
    if stream:
        blocks.append(_fence("text", ANSI.sub("", stream)))
    return blocks


def notebook_markdown(path: Path) -> str:
    """``path`` run top to bottom and written as a Markdown page with its outputs."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    try:
        client.execute()
    except Exception as error:  # CellExecutionError, a dead kernel, a timeout
        raise PluginError(f"notebook {path.name} failed at build time: {error}") from error
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code" and cell.source.strip():
            parts.append(_fence("python", cell.source))
            parts.extend(_outputs(cell))
    title, _, rest = "\n\n".join(parts).partition("\n")
    download = f"Run by the site's build, outputs included. [Download the notebook]({path.name}) to run it in Jupyter."
    return f"{title}\n\n{download}\n{rest}\n"


def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    for path in sorted(FOLDER.glob("*.ipynb")):
        uri = f"notebooks/{path.stem}.md"
        files.append(File.generated(config, uri, content=notebook_markdown(path)))
    return files
