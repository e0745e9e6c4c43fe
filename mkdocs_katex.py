"""MkDocs hook (see ``hooks:`` in mkdocs.yml): math typeset by KaTeX, served from the site itself.

Pages write math as LaTeX between ``$...$`` (inline) or ``$$...$$`` (display);
``pymdownx.arithmatex`` (generic mode) keeps it as ``\\(...\\)``/``\\[...\\]`` inside
``.arithmatex`` elements, and ``docs/javascripts/katex.js`` typesets those with KaTeX in the
browser. KaTeX's script, style sheet and fonts come from ``node_modules/katex`` (``npm ci``
installs the version pinned in package.json and package-lock.json) and are added to the site
under ``assets/katex/``: no page loads anything from another host.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent
KATEX = ROOT / "node_modules" / "katex" / "dist"
FILES = ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")
"""KaTeX's files the site serves (with every font under ``fonts/``), relative to ``dist``."""
TARGET = "assets/katex"


def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    if not (KATEX / "katex.min.js").is_file():
        raise PluginError(f"KaTeX is missing: {KATEX} (run npm ci in {ROOT})")
    fonts = sorted(p.relative_to(KATEX).as_posix() for p in (KATEX / "fonts").iterdir())
    for name in (*FILES, *fonts):
        files.append(File.generated(config, f"{TARGET}/{name}", abs_src_path=str(KATEX / name)))
    return files
