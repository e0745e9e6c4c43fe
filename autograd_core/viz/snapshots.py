"""Recording a training run cheaply: one snapshot per optimizer step, details computed later.

:class:`Recorder` is the Python half of :class:`~autograd_core.viz.TrainingView` and needs no
Jupyter. ``record(loss)`` copies the loss, every weight and every gradient (O(#parameters),
a few microseconds); the accuracy and, for 2-D inputs, the model's output on a grid are
computed from the stored weights only when asked for (:attr:`Recorder.history`, a live
redraw, a replay page), by a forward pass on floats:

    x^(l) = θ_l(W_l x^(l-1)),  s_j^(l) = w_0j + Σ_i w_ij x_i^(l-1)   (x_0 = 1),

so a fast training loop pays for its own steps only. Snapshot k describes the model the
k-th loss was computed with: its weights w (before step k's update), ∂loss/∂w, the loss,
and what those weights predict.

Models are read by duck typing, like :func:`~autograd_core.viz.draw_network`: an ``MLP``
(``.layers``), a ``Layer`` (``.neurons``) or a ``Neuron`` (``.w``, ``.b``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import attrgetter, mul
from types import SimpleNamespace
from typing import Any

from autograd_core import Value, no_grad
from autograd_core.shape import ACTIVATIONS, walk

__all__ = [
    "ModelShape",
    "Recorder",
    "forward_floats",
    "compile_floats",
    "run_floats",
    "GRID",
    "MAX_POINTS",
    "DETAIL_EXAMPLES",
    "MAX_SNAPSHOTS",
]

GRID = 24
"""Grid points per axis for the model's output over 2-D inputs."""
MAX_POINTS = 1000
"""At most this many data points are sent to a front end (accuracy still uses all of them)."""
MAX_SNAPSHOTS = 1000
"""At most this many snapshots keep their weights and gradients: past it, every other one of
the older snapshots is dropped (the first and the newest stay), so memory stays bounded, recent
steps stay dense and older ones get sparser. The loss of every step is kept."""

DETAIL_EXAMPLES = 8
"""A replay page carries the engine's δ and θ' of the first this many examples in every frame."""
_DATA = attrgetter("data")
_GRAD = attrgetter("grad")


class ModelShape:
    """Layer sizes d^(0..L), activation names, and the parameters in a fixed flat order:
    layer by layer, neuron by neuron, (w_0j = bias, w_1j, ..., w_dj)."""

    def __init__(self, model: Any) -> None:
        network = walk(model, "TrainingView")
        self.sizes = network.sizes
        self.activations = network.activations
        self.params: list[Value] = network.params
        self.floats_ok = network.floats_ok
        """True when θ of every layer is known by name, so predictions need no graph."""

    @property
    def n_in(self) -> int:
        return self.sizes[0]

    @property
    def n_out(self) -> int:
        return self.sizes[-1]

    def matrices(self, flat: Sequence[float]) -> list[list[list[float]]]:
        """The flat parameter list as one matrix per layer, indexed [i][j]: row 0 the biases w_0j."""
        out, k = [], 0
        for d_in, d_out in zip(self.sizes, self.sizes[1:]):
            cols = [flat[k + j * (d_in + 1) : k + (j + 1) * (d_in + 1)] for j in range(d_out)]
            out.append([[cols[j][i] for j in range(d_out)] for i in range(d_in + 1)])
            k += d_out * (d_in + 1)
        return out

    def describe(self) -> dict[str, Any]:
        return {"sizes": list(self.sizes), "activations": list(self.activations), "n_params": len(self.params)}


def _theta(name: str) -> Any:
    """θ on floats: the forward of the activation's rule (None for the identity)."""
    rule = ACTIVATIONS[name].rule
    return None if rule is None else rule.forward


def compile_floats(shape: ModelShape, flat: Sequence[float]) -> list[tuple[Any, list[tuple[float, list[float]]]]]:
    """Per layer: θ (None for linear) and, per neuron, (w_0j, [w_1j, ..., w_dj]); sliced once,
    so evaluating many inputs (a grid, a data set) costs only the arithmetic."""
    layers, k = [], 0
    for d_in, d_out, act in zip(shape.sizes, shape.sizes[1:], shape.activations):
        width = d_in + 1
        layers.append(
            (
                _theta(act),
                [(flat[k + j * width], list(flat[k + j * width + 1 : k + (j + 1) * width])) for j in range(d_out)],
            )
        )
        k += d_out * width
    return layers


def run_floats(layers: list[tuple[Any, list[tuple[float, list[float]]]]], x: Sequence[float]) -> list[float]:
    """h(x) for the compiled layers of :func:`compile_floats`: x^(l) = θ(W_l x^(l-1))."""
    xs = x
    for theta, rows in layers:
        if theta is None:
            xs = [b + sum(map(mul, w, xs)) for b, w in rows]
        else:
            xs = [theta(b + sum(map(mul, w, xs))) for b, w in rows]
    return list(xs)


def forward_floats(shape: ModelShape, flat: Sequence[float], x: Sequence[float]) -> list[float]:
    """h(x) computed on floats from the flat parameters (no graph): x^(l) = θ(W_l x^(l-1))."""
    return run_floats(compile_floats(shape, flat), x)


class Recorder:
    """Snapshots of a training run of ``model`` on optional data ``X`` (inputs) and ``y``
    (class labels: ±1 or 0/1 for one output, class indices for several)."""

    def __init__(
        self, model: Any, X: Sequence[Sequence[float]] | None = None, y: Sequence[Any] | None = None, grid: int = GRID
    ) -> None:
        self.model = model
        self.shape = ModelShape(model)
        self.X = None if X is None else [[float(v) for v in x] for x in X]
        self.y = None if y is None else [_label(v) for v in y]
        if self.X is not None and any(len(x) != self.shape.n_in for x in self.X):
            bad = next(i for i, x in enumerate(self.X) if len(x) != self.shape.n_in)
            raise ValueError(f"TrainingView: X[{bad}] has {len(self.X[bad])} inputs, the model takes {self.shape.n_in}")
        if self.y is not None and (self.X is None or len(self.y) != len(self.X)):
            raise ValueError(
                f"TrainingView: y needs X of the same length, got {len(self.y)} labels and "
                f"{'no X' if self.X is None else f'{len(self.X)} inputs'}"
            )
        if isinstance(grid, bool) or not isinstance(grid, int) or grid < 2:
            raise ValueError(f"TrainingView: grid must be an int >= 2, got {grid!r}")
        self.grid = grid
        self.bounds = _bounds(self.X) if self.X is not None and self.shape.n_in == 2 and self.X else None
        self.classes = _classes(self.y, self.shape.n_out)
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.weights: list[list[float] | None] = []  # None: a snapshot thinned out (MAX_SNAPSHOTS)
        self.grads: list[list[float] | None] = []
        self.kept: list[int] = []  # the snapshots that still have their weights, in order
        self._accuracy: dict[int, float] = {}
        self._grids: dict[int, list[list[Any]]] = {}
        self._current = list(map(_DATA, self.shape.params))
        """The weights as they are now: the ones the next loss is computed with."""
        slow = not self.shape.floats_ok and (self.y is not None or self.bounds is not None)
        self._pending = self._predict_with_model() if slow else None

    # --- recording (cheap) ------------------------------------------------------------------

    def record(self, loss: Any) -> int:
        """Store one snapshot: step number, loss, the weights the loss came from, the gradients.

        O(#parameters): no forward pass. Returns the new snapshot's index.
        """
        value = loss.data if isinstance(loss, Value) else loss
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"TrainingView.update: expected the loss as a Value or a number, got {type(loss).__name__}")
        params = self.shape.params
        after = list(map(_DATA, params))
        self.steps.append(len(self.steps) + 1)
        self.losses.append(float(value))
        self.weights.append(self._current)
        self.grads.append(list(map(_GRAD, params)))
        self._current = after
        index = len(self.steps) - 1
        self.kept.append(index)
        if len(self.kept) > MAX_SNAPSHOTS:
            self._thin()
        if self._pending is not None:  # unknown θ: what the model predicted before this step
            accuracy, grid = self._pending
            if accuracy is not None:
                self._accuracy[index] = accuracy
            if grid is not None:
                self._grids[index] = grid
            self._pending = self._predict_with_model()  # ... and now, for the next snapshot
        return index

    def __len__(self) -> int:
        return len(self.steps)

    def stored(self, index: int) -> tuple[list[float], list[float]]:
        """(weights, gradients) of snapshot ``index``; ``IndexError`` if it was thinned out."""
        w, g = self.weights[index], self.grads[index]
        if w is None or g is None:
            raise IndexError(f"TrainingView: snapshot {index} was thinned out (MAX_SNAPSHOTS = {MAX_SNAPSHOTS})")
        return w, g

    def _thin(self) -> None:
        """Drop the weights, gradients and grid of every other snapshot but the first and the newest."""
        dropped = self.kept[1:-1:2]
        for k in dropped:
            self.weights[k] = self.grads[k] = None
            self._grids.pop(k, None)
        self.kept = [self.kept[0], *self.kept[2:-1:2], self.kept[-1]]

    # --- derived, on demand --------------------------------------------------------------------

    def outputs(self, index: int, x: Sequence[float]) -> list[float]:
        """The model's outputs at ``x`` with the weights of snapshot ``index``."""
        return forward_floats(self.shape, self.stored(index)[0], x)

    def accuracy(self, index: int) -> float | None:
        """Training accuracy of snapshot ``index`` on (X, y), None without y (cached)."""
        if self.y is None or not self.X:
            return None
        if index not in self._accuracy:
            layers = compile_floats(self.shape, self.stored(index)[0])
            hits = sum(1 for x, t in zip(self.X, self.y) if self.predict(run_floats(layers, x)) == t)
            self._accuracy[index] = hits / len(self.X)
        return self._accuracy[index]

    def predict(self, h: Sequence[float]) -> Any:
        """sign(h) (as ±1 or 1/0, like the labels) for one output, argmax_i h_i for several."""
        if len(h) == 1:
            positive = h[0] > (0.5 if self.shape.activations[-1] == "sigmoid" else 0.0)
            return (1 if positive else -1) if self.classes == [-1, 1] else int(positive)
        return max(range(len(h)), key=h.__getitem__)

    def shown(self) -> list[int]:
        """Which data points a front end gets (at most :data:`MAX_POINTS`, evenly spaced)."""
        n = len(self.X) if self.X is not None else 0
        return list(range(n) if n <= MAX_POINTS else range(0, n, -(-n // MAX_POINTS)))

    def example_detail(self, index: int, example: int) -> dict[str, Any] | None:
        """For shown data point ``example`` and the weights of snapshot ``index``, by the engine's
        backward pass (:func:`autograd_core.viz.lecture.example_backprop`): x^(l), s^(l), δ^(l) =
        ∂e/∂s^(l), θ'(s^(l)) and ∂e/∂w of this example's loss: e = (h - y)² for one output,
        softmax cross-entropy -log p_y for several. Without labels, x and s only (δ, θ'... None).
        None when a θ is not known by name or the point does not exist. JSON-safe numbers."""
        from .lecture import example_backprop

        shown = self.shown()
        if not 0 <= example < len(shown) or not self.shape.floats_ok:
            return None
        x = self.X[shown[example]]  # type: ignore[index]
        labelled = self.y is not None
        y: Any = self.y[shown[example]] if self.y is not None else 0
        one = self.shape.n_out == 1
        if not one and not (isinstance(y, int) and 0 <= y < self.shape.n_out):
            return None
        flat, k, layers = self.stored(index)[0], 0, []
        for d_in, d_out, act in zip(self.shape.sizes, self.shape.sizes[1:], self.shape.activations):
            neurons = []
            for _ in range(d_out):
                neurons.append(SimpleNamespace(b=Value(flat[k]), w=[Value(v) for v in flat[k + 1 : k + d_in + 1]]))
                k += d_in + 1
            layers.append(SimpleNamespace(neurons=neurons, activation=act))
        out = example_backprop(
            SimpleNamespace(layers=layers), x, float(y) if one else y, "square" if one else "cross_entropy"
        )
        keep = ("x", "s", "delta", "theta_prime", "grad", "e", "p") if labelled else ("x", "s", "theta_prime")
        return {key: _json(out[key]) for key in keep if key in out}

    def grid_outputs(self, index: int) -> list[list[Any]] | None:
        """For 2-D inputs: ``grid[r][c]``, the output (a float, or the list of outputs) at
        (xs[c], ys[r]) of :meth:`grid_axes` with the weights of snapshot ``index`` (cached)."""
        if self.bounds is None:
            return None
        if index not in self._grids:
            xs, ys = self.grid_axes()
            layers = compile_floats(self.shape, self.stored(index)[0])
            one = self.shape.n_out == 1
            rows = ([run_floats(layers, (gx, gy)) for gx in xs] for gy in ys)
            self._grids[index] = [[(h[0] if one else h) for h in row] for row in rows]
        return self._grids[index]

    def grid_axes(self) -> tuple[list[float], list[float]]:
        (x0, x1), (y0, y1) = self.bounds  # type: ignore[misc]
        n = self.grid
        return [x0 + (x1 - x0) * c / (n - 1) for c in range(n)], [y0 + (y1 - y0) * r / (n - 1) for r in range(n)]

    def snapshot(self, index: int) -> dict[str, Any]:
        """Snapshot ``index`` as a dict: step, loss, accuracy (with y), weights and grads (one
        matrix per layer, [i][j], row 0 the bias), grid (2-D inputs)."""
        out: dict[str, Any] = {"step": self.steps[index], "loss": self.losses[index]}
        if self.y is not None:
            out["accuracy"] = self.accuracy(index)
        out["weights"] = self.shape.matrices(self.stored(index)[0])
        out["grads"] = self.shape.matrices(self.stored(index)[1])
        if self.bounds is not None:
            out["grid"] = self.grid_outputs(index)
        return out

    @property
    def history(self) -> Sequence[dict[str, Any]]:
        """The kept snapshots (see :data:`MAX_SNAPSHOTS`) as dicts, each computed when read."""
        return _History(self)

    def meta(self) -> dict[str, Any]:
        """What a front end needs once: the network's shape, the data, the grid's extent."""
        out: dict[str, Any] = self.shape.describe()
        keep = self.shown()
        out["X"] = [self.X[i] for i in keep] if self.X is not None else []
        out["y"] = [self.y[i] for i in keep] if self.y is not None else []
        out["classes"] = self.classes
        out["bounds"] = self.bounds
        out["grid"] = self.grid
        out["threshold"] = 0.5 if self.shape.activations[-1] == "sigmoid" else 0.0
        from .lecture import THETA

        out["theta_prime_text"] = {a: THETA[a][1] for a in self.shape.activations if a in THETA}
        return out

    def frame(self, index: int) -> dict[str, Any]:
        """Snapshot ``index`` for a front end: flat weights and gradients, JSON-safe numbers."""
        return {
            "step": self.steps[index],
            "loss": _finite(self.losses[index]),
            "accuracy": self.accuracy(index),
            "weights": [_finite(v) for v in self.stored(index)[0]],
            "grads": [_finite(v) for v in self.stored(index)[1]],
        }

    def _predict_with_model(self) -> tuple[float | None, list[list[Any]] | None]:
        """Accuracy and grid through the model itself, for its current weights (used when θ is
        not known by name, so floats cannot replay the weights later)."""
        model = self.model
        accuracy, grid = None, None
        with no_grad():

            def h(x: Sequence[float]) -> list[float]:
                out = model(list(x))
                return [v.data for v in (out if isinstance(out, list) else [out])]

            if self.y is not None and self.X:
                accuracy = sum(1 for x, t in zip(self.X, self.y) if self.predict(h(x)) == t) / len(self.X)
            if self.bounds is not None:
                xs, ys = self.grid_axes()
                one = self.shape.n_out == 1
                grid = [[(o[0] if one else o) for o in (h((gx, gy)) for gx in xs)] for gy in ys]
        return accuracy, grid


class _History(Sequence[dict[str, Any]]):
    """``recorder.history``: a view of the kept snapshots; ``history[i]`` computes snapshot i."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder, self._kept = recorder, list(recorder.kept)

    def __len__(self) -> int:
        return len(self._kept)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._recorder.snapshot(k) for k in self._kept[i]]
        return self._recorder.snapshot(self._kept[i])

    def __repr__(self) -> str:
        return f"<history of {len(self)} snapshots>"


def _label(v: Any) -> int:
    if isinstance(v, Value):
        v = v.data
    if isinstance(v, bool) or not isinstance(v, (int, float)) or v != int(v):
        raise ValueError(f"TrainingView: labels y must be whole numbers (±1, 0/1 or class indices), got {v!r}")
    return int(v)


def _classes(y: list[int] | None, n_out: int) -> list[int]:
    if y is None:
        return [-1, 1] if n_out == 1 else list(range(n_out))
    if n_out == 1:
        return [-1, 1] if -1 in y else [0, 1]
    return list(range(max(n_out, max(y, default=0) + 1)))


def _bounds(X: list[list[float]]) -> tuple[tuple[float, float], tuple[float, float]]:
    out = []
    for k in (0, 1):
        lo, hi = min(x[k] for x in X), max(x[k] for x in X)
        pad = max(0.1 * (hi - lo), 0.1)
        out.append((lo - pad, hi + pad))
    return out[0], out[1]


def _json(v: Any) -> Any:
    """Nested lists of floats with non-finite numbers as None."""
    return [_json(u) for u in v] if isinstance(v, list) else _finite(v)


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None
