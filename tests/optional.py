"""How the tests name the optional packages they need when those are missing."""

from __future__ import annotations

from types import ModuleType

import pytest

__all__ = ["TORCH_REASON", "import_torch"]

TORCH_REASON = (
    'needs PyTorch, the torch extra: pip install -e ".[torch]"; the CPU build alone (no CUDA download): '
    "pip install torch --index-url https://download.pytorch.org/whl/cpu"
)
"""Skip reason of every test that compares against PyTorch or uses the bridge."""


def import_torch() -> ModuleType:
    """``torch``, or skip the test with :data:`TORCH_REASON` (CI, which installs it, fails instead)."""
    return pytest.importorskip("torch", reason=TORCH_REASON)
