"""W1 by hand: the demo step on plain floats, forward and backprop written out, no graph.

This is the floor a scalar engine in pure Python can approach: the same arithmetic as
micrograd's step without any node bookkeeping.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .data import SIZES
from .peers import ALPHA

__all__ = ["ReferenceDemo"]

Layers = list[list[list[float]]]  # layer -> neuron -> [w_1..w_n, b]


class ReferenceDemo:
    """loss = mean_i relu(1 - y_i s_i) + ALPHA * sum p^2, s = MLP(x) with relu hidden layers;
    gradients by the chain rule, layer by layer, sample by sample."""

    def __init__(self, values: Sequence[float], X: list[list[float]], ys: Sequence[float], lr: float) -> None:
        self.X, self.ys, self.lr = X, list(ys), lr
        self.layers: Layers = []
        it = iter(values)
        for nin, nout in itertools.pairwise(SIZES):
            self.layers.append([[next(it) for _ in range(nin + 1)] for _ in range(nout)])

    def _loss_and_grads(self) -> tuple[float, Layers]:
        layers = self.layers
        last = len(layers) - 1
        grads: Layers = [[[0.0] * len(row) for row in layer] for layer in layers]
        inv_n = 1.0 / len(self.X)
        data_loss = 0.0
        for x, y in zip(self.X, self.ys):
            acts = [x]
            for li, layer in enumerate(layers):
                inp = acts[-1]
                out = []
                for row in layer:
                    s = row[-1]  # micrograd's order: b + w_1 x_1 + ... + w_n x_n
                    for w, a in zip(row, inp):
                        s += w * a
                    out.append(s if li == last or s > 0.0 else 0.0)
                acts.append(out)
            margin = 1.0 - y * acts[-1][0]
            if margin <= 0.0:
                continue  # relu(margin) = 0: no loss, no gradient
            data_loss += margin
            delta = [-y * inv_n]  # d loss / d score
            for li in range(last, -1, -1):
                inp, out, g_layer = acts[li], acts[li + 1], grads[li]
                back = [0.0] * len(inp)
                for j, row in enumerate(layers[li]):
                    d = delta[j]
                    if d == 0.0 or (li != last and out[j] <= 0.0):
                        continue  # relu passes gradient only where its output is > 0
                    g = g_layer[j]
                    for k, a in enumerate(inp):
                        g[k] += d * a
                        back[k] += d * row[k]
                    g[-1] += d
                delta = back
        reg = 0.0
        for layer, g_layer in zip(layers, grads):
            for row, g in zip(layer, g_layer):
                for k, p in enumerate(row):
                    reg += p * p
                    g[k] += 2.0 * ALPHA * p
        return data_loss * inv_n + ALPHA * reg, grads

    def loss_and_grads(self) -> tuple[float, list[float]]:
        loss, grads = self._loss_and_grads()
        return loss, [g for g_layer in grads for g_row in g_layer for g in g_row]

    def step(self) -> float:
        loss, grads = self._loss_and_grads()
        lr = self.lr
        for layer, g_layer in zip(self.layers, grads):
            for row, g in zip(layer, g_layer):
                for k in range(len(row)):
                    row[k] -= lr * g[k]
        return loss
