"""``Playground``: one configuration's script run, trained step by step, and the views the page draws."""

from __future__ import annotations

import array
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from autograd_core import Value, grad
from autograd_core._checks import positive_int

from ..layers import ACTIVATIONS
from ..losses import softmax
from .config import check_config
from .script import script

__all__ = ["Playground"]

_WHERE = "Playground"


def _columns(rows: list[list[float]]) -> list[list[float]]:
    return [list(col) for col in zip(*rows)]


class Playground:
    """One configuration's data, model and optimizer, trained step by step.

    ``pg.source`` is the script that built them (:func:`script`); ``pg.ns`` its names (``model``,
    ``opt``, ``X_train``, ``y_train``, ``train_step``, ...); ``pg.step`` counts mini-batch steps.

    :param config: the Playground's settings (checked by ``check_config``; ``None``: the defaults).
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
        self.advance(n)
        return self.state()

    def advance(self, n: int = 1) -> int:
        """Run ``n`` more mini-batch steps and return the step count (no loss over the data sets:
        what the page calls between two drawings)."""
        n = positive_int(_WHERE, "n", n, minimum=0)
        train_step = self.ns["train_step"]
        for _ in range(n):
            train_step()
            self.step += 1
            self._state = None
        return self.step

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
        index: int = positive_int(_WHERE, "k", k, minimum=0)
        if index >= len(self.ns["X_train"]):
            raise ValueError(f"{_WHERE}: training example {index} out of range (0..{len(self.ns['X_train']) - 1})")
        return index

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
            sizes = "-".join(map(str, [self.model.nin, *self.model.nouts]))
            title = (
                f"Backprop, as in the lecture: the Playground's {sizes} network after {self.step} steps, example {k}"
            )
            lecture_html(self.model, ns["X_train"][k], ns["y_train"][k], path, lr=self.config["lr"], title=title)
            return path.read_text(encoding="utf-8")
