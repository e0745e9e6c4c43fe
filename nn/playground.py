"""The Playground page's Python: a configuration, the training script it stands for, and views.

The docs site's Playground (``site/playground/index.html``) runs this module inside Pyodide;
its JavaScript only draws what :class:`Playground` returns. The same configuration gives the
same numbers in CPython, so a page can be checked against a local run::

    pg = Playground({"data": "moons", "layers": [8, 8], "lr": 0.03})
    pg.train(20)["loss"]        # mean training loss after 20 mini-batch steps

A configuration is a dict with the keys of :data:`DEFAULTS` (the page's URL query uses the same
keys; every value may also be given as its URL text, e.g. ``"layers": "8,8"``).
:func:`script` writes it out as a plain training script over ``nn`` and ``autograd_core``;
:class:`Playground` runs exactly that script (``pg.source``) and reads its names, so the code
panel of the page is what trains. Square loss follows the lecture: a tanh output h(x) = x_1^(L),
labels y in {-1, +1}, e = (h(x) - y)²; "softmax" uses two linear outputs and cross-entropy.
"""

from __future__ import annotations

import array
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from autograd_core import Value, grad
from autograd_core._checks import choice, describe, positive_int, real

from .layers import ACTIVATIONS
from .losses import softmax

__all__ = ["DEFAULTS", "DATASETS", "FEATURES", "LOSSES", "OPTIMIZERS", "check_config", "script", "Playground"]

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


_SCRIPT = """\
import math
import random

import autograd_core as ac
import nn

# data: {data_text}, {n} points, noise {noise!r}; {test:.0%} kept for testing
P, classes = {dataset}
P_train, P_test, c_train, c_test = nn.train_test_split(P, classes, test_size={test!r}, seed={seed})


def features(p):
    x1, x2 = p
    return [{features}]


X_train = [features(p) for p in P_train]
X_test = [features(p) for p in P_test]
{labels}
# network: {sizes_text}, {activation} hidden layers{output_text}
model = nn.MLP({nin}, {nouts}, activation="{activation}", output_activation="{output}", seed={seed})
opt = {optimizer}(model.parameters(), lr={lr!r})


def loss_of(out, y):
    return {loss_expr}


def example_loss(x, y):
    return loss_of(model(x), y)


{engine}rng = random.Random({seed})


def minibatches():
    while True:  # one shuffled epoch after another
        yield from nn.batches(X_train, y_train, {batch}, seed=rng)


batch = minibatches()


def train_step():
    X, y = next(batch)
    opt.zero_grad()
    {step_loss}
    opt.step()
    return loss


def mean_loss(X, y):
    {mean_loss}
"""

_COMPILED = (
    "c = ac.compile(example_loss, X_train[0], y_train[0])  # traced once, replayed as Python (print(c.source))\n",
    'loss = c.over(X, y, reduce="mean")  # the mean loss over the batch; its gradient into .grad',
    "return sum(c.values(X, y)) / len(X)",
)
_ENGINE = (
    "",
    "loss = nn.mean([example_loss(x, t) for x, t in zip(X, y)])\n    loss.backward()\n    loss = loss.data",
    "with ac.no_grad():\n        return float(nn.mean([example_loss(x, t) for x, t in zip(X, y)]))",
)
_NAMES = {"moons": "two moons", "circles": "circles", "xor": "XOR", "spiral": "two spirals"}


def script(config: Mapping[str, Any] | None = None) -> str:
    """The Python training script of a configuration: data, features, model, optimizer,
    ``example_loss``, ``train_step()`` (one mini-batch step) and ``mean_loss(X, y)``."""
    c = check_config(config)
    square = c["loss"] == "square"
    nin = len(c["features"])
    nouts = [*c["layers"], 1 if square else 2]
    engine = _COMPILED if c["compile"] else _ENGINE
    return _SCRIPT.format(
        data_text=_NAMES[c["data"]],
        n=c["points"],
        noise=c["noise"],
        test=c["test"],
        seed=c["seed"],
        dataset=DATASETS[c["data"]].format(n=c["points"], noise=c["noise"], seed=c["seed"]),
        features=", ".join(FEATURES[f] for f in c["features"]),
        labels=(
            "y_train, y_test = nn.to_signs(c_train), nn.to_signs(c_test)  # the lecture's labels -1, +1\n"
            if square
            else "y_train, y_test = [float(k) for k in c_train], [float(k) for k in c_test]  # one-hot: [1 - y, y]\n"
        ),
        sizes_text=" -> ".join(map(str, [nin, *nouts])),
        activation=c["activation"],
        output_text="; h(x) = x_1^(L) = tanh(s_1^(L))" if square else "; two scores f_0, f_1 (softmax)",
        nin=nin,
        nouts=nouts,
        output="tanh" if square else "linear",
        optimizer=OPTIMIZERS[c["optimizer"]],
        lr=c["lr"],
        loss_expr=(
            "nn.square_loss(out[0], y)  # e = (h(x) - y)^2"
            if square
            else "nn.logsumexp(out) - ac.dot([1 - y, y], out)  # L = -Σ_i y_i log p_i = log Σ_j e^(f_j) - Σ_i y_i f_i"
        ),
        engine=engine[0],
        batch=c["batch"],
        step_loss=engine[1],
        mean_loss=engine[2],
    )


def _columns(rows: list[list[float]]) -> list[list[float]]:
    return [list(col) for col in zip(*rows)]


class Playground:
    """One configuration's data, model and optimizer, trained step by step.

    ``pg.source`` is the script that built them (:func:`script`); ``pg.ns`` its names (``model``,
    ``opt``, ``X_train``, ``y_train``, ``train_step``, ...); ``pg.step`` counts mini-batch steps.
    """

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.config = check_config(config)
        self.source = script(self.config)
        self.ns: dict[str, Any] = {"__name__": "playground"}
        exec(compile(self.source, "<playground>", "exec"), self.ns)  # noqa: S102 - our own generated script
        self.model = self.ns["model"]
        self.step = 0
        self._state: dict[str, Any] | None = None

    def train(self, n: int = 1) -> dict[str, Any]:
        """Run ``n`` more mini-batch steps; the :meth:`state` after them."""
        n = positive_int(_WHERE, "n", n, minimum=0)
        train_step = self.ns["train_step"]
        for _ in range(n):
            train_step()
            self.step += 1
            self._state = None
        return self.state()

    def state(self) -> dict[str, Any]:
        """``{"step", "loss", "testLoss", "config"}``: the mean loss over the training and the
        test set at the current weights."""
        if self._state is None:
            ns = self.ns
            self._state = {
                "step": self.step,
                "loss": ns["mean_loss"](ns["X_train"], ns["y_train"]),
                "testLoss": ns["mean_loss"](ns["X_test"], ns["y_test"]),
                "config": dict(self.config),
            }
        return self._state

    def code(self) -> str:
        """The script, and the compiled step's generated source when training uses ``compile``."""
        c = self.ns.get("c")
        if c is None:
            return self.source
        body = "\n".join("# " + line if line else "#" for line in c.source.splitlines())
        return f"{self.source}\n\n# c.source, the replay that c.over runs for each example:\n{body}\n"

    def data(self) -> dict[str, Any]:
        """The points (x1, x2) with their classes, training and test, and the square ``extent``
        (x1 low, x1 high, x2 low, x2 high) of the drawn plane."""
        ns = self.ns
        pts = ns["P_train"] + ns["P_test"]
        lo = [min(p[i] for p in pts) for i in (0, 1)]
        hi = [max(p[i] for p in pts) for i in (0, 1)]
        half = 0.55 * max(hi[0] - lo[0], hi[1] - lo[1]) + 0.1
        mid = [(lo[i] + hi[i]) / 2 for i in (0, 1)]
        return {
            "train": [[p[0], p[1], k] for p, k in zip(ns["P_train"], ns["c_train"])],
            "test": [[p[0], p[1], k] for p, k in zip(ns["P_test"], ns["c_test"])],
            "extent": [mid[0] - half, mid[0] + half, mid[1] - half, mid[1] + half],
            "inputs": list(self.config["features"]),
        }

    def weights(self) -> list[list[list[float]]]:
        """Layer by layer, ``[i][j]`` = w_ij^(l) (row i = 0 the bias w_0j), as the lecture writes them."""
        return [
            [[n.b.data for n in layer.neurons]]
            + [[n.w[i].data for n in layer.neurons] for i in range(len(layer.neurons[0].w))]
            for layer in self.model.layers
        ]

    def grids(self, res: int = 32) -> bytes:
        """Every input x_i^(0) and neuron output x_j^(l) over a ``res`` x ``res`` grid of the plane (row
        by row from the top), layer after layer, then the output as one map in [-1, 1] (h, or 2 p_1 - 1):
        float64 values, packed. Plain floats through the rule table's forward functions."""
        res = positive_int(_WHERE, "res", res, minimum=2)
        x0, x1, y0, y1 = self.data()["extent"]
        points = [
            [x0 + (x1 - x0) * (c + 0.5) / res, y1 - (y1 - y0) * (r + 0.5) / res] for r in range(res) for c in range(res)
        ]
        cols = _columns([self.ns["features"](p) for p in points])
        out = array.array("d")
        for col in cols:
            out.extend(col)
        for layer in self.model.layers:
            rule = ACTIVATIONS[layer.activation]
            f = None if rule is None else rule.forward
            nxt = []
            for n in layer.neurons:
                s = [n.b.data] * len(points)
                for w, col in zip(n.w, cols):
                    wd = w.data
                    s = [a + wd * b for a, b in zip(s, col)]
                nxt.append(s if f is None else [f(v) for v in s])
            cols = nxt
            for col in cols:
                out.extend(col)
        if len(cols) == 2:  # softmax: 2 p_1 - 1 = tanh((f_1 - f_0) / 2)
            out.extend(math.tanh((b - a) / 2) for a, b in zip(*cols))
        else:
            out.extend(cols[0])
        return out.tobytes()

    def neuron_steps(self, k: int = 0) -> dict[str, Any]:
        """For training example ``k``: x^(0..L), s and δ = ∂e/∂s of every layer, θ'(s), w, the
        target and the loss e, from the engine's backward pass over the model's own forward
        graph. The model is not changed."""
        ns = self.ns
        k = self._example(k)
        x, y = ns["X_train"][k], ns["y_train"][k]
        inputs = [Value(v) for v in x]
        out = self.model(inputs)
        e = ns["loss_of"](out, y)
        layers = self.model.layers
        xs: list[list[Value]] = [[] for _ in range(len(layers) + 1)]
        ss: list[list[Value]] = [[] for _ in layers]
        xs[-1] = list(out)
        for l in range(len(layers), 0, -1):  # walk down the recorded graph: x = θ(s), s = affine(b, w, x^(l-1))
            linear = layers[l - 1].activation == "linear"
            ss[l - 1] = [v if linear else v.parents[0] for v in xs[l]]
            d = len(layers[l - 1].neurons[0].w)
            xs[l - 1] = list(ss[l - 1][0].parents[1 + d :])
        return self._steps(e, xs, ss, y, k)

    def _steps(self, e: Any, xs: list[list[Value]], ss: list[list[Value]], y: Any, k: int) -> dict[str, Any]:
        from autograd_core.viz.lecture import THETA  # the viz package only when a page asks

        flat = [s for layer in ss for s in layer]
        g = dict(zip(flat, grad(e, flat)))
        acts = [layer.activation for layer in self.model.layers]
        return {
            "k": k,
            "y": y,
            "e": e.data,
            "x": [[v.data for v in layer] for layer in xs],
            "s": [[v.data for v in layer] for layer in ss],
            "delta": [[g[v] for v in layer] for layer in ss],
            "theta_prime": [
                [1.0 if act == "linear" else xv.local_grads[0] for xv in xl] for xl, act in zip(xs[1:], acts)
            ],
            "activations": acts,
            "theta": {a: list(THETA[a]) for a in set(acts)},
            "w": self.weights(),
            "loss": self.config["loss"],
            "p": [float(p) for p in softmax([v.data for v in xs[-1]])] if len(xs[-1]) > 1 else None,
        }

    def _example(self, k: Any) -> int:
        k = positive_int(_WHERE, "k", k, minimum=0)
        if k >= len(self.ns["X_train"]):
            raise ValueError(f"{_WHERE}: training example {k} out of range (0..{len(self.ns['X_train']) - 1})")
        return k

    def lecture_page(self, k: int = 0) -> str:
        """The lecture page (:func:`autograd_core.viz.lecture_html`) of the current model on training
        example ``k`` with the configured learning rate, as HTML text. Square loss only."""
        if self.config["loss"] != "square":
            raise ValueError(
                f"{_WHERE}: the lecture page follows the square loss; this network uses {self.config['loss']}"
            )
        from autograd_core.viz.lecture import lecture_html

        ns = self.ns
        k = self._example(k)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "lecture.html"
            lecture_html(self.model, ns["X_train"][k], ns["y_train"][k], path, lr=self.config["lr"])
            return path.read_text(encoding="utf-8")
