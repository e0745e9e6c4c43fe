"""The sdist and the wheel hold the library, its package data, the license and py.typed; the
sdist also holds the tests (for packagers), and neither ships demos, benchmarks or docs.

Builds with ``python -m build --no-isolation`` (the ``build`` package, in the ``dev`` extra)
from a copy of the repository, so the working tree gets no build artefacts.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("autograd_core", "nn")
NOT_SHIPPED = ("demos/", "benchmarks/", "docs/")
SKIP_DIRS = {
    ".git",
    "__pycache__",
    "build",
    "dist",
    "site",
    "output",
    "out",
    "artifacts",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    ".mypy_cache",
    "node_modules",
}

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("build") is None,
    reason='needs the "build" package: pip install -e ".[dev]"',
)


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP_DIRS or n.endswith(".egg-info")}


def _source_files(package: str) -> set[str]:
    """Every file of a package in the source tree, as a path relative to the root."""
    return {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / package).rglob("*")
        if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(ROOT).parts) and p.suffix != ".pyc"
    }


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], list[str], str]:
    """(sdist member paths without the top folder, wheel member paths, the wheel's METADATA)."""
    tmp = tmp_path_factory.mktemp("dist")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=_ignore)
    out = tmp / "out"
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    with tarfile.open(sdist) as tar:
        sdist_names = [m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name and m.isfile()]
    with zipfile.ZipFile(wheel) as zf:
        wheel_names = zf.namelist()
        (metadata,) = [n for n in wheel_names if n.endswith(".dist-info/METADATA")]
        metadata_text = zf.read(metadata).decode("utf-8")
    return sdist_names, wheel_names, metadata_text


def test_wheel_holds_every_file_of_both_packages_including_package_data(dists):
    _, wheel, _ = dists
    for package in PACKAGES:
        missing = _source_files(package) - set(wheel)
        assert not missing, f"not in the wheel: {sorted(missing)}"
    assert {"autograd_core/py.typed", "nn/py.typed"} <= set(wheel)


def test_sdist_holds_every_file_of_both_packages(dists):
    sdist, _, _ = dists
    for package in PACKAGES:
        missing = _source_files(package) - set(sdist)
        assert not missing, f"not in the sdist: {sorted(missing)}"


def test_sdist_holds_the_test_suite_and_the_wheel_does_not(dists):
    sdist, wheel, _ = dists
    missing = _source_files("tests") - set(sdist)
    assert not missing, f"not in the sdist: {sorted(missing)}"
    assert not [n for n in wheel if n.startswith("tests/")]


def test_both_carry_the_license(dists):
    sdist, wheel, _ = dists
    assert "LICENSE" in sdist
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in wheel)
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")


def test_wheel_metadata_declares_the_spdx_license_and_typing(dists):
    headers = dists[2].split("\n\n", 1)[0].splitlines()
    assert "License-Expression: MIT" in headers
    assert "License-File: LICENSE" in headers
    assert "Classifier: Typing :: Typed" in headers
    assert not [h for h in headers if h.startswith("Classifier: License ::")]  # PEP 639: the expression only


@pytest.mark.parametrize("which", ["sdist", "wheel"])
def test_no_demos_benchmarks_or_docs_are_shipped(dists, which):
    names = dists[0] if which == "sdist" else dists[1]
    shipped = [n for n in names if n.startswith(NOT_SHIPPED)]
    assert not shipped, f"{which} ships {shipped[:10]}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
