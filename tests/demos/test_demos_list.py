"""``python -m demos`` lists every demo module with a one-line summary."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_python_m_demos_lists_every_demo_with_one_line_each():
    done = subprocess.run([sys.executable, "-m", "demos"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    modules = sorted(p.stem for p in (ROOT / "demos").glob("*.py") if not p.stem.startswith("_"))
    assert "lecture" in modules
    listed = {line.split()[0]: line for line in done.stdout.splitlines() if line[:2] == "  " and line[2] != " "}
    assert sorted(listed) == modules
    assert all(len(line.split(None, 1)[1]) > 20 for line in listed.values()), "every demo has a summary"


def test_python_m_demos_rejects_arguments_with_the_usage():
    done = subprocess.run(
        [sys.executable, "-m", "demos", "moons"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 2 and "python -m demos.<name>" in done.stderr


def test_python_m_demos_names_every_extra_its_install_command_installs():
    import re
    import tomllib

    done = subprocess.run([sys.executable, "-m", "demos"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    (extras,) = re.findall(r'pip install -e "\.\[([a-z,]+)\]"', done.stdout)
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    for extra in extras.split(","):
        assert extra in declared
        assert f"{extra} (" in done.stdout, f"the listing installs {extra} without naming it"


def test_the_demos_page_shows_what_python_m_demos_prints():
    done = subprocess.run([sys.executable, "-m", "demos"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    page = (ROOT / "docs" / "demos.md").read_text(encoding="utf-8")
    assert f"```text\n{done.stdout}```" in page
