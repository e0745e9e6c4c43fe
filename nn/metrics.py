"""Predictions from network outputs, and accuracy.

The lecture predicts sign(h(x)) for two classes and argmax_i f_i(x) for K classes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd_core import Value
from autograd_core._checks import items, scalar, scalars
from autograd_core.value import data_of

__all__ = ["predict_sign", "predict_class", "accuracy"]

Scalar = Value | float | int


def predict_sign(h: Scalar | Sequence[Scalar]) -> int:
    """sign(h(x)) as +1 or -1 (0 counts as -1); ``h`` a Value, a number or an MLP's
    one-element output list."""
    if isinstance(h, (list, tuple)):
        if len(h) != 1:
            raise ValueError(f"predict_sign: expected one score, got {len(h)}")
        h = h[0]
    return 1 if data_of(scalar("predict_sign", "h", h)) > 0.0 else -1


def predict_class(scores: Sequence[Scalar]) -> int:
    """argmax_i f_i (the first index on ties)."""
    scores = scalars("predict_class", "scores", scores)
    if not scores:
        raise ValueError("predict_class: no scores (empty list)")
    values = [data_of(s) for s in scores]
    return values.index(max(values))


def accuracy(preds: Sequence[Any], targets: Sequence[Any]) -> float:
    """The fraction of i with preds[i] == targets[i] (labels: ints, floats or strings)."""
    preds, targets = items("accuracy", "preds", preds), items("accuracy", "targets", targets)
    if len(preds) != len(targets):
        raise ValueError(f"accuracy: {len(preds)} predictions but {len(targets)} targets")
    if not preds:
        raise ValueError("accuracy: no predictions (empty list)")
    try:
        return sum(1 for p, t in zip(preds, targets) if p == t) / len(preds)
    except (TypeError, ValueError) as error:  # e.g. arrays, whose == is not one bool
        raise TypeError(f"accuracy: predictions and targets must be labels that compare with == ({error})") from None
