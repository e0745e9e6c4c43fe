"""Optional dependencies: import them by name, or fail with the extra that provides them."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["require", "MissingExtra"]

DIST = "autograd-core"


class MissingExtra(ImportError):
    """An optional dependency is not installed; the message names the extra to install."""


def require(module: str, extra: str, feature: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtra` naming ``pip install "autograd-core[extra]"``.

    ``feature`` says what needed it, e.g. ``"draw_graph"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise MissingExtra(
            f"{feature} needs the optional package {module.split('.')[0]!r}, which is not installed: "
            f'pip install "{DIST}[{extra}]"'
        ) from error
