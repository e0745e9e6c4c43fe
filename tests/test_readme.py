"""Every Python example in the README runs as written (in a temporary folder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd_core import RULES

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_python_examples() -> None:
    assert len(_blocks()) >= 5


def test_readme_examples_run_in_order(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    table = dict(RULES)  # the examples add rows to the rule table: restore it afterwards
    try:
        _run_blocks()
    finally:
        RULES.clear()
        RULES.update(table)


def _run_blocks() -> None:
    namespace: dict[str, object] = {"__name__": "readme"}
    for number, block in enumerate(_blocks(), 1):
        expected = re.search(r"^# (\w+Error):", block, re.M)
        code = compile(block, f"README.md python block {number}", "exec")
        if expected:
            with pytest.raises(Exception) as info:
                exec(code, namespace)
            assert type(info.value).__name__ == expected.group(1)
        else:
            exec(code, namespace)
