"""The API reference documents every class a user constructs: each parameter of its constructor
has a ``:param name:`` line (rendered by mkdocstrings as the class's parameter table under its
signature, ``merge_init_into_class``).

The classes are the ones docs/api.md renders: a ``::: module`` directive's ``members`` list,
or the module's ``__all__``.
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIRECTIVE = re.compile(r"^::: ([\w.]+)\n((?:    .*\n)*)", re.M)


def _documented_classes() -> list[type]:
    classes: dict[str, type] = {}
    for match in DIRECTIVE.finditer((ROOT / "docs" / "api.md").read_text(encoding="utf-8")):
        target, options = match.groups()
        members = re.search(r"members: \[(.*)\]", options)
        try:
            module, names = importlib.import_module(target), None
        except ImportError:  # a class of a module: ::: package.module.Class
            module_name, _, name = target.rpartition(".")
            module, names = importlib.import_module(module_name), [name]
        if names is None:
            if "members: false" in options:
                names = []
            elif members:
                names = [n.strip() for n in members.group(1).split(",")]
            else:
                names = list(getattr(module, "__all__", []))
        for name in names:
            obj = getattr(module, name)
            if inspect.isclass(obj) and not issubclass(obj, BaseException):
                classes[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return list(classes.values())


CLASSES = _documented_classes()


def test_the_reference_renders_the_constructed_classes():
    names = {c.__name__ for c in CLASSES}
    assert {"Value", "MLP", "SGD", "Adam", "Rule", "Layer", "Neuron"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=[f"{c.__module__}.{c.__name__}" for c in CLASSES])
def test_every_constructor_parameter_is_documented(cls: type) -> None:
    doc = inspect.getdoc(cls) or ""
    parameters = [p for p in inspect.signature(cls).parameters if not p.startswith("_")]
    missing = [p for p in parameters if f":param {p}:" not in doc]
    assert not missing, f"{cls.__qualname__}: no ':param name:' line for {missing}"
