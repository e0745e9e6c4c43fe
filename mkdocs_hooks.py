"""MkDocs hooks for this site (see ``hooks:`` in mkdocs.yml).

Docstrings use Sphinx roles (``:func:`grad```, ``:class:`~autograd_core.rules.Rule```), which
Markdown shows literally: :func:`on_page_content` renders them as code, ``~`` keeping the last
name only, as Sphinx does.

Docstrings also write matrix entries the way the math does, ``W[j][i]``; Markdown reads ``[j][i]``
as a reference link and mkdocs-autorefs warns that no target ``i`` exists, which
``mkdocs build --strict`` turns into a failure. Those warnings, and only those (a
one-letter index as the target), are dropped; every other unresolved reference still fails.

The API reference's ``<!-- RULES table -->`` becomes the table of basic functions, generated
from :data:`autograd_core.rules.RULES` (:func:`rules_table`), so it lists exactly the rows the
engine has.
"""

from __future__ import annotations

import logging
import re
from typing import Any

RULES_MARKER = "<!-- RULES table -->"
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


def _interval_text(intervals: tuple[tuple[float, float], ...]) -> str:
    return " ∪ ".join(f"[{lo:g}, {hi:g}]" for lo, hi in intervals)


def rules_table() -> str:
    """``RULES`` as a Markdown table: name, arity, forward, derivative(s), domain of each input."""
    from autograd_core.rules import RULES, VARIADIC

    rows = ["| name | arity | forward | derivative | domain |", "|---|---|---|---|---|"]
    for rule in RULES.values():
        forward, _, derivative = rule.math.partition("; ")
        if rule.arity == VARIADIC:
            arity, inputs = "n", ("each input",)
        else:
            arity, inputs = str(rule.arity), ("x", "y")[: rule.arity]
        domain = "; ".join(f"{name}: {_interval_text(d)}" for name, d in zip(inputs, rule.domain))
        # (a pipe inside a code span does not split the row: |x| needs no escape, which would show)
        cells = [f"`{rule.name}`", arity, f"`{forward}`", f"`{derivative}`", domain]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    return markdown.replace(RULES_MARKER, rules_table()) if RULES_MARKER in markdown else markdown
