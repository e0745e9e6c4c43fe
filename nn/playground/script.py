"""The training script a configuration stands for: plain ``nn`` and ``autograd_core`` code, shown on the page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .config import DATASETS, FEATURES, OPTIMIZERS, check_config

__all__ = ["script"]

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
