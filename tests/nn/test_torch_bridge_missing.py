"""Without PyTorch, the bridge says which extra to install (runs whether or not torch is installed)."""

import sys

import pytest

import nn
from autograd_core._extras import MissingExtra


def test_without_torch_both_directions_raise_import_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # as if PyTorch were not installed
    model = nn.MLP(2, [3, 1], seed=0)
    with pytest.raises(ImportError, match=r"nn\.to_torch.*autograd-core\[torch\]") as info:
        nn.to_torch(model)
    assert isinstance(info.value, MissingExtra)
    with pytest.raises(ImportError, match=r"MLP\.from_torch.*autograd-core\[torch\]"):
        nn.MLP.from_torch(object())
