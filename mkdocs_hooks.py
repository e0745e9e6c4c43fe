"""MkDocs hooks for this site (see ``hooks:`` in mkdocs.yml).

Docstrings write matrix entries the way the math does, ``W[j][i]``; Markdown reads ``[j][i]``
as a reference link and mkdocs-autorefs warns that no target ``i`` exists, which
``mkdocs build --strict`` turns into a failure. Those warnings, and only those (a
one-letter index as the target), are dropped; every other unresolved reference still fails.
"""

from __future__ import annotations

import logging
import re
from typing import Any

INDEX_TARGET = re.compile(r"Could not find cross-reference target '[a-z]'$")


class _IndexReferences(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not INDEX_TARGET.search(record.getMessage())


def on_startup(**kwargs: Any) -> None:
    for name in ("mkdocs.plugins.mkdocs_autorefs._internal.plugin", "mkdocs.plugins.mkdocs_autorefs.plugin"):
        logging.getLogger(name).addFilter(_IndexReferences())
