"""The dependency points down: the engine package ``autograd_core`` never imports ``nn``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMPORTS_NN = re.compile(r"^\s*(import nn\b|from nn\b|from nn\.)", re.M)


def test_no_engine_module_mentions_an_import_of_nn():
    offenders = [
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "autograd_core").rglob("*.py")
        if IMPORTS_NN.search(p.read_text(encoding="utf-8"))
    ]
    assert not offenders


def test_importing_every_engine_module_leaves_nn_unimported():
    script = (
        "import importlib, pkgutil, sys, autograd_core\n"
        "from autograd_core._extras import MissingExtra\n"
        "for m in pkgutil.walk_packages(autograd_core.__path__, 'autograd_core.'):\n"
        "    if m.name.endswith('__main__'):\n"
        "        continue\n"
        "    try:\n"
        "        importlib.import_module(m.name)\n"
        "    except MissingExtra:\n"
        "        pass\n"
        "print(sorted(n for n in sys.modules if n == 'nn' or n.startswith('nn.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
