"""MkDocs hooks for this site (see ``hooks:`` in mkdocs.yml).

Docstrings use Sphinx roles (``:func:`grad```, ``:class:`~autograd_core.rules.Rule```), which
Markdown shows literally: :func:`on_page_content` renders them as code, ``~`` keeping the last
name only, as Sphinx does.

Docstrings also write matrix entries the way the math does, ``W[j][i]``; Markdown reads ``[j][i]``
as a reference link and mkdocs-autorefs warns that no target ``i`` exists, which
``mkdocs build --strict`` turns into a failure. Those warnings, and only those (a
one-letter index as the target), are dropped; every other unresolved reference still fails.
"""

from __future__ import annotations

import logging
import re
from typing import Any

INDEX_TARGET = re.compile(r"Could not find cross-reference target '[a-z]'$")
ROLE = re.compile(r":(?:func|class|meth|attr|mod|data|exc|obj|const):<code>(~?)([^<]*)</code>")


class _IndexReferences(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not INDEX_TARGET.search(record.getMessage())


def on_startup(**kwargs: Any) -> None:
    for name in ("mkdocs.plugins.mkdocs_autorefs._internal.plugin", "mkdocs.plugins.mkdocs_autorefs.plugin"):
        logging.getLogger(name).addFilter(_IndexReferences())


def _role(match: re.Match[str]) -> str:
    name = match.group(2)
    return f"<code>{name.rsplit('.', 1)[-1] if match.group(1) else name}</code>"


def on_page_content(html: str, **kwargs: Any) -> str:
    return ROLE.sub(_role, html)
