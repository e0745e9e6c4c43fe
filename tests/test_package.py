"""The package's front door: no builtins shadowed by ``*``, the compiler loaded on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import autograd_core as ac

ROOT = Path(__file__).resolve().parents[1]


def _run(script: str) -> str:
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_star_import_leaves_the_builtins_sum_abs_and_compile_alone():
    namespace: dict[str, object] = {}
    exec("from autograd_core import *", namespace)  # noqa: S102
    assert not {"sum", "abs", "compile"} & set(namespace)
    assert {"Value", "grad", "tanh", "dot"} <= set(namespace)
    assert not {"sum", "abs", "compile"} & set(ac.__all__)


def test_sum_abs_and_compile_are_importable_by_name():
    from autograd_core import abs as ac_abs
    from autograd_core import compile as ac_compile
    from autograd_core import sum as ac_sum

    x = ac.Value(-2.0)
    assert ac_sum([x, 1.0]).data == -1.0 and ac_abs(x).data == 2.0
    assert ac_compile(lambda v: v * v, 3.0)(4.0) == 16.0


def test_importing_the_package_does_not_load_the_compiler():
    script = "import sys, autograd_core\nprint('autograd_core.compile' in sys.modules)"
    assert _run(script) == "False"
    script = "import sys, autograd_core as ac\nac.compile\nprint('autograd_core.compile' in sys.modules)"
    assert _run(script) == "True"


def test_compile_stays_callable_when_a_compile_submodule_was_imported_first():
    script = (
        "import autograd_core as ac\n"
        "from autograd_core.compile.codegen import finite\n"
        "print(ac.compile(lambda v: v * 3.0, 1.0)(2.0))"
    )
    assert _run(script) == "6.0"
