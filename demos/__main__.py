"""``python -m demos``: list the demos, one line each, and how to run them.

The list is read from the demo modules' docstrings without importing them, so it works
without the ``demos`` extra and picks up a new demo module by itself.
"""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

__all__ = ["demos", "main"]

FOLDER = Path(__file__).resolve().parent
WIDTH = 78
"""Lines of the listing wrap at this width (it is also shown on the docs' demos page)."""


def _summary(doc: str) -> str:
    """The docstring's first sentence (it may wrap over lines), without reST markup."""
    paragraph = doc.strip().split("\n\n", 1)[0]
    text = " ".join(line.strip() for line in paragraph.splitlines()).replace("``", "")
    return text.rstrip(".")


def demos() -> list[tuple[str, str]]:
    """(module name, one-line summary) for every demo module in this folder, sorted by name."""
    found = []
    for path in sorted(FOLDER.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        found.append((path.stem, _summary(doc)))
    return found


def main(argv: list[str] | None = None) -> int:
    if argv:
        print("usage: python -m demos   (then: python -m demos.<name> [--quick] [--out DIR])", file=sys.stderr)
        return 2
    rows = demos()
    width = max(len(name) for name, _ in rows)
    print("Demos (python -m demos.<name> runs one; --quick: fast; --out DIR: files):")
    for name, summary in rows:
        first = f"  {name.ljust(width)}  "
        indent = " " * len(first)
        print(textwrap.fill(summary, WIDTH, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False))
    print("They need two extras, demos (matplotlib, scikit-learn, tqdm) and viz (graphviz):")
    print('pip install -e ".[demos,viz]"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
