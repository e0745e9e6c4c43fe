"""The front end's files (``autograd_core/viz/static/*.js``, ``*.css``) and self-contained pages.

The JavaScript and CSS live in real files shipped as package data. A page written to disk
inlines them (no network access of any kind: a strict Content-Security-Policy allows only
inline styles and scripts); a notebook widget can read the same files for its ``_esm`` and
``_css``. Inlining escapes what would end the element early: ``</script`` and ``<!--`` in a
script, ``</style`` in a style sheet, and ``< > &`` in embedded JSON.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

__all__ = ["read_static", "inline_script", "inline_style", "script_json", "html_page", "CSP"]

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data: blob:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)
"""The pages' Content-Security-Policy: nothing is loaded from anywhere, inline code only."""

_NAME = re.compile(r"[A-Za-z0-9_.-]+\.(js|css)")


def read_static(name: str) -> str:
    """The text of ``autograd_core/viz/static/<name>`` (e.g. ``"network.js"``, ``"common.css"``)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"read_static: expected a file name like 'network.js' or 'common.css', got {name!r:.80}")
    path = resources.files("autograd_core.viz").joinpath("static", name)
    if not path.is_file():
        raise ValueError(f"read_static: no static file {name!r} in autograd_core/viz/static")
    return path.read_text(encoding="utf-8")


def inline_script(js: str) -> str:
    """``js`` made safe inside ``<script>...</script>``: ``</script`` -> ``<\\/script``, ``<!--`` -> ``<\\!--``.

    Both rewrites keep the meaning of JavaScript strings, regular expressions and comments.
    """
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    return js.replace("<!--", "<\\!--")


def inline_style(css: str) -> str:
    """``css`` made safe inside ``<style>...</style>`` (``</style`` -> ``<\\/style``; CSS reads ``\\/`` as ``/``)."""
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def script_json(data: Any) -> str:
    """``data`` as JSON for a ``<script type="application/json">`` element: ``< > &`` as ``\\u`` escapes.

    Non-finite floats are not valid JSON; callers pass them as strings.
    """
    text = json.dumps(data, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_page(
    title: str,
    body: str,
    styles: Sequence[str] = ("common.css",),
    scripts: Sequence[str] = ("network.js",),
    data: dict[str, Any] | None = None,
    data_id: str = "page-data",
    body_class: str = "",
) -> str:
    """One self-contained HTML page: ``body`` (trusted markup written by this package), the
    named static style sheets and scripts inlined in order, and ``data`` as JSON in a
    ``<script type="application/json" id=data_id>`` element that the scripts read."""
    css = "\n".join(inline_style(read_static(name)) for name in styles)
    js = "\n".join(inline_script(read_static(name)) for name in scripts)
    payload = (
        f'<script type="application/json" id="{html.escape(data_id)}">{script_json(data)}</script>\n'
        if data is not None
        else ""
    )
    cls = f' class="{html.escape(body_class)}"' if body_class else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<link rel="icon" href="data:,">\n'
        f'<title>{html.escape(title)}</title>\n<style id="ac-css">{css}</style>\n</head>\n'
        f"<body{cls}>\n{body}\n{payload}<script>{js}</script>\n</body>\n</html>\n"
    )
