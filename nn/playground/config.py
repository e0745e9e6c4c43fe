"""A Playground configuration: its keys, defaults and limits, checked from URL text or native values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from autograd_core._checks import choice, describe, positive_int, real

__all__ = [
    "DEFAULTS", "DATASETS", "FEATURES", "LOSSES", "OPTIMIZERS", "HIDDEN_ACTIVATIONS", "MAX_LAYERS", "MAX_WIDTH",
    "check_config", "query",
]  # fmt: skip

DEFAULTS: dict[str, Any] = {
    "data": "moons",
    "noise": 0.1,
    "points": 200,
    "test": 0.5,
    "features": ["x1", "x2"],
    "layers": [8, 8],
    "activation": "tanh",
    "loss": "square",
    "lr": 0.03,
    "batch": 10,
    "optimizer": "sgd",
    "seed": 0,
    "compile": True,
}
"""The default configuration; :func:`check_config` fills in what a configuration leaves out."""

DATASETS = {  # name -> the nn.data call that makes it (n, noise, seed filled in)
    "moons": "nn.make_moons({n}, noise={noise!r}, seed={seed})",
    "circles": "nn.make_circles({n}, noise={noise!r}, seed={seed})",
    "xor": "nn.make_xor({n}, noise={noise!r}, seed={seed})",
    "spiral": "nn.make_spirals({n}, classes=2, noise={noise!r}, seed={seed})",
}
FEATURES = {  # name -> Python expression over the point (x1, x2), in input order
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1x2": "x1 * x2",
    "sin_x1": "math.sin(x1)",
    "sin_x2": "math.sin(x2)",
}
LOSSES = ("square", "softmax")
OPTIMIZERS = {"sgd": "nn.SGD", "adam": "nn.Adam"}
HIDDEN_ACTIVATIONS = ("tanh", "sigmoid", "relu")
MAX_LAYERS = 5
"""Most hidden layers (with the output layer, the lecture page's limit of 6)."""
MAX_WIDTH = 8
"""Most neurons per hidden layer."""

_WHERE = "Playground"


def _ints(what: str, v: Any, low: int, high: int, *, empty: bool) -> list[int]:
    parts = [p for p in v.split(",") if p.strip()] if isinstance(v, str) else v
    if isinstance(parts, (bytes, Mapping)) or not isinstance(parts, (list, tuple)):
        raise TypeError(f"{_WHERE}: {what} must be a list of ints or text like '8,8', got {describe(v)}")
    out = []
    for p in parts:
        n = int(p) if isinstance(p, str) and p.strip().lstrip("-").isdigit() else p
        if isinstance(n, bool) or not isinstance(n, int) or not low <= n <= high:
            raise ValueError(f"{_WHERE}: {what} must hold ints in {low}..{high}, got {p!r:.40}")
        out.append(n)
    if not out and not empty:
        raise ValueError(f"{_WHERE}: {what} must not be empty")
    return out


def _number(what: str, v: Any, low: float, high: float) -> float:
    if isinstance(v, str):
        try:
            v = float(v)
        except ValueError:
            raise ValueError(f"{_WHERE}: {what} must be a number, got {v!r:.40}") from None
    x = real(_WHERE, what, v)
    if not low <= x <= high:
        raise ValueError(f"{_WHERE}: {what} must be in [{low}, {high}], got {x!r}")
    return x


def _int(what: str, v: Any, low: int, high: int) -> int:
    if isinstance(v, str) and v.strip().isdigit():
        v = int(v)
    n = positive_int(_WHERE, what, v, minimum=low)
    if n > high:
        raise ValueError(f"{_WHERE}: {what} must be at most {high}, got {n}")
    return n


def _flag(what: str, v: Any) -> bool:
    if isinstance(v, str) and v.lower() in ("1", "true", "0", "false"):
        return v.lower() in ("1", "true")
    if v in (0, 1) and isinstance(v, int):
        return bool(v)
    if not isinstance(v, bool):
        raise TypeError(f"{_WHERE}: {what} must be true or false (or 1 / 0), got {describe(v)}")
    return v


def check_config(config: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``config`` checked and completed from :data:`DEFAULTS`: native values (lists, numbers, bools)
    whatever form they came in (URL text or JSON). Unknown keys and bad values raise, naming the key."""
    if config is None:
        config = {}
    if not isinstance(config, Mapping):
        raise TypeError(f"{_WHERE}: config must be a dict, got {describe(config)}")
    unknown = sorted(set(map(str, config)) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"{_WHERE}: unknown config key {unknown[0]!r}; the keys are {', '.join(DEFAULTS)}")
    c = {**DEFAULTS, **config}
    features = c["features"].split(",") if isinstance(c["features"], str) else c["features"]
    if not isinstance(features, (list, tuple)) or not features:
        raise ValueError(f"{_WHERE}: features must name at least one of {', '.join(FEATURES)}")
    for f in features:
        choice(_WHERE, "features", f, list(FEATURES))
    points = _int("points", c["points"], 10, 1000)
    layers = _ints("layers", c["layers"], 1, MAX_WIDTH, empty=True)
    if len(layers) > MAX_LAYERS:
        raise ValueError(f"{_WHERE}: layers may list at most {MAX_LAYERS} hidden layers, got {len(layers)}")
    return {
        "data": choice(_WHERE, "data", c["data"], list(DATASETS)),
        "noise": _number("noise", c["noise"], 0.0, 1.0),
        "points": points,
        "test": _number("test", c["test"], 0.1, 0.9),
        "features": [f for f in FEATURES if f in features],
        "layers": layers,
        "activation": choice(_WHERE, "activation", c["activation"], HIDDEN_ACTIVATIONS),
        "loss": choice(_WHERE, "loss", c["loss"], LOSSES),
        "lr": _number("lr", c["lr"], 0.0, 10.0),
        "batch": _int("batch", c["batch"], 1, points),
        "optimizer": choice(_WHERE, "optimizer", c["optimizer"], list(OPTIMIZERS)),
        "seed": _int("seed", c["seed"], 0, 2**31 - 1),
        "compile": _flag("compile", c["compile"]),
    }


def query(config: Mapping[str, Any]) -> str:
    """The URL query text of a configuration (``data=moons&noise=0.1&...``), as the page's address holds it."""
    c = check_config(config)
    text = {
        k: ",".join(map(str, v)) if isinstance(v, list) else str(int(v) if isinstance(v, bool) else v)
        for k, v in c.items()
    }
    return urlencode(text, safe=",^")
