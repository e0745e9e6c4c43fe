"""MkDocs hook (see ``hooks:`` in mkdocs.yml): what the Playground page needs, next to it in the site.

``docs/playground/index.html`` is copied by MkDocs as a static file. After the build this hook adds,
under ``site/playground/``:

- ``pyodide/``: the Pyodide runtime from ``node_modules/pyodide`` (``npm ci`` installs the version
  pinned in package.json and package-lock.json; only the files that load CPython: the loader, the
  WebAssembly module, the standard library and the lock file);
- ``engine.zip``: this repository's ``autograd_core`` and ``nn`` packages (Python sources and the
  viz front-end files), which the page unpacks into Pyodide's file system and imports;
- ``static/``: the page's JavaScript and CSS from ``autograd_core/viz/static``.

Nothing is downloaded. Without ``node_modules`` the site still builds (the page then says that
Pyodide is missing and how to add it).
"""

from __future__ import annotations

import logging
import shutil
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
PYODIDE = ROOT / "node_modules" / "pyodide"
PYODIDE_FILES = (
    "pyodide.js",
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
    "package.json",
)
PACKAGES = ("autograd_core", "nn")
STATIC = ("network.js", "playground.js", "common.css", "playground.css")

log = logging.getLogger("mkdocs.hooks.playground")


def engine_zip(path: Path) -> None:
    """``autograd_core`` and ``nn`` (``*.py``, ``py.typed`` and the viz static files) zipped at ``path``,
    files in sorted order with a fixed date, so the same sources give the same bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for package in PACKAGES:
            for f in sorted((ROOT / package).rglob("*")):
                rel = f.relative_to(ROOT)
                if f.is_file() and "__pycache__" not in rel.parts and f.suffix in (".py", ".typed", ".js", ".css"):
                    info = zipfile.ZipInfo(rel.as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, f.read_bytes())


def on_post_build(config: Any, **kwargs: Any) -> None:
    out = Path(config["site_dir"]) / "playground"
    (out / "static").mkdir(parents=True, exist_ok=True)
    for name in STATIC:
        shutil.copyfile(ROOT / "autograd_core" / "viz" / "static" / name, out / "static" / name)
    engine_zip(out / "engine.zip")
    if not (PYODIDE / "pyodide.asm.wasm").is_file():
        log.info("playground: node_modules/pyodide is missing (run npm ci); the page will say so")
        return
    (out / "pyodide").mkdir(exist_ok=True)
    for name in PYODIDE_FILES:
        shutil.copyfile(PYODIDE / name, out / "pyodide" / name)
